"""Labels a person teaches (core.teach): how well they find new photos, and what they cost.

Quality. Concepts that are not ImageNet classes, grouped by hand from what the scikit-image
and matplotlib wheels hold (medical and microscope images, ground textures, space, documents
and graphics, portraits, charts and relief maps drawn from matplotlib's sample data files),
plus unrelated photos as distractors. Every base photo gets augmented copies (random crop and
zoom, flip, small rotation, brightness, contrast and colour changes, blur). For each concept
the copies of some base photos are tagged (taught) and the copies of the *other* base photos
of the concept are what it should find: never a copy of a taught photo. Embeddings come from
the model the app would use (ResNet-18 when its weights are here, else the offline
EfficientNet-Lite0). Reported per concept and overall:

- recall@k: the share of held-out photos among the k best-ranked untagged photos, with k the
  number of held-out photos (then also precision@k) and k = 2x that, for the app's learner
  (teach.DEFAULT_LEARNER), the logistic probe (teach.LinearProbe) and a plain centroid
  (cosine similarity to the taught photos' mean embedding): the baseline to beat;
- the suggestions the app really makes: their precision and recall against the truth, next
  to what the app *claimed* (its honesty; "not measured" below teach.MIN_MEASURED pictures).

Cost. A synthetic library of N photos (default 100,000) with 512-d embeddings (ResNet-18's
size), 10 labels x 50 tagged photos: time to load the embeddings, to learn all 10 labels
(nested cross-validation included), and to score the whole library with one label.

    python benchmarks/bench_teach.py            # both parts (~2 min on 2 cores)
    python benchmarks/bench_teach.py --quick    # fewer copies, 20,000 photos
    python benchmarks/bench_teach.py --skip-cost --cache /tmp/emb.npz --probe-too
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from resnet_desktop.core import teach  # noqa: E402
from resnet_desktop.core.classify import Prediction, load_classifier  # noqa: E402
from resnet_desktop.core.library import Library  # noqa: E402
from tests.fakes import record_result  # noqa: E402


def _skimage(name: str) -> Path:
    import skimage

    return Path(skimage.__file__).parent / "data" / name


def _mpl(name: str) -> Path:
    import matplotlib

    return Path(matplotlib.__file__).parent / "mpl-data" / "sample_data" / name


def _faces(indices: list[int]) -> list[tuple[str, Image.Image]]:
    faces = np.load(_skimage("lfw_subset.npy"))  # 25x25 greyscale faces, 0..1
    return [
        (f"lfw_{i}", Image.fromarray((faces[i] * 255).astype(np.uint8)).convert("RGB").resize((224, 224)))
        for i in indices
    ]


def _figure_image(fig: Any) -> Image.Image:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _chart(name: str) -> Image.Image:
    """A chart drawn from one of matplotlib's sample data files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    if name == "stocks":
        data = np.genfromtxt(
            _mpl("Stocks.csv"), delimiter=",", names=True, dtype=None, encoding="utf-8", skip_header=1
        )
        for column in ("IBM", "AAPL", "MSFT", "XRX"):
            ax.plot(data[column])
        ax.set_title("Stocks")
    elif name == "msft":
        data = np.genfromtxt(_mpl("msft.csv"), delimiter=",", names=True, dtype=None, encoding="utf-8")
        ax.bar(np.arange(len(data)), data["Volume"], color="tab:orange")
        ax.set_title("MSFT volume")
    elif name == "goog":
        prices = np.load(_mpl("goog.npz"))["price_data"]
        ax.plot(prices["date"], prices["adj_close"], "g-")
        ax.fill_between(prices["date"], prices["low"], prices["high"], alpha=0.3)
        ax.grid(True)
    elif name == "eeg":
        eeg = np.fromfile(_mpl("eeg.dat"), dtype=float).reshape((800, 4))
        for k in range(4):
            ax.plot(eeg[:, k] + 1.5 * k * eeg.std(), lw=0.8)
        ax.set_yticks([])
    elif name == "powers":
        powers = np.loadtxt(_mpl("data_x_x2_x3.csv"))
        ax.plot(powers[:, 0], powers[:, 1], "o-", powers[:, 0], powers[:, 2], "s--")
        ax.legend(["x^2", "x^3"])
    elif name == "membrane":
        membrane = np.fromfile(_mpl("membrane.dat"), dtype=np.float32)
        ax.scatter(np.arange(0, len(membrane), 40), membrane[::40], s=6, c="purple")
    else:  # contour
        ax.contour(np.load(_mpl("axes_grid/bivariate_normal.npy")), levels=10, cmap="viridis")
    return _figure_image(fig)


