"""Is the desktop app responsive while it tags? How fast does its window appear?

Run from the repository root (after `pip install -e '.[test]'`):

    python benchmarks/bench_gui.py                 # 1,000 new photos into a 100,000-photo library
    python benchmarks/bench_gui.py --quick         # 200 new photos into a 10,000-photo library
    python benchmarks/bench_gui.py --library-photos 0 --photos 1000   # an empty library, as before

Against a library that already holds --library-photos photos (synthetic rows made by
bench_library's filler, default 100,000), each figure against its goal:

* start-up: time from process start to the main window shown, through the real entry
  point (`resnet_desktop.cli.main([])`), median of several starts, and whether torch or
  onnxruntime had been imported by then (they must load later, in the worker);
* first screen: from the window's creation to the grid showing its first rows;
* scroll frame: one page of scrolling and the repaint of the grid it causes, timed in the
  GUI thread (median and worst of 40);
* responsiveness: the real main window, offscreen, indexes N photos dropped on it with the
  default model and backend while a 5 ms timer measures how late the event loop runs it;
  the grid is scrolled and searched meanwhile, as a person would. The longest stall is the
  worst time a click or a repaint would have waited.

Timings on a shared machine are noisy: run it on an otherwise idle one for figures to keep.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

STARTUP_CHILD = r"""
import time
t_start = time.time()
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])

class ShownSpy(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Show and isinstance(obj, QMainWindow):
            def report():
                heavy = sorted(m for m in ("torch", "torchvision", "onnxruntime") if m in sys.modules)
                print(json.dumps({"shown": time.time(), "heavy": heavy}), flush=True)
                app.quit()
            QTimer.singleShot(0, report)
        return False

spy = ShownSpy()
app.installEventFilter(spy)
from resnet_desktop.cli import main
main([])
"""


def process_start_time() -> float:
    """Wall-clock time at which the next child will start (taken just before spawning)."""
    return time.time()


def measure_startup(runs: int, env: dict[str, str]) -> tuple[float, list[str]]:
    times, heavy = [], []
    for _ in range(runs):
        t0 = process_start_time()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP_CHILD], env=env, capture_output=True, text=True, timeout=120
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise SystemExit(f"the app did not start:\n{out.stderr[-3000:]}")
        report = json.loads(lines[-1])
        times.append(report["shown"] - t0)
        heavy = report["heavy"]
    return statistics.median(times), heavy


def make_photos(folder: Path, count: int) -> None:
    import numpy as np
    from bench_index import _base_photos, _exif, _photo  # the same photo-like content

    marker = folder / f".done-{count}"
    if marker.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    bases = _base_photos()
    for i in range(count):
        img = _photo(bases[i % len(bases)], (1024, 768), rng)
        img.save(folder / f"IMG_{i:05d}.jpg", quality=88, exif=_exif(rng, 1))
    marker.touch()


def make_library(path: Path, count: int) -> None:
    """A library of ``count`` synthetic photos (bench_library's filler), made once and reused."""
    from bench_library import fill

    from resnet_desktop.core.library import Library

    marker = path.with_name(path.name + ".done")
    if marker.exists() or count == 0:
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"filling a library with {count:,} photos ...", flush=True)
    lib = Library(path)
    fill(lib, count)
    lib.optimize()
    lib._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    marker.touch()


def place_library(template: Path | None, data_dir: Path) -> None:
    """A fresh copy of the template library where the app will look for its library."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    if template is not None and template.exists():
        shutil.copyfile(template, data_dir / "library.sqlite3")


class StallSampler:
    """What the GUI thread was doing during the long stalls: a thread samples its Python stack
    every 2 ms; a stall reports the innermost frames of the project's code it saw most."""

    def __init__(self) -> None:
        import threading

        self.thread_id = threading.get_ident()
        self.samples: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.002):
            frame = sys._current_frames().get(self.thread_id)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            mine = [f for f in stack if "resnet_desktop" in f.filename]
            where = " < ".join(f"{Path(f.filename).name}:{f.name}:{f.lineno}" for f in reversed(mine[-3:]))
            self.samples.append((time.perf_counter(), where or "(Qt, outside the project's code)"))

    def explain(self, start: float, end: float) -> str:
        from collections import Counter

        seen = Counter(w for t, w in self.samples if start <= t <= end)
        return "; ".join(f"{n}x {w}" for w, n in seen.most_common(2)) or "(no sample)"


