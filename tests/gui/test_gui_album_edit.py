"""Editing a smart album from the sidebar's context menu (issue 11, item 4): in place, in one
transaction, keeping the rule keys the editor does not show, never losing an album."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMenu, QSpinBox

from resnet_desktop.core.library import Library
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier


def make_window(qtbot) -> MainWindow:
    window = MainWindow(AppSettings(), classifier_factory=ColourClassifier, batch_size=4)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    return window


def when(predicate, then, tries: int = 200) -> None:
    """Run ``then(found)`` once ``predicate()`` finds something (a popup, a modal dialog)."""

    def poll(left: int) -> None:
        found = predicate()
        if found is not None:
            then(found)
        elif left:
            QTimer.singleShot(25, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))


def edit_album_through_the_menu(qtbot, window: MainWindow, album: str, fill) -> None:
    """Right-click the album, choose "Edit Smart Album…", let ``fill`` change the dialog, press OK."""
    sidebar = window.sidebar
    item = sidebar.item_for("smart", album)
    sidebar.scrollToItem(item)
    pos = sidebar.visualItemRect(item).center()
    finished = []

    def in_dialog(dialog) -> None:
        fill(dialog)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        finished.append(True)

    def in_menu(menu: QMenu) -> None:
        (action,) = [a for a in menu.actions() if a.text() == "Edit Smart Album…"]
        menu.setActiveAction(action)
        when(lambda: QApplication.activeModalWidget(), in_dialog)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    when(lambda: QApplication.activePopupWidget(), in_menu)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, sidebar.viewport().mapToGlobal(pos))
    QApplication.sendEvent(sidebar.viewport(), event)
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)


def stored(window: MainWindow) -> dict[str, tuple[int, dict | None]]:
    with Library(window.library_path) as lib:
        return {a.name: (a.id, a.rule) for a in lib.albums()}


def test_editing_keeps_rule_keys_the_editor_does_not_show_and_the_album_itself(qtbot):
    window = make_window(qtbot)
    rule = {"labels_any": ["tabby"], "camera": "Canon", "status": ["ok", "missing"]}
    window.create_album("Cats", rule)
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Cats") is not None, timeout=5000)
    album_id = stored(window)["Cats"][0]

    def raise_confidence(dialog) -> None:
        spin = next(w for w in dialog.findChildren(QSpinBox.__base__) if w.suffix().strip() == "%")
        spin.setValue(40)

    edit_album_through_the_menu(qtbot, window, "Cats", raise_confidence)
    qtbot.waitUntil(
        lambda: (stored(window).get("Cats", (0, {}))[1] or {}).get("min_confidence") == 0.4, timeout=5000
    )
    album_id_after, saved = stored(window)["Cats"]
    assert album_id_after == album_id  # edited in place, not deleted and made again
    assert saved == {**rule, "min_confidence": 0.4}


def test_renaming_onto_an_existing_album_loses_neither(qtbot):
    window = make_window(qtbot)
    window.create_album("Cats", {"labels_any": ["tabby"]})
    window.create_album("Dogs", {"labels_any": ["beagle"]})
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Dogs") is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Cats") is not None, timeout=5000)

    def rename_to_dogs(dialog) -> None:
        name = dialog.findChild(QLineEdit)
        name.selectAll()
        qtbot.keyClicks(name, "Dogs")

    edit_album_through_the_menu(qtbot, window, "Cats", rename_to_dogs)
    qtbot.waitUntil(lambda: "Could not save" in window.status_label.text(), timeout=5000)
    albums = stored(window)
    assert albums["Cats"][1] == {"labels_any": ["tabby"]}
    assert albums["Dogs"][1] == {"labels_any": ["beagle"]}
    assert window.sidebar.item_for("smart", "Cats") is not None