def _terrain(name: str) -> Image.Image:
    """A shaded relief map drawn from one of matplotlib's elevation files."""
    from matplotlib import colormaps
    from matplotlib.colors import LightSource

    if name.startswith("jacksboro"):
        z = np.load(_mpl("jacksboro_fault_dem.npz"))["elevation"].astype(float)
    else:
        z = np.load(_mpl("topobathy.npz"))["topo"].astype(float)
    light = LightSource(azdeg=315, altdeg=45)
    if name == "jacksboro_shade":
        rgb = light.shade(z, cmap=colormaps["gist_earth"], vert_exag=0.05, blend_mode="overlay")
    elif name == "jacksboro_grey":
        rgb = np.repeat(light.hillshade(z, vert_exag=0.05)[..., None], 3, axis=2)
    elif name == "topo_west":
        z = z[:, : z.shape[1] // 2]
        rgb = colormaps["terrain"]((z - z.min()) / (np.ptp(z) + 1e-9))
    else:  # topo_east
        rgb = light.shade(
            z[:, z.shape[1] // 2 :], cmap=colormaps["terrain"], vert_exag=0.02, blend_mode="soft"
        )
    return Image.fromarray((np.clip(rgb[..., :3], 0, 1) * 255).astype(np.uint8)).resize((320, 320))


def _mri() -> Image.Image:
    raw = gzip.open(_mpl("s1045.ima.gz")).read()
    scan = np.frombuffer(raw, np.uint16).reshape((256, 256)).astype(float)
    return Image.fromarray((scan / scan.max() * 255).astype(np.uint8)).convert("RGB")


def _open(path: Path) -> Image.Image:
    image = Image.open(path)
    image.seek(0)
    return image.convert("RGB")


#: concept -> base photos. The first half (rounded up) is taught, the rest held out. "mpl:"
#: photos come from matplotlib's sample data, "lfw:" are faces of scikit-image's LFW subset
#: (its first 100 are faces, the rest not), "chart:" and "map:" are drawn from matplotlib's
#: sample data files (stock prices, an EEG, elevation models).
CONCEPTS: dict[str, list[str]] = {
    "medical images": ["cell.png", "ihc.png", "mri", "microaneurysms.png", "retina.jpg", "phantom.png"],
    "ground textures": ["brick.png", "grass.png", "gravel.png"],
    "space": ["hubble_deep_field.jpg", "moon.png", "rocket.jpg"],
    "documents and graphics": [
        "page.png",
        "text.png",
        "logo.png",
        "mpl:logo2.png",
        "mpl:Minduka_Present_Blue_Pack.png",
    ],
    # many faces: the one concept with enough different pictures for its quality to be measured
    "portraits": ["mpl:grace_hopper.jpg", "camera.png", "astronaut.png"]
    + [f"lfw:{i}" for i in range(0, 100, 3)],
    "charts": [
        "chart:stocks",
        "chart:eeg",
        "chart:contour",
        "chart:msft",
        "chart:goog",
        "chart:powers",
        "chart:membrane",
    ],
    "maps": ["map:jacksboro_shade", "map:topo_west", "map:jacksboro_grey", "map:topo_east"],
}
DISTRACTORS = [
    "chelsea.png", "coffee.png", "coins.png", "horse.png", "motorcycle_left.png", "motorcycle_right.png",
    "clock_motion.png", "chessboard_RGB.png", "color.png", "no_time_for_that_tiny.gif", "lfw:120",
    "lfw:160",
]  # fmt: skip


def load_base(name: str) -> Image.Image:
    if name.startswith("lfw:"):
        return _faces([int(name[4:])])[0][1]
    if name.startswith("chart:"):
        return _chart(name[6:])
    if name.startswith("map:"):
        return _terrain(name[4:])
    if name == "mri":
        return _mri()
    if name.startswith("mpl:"):
        return _open(_mpl(name[4:]))
    return _open(_skimage(name))


def augment(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    w, h = image.size
    scale = rng.uniform(0.55, 1.0)
    cw, ch = int(w * scale), int(h * scale)
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    out = image.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        out = out.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out = out.rotate(float(rng.uniform(-15, 15)), resample=Image.Resampling.BILINEAR, expand=False)
    out = ImageEnhance.Brightness(out).enhance(float(rng.uniform(0.7, 1.3)))
    out = ImageEnhance.Contrast(out).enhance(float(rng.uniform(0.7, 1.3)))
    out = ImageEnhance.Color(out).enhance(float(rng.uniform(0.6, 1.4)))
    if rng.random() < 0.3:
        out = out.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.5))))
    return out


