"""The main window end to end, offscreen: drops, tagging, albums, search, cancel, close."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from resnet_desktop.core.library import Library
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier, make_photo


def live_threads() -> int:
    """Threads really running in this process.

    On Linux the kernel's task list is the truth (it sees Qt's own threads too); elsewhere,
    Python's threads without the ``_DummyThread`` entries that Python 3.11 leaves behind for
    every finished Qt thread that once ran Python code.
    """
    import os

    if os.path.isdir("/proc/self/task"):
        return len(os.listdir("/proc/self/task"))
    return sum(not isinstance(t, threading._DummyThread) for t in threading.enumerate())


# Qt marks the QPoint constructor of QDragEnterEvent deprecated but offers no other one.
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


class GatedClassifier(ColourClassifier):
    """Blocks inference until the test opens the gate: lets a test act while a run is mid-way."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def infer(self, batch: np.ndarray, top_k: int = 3):
        self.entered.set()
        self.gate.wait(10)
        return super().infer(batch, top_k)


def make_window(qtbot, classifier_factory, *, batch_size: int = 4) -> MainWindow:
    window = MainWindow(AppSettings(), classifier_factory=classifier_factory, batch_size=batch_size)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    return window


def drop(window: MainWindow, paths: list[Path]) -> None:
    """What a file manager does: a drag enter then a drop of file URLs on the window."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = window.rect().center()
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(centre),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def wait_idle(qtbot, window: MainWindow, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: not window.indexer.running and window.last_summary is not None, timeout=timeout)
    # the final refresh after the run
    qtbot.waitUntil(lambda: not window._query_in_flight, timeout=5000)


def grid_rows(window: MainWindow):
    return window.model.rows()


def colour_folder(root: Path, counts: dict[tuple, int]) -> Path:
    n = 0
    for colour, count in counts.items():
        for _ in range(count):
            make_photo(root / f"photo_{n:02d}.jpg", colour=colour)
            n += 1
    return root


def test_first_run_shows_empty_state(qtbot):
    window = make_window(qtbot, ColourClassifier)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty_state, timeout=5000)
    assert window.empty_state.isVisible()


def test_drop_folder_tags_every_photo_with_the_real_pipeline(
    qtbot, tmp_path, resnet18_checkpoint, real_photos
):
    from resnet_desktop.core.classify import load_classifier

    folder = tmp_path / "dropped"
    for i, colour in enumerate((RED, GREEN, BLUE)):
        make_photo(folder / f"synthetic_{i}.png", colour=colour, size=(300, 200))
    (folder / "sub").mkdir()
    for name in ("chelsea", "coffee"):
        src = real_photos[name]
        (folder / "sub" / src.name).write_bytes(src.read_bytes())
    expected = sorted(str(p) for p in folder.rglob("*") if p.is_file())

    calls = []

    def factory():
        calls.append(threading.current_thread() is not threading.main_thread())
        return load_classifier("resnet18", weights=resnet18_checkpoint, backend="torch", threads=1)[0]

    window = make_window(qtbot, factory)
    drop(window, [folder])
    # photos show up (pending) before they are tagged, then every tile gets its label
    qtbot.waitUntil(lambda: len(grid_rows(window)) == len(expected), timeout=60000)
    wait_idle(qtbot, window, timeout=120000)
    qtbot.waitUntil(lambda: all(r.status == "ok" for r in grid_rows(window)), timeout=10000)
    rows = grid_rows(window)
    assert sorted(r.path for r in rows) == expected
    assert all(r.top_label and r.model == "resnet18" for r in rows)
    assert calls == [True]  # the model loaded once, in the worker thread
    assert window.stack.currentWidget() is window.grid
    with Library(window.library_path) as lib:
        assert lib.count(rule={"status": "ok"}) == len(expected)
        assert all(len(lib.predictions(r.id)) == 3 for r in rows)


def test_failed_file_goes_to_failed_with_reason_without_dialogs(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    make_photo(folder / "good.jpg", colour=RED)
    (folder / "broken.jpg").write_text("this is not a JPEG")
    dialogs = []
    monkeypatch.setattr(QMessageBox, "exec", lambda *a: dialogs.append(a))
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    assert len(window.last_summary.failed) == 1
    qtbot.waitUntil(
        lambda: (
            window.sidebar.item_for("builtin", "failed") is not None
            and "(1)" in window.sidebar.item_for("builtin", "failed").text(0)
        ),
        timeout=5000,
    )
    window.sidebar.select_key("builtin", "failed")
    qtbot.waitUntil(lambda: [r.name for r in grid_rows(window)] == ["broken.jpg"], timeout=5000)
    row = grid_rows(window)[0]
    assert row.status == "failed" and row.error
    assert row.error in window.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "could not be read" in window.status_label.text()
    assert not dialogs


def test_smart_album_rule_filters_the_grid(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 3, BLUE: 2, GREEN: 1})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    assert len(grid_rows(window)) == 6

    window.create_album("Cats", {"labels_any": ["tabby"], "min_confidence": 0.5})
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Cats") is not None, timeout=5000)
    window.sidebar.select_key("smart", "Cats")
    qtbot.waitUntil(lambda: len(grid_rows(window)) == 3, timeout=5000)
    assert all(r.top_label == "tabby" for r in grid_rows(window))

    # a rule the data cannot meet empties the grid and says so
    window.create_album("Cars", {"labels_all": ["tabby", "sports car"], "min_confidence": 0.5})
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Cars") is not None, timeout=5000)
    window.sidebar.select_key("smart", "Cars")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.no_match, timeout=5000)
    assert grid_rows(window) == []


def test_search_filters_at_once(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 2, BLUE: 3})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    qtbot.keyClicks(window.search_edit, "sports car")
    qtbot.waitUntil(lambda: len(grid_rows(window)) == 3, timeout=3000)
    assert {r.top_label for r in grid_rows(window)} == {"sports car"}
    window.search_edit.setText("cat")  # a broad term: the category Cats / whole word in "tabby cat"
    qtbot.waitUntil(lambda: {r.top_label for r in grid_rows(window)} == {"tabby"}, timeout=3000)
    window.search_edit.clear()
    qtbot.waitUntil(lambda: len(grid_rows(window)) == 5, timeout=3000)


def test_cancel_stops_the_work_and_keeps_what_is_done(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 24})
    classifier = GatedClassifier()
    window = make_window(qtbot, lambda: classifier, batch_size=4)
    drop(window, [folder])
    qtbot.waitUntil(lambda: classifier.entered.is_set(), timeout=10000)
    assert window.progress_panel.isVisible()
    qtbot.mouseClick(window.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
    classifier.gate.set()
    wait_idle(qtbot, window)
    summary = window.last_summary
    assert summary.cancelled
    assert not window.progress_panel.isVisible()
    with Library(window.library_path) as lib:
        tagged = lib.count(rule={"status": "ok"})
        pending = lib.count(rule={"status": "pending"})
    assert 0 < tagged < 24  # the batch in flight was written, the rest was not started
    assert tagged + pending == 24
    assert "Stopped" in window.status_label.text()


def test_closing_mid_run_leaves_no_thread_and_loses_nothing(qtbot, tmp_path):
    baseline = live_threads()
    folder = colour_folder(tmp_path / "photos", {BLUE: 24})
    classifier = GatedClassifier()
    classifier.gate.set()
    done_ids: list[int] = []
    window = make_window(qtbot, lambda: classifier, batch_size=2)
    window.indexer.photos_done.connect(done_ids.extend)
    drop(window, [folder])
    qtbot.waitUntil(lambda: len(done_ids) >= 2, timeout=20000)
    classifier.entered.clear()
    classifier.gate.clear()  # the next batch is mid-inference when the window closes
    qtbot.waitUntil(lambda: classifier.entered.is_set(), timeout=5000)
    thread = window.indexer.thread
    assert thread is not None and thread.isRunning()
    started = time.monotonic()
    threading.Timer(0.3, classifier.gate.set).start()  # inference returns after a moment, as it would
    window.close()
    assert time.monotonic() - started < 1.5
    assert not thread.isRunning()
    try:
        qtbot.waitUntil(lambda: live_threads() <= baseline, timeout=5000)
    except Exception:
        raise AssertionError(f"threads left running: {live_threads()} > {baseline}") from None
    with Library(window.library_path) as lib:
        tagged = {r.id for r in lib.photos(rule={"status": "ok"})}
    assert set(done_ids) <= tagged


def test_viewer_shows_labels_and_edits_tags(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {GREEN: 1})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.grid.setCurrentIndex(window.model.index(0))
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)
    assert len(window._viewers) == 1
    viewer = window._viewers[0]
    qtbot.waitUntil(lambda: viewer.details is not None, timeout=5000)
    assert [p.label for p in viewer.details["predictions"]] == [
        "espresso",
        "tabby",
        "sports car",
    ] or viewer.details["predictions"][0].label == "espresso"
    assert viewer.labels_grid.count() == 9  # three names, three confidence bars, three "✕"
    viewer.tag_edit.setText("holiday")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "holiday" in viewer.tag_names(), timeout=5000)
    # the Tags list holds the person's words only; a wrong label goes with its "✕"
    assert viewer.tag_names() == ["holiday"]
    from PySide6.QtWidgets import QToolButton

    (wrong,) = [b for b in viewer.findChildren(QToolButton) if b.accessibleName() == "Remove label espresso"]
    qtbot.mouseClick(wrong, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            not any(b.accessibleName() == "Remove label espresso" for b in viewer.findChildren(QToolButton))
        ),
        timeout=5000,
    )
    with Library(window.library_path) as lib:
        tags = {t.tag for t in lib.tags(grid_rows(window)[0].id)}
    assert "holiday" in tags and "espresso" not in tags
    viewer.close()


def test_delete_asks_first_and_only_forgets(qtbot, tmp_path, monkeypatch):
    folder = colour_folder(tmp_path / "photos", {RED: 2})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    victim = grid_rows(window)[0]
    assert window.remove_photos([victim.id]) is False  # cancelled: nothing happens
    assert len(grid_rows(window)) == 2
    assert window.remove_photos([victim.id]) is True
    qtbot.waitUntil(lambda: len(grid_rows(window)) == 1, timeout=5000)
    assert Path(victim.path).is_file()
    with Library(window.library_path) as lib:
        qtbot.waitUntil(lambda: lib.get_by_path(victim.path) is None, timeout=5000)


def test_manual_album_accepts_photos_dropped_from_the_grid(qtbot, tmp_path):
    from resnet_desktop.gui.photo_model import PHOTO_IDS_MIME

    folder = colour_folder(tmp_path / "photos", {RED: 3})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.create_album("Favourites", None, select=False)
    qtbot.waitUntil(lambda: window.sidebar.item_for("manual", "Favourites") is not None, timeout=5000)
    item = window.sidebar.item_for("manual", "Favourites")
    mime = window.model.mimeData([window.model.index(0), window.model.index(2)])
    assert mime.hasFormat(PHOTO_IDS_MIME)
    pos = window.sidebar.visualItemRect(item).center()
    event = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.sidebar.dropEvent(event)
    assert event.isAccepted()
    window.sidebar.select_key("manual", "Favourites")
    qtbot.waitUntil(lambda: len(grid_rows(window)) == 2, timeout=5000)


def test_sort_and_zoom(qtbot, tmp_path):
    folder = tmp_path / "photos"
    make_photo(folder / "b.jpg", colour=RED)
    make_photo(folder / "a.jpg", colour=(120, 100, 90))
    make_photo(folder / "c.jpg", colour=BLUE)
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.sort_combo.setCurrentIndex(window.sort_combo.findData("name"))
    qtbot.waitUntil(lambda: [r.name for r in grid_rows(window)] == ["a.jpg", "b.jpg", "c.jpg"], timeout=5000)
    window.sort_combo.setCurrentIndex(window.sort_combo.findData("confidence"))
    qtbot.waitUntil(lambda: grid_rows(window)[-1].name == "a.jpg", timeout=5000)
    probabilities = [r.top_probability for r in grid_rows(window)]
    assert probabilities == sorted(probabilities, reverse=True)
    before = window.grid.gridSize().width()
    window.zoom_slider.setValue(window.zoom_slider.value() + 60)
    assert window.grid.gridSize().width() == before + 60
    assert AppSettings().zoom == window.zoom_slider.value()


def test_window_opens_without_importing_torch(tmp_path):
    """The window must be on screen before the heavy ML stack loads (in the indexing thread)."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from resnet_desktop.gui.main_window import MainWindow\n"
        "w = MainWindow()\n"
        "w.show()\n"
        "app.processEvents()\n"
        "print(sorted(m for m in ('torch', 'torchvision', 'onnxruntime') if m in sys.modules))\n"
        "w.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_retag_library_tags_again_what_another_model_tagged(qtbot, tmp_path):
    """When ResNet-18 arrives, File > Re-tag Library moves every photo to it; a person's tags stay."""
    from resnet_desktop.core.pipeline import Indexer

    folder = colour_folder(tmp_path / "photos", {RED: 2, GREEN: 1})
    window = make_window(qtbot, lambda: ColourClassifier("model-b"))
    Indexer(window.library_path, lambda: ColourClassifier("model-a")).run([str(folder)])
    lib = Library(window.library_path)
    first = lib.photos()[0]
    with lib.transaction():
        lib.set_user_tags(first.id, add=["grandma"])
    lib.close()

    window.retag_action.trigger()
    qtbot.waitUntil(lambda: window.last_summary is not None and not window.indexer.running, timeout=30000)
    assert window.last_summary.retagged == 3 and window.last_summary.indexed == 0
    lib = Library(window.library_path)
    try:
        assert {row.model for row in lib.photos()} == {"model-b"}
        assert "grandma" in {t.tag for t in lib.tags(first.id)}
    finally:
        lib.close()
