"""Labels a person teaches: learn their own tags from the stored embeddings and suggest them.

ImageNet's classes do not know "our boat" or "receipts"; the person's tags do. For every
label a person put on at least ``MIN_EXAMPLES`` photos, a small classifier (a linear probe,
logistic regression trained by gradient descent, numpy only) learns it from:

- positives: photos the person tagged with it;
- hard negatives: photos they removed it from, and suggestions of it they rejected;
- unlabelled negatives: a random sample of the rest of the library.

How good it is, is measured on the person's own photos by cross-validation (every example
is scored by a classifier that did not see it). Untagged photos are not known negatives:
some of them are exactly what the label should find. So the probe's scores are calibrated to
the library (Platt scaling, unlabelled photos weighted up to their number in the library) and
corrected for "tagged photos are a sample of the true ones" (Elkan & Noto, 2008): with ``c``
the mean calibrated score of held-out tagged photos, P(label | photo) = P(tagged | photo) / c.
Recall is the share of held-out tagged photos reaching ``SUGGEST_AT``; precision the expected
share of right ones among what would be suggested. A label that ranks its held-out examples
poorly, or whose estimates fall below ``MIN_PRECISION`` / ``MIN_RECALL``, is "weak" and
suggests nothing.

Suggestions are rows of their own (``Library.replace_suggestions``), never a person's tags;
accepting one makes it a tag, rejecting one is kept for good and teaches a negative.
Everything is recomputed from the person's tags and rejections, so when the model behind the
embeddings changes (ResNet-18 arriving, INT8) ``is_stale`` says so and ``learn`` retrains on
the new embeddings; nothing confirmed or rejected is lost.

The learner is replaceable: ``learn(..., learner=...)`` takes any object with
``fit(x, y, weights) -> self`` and ``scores(x) -> logits`` (see ``LinearProbe``).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from resnet_desktop.core.library import Library

#: A label needs this many tagged photos (with an embedding) before it is learned.
MIN_EXAMPLES = 5
#: Labels learned per run at most (those with the most examples first).
MAX_LABELS = 300
#: Suggest a photo when the corrected probability reaches this.
SUGGEST_AT = 0.5
#: A label suggests only when cross-validation expects at least this precision and recall.
MIN_PRECISION = 0.5
MIN_RECALL = 0.3
#: ...and ranks a held-out example above this share of untagged photos on average (AUC; the
#: untagged photos include the label's own untagged ones, so even a perfect probe stays below 1).
MIN_RANKING = 0.75
#: A label on more than this share of the photos has nothing left to tell apart.
EVERYWHERE_SHARE = 0.9
#: Suggestions kept per label (best first): a review queue, not a second library.
MAX_SUGGESTIONS = 2000
#: Caps on the training set, so a label's training cost does not grow with the library.
MAX_POSITIVES = 2000
UNLABELLED_SAMPLE = 3000
HARD_NEGATIVE_WEIGHT = 3.0
FOLDS = 5

STATUSES = ("ready", "weak", "needs_examples", "everywhere", "no_embeddings", "not_learned")


class Learner(Protocol):
    def fit(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Learner: ...
    def scores(self, x: np.ndarray) -> np.ndarray: ...


class LinearProbe:
    """Weighted L2-regularised logistic regression, full-batch gradient descent with Adam steps."""

    def __init__(self, steps: int = 300, learning_rate: float = 0.05, l2: float = 1e-3) -> None:
        self.steps = steps
        self.learning_rate = learning_rate
        self.l2 = l2
        self.w: Any = None
        self.b = 0.0

    def fit(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> LinearProbe:
        import numpy as np

        weights = weights / weights.sum()
        w = np.zeros(x.shape[1], dtype=np.float32)
        b = 0.0
        m = np.zeros_like(w)
        v = np.zeros_like(w)
        mb = vb = 0.0
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        for step in range(1, self.steps + 1):
            p = _sigmoid(x @ w + b)
            err = (weights * (p - y)).astype(np.float32)
            gw = x.T @ err + self.l2 * w
            gb = float(err.sum())
            m = beta1 * m + (1 - beta1) * gw
            v = beta2 * v + (1 - beta2) * gw * gw
            mb = beta1 * mb + (1 - beta1) * gb
            vb = beta2 * vb + (1 - beta2) * gb * gb
            scale = self.learning_rate * np.sqrt(1 - beta2**step) / (1 - beta1**step)
            w -= scale * m / (np.sqrt(v) + eps)
            b -= scale * mb / (np.sqrt(vb) + eps)
        self.w, self.b = w, b
        return self

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x @ self.w + self.b


def _sigmoid(z: Any) -> Any:
    import numpy as np

    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


@dataclass
class LabelReport:
    """What a person sees about one taught label."""

    label: str
    status: str  # one of STATUSES
    examples: int  # tagged photos with an embedding from ``model``
    tagged: int  # photos tagged with it (some may have no embedding yet)
    negatives: int = 0  # photos it was removed from or rejected on
    precision: float | None = None  # cross-validated, on the person's photos
    recall: float | None = None
    ranking: float | None = None  # AUC of held-out examples against untagged photos
    suggestions: int = 0
    model: str | None = None
    seconds: float = 0.0
    message: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> LabelReport:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def needed(self) -> int:
        """Examples still needed before the label is learned."""
        return max(0, MIN_EXAMPLES - self.examples)

    def quality(self) -> str:
        return quality_words(self.precision, self.recall)


def quality_words(precision: float | None, recall: float | None) -> str:
    """'finds about 8 of 10, with 1 wrong in 10': the measured quality in a person's words."""
    if recall is None:
        return "not measured"
    found = round(recall * 10)
    part = f"finds about {found} of 10" if found else "finds fewer than 1 in 10"
    if precision is None:
        return part
    wrong = round((1.0 - precision) * 10)
    return part + (f", with {wrong} wrong in 10" if wrong else ", with fewer than 1 wrong in 10")