def store(lib: Library, path: str, vector: np.ndarray, model: str) -> int:
    (photo_id,) = lib.add_pending([(path, 1, 1)])
    store_vector(lib, photo_id, vector, model)
    return photo_id


def store_vector(lib: Library, photo_id: int, vector: np.ndarray, model: str) -> None:
    record_result(lib, photo_id, [Prediction(1, 0, "tench", 0.1)], model=model, embedding=vector)


def embed_dataset(
    copies: int, seed: int, cache: Path | None = None
) -> tuple[np.ndarray, list[tuple[str | None, str]], str]:
    """(embeddings, (concept, base photo) per row, model) of every base photo and its copies.
    ``cache``: an .npz kept between runs (embedding is most of the quality part's time)."""
    bases = [(c, n) for c, names in CONCEPTS.items() for n in names] + [(None, n) for n in DISTRACTORS]
    owners = [(concept, name) for concept, name in bases for _k in range(copies)]
    key = repr((bases, copies, seed))
    if cache is not None and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if str(stored["key"]) == key:
            print(f"embeddings: {stored['model']} (cached in {cache})")
            return stored["vectors"], owners, str(stored["model"])
    rng = np.random.default_rng(seed)
    classifier, notice = load_classifier()
    print(f"embeddings: {classifier.model} ({classifier.backend}){'; ' + notice if notice else ''}")
    started = time.perf_counter()
    images = []
    for _concept, name in bases:
        base = load_base(name)
        images += [augment(base, rng) if k else base for k in range(copies)]
    vectors = []
    for i in range(0, len(images), 16):
        vectors += [r.embedding for r in classifier.classify(images[i : i + 16], top_k=1)]
    print(f"{len(bases)} base photos x {copies} copies = {len(images)} photos, embedded in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    matrix = np.stack(vectors).astype(np.float32)
    if cache is not None:
        np.savez(cache, vectors=matrix, key=key, model=classifier.model)
    return matrix, owners, classifier.model


def quality(copies: int, seed: int, cache: Path | None = None, probe_too: bool = False) -> None:
    vectors, owners, model_name = embed_dataset(copies, seed, cache)
    app_learners: dict[str, Any] = {teach.DEFAULT_LEARNER.__name__: teach.DEFAULT_LEARNER}
    if probe_too:
        app_learners["LinearProbe"] = teach.LinearProbe

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib.sqlite3")
        with lib.transaction():
            ids = [
                store(lib, os.path.join(tmp, f"{i:04d}.png"), v, model_name) for i, v in enumerate(vectors)
            ]
        taught_bases: dict[str, set[str]] = {}
        for concept, names in CONCEPTS.items():
            taught_bases[concept] = set(names[: (len(names) + 1) // 2])
            with lib.transaction():
                for photo_id, (owner, name) in zip(ids, owners, strict=True):
                    if owner == concept and name in taught_bases[concept]:
                        lib.set_user_tags(photo_id, add=[concept])
        model = teach.current_model(lib)
        all_ids, matrix = teach.load_embeddings(lib, model)
        x = teach._features(matrix)
        row_of = {int(p): i for i, p in enumerate(all_ids)}
        taught_of: dict[str, list[int]] = {}
        truth_of: dict[str, set[int]] = {}
        for concept in CONCEPTS:
            taught = [
                row_of[p]
                for p, (o, n) in zip(ids, owners, strict=True)
                if o == concept and n in taught_bases[concept]
            ]
            truth = {
                row_of[p]
                for p, (o, n) in zip(ids, owners, strict=True)
                if o == concept and n not in taught_bases[concept]
            }
            taught_of[concept], truth_of[concept] = taught, truth
            candidates = np.array([i for i in range(len(x)) if i not in set(taught)])
            # each learner trained as the app trains it (all taught photos against the rest)
            ranks = {}
            for name, learner in (("chosen", teach.DEFAULT_LEARNER), ("probe", teach.LinearProbe)):
                fitted = teach.fit_label(x, np.array(taught), candidates, learner)
                ranks[name] = candidates[np.argsort(-fitted.scores(x[candidates], 0), kind="stable")]
            centroid = x[taught].mean(axis=0)
            ranks["centroid"] = candidates[np.argsort(-(x[candidates] @ centroid), kind="stable")]
            rows.append(
                {
                    "concept": concept,
                    "taught": len(taught),
                    "held_out": len(truth),
                    **{
                        f"{name}_r@{m}k": _recall_at(rank, truth, m * len(truth))
                        for name, rank in ranks.items()
                        for m in (1, 2)
                    },
                }
            )
        # what the app does with each learner: its suggestions against the truth, its claims
        apps = {}
        for name, learner in app_learners.items():
            started = time.perf_counter()
            reports = {r.label: r for r in teach.learn(lib, learner=learner, seed=seed)}
            seconds = time.perf_counter() - started
            table = []
            for concept in CONCEPTS:
                r = reports[concept]
                suggested = {row_of[s.photo_id] for s in teach.suggestions(lib, concept)}
                hits = len(suggested & truth_of[concept])
                table.append(
                    {
                        "concept": concept,
                        "status": r.status,
                        "suggested": len(suggested),
                        "sugg_precision": hits / len(suggested) if suggested else float("nan"),
                        "sugg_recall": hits / len(truth_of[concept]),
                        "claimed_p": r.precision,
                        "claimed_r": r.recall,
                        "pictures": r.pictures,
                    }
                )
            apps[name] = (table, seconds)
        lib.close()
    learners = ("chosen", "probe", "centroid")
    print(f"\nchosen learner: {teach.DEFAULT_LEARNER.__name__}; probe: LinearProbe; centroid: the baseline")
    print("recall@k (= precision@k, k = held-out photos) and recall@2k (precision@2k = half of it)")
    print(f"{'concept':<24}{'taught':>7}{'held':>6}   {'recall@k':>20}   {'recall@2k':>20}")
    print(f"{'':<24}{'':>7}{'out':>6}   {'chosen/probe/centr.':>20}   {'chosen/probe/centr.':>20}")
    for r in rows:
        print(
            f"{r['concept']:<24}{r['taught']:>7}{r['held_out']:>6}   "
            f"{_three(r, learners, 1):>20}   {_three(r, learners, 2):>20}"
        )
    mean = {k: statistics.mean(r[k] for r in rows) for k in rows[0] if "_r@" in k}
    print(f"{'mean':<37}   {_three(mean, learners, 1):>20}   {_three(mean, learners, 2):>20}")
    for name, (table, seconds) in apps.items():
        print(f"\nthe app's suggestions with {name} (learned in {seconds:.2f} s) vs the truth; its claims")
        print(f"{'concept':<24}{'pictures':>9} {'suggested':>10} {'precision':>10} {'recall':>7}   "
              f"{'claimed p / r':>14}  status")  # fmt: skip
        for r in table:
            claimed = (
                "not measured"
                if r["claimed_r"] is None
                else f"{r['claimed_p'] or 0:.2f} / {r['claimed_r']:.2f}"
            )
            print(
                f"{r['concept']:<24}{r['pictures'] or 0:>9} {r['suggested']:>10} "
                f"{r['sugg_precision']:>10.2f} {r['sugg_recall']:>7.2f}   {claimed:>14}  {r['status']}"
            )


def _three(row: dict, learners: tuple[str, ...], m: int) -> str:
    return " / ".join(f"{row[f'{n}_r@{m}k']:.2f}" for n in learners)


def _recall_at(rank: np.ndarray, truth: set[int], k: int) -> float:
    return len(set(rank[:k].tolist()) & truth) / len(truth)


def cost(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dim, labels, examples = 512, 10, 50
    centres = rng.normal(size=(200, dim)).astype(np.float32)
    members = rng.integers(0, 200, n)
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib.sqlite3")
        started = time.perf_counter()
        with lib.transaction():
            ids = lib.add_pending([(os.path.join(tmp, f"IMG_{i:06d}.jpg"), 1, 1) for i in range(n)])
            for photo_id, c in zip(ids, members, strict=True):
                vector = centres[c] + rng.normal(size=dim).astype(np.float32)
                store_vector(lib, photo_id, vector, "resnet18")
            for k in range(labels):
                for photo_id in [p for p, c in zip(ids, members, strict=True) if c == k][:examples]:
                    lib.set_user_tags(photo_id, add=[f"label {k}"])
        built = time.perf_counter() - started
        print(f"\nlibrary of {n:,} photos with {dim}-d embeddings built in {built:.0f} s")
        t = time.perf_counter()
        _ids, matrix = teach.load_embeddings(lib, "resnet18")
        load_s = time.perf_counter() - t
        x = teach._features(matrix)
        t = time.perf_counter()
        reports = teach.learn(lib, seed=seed)
        learn_s = time.perf_counter() - t
        per_label = [r.seconds for r in reports]
        probe = teach.fit_label(x, np.arange(examples), rng.choice(n, 3000, replace=False))
        t = time.perf_counter()
        for _ in range(3):
            probe.scores(x)
        score_s = (time.perf_counter() - t) / 3
        lib.close()
    ready = sum(r.status == "ready" for r in reports)
    print(f"load {n:,} embeddings from the library     {load_s:6.2f} s")
    print(
        f"learn {labels} labels x {examples} examples (all)     {learn_s:6.2f} s  ({ready} ready; per label: "
        f"training + nested CV + scoring {statistics.median(per_label):.2f} s median)"
    )
    print(f"score the whole library, one label         {score_s * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 copies per photo, 20,000-photo library")
    parser.add_argument("--copies", type=int, default=None, help="copies per base photo (default 12)")
    parser.add_argument("--photos", type=int, default=None, help="library size for the cost part")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep the embeddings in this .npz between runs"
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--probe-too",
        action="store_true",
        help="also run the app with LinearProbe (slow: nested CV, 300 steps)",
    )
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        quality(args.copies or (4 if args.quick else 12), args.seed, args.cache, args.probe_too)
    if not args.skip_cost:
        cost(args.photos or (20_000 if args.quick else 100_000), args.seed)


if __name__ == "__main__":
    main()