def measure_responsiveness(
    folder: Path, count: int, interact: bool, explain: bool = False
) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from resnet_desktop.gui.main_window import MainWindow
    from resnet_desktop.gui.settings import AppSettings

    t_create = time.perf_counter()
    window = MainWindow(AppSettings())
    window.resize(1280, 800)
    window.show()
    while window.model.rowCount() == 0 and time.perf_counter() - t_create < 60:
        app.processEvents()
        time.sleep(0.0005)
    first_screen_ms = (time.perf_counter() - t_create) * 1000
    scroll_ms: list[float] = []
    fill_ms: list[float] = []
    jump_ms: list[float] = []
    jump_fill_ms: list[float] = []
    shown = 0
    if window.model.rowCount():
        while window._query_in_flight:  # the rest of the album after the first screen
            app.processEvents()
            time.sleep(0.001)
        shown = window.model.rowCount()
        bar = window.grid.verticalScrollBar()

        def filled() -> bool:
            rows = [window.model.row_of(i) for i in window.visible_rows.ids]
            return all(r is None or window.model.is_loaded(r) for r in rows)

        for _ in range(40):
            t = time.perf_counter()
            bar.setValue((bar.value() + window.grid.viewport().height()) % max(1, bar.maximum() + 1))
            window.grid.viewport().repaint()
            app.processEvents()
            scroll_ms.append((time.perf_counter() - t) * 1000)
            if hasattr(window.model, "is_loaded"):  # a lazy grid: until the page's rows are read
                while not filled() and time.perf_counter() - t < 10:
                    app.processEvents()
                    time.sleep(0.0005)
                fill_ms.append((time.perf_counter() - t) * 1000)
        bar.setValue(0)
        # A person drags the scroll bar deep into the album: End lays the grid out (Qt lays
        # out 500 rows per batch as the view reaches them), then jumps through all of it.
        t_end = time.perf_counter()
        last = -1
        while bar.maximum() != last and time.perf_counter() - t_end < 30:
            last = bar.maximum()
            bar.setValue(bar.maximum())
            t_wait = time.perf_counter()
            while time.perf_counter() - t_wait < 0.5:  # the next batch is laid out meanwhile
                app.processEvents()
                time.sleep(0.001)
        for k in range(1, 21):
            t = time.perf_counter()
            bar.setValue(bar.maximum() * ((k * 7) % 20) // 20)
            window.grid.viewport().repaint()
            app.processEvents()
            jump_ms.append((time.perf_counter() - t) * 1000)
            if hasattr(window.model, "is_loaded"):
                while not filled() and time.perf_counter() - t < 10:
                    app.processEvents()
                    time.sleep(0.0005)
                jump_fill_ms.append((time.perf_counter() - t) * 1000)
        bar.setValue(0)

    clock = QElapsedTimer()
    clock.start()
    gaps: list[float] = []
    last = [clock.elapsed()]
    tick = QTimer()
    tick.setInterval(5)
    sampler = StallSampler() if explain else None
    stalls: list[tuple[float, str]] = []
    last_perf = [time.perf_counter()]

    def on_tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0] - 5)
        last[0] = now
        perf = time.perf_counter()
        if sampler is not None and gaps[-1] > 40:
            stalls.append((gaps[-1], sampler.explain(last_perf[0], perf)))
        last_perf[0] = perf

    tick.timeout.connect(on_tick)

    # What a person does meanwhile: scroll the grid and search now and then.
    actions = QTimer()
    actions.setInterval(250)
    step = [0]

    def act() -> None:
        step[0] += 1
        bar = window.grid.verticalScrollBar()
        bar.setValue((bar.value() + 300) % max(1, bar.maximum() + 1))
        if step[0] % 8 == 0:
            window.search_edit.setText("car" if step[0] % 16 == 0 else "")

    actions.timeout.connect(act)

    started = time.monotonic()
    while not window._library_ready:
        app.processEvents()
    tick.start()
    if sampler is not None:
        sampler.start()
    if interact:
        actions.start()
    window.add_paths([str(folder)])
    while window.last_summary is None or window.indexer.running:
        app.processEvents()
        time.sleep(0.001)
        if time.monotonic() - started > 1800:
            raise SystemExit("indexing took more than 30 minutes")
    elapsed = time.monotonic() - started
    tick.stop()
    actions.stop()
    if sampler is not None:
        sampler.stop()
        for gap, why in sorted(stalls, reverse=True)[:8]:
            print(f"  stall {gap:.0f} ms ({'interacting' if interact else 'alone'}): {why}")
    summary = window.last_summary
    window.close()
    gaps_sorted = sorted(gaps)
    return {
        "first_screen_ms": first_screen_ms,
        "scroll_median_ms": statistics.median(scroll_ms) if scroll_ms else float("nan"),
        "scroll_max_ms": max(scroll_ms) if scroll_ms else float("nan"),
        "fill_median_ms": statistics.median(fill_ms) if fill_ms else float("nan"),
        "fill_max_ms": max(fill_ms) if fill_ms else float("nan"),
        "jump_median_ms": statistics.median(jump_ms) if jump_ms else float("nan"),
        "jump_max_ms": max(jump_ms) if jump_ms else float("nan"),
        "jump_fill_median_ms": statistics.median(jump_fill_ms) if jump_fill_ms else float("nan"),
        "jump_fill_max_ms": max(jump_fill_ms) if jump_fill_ms else float("nan"),
        "cached": window.model.cached_count() if hasattr(window.model, "cached_count") else shown,
        "shown": shown,
        "photos": summary.indexed,
        "failed": len(summary.failed),
        "seconds": elapsed,
        "rate": summary.indexed / elapsed,
        "longest_stall_ms": max(gaps_sorted),
        "p99_stall_ms": gaps_sorted[int(0.99 * (len(gaps_sorted) - 1))],
        "ticks": len(gaps),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--photos", type=int, default=1000, help="new photos to tag (default 1000)")
    parser.add_argument(
        "--library-photos", type=int, default=100_000, help="photos already in the library (default 100000)"
    )
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="200 new photos, a 10,000-photo library, 3 starts"
    )
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench")
    parser.add_argument(
        "--explain-stalls", action="store_true", help="print what the GUI thread did in stalls over 40 ms"
    )
    args = parser.parse_args()
    if args.quick:
        args.photos, args.library_photos, args.startup_runs = 200, 10_000, 3
    template = args.workdir / f"gui-library-{args.library_photos}.sqlite3" if args.library_photos else None
    if template is not None:
        make_library(template, args.library_photos)

    home = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    os.environ.update(
        QT_QPA_PLATFORM="offscreen",
        RESNET_DESKTOP_DATA_DIR=str(home / "data"),
        RESNET_DESKTOP_CONFIG_DIR=str(home / "config"),
        ORT_DISABLE_TELEMETRY="1",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    place_library(template, home / "data")
    startup, heavy = measure_startup(args.startup_runs, env)

    folder = args.workdir / f"gui-photos-{args.photos}"
    make_photos(folder, args.photos)
    results = {}
    for interact in (False, True):
        os.environ["RESNET_DESKTOP_DATA_DIR"] = str(home / f"data-{interact}")  # a fresh library each time
        place_library(template, home / f"data-{interact}")
        results[interact] = measure_responsiveness(folder, args.photos, interact, args.explain_stalls)

    print(
        f"library: {args.library_photos:,} photos already in it; "
        f"{args.photos:,} new photos dropped on the window"
    )
    print(
        f"start-up to window shown (median of {args.startup_runs}): {startup * 1000:.0f} ms  (goal < 1000 ms)"
    )
    print(f"  heavy modules imported by then: {', '.join(heavy) or 'none'}")
    first = results[False]
    print(
        f"first screen (window created -> grid shows rows): "
        f"{first['first_screen_ms']:.0f} ms  (goal < 100 ms)"
    )
    print(
        f"scroll frame (a page down and its repaint, {first['shown']:,} photos in the grid): median "
        f"{first['scroll_median_ms']:.1f} ms, worst {first['scroll_max_ms']:.1f} ms  (goal < 16 ms)"
    )
    print(
        f"scroll bar dragged to 20 places through all {first['shown']:,} photos (a jump and its "
        f"repaint): median {first['jump_median_ms']:.1f} ms, worst {first['jump_max_ms']:.1f} ms"
    )
    if first["jump_fill_median_ms"] == first["jump_fill_median_ms"]:
        print(
            f"  jump until its tiles' rows are read: median {first['jump_fill_median_ms']:.0f} ms, "
            f"worst {first['jump_fill_max_ms']:.0f} ms"
        )
    if first["fill_median_ms"] == first["fill_median_ms"]:  # not NaN: a lazy grid
        print(
            f"  page jump until its tiles' rows are read: median {first['fill_median_ms']:.0f} ms, "
            f"worst {first['fill_max_ms']:.0f} ms; rows held by the grid: {first['cached']:,}"
        )
    for interact, result in results.items():
        what = "while scrolling and searching" if interact else "left alone"
        print(
            f"tagging {result['photos']} new photos of 1024x768 in the window, {what}: "
            f"{result['seconds']:.1f} s "
            f"({result['rate']:.1f} photos/s, {result['failed']} failed)"
        )
        print(
            f"  longest event-loop stall: {result['longest_stall_ms']:.0f} ms  (goal < 50 ms); "
            f"99th percentile {result['p99_stall_ms']:.0f} ms over {result['ticks']} ticks"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