@dataclass
class Suggestion:
    photo_id: int
    path: str
    label: str
    probability: float


# --------------------------------------------------------------------------- embeddings


def current_model(lib: Library) -> str | None:
    """The model whose embeddings cover most photos: the one suggestions are learned on."""
    models = lib.embedding_models()
    return models[0][0] if models else None


def load_embeddings(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(photo ids, float32 matrix one row per photo) of the photos ``model`` embedded."""
    import numpy as np

    rows = lib.embedding_blobs(model)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    dim = Counter(r[1] for r in rows).most_common(1)[0][0]
    rows = [r for r in rows if r[1] == dim]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float16).reshape(len(rows), dim)
    return ids, matrix.astype(np.float32)


def _features(matrix: np.ndarray) -> np.ndarray:
    """Centre on the library's mean and scale every photo to unit length (cosine geometry)."""
    import numpy as np

    x = matrix - matrix.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-6)).astype(np.float32)


# --------------------------------------------------------------------------- staleness


def signature(lib: Library) -> str:
    """Changes whenever training would see something new: tags, rejections, embeddings, model."""
    digest = hashlib.sha256()
    digest.update(repr(lib.embedding_models()).encode())
    digest.update(repr(lib.user_tag_rows()).encode())
    digest.update(repr(lib.rejected_suggestions()).encode())
    return digest.hexdigest()


def is_stale(lib: Library) -> bool:
    """True when the taught labels should be (re)learned: new tags, rejections, photos, model."""
    return lib.teach_value("signature") != signature(lib)


def reports(lib: Library) -> list[LabelReport]:
    """The last training's report per taught label, most examples first."""
    found = []
    for label, text, _at in lib.taught_reports():
        report = LabelReport.from_json(text)
        report.label = label
        found.append(report)
    found.sort(key=lambda r: (-r.examples, r.label.lower()))
    return found


def suggestions(lib: Library, label: str | None = None, limit: int | None = None) -> list[Suggestion]:
    """Open suggestions, best first, never for a photo that already carries the label."""
    result = []
    for photo_id, name, probability in lib.open_suggestions(label=label, limit=limit):
        row = lib.get(photo_id)
        if row is not None:
            result.append(Suggestion(photo_id, row.path, name, float(probability)))
    return result


# --------------------------------------------------------------------------- training


@dataclass
class _Examples:
    spelling: str
    added: set[int] = field(default_factory=set)
    negative: set[int] = field(default_factory=set)  # removed by the person, or rejected


def _examples(lib: Library) -> dict[str, _Examples]:
    labels: dict[str, _Examples] = {}
    for photo_id, tag, state in lib.user_tag_rows():
        entry = labels.setdefault(tag.lower(), _Examples(tag))
        (entry.added if state == "added" else entry.negative).add(photo_id)
    for photo_id, label in lib.rejected_suggestions():
        if label.lower() in labels:
            labels[label.lower()].negative.add(photo_id)
    # labels only ever removed (an ImageNet label the person took off) are not taught
    return {k: v for k, v in labels.items() if v.added}


