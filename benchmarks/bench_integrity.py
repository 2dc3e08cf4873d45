"""Crash and hostile-input trials (issue 11): prints the figures the README quotes.

1. kill -9 loop: `resnet-desktop index` is killed at a random moment while it writes, again
   and again, on a library that holds a person's tags and albums. After every kill:
   ``PRAGMA integrity_check``, the person's tags and albums (none may be lost), duplicate rows.
2. bad input: each case of issue 11 as a person types it; exit code, the message, wall time
   and the process's peak memory. Every run is bounded (killed past 60 s or 1.5 GB).

    PYTHONPATH=. python benchmarks/bench_integrity.py            # 30 kills
    PYTHONPATH=. python benchmarks/bench_integrity.py --quick    # 5 kills
    PYTHONPATH=. python benchmarks/bench_integrity.py --kills 40 --skip-bad-input

Uses the offline EfficientNet-Lite0 (no weights download) and small generated photos.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.bounded import run_cli  # noqa: E402

USER_TAGS = ("holiday", "grandma", "keep")


def make_photos(folder: Path, start: int, count: int) -> None:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(start)
    for i in range(start, start + count):
        base = rng.integers(0, 255, size=3)
        pixels = np.clip(base + rng.normal(0, 40, size=(240, 320, 3)), 0, 255).astype("uint8")
        Image.fromarray(pixels).save(folder / f"p{i:04d}.jpg", quality=85)


def env_for(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RESNET_DESKTOP_DATA_DIR": str(home / "data"),
        "RESNET_DESKTOP_CONFIG_DIR": str(home / "config"),
        "ORT_DISABLE_TELEMETRY": "1",
    }


def cli(env: dict[str, str], *args: object) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "resnet_desktop", *map(str, args)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def ok_count(lib: Path) -> int:
    try:
        with sqlite3.connect(f"file:{lib}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0]
    except sqlite3.Error:
        return -1


def snapshot(lib: Path) -> dict:
    """What a person made: tags and albums (with manual memberships), and any duplicate rows."""
    with sqlite3.connect(lib, timeout=10) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        tags = set(db.execute("SELECT p.path, t.tag, t.state FROM tags t JOIN photos p ON p.id = t.photo_id"))
        albums = set(db.execute("SELECT name, kind, coalesce(rule, '') FROM albums"))
        members = set(
            db.execute(
                "SELECT a.name, p.path FROM album_photos ap JOIN albums a ON a.id = ap.album_id "
                "JOIN photos p ON p.id = ap.photo_id"
            )
        )
        dup_paths = db.execute(
            "SELECT count(*) FROM (SELECT path FROM photos GROUP BY path HAVING count(*) > 1)"
        ).fetchone()[0]
        dup_preds = db.execute(
            "SELECT count(*) FROM (SELECT photo_id, rank FROM predictions GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]
        stale_claims = 0
        try:
            stale_claims = db.execute("SELECT count(*) FROM index_claims").fetchone()[0]
        except sqlite3.Error:
            pass
    db.close()
    return {
        "integrity": integrity,
        "fk": len(fk),
        "tags": tags,
        "albums": albums,
        "members": members,
        "duplicates": dup_paths + dup_preds,
        "claims": stale_claims,
    }


def kill_loop(kills: int, seed: int) -> dict:
    rnd = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="bench_integrity_"))
    try:
        env = env_for(work / "home")
        lib = work / "lib.sqlite3"
        photos = work / "photos"
        make_photos(photos, 0, 24)
        assert cli(env, "--library", lib, "index", photos, "--batch-size", "4").returncode == 0
        # a person's work: tags on a few photos, a manual album with photos, a smart album
        for i, tag in enumerate(USER_TAGS):
            assert cli(env, "--library", lib, "tag", photos / f"p{i:04d}.jpg", f"+{tag}").returncode == 0
        assert cli(env, "--library", lib, "tag", photos / "p0005.jpg", "-" + "nothing").returncode == 0
        assert cli(env, "--library", lib, "albums", "create", "Trip").returncode == 0
        smart = json.dumps({"labels_any": ["dog"], "min_confidence": 0.2})
        assert cli(env, "--library", lib, "albums", "create", "Dogs", "--rule", smart).returncode == 0
        with sqlite3.connect(lib) as db:
            db.execute(
                "INSERT INTO album_photos (album_id, photo_id, added_at) SELECT a.id, p.id, '2024-01-01' "
                "FROM albums a, photos p WHERE a.name = 'Trip' AND p.id <= 6"
            )
        db.close()
        baseline = snapshot(lib)

        next_photo = 24
        results = {"kills": 0, "integrity_failures": 0, "tags_lost": 0, "albums_lost": 0,
                   "memberships_lost": 0, "duplicates": 0, "fk_violations": 0,
                   "no_work_left": 0, "elapsed_s": 0.0}  # fmt: skip
        start = time.monotonic()
        cmd = [sys.executable, "-m", "resnet_desktop", "--library", str(lib), "index", str(photos),
               "--batch-size", "4"]  # fmt: skip
        attempts = 0
        while results["kills"] < kills and attempts < kills * 3:
            attempts += 1
            if ok_count(lib) >= next_photo:  # all done: give the next run new photos to tag
                make_photos(photos, next_photo, 24)
                next_photo += 24
            before = ok_count(lib)
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 90
            while ok_count(lib) <= before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rnd.uniform(0.0, 0.6))  # somewhere in the middle of the writes
            if proc.poll() is not None:
                results["no_work_left"] += 1
                continue
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            results["kills"] += 1
            now = snapshot(lib)
            results["integrity_failures"] += now["integrity"] != "ok"
            results["fk_violations"] += now["fk"]
            results["tags_lost"] += len(baseline["tags"] - now["tags"])
            results["albums_lost"] += len(baseline["albums"] - now["albums"])
            results["memberships_lost"] += len(baseline["members"] - now["members"])
            results["duplicates"] += now["duplicates"]
        # the run after the last kill finishes the work and takes over the dead run's claims
        final = cli(env, "--library", lib, "index", photos, "--batch-size", "8")
        after = snapshot(lib)
        results["final_run_rc"] = final.returncode
        results["final_ok_photos"] = ok_count(lib)
        results["photos_on_disk"] = next_photo
        results["claims_left"] = after["claims"]
        results["elapsed_s"] = round(time.monotonic() - start, 1)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bad_input() -> list[tuple[str, object]]:
    work = Path(tempfile.mkdtemp(prefix="bench_bad_input_"))
    rows: list[tuple[str, object]] = []
    try:
        env = env_for(work / "home")
        lib = work / "lib.sqlite3"
        photos = work / "photos"
        make_photos(photos, 0, 2)
        evil = photos / "a\x1b]0;pwned\x07\x1b[2J.jpg"
        shutil.copy(photos / "p0000.jpg", evil)
        cli(env, "--library", lib, "index", photos)
        cli(env, "--library", lib, "tag", evil, "+evil\x1b[31m")
        fifo = work / "y.jpg"
        os.mkfifo(fifo)
        zero = work / "x.jpg"
        zero.symlink_to("/dev/zero")
        big_rule = work / "big.json"
        big_rule.write_text(json.dumps({"labels_any": ["cat"] * 300_000}))
        foreign = work / "notes.sqlite3"
        with sqlite3.connect(foreign) as db:
            db.execute("CREATE TABLE notes (t TEXT)")
            db.execute("PRAGMA user_version = 1")
        db.close()
        at = ("--library", lib)
        cases = [
            ("classify FIFO named y.jpg", ("classify", fifo)),
            ("classify link to /dev/zero named x.jpg", ("classify", zero)),
            ("albums create --rule-file /dev/zero", (*at, "albums", "create", "Z", "--rule-file", zero)),
            ("albums create --rule-file (8 MB JSON)",
             (*at, "albums", "create", "Z", "--rule-file", big_rule)),
            ("index FIFO", (*at, "index", fifo)),
            ("albums create, rule of 3,001 labels",
             (*at, "albums", "create", "Huge", "--rule",
              json.dumps({"labels_any": [f"w{i}" for i in range(3001)]}))),
            ("albums list (after the refused album)", (*at, "albums", "list")),
            ("search of 1,000 words", (*at, "search", *[f"w{i}" for i in range(1000)])),
            ("rule JSON nested 5,000 deep",
             (*at, "albums", "create", "N", "--rule", '{"a":' * 5000 + "1" + "}" * 5000)),
            ("rule with a 5,001-digit number",
             (*at, "albums", "create", "D", "--rule", '{"min_confidence": ' + "9" * 5001 + "}")),
            ("search (file name with escape codes)", (*at, "search", "evil")),
            ("foreign SQLite file, user_version 1", ("--library", foreign, "search", "cat")),
            ("search, library in a missing folder",
             ("--library", work / "none" / "lib.sqlite3", "search", "cat")),
        ]  # fmt: skip
        for title, args in cases:
            outcome = run_cli(*args, timeout=60, max_rss_mb=1500, env=env)
            message = next((ln for ln in outcome.stderr.splitlines() if ln.startswith("resnet-desktop:")), "")
            if not message:
                message = (outcome.stdout.strip().splitlines() or [""])[-1]
            rows.append((title, outcome, message))
        rows.append(("(foreign file unchanged, no -wal/-shm)", sorted(p.name for p in work.glob("notes*"))))
        rows.append(("(missing folder not created)", not (work / "none").exists()))
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="5 kills")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-bad-input", action="store_true")
    parser.add_argument("--skip-kills", action="store_true")
    args = parser.parse_args()
    if not args.skip_kills:
        kills = 5 if args.quick else args.kills
        print(f"kill -9 during `index` ({kills} kills, batch 4, offline model, 320x240 JPEGs)")
        for key, value in kill_loop(kills, args.seed).items():
            print(f"  {key:<20} {value}")
    if not args.skip_bad_input:
        print()
        print(f"{'bad input':<42} {'rc':>4} {'time':>7} {'peak':>8}  message")
        for title, outcome, *rest in bad_input():
            if rest:
                rc = "kill" if outcome.killed else outcome.returncode
                message = rest[0].encode("unicode_escape").decode("ascii")[:150]
                print(
                    f"{title:<42} {rc!s:>4} {outcome.seconds:6.2f}s {outcome.peak_rss_mb:6.0f}MB  {message}"
                )
            else:
                print(f"{title:<42} {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
