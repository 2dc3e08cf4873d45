"""Is the desktop app responsive while it tags? How fast does its window appear?

Run from the repository root (after `pip install -e '.[test]'`):

    python benchmarks/bench_gui.py                 # 1,000 photos
    python benchmarks/bench_gui.py --photos 200    # a quick look

Two figures, each against its goal:

* start-up: time from process start to the main window shown, through the real entry
  point (`resnet_desktop.cli.main([])`), median of several starts, and whether torch or
  onnxruntime had been imported by then (they must load later, in the worker);
* responsiveness: the real main window, offscreen, indexes N photos dropped on it with the
  default model and backend while a 5 ms timer measures how late the event loop runs it;
  the grid is scrolled and searched meanwhile, as a person would. The longest stall is the
  worst time a click or a repaint would have waited.
"""

from __future__ import annotations

import argparse
import json
import os
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


def measure_responsiveness(folder: Path, count: int, interact: bool) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from resnet_desktop.gui.main_window import MainWindow
    from resnet_desktop.gui.settings import AppSettings

    window = MainWindow(AppSettings())
    window.resize(1280, 800)
    window.show()

    clock = QElapsedTimer()
    clock.start()
    gaps: list[float] = []
    last = [clock.elapsed()]
    tick = QTimer()
    tick.setInterval(5)

    def on_tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0] - 5)
        last[0] = now

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
    summary = window.last_summary
    window.close()
    gaps_sorted = sorted(gaps)
    return {
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
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    os.environ.update(
        QT_QPA_PLATFORM="offscreen",
        RESNET_DESKTOP_DATA_DIR=str(home / "data"),
        RESNET_DESKTOP_CONFIG_DIR=str(home / "config"),
        ORT_DISABLE_TELEMETRY="1",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    startup, heavy = measure_startup(args.startup_runs, env)

    folder = args.workdir / f"gui-photos-{args.photos}"
    make_photos(folder, args.photos)
    results = {}
    for interact in (False, True):
        os.environ["RESNET_DESKTOP_DATA_DIR"] = str(home / f"data-{interact}")  # a fresh library each time
        results[interact] = measure_responsiveness(folder, args.photos, interact)

    print(
        f"start-up to window shown (median of {args.startup_runs}): {startup * 1000:.0f} ms  (goal < 1000 ms)"
    )
    print(f"  heavy modules imported by then: {', '.join(heavy) or 'none'}")
    for interact, result in results.items():
        what = "while scrolling and searching" if interact else "left alone"
        print(
            f"indexing {result['photos']} photos of 1024x768 in the window, {what}: "
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