def learn(
    lib: Library,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    learner: Callable[[], Learner] = LinearProbe,
    seed: int = 0,
) -> list[LabelReport]:
    """Train every taught label, store its report and suggestions; returns the reports.

    Each label is written in its own transaction, so a cancelled run keeps the labels it
    finished (and stays stale, so the next run redoes the rest).
    """
    import numpy as np

    stamp = signature(lib)
    labels = _examples(lib)
    model = current_model(lib)
    if model is not None:
        ids, matrix = load_embeddings(lib, model)
    else:
        ids, matrix = np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    x = _features(matrix) if len(ids) else matrix
    row_of = {int(photo_id): i for i, photo_id in enumerate(ids)}
    order = sorted(labels.values(), key=lambda e: (-len(e.added), e.spelling.lower()))
    results: list[LabelReport] = []
    learned = 0
    rng = np.random.default_rng(seed)
    for position, entry in enumerate(order):
        if progress is not None:
            progress(position, len(order), entry.spelling)
        if cancel is not None and cancel.is_set():
            return results
        pos = np.array(sorted(row_of[i] for i in entry.added if i in row_of), dtype=np.int64)
        hard = np.array(
            sorted(row_of[i] for i in entry.negative - entry.added if i in row_of), dtype=np.int64
        )
        report = LabelReport(
            entry.spelling, "needs_examples", len(pos), len(entry.added), len(entry.negative), model=model
        )
        scored: list[tuple[int, float]] = []
        if model is None:
            report.status = "no_embeddings"
            report.message = "no photo has an embedding yet: add photos and let them be tagged first"
        elif len(pos) < MIN_EXAMPLES:
            report.message = _needs_more(report)
        elif learned >= MAX_LABELS:
            report.status = "not_learned"
            report.message = (
                f"not learned: only the {MAX_LABELS} labels with the most examples are learned at a time"
            )
        else:
            learned += 1
            started = time.perf_counter()
            scored = _train_one(x, pos, hard, report, learner, rng)
            report.seconds = round(time.perf_counter() - started, 4)
        report.suggestions = len(scored)
        lib.replace_suggestions(
            entry.spelling, model or "", ((int(ids[i]), p) for i, p in scored), report.to_json()
        )
        results.append(report)
    lib.forget_taught_labels(labels)
    if cancel is None or not cancel.is_set():
        lib.set_teach_value("signature", stamp)
    return results


def _needs_more(report: LabelReport) -> str:
    more = MIN_EXAMPLES - report.examples
    text = f"needs {more} more example{'s' if more != 1 else ''} (has {report.examples} of {MIN_EXAMPLES})"
    missing = report.tagged - report.examples
    if missing > 0:
        text += (
            f"; {missing} of its photos {'has' if missing == 1 else 'have'} no embedding from "
            f"{report.model} yet (File > Re-tag Library, or `resnet-desktop index`)"
        )
    return text


