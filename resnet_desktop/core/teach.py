"""Labels a person teaches: learn their own tags from the stored embeddings and suggest them.

ImageNet's classes do not know "our boat" or "receipts"; the person's tags do. For every
label a person put on at least ``MIN_EXAMPLES`` photos, a small classifier (numpy only; by
default ``CentroidLearner``, closed form, which ranked new pictures of a concept as well as
the logistic ``LinearProbe`` on benchmarks/bench_teach.py and trains in microseconds)
learns it from:

- positives: photos the person tagged with it (each distinct picture weighs the same);
- hard negatives: photos they removed it from, and suggestions of it they rejected;
- unlabelled negatives: a random sample of the rest of the library.

Whether it suggests, and down to which threshold, comes from cross-validation: every example
is scored by a classifier that did not see it (nor a near copy of it). Untagged photos are not
known negatives: some of them are exactly what the label should find. Their share is bounded
by the mixture bound (untagged photos scoring above any threshold are at least that share of
the label's own photos times the share of held-out tagged photos above it: Scott, Blanchard &
Handy 2013), read at the median held-out example. From it follow, at every threshold, the
expected precision of what would be suggested; the app suggests down to the lowest threshold
that keeps it at ``MIN_PRECISION``, but not past the one finding ``TARGET_RECALL`` of the
held-out examples.

What the person is told is measured separately and conservatively. Near copies of a picture
teach and test little more than the picture itself, so the sample size is the number of
distinct pictures among the examples. From ``MIN_MEASURED`` of them on, nested cross-validation
(each fold's threshold chosen by classifiers that never saw the fold) gives precision and
recall, and the label reports their Wilson lower bounds (``wilson_lower``); a label measured
below ``MIN_PRECISION`` or ``MIN_RECALL`` is "weak" and suggests nothing. Below that it says
its quality is not measured yet and offers a first guess of at most
``FIRST_GUESS_PER_PICTURE`` suggestions per picture, for the person to review. A suggestion's
probability is the expected precision of suggestions at least as sure as it, lowered like the
label's own figures.

Suggestions are rows of their own (``Library.replace_suggestions``), never a person's tags;
accepting one makes it a tag, rejecting one is kept for good and teaches a negative.
Everything is recomputed from the person's tags and rejections, so when the model behind the
embeddings changes (ResNet-18 arriving, INT8) ``is_stale`` says so and ``learn`` retrains on
the new embeddings; nothing confirmed or rejected is lost.

The learner is replaceable: ``learn(..., learner=...)`` takes a factory of objects with
``fit(x, y, weights) -> self`` and ``scores(x, column=None) -> logits`` that train one
classifier per column of ``weights`` (see ``Learner``, ``CentroidLearner``, ``LinearProbe``).
Cross-validation folds keep near copies of a picture together (``duplicate_groups``), so
bursts and edits do not flatter it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
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
#: Suggestions stop where their expected precision would fall below this; a label suggests
#: only when cross-validation expects this precision with at least MIN_RECALL.
MIN_PRECISION = 0.5
MIN_RECALL = 0.3
#: ...and stop at the threshold that finds this share of held-out examples ("8 of 10"): below
#: it the untagged photos crowd in and the expected precision is the least reliable.
TARGET_RECALL = 0.8
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
#: Cosine similarity (of centred embeddings) from which two photos count as near copies.
NEAR_COPY = 0.6
#: Distinct pictures (groups of near copies) a label needs to be cross-validated.
MIN_DISTINCT = 2
#: Below this many distinct pictures among the examples the measured quality is a rough estimate
#: (near copies of one picture teach and test little more than the picture itself).
ROUGH_BELOW = 10
#: Distinct pictures a label needs before its quality is measured (nested cross-validation)
#: and told; below it, it suggests as a first guess and says the quality is not measured yet.
MIN_MEASURED = 8
#: An unmeasured label's first guess is this many suggestions per distinct picture at most: a
#: few to review (each answer teaches it), not hundreds of guesses nobody can vouch for.
FIRST_GUESS_PER_PICTURE = 5
#: Standard errors below the measured share that a claimed precision or recall stands at.
CONFIDENCE_Z = 1.28

STATUSES = ("ready", "weak", "needs_examples", "needs_variety", "everywhere", "no_embeddings", "not_learned")


class Learner(Protocol):
    """Trains ``m`` classifiers at once on the same rows: column j of ``weights`` (n, m) is the
    j-th one's weight per row (0 leaves the row out). ``scores`` gives logits, shape (n, m), or
    one column's, shape (n,), when ``column`` is given (scoring the library needs one)."""

    def fit(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Learner: ...
    def scores(self, x: np.ndarray, column: int | None = None) -> np.ndarray: ...


class _Linear:
    w: Any = None
    b: Any = None

    def scores(self, x: np.ndarray, column: int | None = None) -> np.ndarray:
        if column is None:
            return x @ self.w + self.b
        return x @ self.w[:, column] + self.b[column]


class CentroidLearner(_Linear):
    """The direction from the negatives' weighted mean to the positives' (closed form, one
    matrix product for every column): the nearest-centroid rule on the unit-length embeddings,
    with the person's rejections pulling the negatives' mean towards what they said no to.

    The default: on the concept benchmark (benchmarks/bench_teach.py) it ranked new pictures of
    a concept as well as or better than the logistic probe and whitened (LDA / ridge) variants,
    which learn the taught pictures' particulars; and it trains in microseconds.
    """

    def fit(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> CentroidLearner:
        import numpy as np

        positive = weights * (y[:, None] > 0.5)
        negative = weights - positive
        mean_pos = (x.T @ positive) / np.maximum(positive.sum(axis=0), 1e-12)
        mean_neg = (x.T @ negative) / np.maximum(negative.sum(axis=0), 1e-12)
        self.w = (mean_pos - mean_neg).astype(np.float32)
        self.b = (-0.5 * ((mean_pos + mean_neg) * self.w).sum(axis=0)).astype(np.float32)
        return self


class LinearProbe(_Linear):
    """Weighted L2-regularised logistic regression, full-batch gradient descent with Adam steps.

    The cross-validation folds and the final classifier train together as columns of one
    weight matrix: one matrix product per step instead of one per fold. Kept for comparison
    (``learn(..., learner=LinearProbe)``; the benchmark reports it next to the default).
    """

    def __init__(self, steps: int = 300, learning_rate: float = 0.05, l2: float = 0.03) -> None:
        self.steps = steps
        self.learning_rate = learning_rate
        self.l2 = l2

    def fit(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> LinearProbe:
        import numpy as np

        weights = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-12)
        columns = weights.shape[1]
        w = np.zeros((x.shape[1], columns), dtype=np.float32)
        b = np.zeros(columns, dtype=np.float32)
        m, v = np.zeros_like(w), np.zeros_like(w)
        mb, vb = np.zeros_like(b), np.zeros_like(b)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        y = y[:, None]
        for step in range(1, self.steps + 1):
            p = _sigmoid(x @ w + b)
            err = (weights * (p - y)).astype(np.float32)
            gw = x.T @ err + self.l2 * w
            gb = err.sum(axis=0)
            m = beta1 * m + (1 - beta1) * gw
            v = beta2 * v + (1 - beta2) * gw * gw
            mb = beta1 * mb + (1 - beta1) * gb
            vb = beta2 * vb + (1 - beta2) * gb * gb
            scale = self.learning_rate * np.sqrt(1 - beta2**step) / (1 - beta1**step)
            w -= scale * m / (np.sqrt(v) + eps)
            b -= scale * mb / (np.sqrt(vb) + eps)
        self.w, self.b = w, b
        return self


#: What ``learn`` trains unless told otherwise (measurements decide: see CentroidLearner).
DEFAULT_LEARNER: Callable[[], Learner] = CentroidLearner


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
    pictures: int | None = None  # distinct pictures among the examples (near copies count once)
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
    from resnet_desktop.core import embeddings

    return embeddings.default_model(lib)


def load_embeddings(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(photo ids, float32 matrix one row per photo) of the photos ``model`` embedded, through
    core.embeddings (cached until the library's embeddings generation moves)."""
    import numpy as np

    from resnet_desktop.core import embeddings

    matrix = embeddings.load(lib, model)
    if not len(matrix):
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    return np.asarray(matrix.ids), matrix.vectors.astype(np.float32)


def _features(matrix: np.ndarray) -> np.ndarray:
    """Centre on the library's mean and scale every photo to unit length (cosine geometry)."""
    import numpy as np

    x = matrix - matrix.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-6)).astype(np.float32)


# --------------------------------------------------------------------------- staleness


def signature(lib: Library) -> str:
    """Changes whenever training would see something new: tags, rejections, embeddings, model."""
    from resnet_desktop.core import embeddings

    digest = hashlib.sha256()
    digest.update(repr((embeddings.generation(lib), current_model(lib))).encode())
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
    learner: Callable[[], Learner] | None = None,
    seed: int = 0,
) -> list[LabelReport]:
    """Train every taught label, store its report and suggestions; returns the reports.

    Each label is written in its own transaction, so a cancelled run keeps the labels it
    finished (and stays stale, so the next run redoes the rest).
    """
    import numpy as np

    learner = DEFAULT_LEARNER if learner is None else learner
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


def duplicate_groups(x: np.ndarray, similar: float | None = None) -> np.ndarray:
    """Group id per row: rows joined by a chain of cosine similarities >= ``similar`` (bursts,
    edits and copies of one picture). Cross-validation keeps a group in one fold, or a copy
    of a training photo would grade the classifier and flatter it."""
    import numpy as np

    similar = NEAR_COPY if similar is None else similar
    n = len(x)
    close = (x @ x.T) >= similar
    group = np.full(n, -1, dtype=np.int64)
    count = 0
    for start in range(n):
        if group[start] >= 0:
            continue
        group[start] = count
        todo = [start]
        while todo:
            i = todo.pop()
            for j in np.flatnonzero(close[i] & (group < 0)):
                group[j] = count
                todo.append(int(j))
        count += 1
    return group


def _train_one(
    x: np.ndarray,
    pos: np.ndarray,
    hard: np.ndarray,
    report: LabelReport,
    learner: Callable[[], Learner],
    rng: np.random.Generator,
) -> list[tuple[int, float]]:
    """Cross-validate, decide the status, and score the library with the final classifier."""
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
    groups = duplicate_groups(x[pos])
    distinct = int(groups.max()) + 1
    report.pictures = distinct
    if distinct < MIN_DISTINCT:
        report.status = "needs_variety"
        report.message = (
            f"its {len(pos)} examples are near copies of {distinct} "
            f"picture{'s' if distinct != 1 else ''}: tag a few different photos with it"
        )
        return []
    if len(unlabelled) <= UNLABELLED_SAMPLE:
        sample = unlabelled
    else:
        sample = rng.choice(unlabelled, UNLABELLED_SAMPLE, replace=False)
    # every distinct picture weighs the same, however many near copies of it were tagged
    picture_weight = 1.0 / np.bincount(groups)[groups]

    # --- folds keep near copies together. Columns: one classifier per fold (scores what it left
    # out), the final one, and, when the quality is measured, one per pair of folds (k, j): they
    # score fold j for a threshold chosen without fold k, which then grades that threshold.
    folds = min(FOLDS, distinct)
    measured = distinct >= MIN_MEASURED
    fold = np.concatenate(
        [
            (rng.permutation(distinct) % folds)[groups],
            rng.permutation(len(sample)) % folds,
            rng.permutation(len(hard)) % folds,
        ]
    )
    rows = np.concatenate([pos, sample, hard])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(sample) + len(hard))]).astype(np.float32)
    base = np.concatenate([picture_weight, np.ones(len(sample)), np.full(len(hard), HARD_NEGATIVE_WEIGHT)])
    pairs = [(k, j) for k in range(folds) for j in range(folds) if j != k] if measured else []
    seen = [fold != k for k in range(folds)] + [np.ones(len(rows), dtype=bool)]
    seen += [(fold != k) & (fold != j) for k, j in pairs]
    weights = base[:, None] * np.stack(seen, axis=1)
    for j in range(weights.shape[1]):  # positives and negatives weigh the same in every column
        positive = weights[: len(pos), j].sum()
        weights[: len(pos), j] *= weights[len(pos) :, j].sum() / max(positive, 1e-12)
    probe = learner().fit(x[rows], y, weights.astype(np.float32))
    every = probe.scores(x[rows])
    oof = every[np.arange(len(rows)), fold]  # scored by a classifier that did not see it
    is_pos = np.arange(len(rows)) < len(pos)
    is_unl = (np.arange(len(rows)) >= len(pos)) & (np.arange(len(rows)) < len(pos) + len(sample))
    s_pos, s_unl = oof[is_pos], oof[is_unl]
    ranking = float((s_pos[:, None] > s_unl[None, :]).mean()) if len(s_unl) else 1.0

    # --- the threshold and the expected precision above it, from the held-out scores
    cut, pi, precision_at = _choose_cut(s_pos, picture_weight, s_unl)
    point_recall = _weighted_share_above(s_pos, picture_weight, cut) if cut is not None else 0.0
    point_precision = float(precision_at(np.array([cut]))[0]) if cut is not None else 0.0
    report.ranking = round(ranking, 3)

    if measured:
        # nested: fold k's threshold is chosen on the other folds' scores by classifiers that
        # never saw fold k, then counted on fold k as the app would count new photos
        column = {pair: folds + 1 + i for i, pair in enumerate(pairs)}
        found = above = 0.0
        for k in range(folds):
            inner = fold != k
            inner_scores = every[np.flatnonzero(inner), [column[(k, int(j))] for j in fold[inner]]]
            cut_k, _pi, _p = _choose_cut(
                inner_scores[is_pos[inner]],
                picture_weight[fold[: len(pos)] != k],
                inner_scores[is_unl[inner]],
            )
            if cut_k is None:
                continue
            found += float(picture_weight[(fold[: len(pos)] == k) & (s_pos >= cut_k)].sum())
            above += float(((fold[is_unl] == k) & (s_unl >= cut_k)).sum())
        recall = found / distinct
        share = above / max(len(s_unl), 1)
        precision = 1.0 if share == 0 else min(1.0, pi * recall / share)
        # what the person is told is the lower end of what the measurement allows: near copies
        # of one picture teach and test little more than the picture itself, so the sample
        # size is the number of distinct pictures
        report.recall = round(wilson_lower(recall, distinct), 3)
        report.precision = round(wilson_lower(precision, distinct), 3) if recall > 0 else None
    else:
        recall, precision = point_recall, point_precision
    # a label whose measured quality is too low says so and suggests nothing: never "9 wrong
    # in 10" next to its suggestions
    if (
        cut is None
        or pi == 0.0
        or ranking < MIN_RANKING
        or min(point_recall, recall) < MIN_RECALL
        or min(point_precision, precision) < MIN_PRECISION
    ):
        report.status = "weak"
        report.message = (
            f"too unsure to suggest yet ({report.quality()}): tag more photos with it, "
            "or remove it from photos where it is wrong"
        )
        return []
    report.status = "ready"
    if not measured:
        report.message = (
            f"not enough different pictures to measure how good it is yet ({distinct} of {MIN_MEASURED}): "
            "its suggestions are a first guess"
        )
    else:
        report.message = report.quality()
        if distinct < ROUGH_BELOW:
            report.message += f" (a rough estimate: {distinct} different pictures among its examples)"

    # --- the final classifier saw every example; suggest among the photos nobody decided on.
    # A suggestion's probability is the expected precision of suggestions at least this sure.
    # Photos of the unlabelled sample were negatives for the final classifier, which pushed
    # its untagged own ones down: they keep the score of the fold that left them out.
    scores = probe.scores(x, folds)[unlabelled]
    scores[np.searchsorted(unlabelled, sample)] = s_unl
    keep = np.flatnonzero(scores >= cut)
    most = MAX_SUGGESTIONS if measured else FIRST_GUESS_PER_PICTURE * distinct
    keep = keep[np.argsort(-scores[keep], kind="stable")][:most]
    probability = precision_at(scores[keep])
    # never more sure further down; never less than the precision of all the suggestions;
    # and, like the label's own figures, no surer than its distinct pictures can promise
    probability = np.maximum(np.maximum.accumulate(probability[::-1])[::-1], point_precision)
    # a measured label's nested figure is the better guess of the whole set's precision
    scale = min(1.0, precision / point_precision) if measured and point_precision > 0 else 1.0
    probability = np.array([wilson_lower(float(p) * scale, distinct) for p in probability])
    return [(int(unlabelled[i]), round(float(p), 4)) for i, p in zip(keep, probability, strict=True)]


