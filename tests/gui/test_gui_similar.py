"""Find Similar and the Duplicates view as a person uses them: a right click on a tile, the
sidebar's Duplicates item, Move to Trash with its confirmation (into a temporary trash)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTreeWidget,
)

from resnet_desktop.core.library import Library
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier
from tests.gui.person import click_tile, drop_files, shown_viewer, tile_row


class MeanColourClassifier(ColourClassifier):
    """Labels like ColourClassifier; the embedding is the mean colour, so a copy of a photo is
    its most similar photo."""

    def infer(self, batch: np.ndarray, top_k: int = 3):
        results = super().infer(batch, top_k)
        for result, x in zip(results, batch, strict=True):
            result.embedding = x.reshape(3, -1).mean(axis=1).astype(np.float32)
        return results


@pytest.fixture
def photos(tmp_path, real_photos) -> Path:
    folder = tmp_path / "Pictures"
    folder.mkdir()
    for name in ("chelsea", "coffee", "astronaut", "rocket"):
        shutil.copy(real_photos[name], folder / real_photos[name].name)
    with Image.open(folder / "chelsea.png") as img:  # an edited copy: half size, re-compressed
        img.resize((225, 150)).save(folder / "chelsea-small.jpg", quality=60)
    return folder


@pytest.fixture
def window(qtbot, photos, temporary_trash):
    win = MainWindow(AppSettings(), classifier_factory=MeanColourClassifier, batch_size=4)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._library_ready, timeout=5000)
    win.add_paths([str(photos)])
    qtbot.waitUntil(lambda: win.last_summary is not None and not win.indexer.running, timeout=30000)
    qtbot.waitUntil(lambda: len(win.model.rows()) == 5 and not win._query_in_flight, timeout=10000)
    return win


def _click_menu_item(qtbot, text: str) -> list[str]:
    """When the popup menu shows, click the item with ``text``; returns the items it showed."""
    seen: list[str] = []

    def click() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, click)
            return
        seen.extend(a.text() for a in menu.actions())
        action = next(a for a in menu.actions() if a.text() == text)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    QTimer.singleShot(0, click)
    return seen


def _answer_dialog(qtbot, button_text: str, seen: list[str]) -> None:
    """When the confirmation shows, read it and press ``button_text``."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        button = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def test_find_similar_from_the_tiles_context_menu(qtbot, window):
    grid = window.grid
    row = next(i for i, r in enumerate(window.model.rows()) if r.name == "chelsea.png")
    rect = grid.visualRect(window.model.index(row))
    seen = _click_menu_item(qtbot, "Find Similar")
    QApplication.sendEvent(
        grid.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(), QPoint())
    )
    assert "Find Similar" in seen
    qtbot.waitUntil(lambda: window.findChild(QDialog, "similarDialog") is not None, timeout=5000)
    dialog = window.findChild(QDialog, "similarDialog")
    assert dialog.isVisible() and dialog.windowTitle() == "Photos Like chelsea.png"
    results = dialog.findChild(QListWidget, "similarList")
    qtbot.waitUntil(lambda: results.count() == 4, timeout=10000)
    names = [results.item(i).text().split("\n")[0] for i in range(results.count())]
    assert "chelsea.png" not in names and len(set(names)) == 4
    assert names[0] == "chelsea-small.jpg"  # its copy first
    percents = [int(results.item(i).text().split("\n")[1].rstrip("%")) for i in range(results.count())]
    assert percents == sorted(percents, reverse=True) and percents[0] >= 99
    assert "most similar first" in dialog.findChild(QLabel, "similarStatus").text()
    dialog.grab().save(str(Path(window.library_path).parent / "similar.png"))


def _open_duplicates(qtbot, window) -> QTreeWidget:
    sidebar = window.sidebar
    item = next(i for i in sidebar.items() if i.text(0) == "Duplicates")
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=sidebar.visualItemRect(item).center())
    view = window.findChild(QTreeWidget, "duplicatesTree")
    qtbot.waitUntil(lambda: view.isVisible() and view.topLevelItemCount() > 0, timeout=15000)
    return view