def _train_one(
    x: np.ndarray,
    pos: np.ndarray,
    hard: np.ndarray,
    report: LabelReport,
    learner: Callable[[], Learner],
    rng: np.random.Generator,
) -> list[tuple[int, float]]:
    """Cross-validate, decide the status, then train on everything and score the library."""
    import numpy as np

    n = len(x)
    taken = np.zeros(n, dtype=bool)
    taken[pos] = True
    taken[hard] = True
    unlabelled = np.flatnonzero(~taken)
    if len(pos) > EVERYWHERE_SHARE * n or len(unlabelled) < MIN_EXAMPLES:
        report.status = "everywhere"
        report.message = (
            f"is on {len(pos)} of the {n} photos: nothing is left to tell it apart from, "
            "so nothing is suggested"
        )
        return []
    if len(pos) > MAX_POSITIVES:
        pos = rng.choice(pos, MAX_POSITIVES, replace=False)
    sample = (
        unlabelled
        if len(unlabelled) <= UNLABELLED_SAMPLE
        else rng.choice(unlabelled, UNLABELLED_SAMPLE, replace=False)
    )
    scale = len(unlabelled) / len(sample)  # each sampled photo stands for this many in the library

    # --- cross-validation: every example scored by a classifier that did not see it
    folds = min(FOLDS, len(pos))
    groups = [rng.permutation(len(part)) % folds for part in (pos, sample, hard)]
    oof = [np.zeros(len(part)) for part in (pos, sample, hard)]
    for k in range(folds):
        train = [part[g != k] for part, g in zip((pos, sample, hard), groups, strict=True)]
        probe = _fit(x, *train, learner)
        for j, (part, g) in enumerate(zip((pos, sample, hard), groups, strict=True)):
            if (g == k).any():
                oof[j][g == k] = probe.scores(x[part[g == k]])
    s_pos, s_unl, s_hard = oof
    ranking = float((s_pos[:, None] > s_unl[None, :]).mean()) if len(s_unl) else 1.0

    # --- calibrate to the library, then correct for untagged positives (Elkan & Noto)
    a, b = _platt(
        np.concatenate([s_pos, s_unl, s_hard]),
        np.concatenate([np.ones(len(s_pos)), np.zeros(len(s_unl) + len(s_hard))]),
        np.concatenate([np.ones(len(s_pos)), np.full(len(s_unl), scale), np.ones(len(s_hard))]),
    )
    tagged_p = _sigmoid(a * s_pos + b)
    c = float(np.clip(tagged_p.mean(), 1e-6, 1.0))

    def corrected(s: np.ndarray) -> np.ndarray:
        return np.minimum(1.0, _sigmoid(a * s + b) / c)

    recall = float((corrected(s_pos) >= SUGGEST_AT).mean())
    unl_p = _sigmoid(a * s_unl + b)
    above = corrected(s_unl) >= SUGGEST_AT
    right_unl = np.minimum(1.0, (1.0 - c) / c * unl_p / np.maximum(1.0 - unl_p, 1e-12))
    hard_above = int((corrected(s_hard) >= SUGGEST_AT).sum())
    pos_above = int((corrected(s_pos) >= SUGGEST_AT).sum())
    total = pos_above + scale * above.sum() + hard_above
    precision = float((pos_above + scale * right_unl[above].sum()) / total) if total else None
    report.precision = None if precision is None else round(precision, 3)
    report.recall = round(recall, 3)
    report.ranking = round(ranking, 3)
    good = ranking >= MIN_RANKING and recall >= MIN_RECALL and (precision or 0.0) >= MIN_PRECISION
    if not good:
        report.status = "weak"
        report.message = (
            f"too unsure to suggest yet ({report.quality()}): tag more photos with it, "
            "or remove it from photos where it is wrong"
        )
        return []
    report.status = "ready"
    report.message = report.quality()

    # --- the final classifier sees every example; suggest among the photos nobody decided on
    probe = _fit(x, pos, sample, hard, learner)
    probability = corrected(probe.scores(x[unlabelled]))
    keep = np.flatnonzero(probability >= SUGGEST_AT)
    keep = keep[np.argsort(-probability[keep], kind="stable")][:MAX_SUGGESTIONS]
    return [(int(unlabelled[i]), round(float(probability[i]), 4)) for i in keep]


def _fit(x: np.ndarray, pos: np.ndarray, unl: np.ndarray, hard: np.ndarray, learner: Callable[[], Learner]):
    """Positives against negatives, each side weighing half (hard negatives count more)."""
    import numpy as np

    rows = np.concatenate([pos, unl, hard])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(unl) + len(hard))]).astype(np.float32)
    neg_w = np.concatenate([np.ones(len(unl)), np.full(len(hard), HARD_NEGATIVE_WEIGHT)])
    weights = np.concatenate([np.full(len(pos), neg_w.sum() / max(len(pos), 1)), neg_w]).astype(np.float32)
    return learner().fit(x[rows], y, weights)


def _platt(s: np.ndarray, y: np.ndarray, w: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """Fit P(y=1 | s) = sigmoid(a s + b) by weighted Newton steps (two parameters)."""
    import numpy as np

    # Platt's smoothed targets keep a perfectly separated set from pushing a to infinity
    n_pos, n_neg = float(w[y == 1].sum()), float(w[y == 0].sum())
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = _sigmoid(a * s + b)
        r = w * (p - t)
        g = np.array([(r * s).sum(), r.sum()])
        h = w * p * (1 - p)
        hess = np.array([[(h * s * s).sum(), (h * s).sum()], [(h * s).sum(), h.sum()]]) + 1e-6 * np.eye(2)
        step = np.clip(np.linalg.solve(hess, g), -5.0, 5.0)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-7:
            break
    return float(a), float(b)
