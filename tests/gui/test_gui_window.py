"""The main window end to end, offscreen, driven as a person drives it: files dropped from a
file manager, clicks on tiles and sidebar entries, keys, menus, dialogs answered by clicking."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from resnet_desktop.core.library import Library
from resnet_desktop.gui.photo_model import PathRole, TopLabelRole
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier, make_photo
from tests.gui.person import (
    GatedClassifier,
    answer_dialog,
    choose_from_menu_bar,
    choose_in_combo,
    click_sidebar,
    click_tile,
    colour_folder,
    drag_selection_to_sidebar,
    drop_files,
    make_window,
    new_album,
    sidebar_text,
    status_text,
    tile_count,
    tile_data,
    tile_names,
    viewer_tags,
    viewer_texts,
    wait_idle,
)


def live_threads() -> int:
    """Threads really running in this process.

    On Linux the kernel's task list is the truth (it sees Qt's own threads too); elsewhere,
    Python's threads without the ``_DummyThread`` entries that Python 3.11 leaves behind for
    every finished Qt thread that once ran Python code.

    Left out: Qt's private image-scaling pool, whose idle threads ("Thread (pooled)") Qt keeps
    for 30 s and no application can join. Every pool of ours is named ("resnet-read", ...),
    so our workers are still counted.
    """
    import os

    if os.path.isdir("/proc/self/task"):
        names = []
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as comm:
                    names.append(comm.read().strip())
            except OSError:  # ended meanwhile
                continue
        return sum(name != "Thread (pooled)" for name in names)
    return sum(not isinstance(t, threading._DummyThread) for t in threading.enumerate())


# Qt marks the QPoint constructor of QDragEnterEvent deprecated but offers no other one.
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDrag.*Event:DeprecationWarning")

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def drop(window, paths: list[Path]) -> None:
    """What a file manager does: file URLs dragged onto the window and dropped."""
    assert drop_files(window, paths)


def new_smart_album(qtbot, window, name: str, labels: str, min_confidence: int, match_all=False) -> None:
    """Albums > New Smart Album…, filled in and OK'd."""

    def fill(dialog) -> None:
        qtbot.keyClicks(dialog.name_edit, name)
        if match_all:
            qtbot.keyClicks(dialog.match_combo, "all")
        qtbot.keyClicks(dialog.labels_edit, labels)
        dialog.confidence.selectAll()
        qtbot.keyClicks(dialog.confidence, str(min_confidence))

    watch = answer_dialog("OK", fill)
    choose_from_menu_bar(qtbot, window, ["Albums", "New Smart Album…"])
    qtbot.waitUntil(lambda: watch.seen is not None, timeout=5000)


def test_first_run_shows_empty_state(qtbot):
    window = make_window(qtbot, ColourClassifier)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty_state, timeout=5000)
    assert window.empty_state.isVisible()
    assert window.empty_state.add_folder_button.isVisible()


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
    qtbot.waitUntil(lambda: tile_count(window) == len(expected), timeout=60000)
    wait_idle(qtbot, window, len(expected), timeout=120000)
    assert status_text(window) == f"Tagged {len(expected)} photos"
    assert sorted(tile_data(window, PathRole)) == expected
    assert all(tile_data(window, TopLabelRole))
    assert calls == [True]  # the model loaded once, in the worker thread
    assert window.stack.currentWidget() is window.grid
    with Library(window.library_path) as lib:
        assert lib.count(rule={"status": "ok"}) == len(expected)
        assert {r.model for r in lib.photos()} == {"resnet18"}