def test_duplicates_view_then_move_to_trash_after_confirmation(
    qtbot, window, photos, tmp_path, temporary_trash
):
    tree = _open_duplicates(qtbot, window)
    section = tree.topLevelItem(0)
    assert section.text(0).startswith("Near copies") and section.childCount() == 1
    group = section.child(0)
    # the original is kept (more pixels), and the view says so; the small copy is listed under it
    assert group.text(0).startswith("Keep chelsea.png: largest (451x300)")
    assert [group.child(i).text(0) for i in range(group.childCount())] == ["chelsea.png", "chelsea-small.jpg"]
    assert group.child(0).text(1) == "keep"
    window.grab().save(str(tmp_path / "duplicates.png"))

    tree.setCurrentItem(group)
    trash = window.findChild(QPushButton, "moveToTrash")
    assert trash.isEnabled()
    seen: list[str] = []
    _answer_dialog(qtbot, "Cancel", seen)
    qtbot.mouseClick(trash, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and str(photos / "chelsea-small.jpg") in seen[0] and "restore" in seen[0]
    assert (photos / "chelsea-small.jpg").exists()  # cancelled: nothing happened

    _answer_dialog(qtbot, "Move to Trash", seen)
    qtbot.mouseClick(trash, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not (photos / "chelsea-small.jpg").exists(), timeout=10000)
    status = window.findChild(QLabel, "duplicatesStatus")
    qtbot.waitUntil(lambda: status.text() == "No duplicates found.", timeout=10000)
    assert [p.name for p in (temporary_trash / "files").iterdir()] == ["chelsea-small.jpg"]
    assert (photos / "chelsea.png").exists()
    with Library(window.library_path) as lib:
        assert lib.get_by_path(photos / "chelsea-small.jpg") is None
        assert lib.get_by_path(photos / "chelsea.png") is not None


def test_remove_from_library_merges_tags_onto_the_kept_photo(qtbot, window, photos):
    with Library(window.library_path) as lib:
        small = lib.get_by_path(photos / "chelsea-small.jpg")
        lib.set_user_tags(small.id, add=["holiday"])
    tree = _open_duplicates(qtbot, window)
    group = tree.topLevelItem(0).child(0)
    assert "chelsea-small.jpg" in group.text(0) and "has your tags or albums" in group.text(0)
    # the person prefers the original anyway: select it, Keep This One, then remove the other
    original = next(
        group.child(i) for i in range(group.childCount()) if group.child(i).text(0) == "chelsea.png"
    )
    tree.setCurrentItem(original)
    qtbot.mouseClick(window.findChild(QPushButton, "keepThis"), Qt.MouseButton.LeftButton)
    assert group.text(0).startswith("Keep chelsea.png: chosen by you")
    seen: list[str] = []
    _answer_dialog(qtbot, "Remove", seen)
    qtbot.mouseClick(window.findChild(QPushButton, "removeOthers"), Qt.MouseButton.LeftButton)
    assert "The files stay on disk" in seen[0]
    qtbot.waitUntil(lambda: len(window.model.rows()) == 4, timeout=10000)
    assert (photos / "chelsea-small.jpg").exists()  # only forgotten
    with Library(window.library_path) as lib:
        kept = lib.get_by_path(photos / "chelsea.png")
        assert "holiday" in {t.tag for t in lib.tags(kept.id)}


def test_find_similar_from_the_viewer(qtbot, window):
    click_tile(qtbot, window, tile_row(window, "coffee.png"))
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)  # opens the photo
    viewer = shown_viewer(qtbot, "coffee.png")
    button = next(b for b in viewer.findChildren(QPushButton) if b.text() == "Find Similar")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "similarDialog") is not None, timeout=5000)
    dialog = window.findChild(QDialog, "similarDialog")
    assert dialog.windowTitle() == "Photos Like coffee.png"
    results = dialog.findChild(QListWidget, "similarList")
    qtbot.waitUntil(lambda: results.count() == 4, timeout=10000)
    names = [results.item(i).text().split("\n")[0] for i in range(results.count())]
    assert "coffee.png" not in names and set(names) == {
        "chelsea.png",
        "chelsea-small.jpg",
        "astronaut.png",
        "rocket.jpg",
    }
    viewer.close()


