"""How fast the library answers at 100k photos: searches, albums, the grid's first screen.

Fills a fresh library (in a temporary directory) with synthetic photos through the public
API: 3 predictions each drawn from a Zipf-like label distribution (a few labels are very
common, most are rare, as in real collections), capture dates spread over ten years (a fifth
without EXIF date, falling back to the file date), a few hundred folders, some cameras, a
sprinkle of user tags, failures and pending photos. Then it times each query several times
and prints the median. Goal: every line under 50 ms, except reading all 100,000 rows.

    python benchmarks/bench_library.py              # 100,000 photos
    python benchmarks/bench_library.py --photos 5000 --runs 3
    python benchmarks/bench_library.py --quick      # 10,000 photos, 3 runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from resnet_desktop.core.albums import BUILTIN_ALBUMS  # noqa: E402
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library  # noqa: E402
from resnet_desktop.core.resources import resource_path  # noqa: E402


def fill(lib: Library, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    names = json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8"))
    # Zipf-like popularity over a shuffled class order; make a few everyday classes common.
    order = list(range(1000))
    rng.shuffle(order)
    for common in (281, 282, 285, 207, 208, 967, 817, 504, 978, 975):  # cats, dogs, espresso, car, mug...
        order.remove(common)
        order.insert(rng.randrange(3, 60), common)
    weights = [1 / (r + 1) ** 1.1 for r in range(1000)]
    cameras = ["Canon EOS 80D", "NIKON D750", "Apple iPhone 12", "SONY ILCE-7M3", "Google Pixel 6", None]
    folders = [
        f"/home/me/Pictures/{year}/{event:02d}-{rng.choice(['trip', 'party', 'garden', 'misc'])}"
        for year in range(2015, 2025)
        for event in range(20)
    ]
    start = time.mktime((2015, 1, 1, 0, 0, 0, 0, 0, -1))
    span = 10 * 365 * 86400
    files = []
    meta = []
    for i in range(n):
        folder = rng.choice(folders)
        t = start + rng.random() * span
        mtime_ns = int(t * 1e9)
        files.append((f"{folder}/IMG_{i:06d}.jpg", rng.randint(200_000, 8_000_000), mtime_ns))
        taken = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t)) if rng.random() < 0.8 else None
        meta.append((taken, rng.choice(cameras)))
    with lib.transaction():
        ids = lib.add_pending(files)
        for photo_id, (_path, size, mtime_ns), (taken, camera) in zip(ids, files, meta, strict=True):
            roll = rng.random()
            if roll < 0.005:
                continue  # stays pending
            if roll < 0.015:
                lib.save_failure(photo_id, "truncated JPEG", size=size, mtime_ns=mtime_ns)
                continue
            classes = []
            while len(classes) < 3:
                c = order[rng.choices(range(1000), weights)[0]]
                if c not in classes:
                    classes.append(c)
            top = rng.betavariate(2, 1.5)
            second = (1 - top) * rng.random() * 0.8
            third = (1 - top - second) * rng.random() * 0.6
            preds = [
                Prediction(r + 1, c, names[c], p)
                for r, (c, p) in enumerate(zip(classes, (top, second, third), strict=True))
            ]
            lib.save_result(
                photo_id,
                size=size,
                mtime_ns=mtime_ns,
                content_hash=f"{photo_id:032x}",
                width=4000,
                height=3000,
                taken_at=taken,
                camera=camera,
                model="resnet18",
                predictions=preds,
                embedding=None,
            )
            if rng.random() < 0.01:
                lib.set_user_tags(
                    photo_id,
                    add=[rng.choice(["family", "holiday", "best", "Grandma"])],
                    remove=[names[classes[0]]] if rng.random() < 0.3 else [],
                )


def timed(fn, runs: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--photos", type=int, default=100_000, help="how many synthetic photos (default 100000)"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query; the median is shown")
    parser.add_argument("--keep", help="write the library here instead of a temporary directory")
    parser.add_argument("--quick", action="store_true", help="10,000 photos, 3 runs (a first look)")
    args = parser.parse_args()
    if args.quick:
        args.photos, args.runs = 10_000, 3

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        lib = Library(path)
        fill(lib, args.photos)
        lib.optimize()  # what the app does after indexing (no separate ANALYZE here)
        fill_s = time.perf_counter() - t0
        lib.close()
        lib = Library(path)  # measure from a fresh connection, as a GUI worker would

        smart = {
            "labels_any": ["cat", "dog"],
            "min_confidence": 0.3,
            "date_from": "2018-01-01",
            "date_to": "2022-12-31",
            "folder": "/home/me/Pictures",
            "camera": "Canon",
        }
        queries: list[tuple[str, dict]] = [
            ("search 'cat'", {"search": "cat"}),
            ("search 'dog'", {"search": "dog"}),
            ("search 'espresso'", {"search": "espresso"}),
            ("search 'vehicles' (category)", {"search": "vehicles"}),
            ("search 'animals' (398 classes)", {"search": "animals"}),
            ("search 'golden retriever' conf>=0.3", {"search": "golden retriever", "min_confidence": 0.3}),
            ("search user tag 'holiday'", {"search": "holiday"}),
        ]
        queries += [(f"album '{name}'", {"rule": rule}) for name, rule in BUILTIN_ALBUMS.items()]
        queries += [("smart album (6 keys)", {"rule": smart})]

        rows = []
        for title, kw in queries:
            ms_first, first = timed(lambda kw=kw: lib.photos(limit=200, **kw), args.runs)
            ms_ids, ids = timed(lambda kw=kw: lib.ids(**kw), args.runs)
            ms_count, _ = timed(lambda kw=kw: lib.count(**{k: v for k, v in kw.items()}), args.runs)
            rows.append((title, len(ids), ms_first, ms_ids, ms_count))
        ms_grid, grid = timed(lambda: lib.photos(sort="taken", limit=200), args.runs)
        ms_all_ids, all_ids = timed(lambda: lib.ids(sort="taken"), args.runs)
        ms_all_rows, all_rows = timed(lambda: lib.photos(sort="taken"), max(1, args.runs // 2))
        ms_conf, _ = timed(lambda: lib.photos(sort="confidence", limit=200), args.runs)
        ms_name, _ = timed(lambda: lib.photos(sort="name", limit=200), args.runs)
        ms_animals_name, _ = timed(lambda: lib.photos(search="animals", sort="name", limit=200), args.runs)
        ms_labels, _ = timed(lambda: lib.label_counts(limit=20), args.runs)
        ms_folders, folders = timed(lambda: lib.folders(), args.runs)
        lib.close()
        size_mb = sum(os.path.getsize(p) for p in path.parent.glob(path.name + "*")) / 1e6

        print(
            f"library: {args.photos:,} photos, filled in {fill_s:.1f} s, {size_mb:.1f} MB on disk; "
            f"median of {args.runs} runs; Python {sys.version.split()[0]}"
        )
        print()
        print(f"| {'query':<38} | {'matches':>8} | {'first 200 rows':>14} | {'all ids':>9} | {'count':>8} |")
        print(f"|{'-' * 40}|{'-' * 10}|{'-' * 16}|{'-' * 11}|{'-' * 10}|")
        for title, n, a, b, c in rows:
            print(f"| {title:<38} | {n:>8,} | {a:>11.1f} ms | {b:>6.1f} ms | {c:>5.1f} ms |")
        print()
        print(f"| {'grid / sidebar':<38} | {'rows':>8} | {'time':>14} |")
        print(f"|{'-' * 40}|{'-' * 10}|{'-' * 16}|")
        for title, n, ms in [
            ("first screen: photos(limit=200, taken)", len(grid), ms_grid),
            ("first screen sorted by confidence", 200, ms_conf),
            ("first screen sorted by name", 200, ms_name),
            ("'animals' first screen sorted by name", 200, ms_animals_name),
            ("all ids, sort taken", len(all_ids), ms_all_ids),
            ("all PhotoRows, sort taken", len(all_rows), ms_all_rows),
            ("label_counts(20)", 20, ms_labels),
            ("folders()", len(folders), ms_folders),
        ]:
            print(f"| {title:<38} | {n:>8,} | {ms:>11.1f} ms |")


if __name__ == "__main__":
    main()