def test_failed_file_goes_to_failed_with_reason_without_dialogs(qtbot, tmp_path):
    folder = tmp_path / "mixed"
    make_photo(folder / "good.jpg", colour=RED)
    (folder / "broken.jpg").write_text("this is not a JPEG")
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 2)
    assert "1 could not be read" in status_text(window)
    assert QApplication.activeModalWidget() is None  # no dialog popped up
    qtbot.waitUntil(lambda: sidebar_text(window, "Failed") == "Failed  (1)", timeout=5000)
    click_sidebar(qtbot, window, "Failed")
    qtbot.waitUntil(lambda: tile_names(window) == ["broken.jpg"], timeout=5000)
    tooltip = window.grid.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Failed: " in tooltip and "broken.jpg" in tooltip


def test_smart_album_rule_filters_the_grid(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 3, BLUE: 2, GREEN: 1})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 6)
    assert tile_count(window) == 6

    new_smart_album(qtbot, window, "Cats", "tabby", 50)
    qtbot.waitUntil(lambda: sidebar_text(window, "Cats") == "Cats  (3)", timeout=5000)
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=5000)  # the new album is shown
    assert set(tile_data(window, TopLabelRole)) == {"tabby"}

    # a rule the data cannot meet empties the grid and says so
    new_smart_album(qtbot, window, "Cars", "tabby, sports car", 50, match_all=True)
    qtbot.waitUntil(lambda: sidebar_text(window, "Cars") == "Cars  (0)", timeout=5000)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.no_match, timeout=5000)
    assert window.no_match.text() == "No photos match."
    click_sidebar(qtbot, window, "Cats")
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=5000)


def test_search_filters_at_once(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 2, BLUE: 3})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 5)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F: the search field
    assert window.search_edit.hasFocus()
    qtbot.keyClicks(window.search_edit, "sports car")
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=3000)
    assert set(tile_data(window, TopLabelRole)) == {"sports car"}
    window.search_edit.selectAll()
    qtbot.keyClicks(window.search_edit, "cat")  # a broad term: the category Cats / "tabby cat"
    qtbot.waitUntil(lambda: set(tile_data(window, TopLabelRole)) == {"tabby"}, timeout=3000)
    window.search_edit.selectAll()
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: tile_count(window) == 5, timeout=3000)


def test_cancel_stops_the_work_and_keeps_what_is_done(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 24})
    classifier = GatedClassifier()
    window = make_window(qtbot, lambda: classifier, batch_size=4)
    drop(window, [folder])
    qtbot.waitUntil(lambda: classifier.entered.is_set(), timeout=10000)
    assert window.progress_panel.isVisible()
    qtbot.mouseClick(window.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
    classifier.gate.set()
    wait_idle(qtbot, window, summary="Stopped")
    assert not window.progress_panel.isVisible()
    with Library(window.library_path) as lib:
        tagged = lib.count(rule={"status": "ok"})
        pending = lib.count(rule={"status": "pending"})
    assert 0 < tagged < 24  # the batch in flight was written, the rest was not started
    assert tagged + pending == 24
    assert status_text(window) == f"Stopped; {tagged} photos tagged, the rest resume next time"


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
    wait_idle(qtbot, window, 1)
    click_tile(qtbot, window, 0)
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)  # Space opens the photo, as double-click does
    from PySide6.QtWidgets import QToolButton

    from resnet_desktop.gui.viewer import PhotoViewer

    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PhotoViewer) and w.isVisible())
    qtbot.waitUntil(lambda: "espresso" in viewer_texts(viewer), timeout=5000)
    assert {"espresso", "tabby", "sports car"} <= set(viewer_texts(viewer))  # the top 3
    qtbot.mouseClick(viewer.tag_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(viewer.tag_edit, "holiday")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(t.startswith("holiday") for t in viewer_tags(viewer)), timeout=5000)
    # the Tags list holds the person's words only (issue 10 item 5); a wrong label goes with
    # the "✕" beside it in Labels
    assert viewer_tags(viewer) == ["holiday"]

    def remove_espresso() -> list:
        return [b for b in viewer.findChildren(QToolButton) if b.accessibleName() == "Remove label espresso"]

    qtbot.mouseClick(remove_espresso()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not remove_espresso(), timeout=5000)
    with Library(window.library_path) as lib:
        tags = {t.tag for t in lib.tags(lib.photos()[0].id)}
    assert "holiday" in tags and "espresso" not in tags
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_delete_asks_first_and_only_forgets(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 2})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 2)
    victim = tile_data(window, PathRole)[0]
    click_tile(qtbot, window, 0)

    watch = answer_dialog("Cancel", kind=QMessageBox)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert watch.texts == ["Remove 1 photo from the library? The file stays on disk."]
    assert tile_count(window) == 2  # cancelled: nothing happens

    watch = answer_dialog("Yes", kind=QMessageBox)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert watch.seen is not None
    qtbot.waitUntil(lambda: tile_count(window) == 1, timeout=5000)
    assert Path(victim).is_file()  # the file itself is never touched
    with Library(window.library_path) as lib:
        qtbot.waitUntil(lambda: lib.get_by_path(victim) is None, timeout=5000)