def _choose_cut(
    s_pos: np.ndarray, pos_weight: np.ndarray, s_unl: np.ndarray
) -> tuple[float | None, float, Callable[[np.ndarray], np.ndarray]]:
    """(threshold, share of untagged photos that deserve the label, expected precision at
    thresholds) from held-out scores of tagged photos (``pos_weight`` each) and untagged ones.

    How many untagged photos deserve it: the mixture bound. Untagged photos are a mix of the
    label's own (scoring like held-out tagged ones) and others, so at every threshold t
    share_untagged(t) >= pi * share_tagged(t); the smallest ratio bounds pi from above. The
    threshold is the lowest (most found) whose expected precision is still MIN_PRECISION.
    """
    import numpy as np

    order = np.argsort(s_pos)
    ordered, cumulative = s_pos[order], np.cumsum(pos_weight[order][::-1])[::-1]
    total = float(pos_weight.sum()) or 1.0
    unl = np.sort(s_unl)

    def tagged_above(t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(ordered, t, side="left")
        return np.where(i < len(ordered), cumulative[np.minimum(i, len(ordered) - 1)], 0.0) / total

    def untagged_above(t: np.ndarray) -> np.ndarray:
        return (len(unl) - np.searchsorted(unl, t, side="left")) / max(len(unl), 1)

    candidates = np.unique(s_pos)[::-1]
    tagged, untagged = tagged_above(candidates), untagged_above(candidates)
    steady = tagged >= 0.5  # the smallest ratios are the noisiest
    # the ratio at the median held-out example's score: every threshold's ratio bounds pi from
    # above, and the smallest is the noisiest (with few examples it fell to a third of the truth)
    steady = np.flatnonzero(tagged >= 0.5)
    pi = float(untagged[steady[0]] / tagged[steady[0]]) if len(steady) else 0.0

    def precision_at(t: np.ndarray) -> np.ndarray:
        share = untagged_above(t)
        return np.where(share == 0, 1.0, np.minimum(1.0, pi * tagged_above(t) / np.maximum(share, 1e-12)))

    # the estimate is least sure far down, where the untagged crowd is: stop at TARGET_RECALL
    within = (tagged <= TARGET_RECALL) | (np.arange(len(candidates)) == 0)
    good = np.flatnonzero((precision_at(candidates) >= MIN_PRECISION) & within)
    cut = float(candidates[good[-1]]) if len(good) and pi > 0 else None
    return cut, pi, precision_at


def _weighted_share_above(scores: np.ndarray, weight: np.ndarray, t: float) -> float:
    return float(weight[scores >= t].sum() / max(weight.sum(), 1e-12))


def wilson_lower(share: float, n: int, z: float | None = None) -> float:
    """The lower end of the Wilson score interval of a share measured on ``n`` things: what a
    measurement on few examples can promise (one-sided, ``CONFIDENCE_Z`` standard errors)."""
    import math

    z = CONFIDENCE_Z if z is None else z
    if n <= 0:
        return 0.0
    share = min(max(share, 0.0), 1.0)
    centre = share + z * z / (2 * n)
    margin = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def fit_label(
    x: np.ndarray, pos: np.ndarray, negatives: np.ndarray, learner: Callable[[], Learner] | None = None
) -> Learner:
    """One classifier, positives against negatives with equal total weight (benchmarks, tools)."""
    import numpy as np

    rows = np.concatenate([pos, negatives])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(negatives))]).astype(np.float32)
    weights = np.concatenate([np.full(len(pos), len(negatives) / max(len(pos), 1)), np.ones(len(negatives))])
    return (learner or DEFAULT_LEARNER)().fit(x[rows], y, weights[:, None].astype(np.float32))
