"""Similar photos and duplicates: precision and recall per tier on the labelled set, and speed
and memory of `similar` and `duplicates` on a large library.

    python benchmarks/bench_similar.py            # labelled set + 100,000 photos
    python benchmarks/bench_similar.py --quick    # smaller set + 20,000 photos (a minute)

Part 1 indexes the labelled set (tests/dupset.py: photos from the scikit-image and matplotlib
wheels, edited copies, different shots of one scene, hard negatives) with the offline
EfficientNet-Lite0 and compares core.duplicates' groups with the truth, pair by pair.

Part 2 builds a library of N photos with synthetic embeddings (512-d, float16, in clusters
like real ones: 1 in 50 photos has a near copy) and fingerprints, then times `similar` for one
photo (warm: matrix and index cached, as in the app) and `duplicates` for the whole library
(cold: nothing cached), and the peak memory (max RSS) of the process.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def labelled(quick: bool) -> None:
    from resnet_desktop.core import duplicates
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.core.library import Library
    from resnet_desktop.core.pipeline import Indexer
    from tests import dupset

    with tempfile.TemporaryDirectory() as tmp:
        items = dupset.build(Path(tmp) / "set", quick=quick)
        classifier, _ = load_classifier("efficientnet_lite0", backend="torch")
        lib_path = Path(tmp) / "lib.sqlite3"
        Indexer(lib_path, lambda: classifier).run([Path(tmp) / "set"])
        with Library(lib_path) as lib:
            t0 = time.perf_counter()
            groups = duplicates.find_groups(lib, include_similar=True)
            elapsed = time.perf_counter() - t0
            by_path = {str(it.path): it for it in items}
            # byte-identical members of a near group are an exact pair; near and similar: near
            predicted = dupset.found_kinds(groups)
        print(f"Labelled set: {len(items)} photos, {len(groups)} groups found in {elapsed:.2f} s")
        pairs = list(itertools.combinations(sorted(by_path), 2))
        print(f"{'tier':<8} {'pairs':>6} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7}")
        for tier in duplicates.KINDS:
            truth = {p for p in pairs if dupset.truth(by_path[p[0]], by_path[p[1]]) == tier}
            found = {p for p, k in predicted.items() if k == tier}
            right = truth & found
            precision = len(right) / len(found) if found else 1.0
            recall = len(right) / len(truth) if truth else 1.0
            print(
                f"{tier:<8} {len(truth):>6} {len(found):>6} {len(right):>6} {precision:>9.2f} {recall:>7.2f}"
            )
            for p in sorted(truth - found):
                print(
                    f"   missed: {Path(p[0]).name} ~ {Path(p[1]).name} "
                    f"(found as {predicted.get(p, 'nothing')})"
                )
            for p in sorted(found - truth):
                print(
                    f"   wrong: {Path(p[0]).name} ~ {Path(p[1]).name} "
                    f"(truth: {dupset.truth(by_path[p[0]], by_path[p[1]])})"
                )


def synthetic_library(path: Path, n: int, dim: int = 512, seed: int = 0) -> None:
    """n photos with clustered unit embeddings and random fingerprints; 1 in 50 has a near copy."""
    import sqlite3

    from resnet_desktop.core.library import Library

    Library(path).close()  # schema
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 200), dim)).astype(np.float32)
    db = sqlite3.connect(path)
    db.execute("BEGIN")
    block = 10_000
    for start in range(0, n, block):
        count = min(block, n - start)
        ids = np.arange(start + 1, start + count + 1)
        vec = centres[rng.integers(0, len(centres), count)] + 0.9 * rng.standard_normal((count, dim))
        fps = rng.integers(0, 256, (count, 8, 8)).repeat(4, 1).repeat(4, 2).astype(np.uint8)
        copy = rng.random(count) < 0.02
        vec[1:][copy[1:]] = vec[:-1][copy[1:]] + 0.05 * rng.standard_normal((int(copy[1:].sum()), dim))
        fps[1:][copy[1:]] = fps[:-1][copy[1:]]
        db.executemany(
            "INSERT INTO photos (id, path, folder, name, size, width, height, added_at, status, model, "
            "content_hash) VALUES (?, ?, '/p', ?, 1000, 640, 480, '2024-01-01', 'ok', 'resnet18', ?)",
            [(int(i), f"/p/{i}.jpg".encode(), f"{i}.jpg", f"h{i}") for i in ids],
        )
        db.executemany(
            "INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (?, 'resnet18', ?, ?)",
            [(int(i), dim, v.astype(np.float16).tobytes()) for i, v in zip(ids, vec, strict=True)],
        )
        db.executemany(
            "INSERT INTO fingerprints (content_hash, kind, data, sharpness) VALUES (?, 'grey32', ?, 1.0)",
            [(f"h{i}", f.tobytes()) for i, f in zip(ids, fps, strict=True)],
        )
    db.execute("COMMIT")
    db.close()


def speed(n: int) -> None:
    from resnet_desktop.core import duplicates
    from resnet_desktop.core import embeddings as emb
    from resnet_desktop.core.library import Library

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite3"
        t0 = time.perf_counter()
        # built in a child process, so its memory does not count in this one's peak
        import subprocess

        subprocess.run([sys.executable, __file__, "--build", str(path), str(n)], check=True)
        print(f"\n{n:,} photos (synthetic 512-d embeddings), built in {time.perf_counter() - t0:.0f} s")
        with Library(path) as lib:
            t0 = time.perf_counter()
            matrix = emb.load(lib, "resnet18")
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            duplicates.similar(lib, 1, limit=20)
            t_first = time.perf_counter() - t0
            times, cpu = [], []
            for pid in range(2, n, max(1, n // 20)):
                t0, c0 = time.perf_counter(), time.process_time()
                duplicates.similar(lib, pid, limit=20)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            print(
                f"embeddings load: {t_load:.2f} s ({matrix.vectors.nbytes / 2**20:.0f} MB float16); "
                f"first similar (builds the index): {t_first:.2f} s"
            )
            print(
                f"similar, warm: median {np.median(times) * 1000:.1f} ms "
                f"({np.median(cpu) * 1000:.1f} ms CPU), "
                f"max {max(times) * 1000:.1f} ms over {len(times)} photos"
            )
            # recall of the index against brute force, on the same queries
            hits = total = 0
            index = duplicates.embedding_index(matrix, lib)
            for pid in range(2, n, max(1, n // 20)):
                q = matrix.vector(pid)
                sims = np.concatenate(  # in blocks: a float32 copy of the matrix would dominate the peak
                    [matrix.vectors[i : i + 8192].astype(np.float32) @ q for i in range(0, n, 8192)]
                )
                exact = set(np.argsort(-sims)[:20].tolist())
                got = set(index.search(q, 20)[0].tolist())
                hits += len(exact & got)
                total += 20
            print(f"similar's top 20 agree with brute force on {100 * hits / total:.1f}%")
            del matrix, index  # as in a fresh process: nothing cached, nothing held
            emb.clear_cache()
            duplicates._index_cache.clear()
            for similar_too in (False, True):
                t0, c0 = time.perf_counter(), time.process_time()
                groups = duplicates.find_groups(lib, include_similar=similar_too)
                label = "duplicates --similar" if similar_too else "duplicates"
                print(
                    f"{label}: {time.perf_counter() - t0:.1f} s ({time.process_time() - c0:.1f} s CPU), "
                    f"{len(groups)} groups ({sum(g.kind == 'near' for g in groups)} near; "
                    f"~{int(n * 0.02)} copies planted, some in chains)"
                )
        print(f"peak memory (max RSS): {rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller set and 20,000 photos")
    parser.add_argument("--photos", type=int, default=None, help="library size for the speed part")
    parser.add_argument("--skip-labelled", action="store_true")
    parser.add_argument("--build", nargs=2, metavar=("FILE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--labelled-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        synthetic_library(Path(args.build[0]), int(args.build[1]))
        return
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    if args.labelled_only:
        labelled(args.quick)
        return
    if not args.skip_labelled:
        # in a child process: the model it loads must not count in the speed part's memory
        import subprocess

        extra = ["--quick"] if args.quick else []
        subprocess.run([sys.executable, __file__, "--labelled-only", *extra], check=True)
    speed(args.photos or (20_000 if args.quick else 100_000))


if __name__ == "__main__":
    main()