def _sections(tree: QTreeWidget) -> list[str]:
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_duplicates_view_looks_again_when_tagging_finishes(qtbot, window, photos, tmp_path):
    tree = _open_duplicates(qtbot, window)
    assert _sections(tree) == ["Near copies (edited, resized or re-saved)  (1)"]
    # with the view on screen, the person drops a folder holding plain copies of two photos
    more = tmp_path / "From the phone"
    more.mkdir()
    shutil.copy(photos / "coffee.png", more / "coffee.png")
    shutil.copy(photos / "chelsea.png", more / "chelsea.png")
    assert drop_files(window, [more])
    # once they are tagged the view shows the new groups by itself
    qtbot.waitUntil(lambda: len(_sections(tree)) == 2, timeout=30000)
    assert _sections(tree) == [
        "Exact copies (the same file)  (1)",
        "Near copies (edited, resized or re-saved)  (1)",
    ]
    coffee = tree.topLevelItem(0).child(0)
    assert sorted(coffee.child(i).toolTip(0) for i in range(coffee.childCount())) == sorted(
        [str(photos / "coffee.png"), str(more / "coffee.png")]
    )
    # the byte copy of chelsea.png joins its near group (not a group of its own as well) and
    # is shown as the same file as the kept one
    chelsea = tree.topLevelItem(1).child(0)
    rows = {chelsea.child(i).toolTip(0): chelsea.child(i).text(1) for i in range(chelsea.childCount())}
    assert len(rows) == 3 and str(photos / "chelsea-small.jpg") in rows
    assert sorted(rows.values()) == sorted(["keep", "same file", rows[str(photos / "chelsea-small.jpg")]])
    window.grab().save(str(tmp_path / "duplicates-after-tagging.png"))


class GatedClassifier(MeanColourClassifier):
    """A model that takes as long as the test wants: it waits for ``gate`` on every batch."""

    gate = threading.Event()

    def infer(self, batch: np.ndarray, top_k: int = 3):
        self.gate.wait(60)
        return super().infer(batch, top_k)


def test_a_long_search_can_be_cancelled(qtbot, photos, tmp_path, temporary_trash):
    gate = GatedClassifier.gate
    gate.set()
    win = MainWindow(AppSettings(), classifier_factory=GatedClassifier, batch_size=4)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._library_ready, timeout=5000)
    assert drop_files(win, [photos])
    qtbot.waitUntil(lambda: win.last_summary is not None and not win.indexer.running, timeout=30000)
    # as in a library tagged before this feature: most photos have no embedding yet
    with sqlite3.connect(win.library_path) as db:
        db.execute("DELETE FROM embeddings WHERE photo_id != (SELECT min(photo_id) FROM embeddings)")
    tree = _open_duplicates(qtbot, win)
    status = win.findChild(QLabel, "duplicatesStatus")
    cancel = win.findChild(QPushButton, "cancelDuplicates")
    qtbot.waitUntil(lambda: status.text() == "1 group of copies", timeout=10000)
    assert not cancel.isVisible()
    gate.clear()  # from now on the model is slow
    try:
        qtbot.mouseClick(win.findChild(QCheckBox, "includeSimilar"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: status.text().startswith("Reading photos the model has not seen"), timeout=10000
        )
        assert cancel.isVisible() and cancel.isEnabled()
        win.grab().save(str(tmp_path / "duplicates-searching.png"))
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert status.text() == "Cancelling…" and not cancel.isEnabled()
    finally:
        gate.set()  # the batch in the model finishes; nothing more is started
    qtbot.waitUntil(lambda: status.text() == "Search cancelled.", timeout=20000)
    assert not cancel.isVisible()
    assert _sections(tree) == ["Near copies (edited, resized or re-saved)  (1)"]  # the last results stay