def test_manual_album_accepts_photos_dropped_from_the_grid(qtbot, tmp_path):
    folder = colour_folder(tmp_path / "photos", {RED: 3})
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 3)
    choose_in_combo(qtbot, window.sort_combo, "Name")
    qtbot.waitUntil(
        lambda: tile_names(window) == ["photo_00.jpg", "photo_01.jpg", "photo_02.jpg"], timeout=5000
    )
    new_album(qtbot, window, "Favourites")
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (0)", timeout=5000)
    # the new album is shown: empty, it says how to fill it
    qtbot.waitUntil(lambda: window.no_match.isVisible(), timeout=5000)
    assert window.no_match.text().startswith("“Favourites” is empty.")
    assert "drag them onto “Favourites”" in window.no_match.text()
    click_sidebar(qtbot, window, "All Photos")
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=5000)

    # select two tiles (click, Ctrl+click) and drag them onto the album in the sidebar
    click_tile(qtbot, window, 0)
    click_tile(qtbot, window, 2, Qt.KeyboardModifier.ControlModifier)
    drag_selection_to_sidebar(window, "Favourites")
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (2)", timeout=5000)
    click_sidebar(qtbot, window, "Favourites")
    qtbot.waitUntil(lambda: sorted(tile_names(window)) == ["photo_00.jpg", "photo_02.jpg"], timeout=5000)


def test_sort_and_zoom(qtbot, tmp_path):
    folder = tmp_path / "photos"
    make_photo(folder / "b.jpg", colour=RED)
    make_photo(folder / "a.jpg", colour=(120, 100, 90))
    make_photo(folder / "c.jpg", colour=BLUE)
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 3)
    choose_in_combo(qtbot, window.sort_combo, "Name")
    qtbot.waitUntil(lambda: tile_names(window) == ["a.jpg", "b.jpg", "c.jpg"], timeout=5000)
    choose_in_combo(qtbot, window.sort_combo, "Confidence")
    qtbot.waitUntil(lambda: tile_names(window)[-1] == "a.jpg", timeout=5000)
    from resnet_desktop.gui.photo_model import ConfidenceRole

    probabilities = tile_data(window, ConfidenceRole)
    assert probabilities == sorted(probabilities, reverse=True)
    before_tile, before_value = window.grid.gridSize().width(), window.zoom_slider.value()
    qtbot.keyClick(window.zoom_slider, Qt.Key.Key_PageUp)
    grown = window.zoom_slider.value() - before_value
    assert grown > 0 and window.grid.gridSize().width() == before_tile + grown
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

    choose_from_menu_bar(qtbot, window, ["File", "Re-tag Library"])
    wait_idle(qtbot, window, 3, timeout=30000)
    assert status_text(window) == "Tagged 3 photos"
    lib = Library(window.library_path)
    try:
        assert {row.model for row in lib.photos()} == {"model-b"}
        assert "grandma" in {t.tag for t in lib.tags(first.id)}
    finally:
        lib.close()
