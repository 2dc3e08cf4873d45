"""What a person does to the window, for the GUI tests: clicks, keys, right clicks, menus,
dialogs answered by clicking their buttons, files dropped from a file manager.

Everything goes through Qt's event delivery (QTest mouse and key events, drag-and-drop
events sent to the widget under the pointer); nothing here calls the window's own methods.
Modal dialogs and popup menus block inside ``exec()``, so the answer is set up first: a
timer polls for the dialog or menu the next action opens and handles it when it shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMenu,
    QStyleOptionViewItem,
    QTreeWidgetItem,
    QWidget,
)

from tests.fakes import ColourClassifier, make_photo

LEFT = Qt.MouseButton.LeftButton


def plain(text: str) -> str:
    """A button's or action's text as a person reads it (no & mnemonics)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


# --- drops from a file manager -------------------------------------------------------------
def drop_files(widget: QWidget, paths: list[Path], pos: QPoint | None = None) -> bool:
    """Drag enter, move and drop of file URLs on ``widget``, as a file manager's drag delivers
    them; returns whether the drop was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return drop_mime(widget, mime, pos)


def drop_mime(widget: QWidget, mime: QMimeData, pos: QPoint | None = None) -> bool:
    pos = pos or widget.rect().center()
    action, buttons, mods = Qt.DropAction.CopyAction, LEFT, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(widget, move)
    if not move.isAccepted():
        return False
    drop = QDropEvent(QPointF(pos), action, mime, buttons, mods)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


# --- the grid ------------------------------------------------------------------------------
def tile_count(window) -> int:
    return window.grid.model().rowCount()


def tile_names(window) -> list[str]:
    model = window.grid.model()
    return [model.index(i, 0).data(Qt.ItemDataRole.DisplayRole) for i in range(model.rowCount())]


def tile_row(window, name: str) -> int:
    return tile_names(window).index(name)


def tile_data(window, role) -> list:
    model = window.grid.model()
    return [model.index(i, 0).data(role) for i in range(model.rowCount())]


def tile_centre(window, row: int) -> QPoint:
    index = window.grid.model().index(row, 0)
    window.grid.scrollTo(index)
    return window.grid.visualRect(index).center()


def click_tile(qtbot, window, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mouseClick(window.grid.viewport(), LEFT, modifier, tile_centre(window, row))


def double_click_tile(qtbot, window, row: int) -> None:
    pos = tile_centre(window, row)
    qtbot.mouseClick(window.grid.viewport(), LEFT, pos=pos)
    qtbot.mouseDClick(window.grid.viewport(), LEFT, pos=pos)


def right_click(widget: QWidget, pos: QPoint) -> None:
    """A right click through the window system, so Qt makes the context-menu event itself."""
    top = widget.window()
    QTest.mouseClick(
        top.windowHandle(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, widget.mapTo(top, pos)
    )


def tile_texts(window, row: int) -> list[str]:
    """The words painted on a tile (caption lines), read by painting it as the grid does."""

    class Recorder(QPainter):
        def __init__(self, device) -> None:
            super().__init__(device)
            self.texts: list[str] = []

        def drawText(self, *args) -> None:  # noqa: N802
            self.texts.extend(a for a in args if isinstance(a, str))
            super().drawText(*args)

    grid = window.grid
    size = grid.gridSize()
    pixmap = QPixmap(size)
    painter = Recorder(pixmap)
    option = QStyleOptionViewItem()
    option.initFrom(grid.viewport())
    option.rect = QRect(QPoint(0, 0), size)
    option.font = grid.font()
    grid.itemDelegate().paint(painter, option, grid.model().index(row, 0))
    painter.end()
    return [t for t in painter.texts if t]


# --- the sidebar ---------------------------------------------------------------------------
def sidebar_item(window, title: str) -> QTreeWidgetItem | None:
    """The sidebar entry showing ``title`` (its text without the count)."""
    tree = window.sidebar
    found = []

    def walk(item: QTreeWidgetItem) -> None:
        for i in range(item.childCount()):
            child = item.child(i)
            if child.data(0, Qt.ItemDataRole.AccessibleTextRole) == title:
                found.append(child)
            walk(child)

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return found[0] if found else None


def sidebar_text(window, title: str) -> str | None:
    item = sidebar_item(window, title)
    return None if item is None else item.text(0)


def click_sidebar(qtbot, window, title: str) -> None:
    item = sidebar_item(window, title)
    assert item is not None, f"no sidebar entry {title!r}"
    window.sidebar.scrollToItem(item)
    pos = window.sidebar.visualItemRect(item).center()
    qtbot.mouseClick(window.sidebar.viewport(), LEFT, pos=pos)


# --- dialogs and menus ---------------------------------------------------------------------
class Watch:
    """Polls until ``find()`` returns a widget, then calls ``handle(widget)`` once."""

    def __init__(self, find: Callable[[], QWidget | None], handle: Callable[[QWidget], None]) -> None:
        self.seen: QWidget | None = None
        self.texts: list[str] = []
        self.children: list[Watch] = []  # watches this one started (a submenu)
        self._find, self._handle = find, handle
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        widget = self._find()
        if widget is None or not widget.isVisible():
            return
        self._timer.stop()
        self.seen = widget
        self._handle(widget)

    def stop(self) -> None:
        self._timer.stop()


def click_button(widget: QWidget, text: str) -> None:
    for button in widget.findChildren(QAbstractButton):
        if plain(button.text()) == text and button.isVisible():
            QTest.mouseClick(button, LEFT)
            return
    names = [plain(b.text()) for b in widget.findChildren(QAbstractButton)]
    raise AssertionError(f"no button {text!r} in {names}")


def answer_dialog(button: str, before: Callable[[QWidget], None] | None = None, kind=QWidget) -> Watch:
    """The next modal dialog (of ``kind``): ``before(dialog)`` (fill it in), then click ``button``."""

    def find() -> QWidget | None:
        widget = QApplication.activeModalWidget()
        return widget if isinstance(widget, kind) else None

    def handle(dialog: QWidget) -> None:
        watch.texts.append(getattr(dialog, "text", lambda: "")())
        if before is not None:
            before(dialog)
        click_button(dialog, button)

    watch = Watch(find, handle)
    return watch


def menu_texts(menu: QMenu) -> list[str]:
    return [plain(a.text()) for a in menu.actions() if not a.isSeparator()]


def choose_in_menu(path: list[str], screenshot: str | None = None) -> Watch:
    """In the next popup menu, follow ``path`` (submenus by their titles) and click its last entry.

    ``watch.texts`` gets the top menu's entries; ``screenshot`` saves the open menu there.
    """

    def find() -> QWidget | None:
        widget = QApplication.activePopupWidget()
        return widget if isinstance(widget, QMenu) else None

    def click(menu: QMenu, steps: list[str]) -> None:
        actions = {plain(a.text()): a for a in menu.actions() if not a.isSeparator()}
        assert steps[0] in actions, f"{steps[0]!r} not in menu {list(actions)}"
        action = actions[steps[0]]
        QTest.mouseClick(menu, LEFT, Qt.KeyboardModifier.NoModifier, menu.actionGeometry(action).center())
        if len(steps) > 1:
            submenu = action.menu()
            watch.children.append(
                Watch(lambda: submenu if submenu.isVisible() else None, lambda m: click(m, steps[1:]))
            )

    def handle(menu: QMenu) -> None:
        watch.texts.extend(menu_texts(menu))
        if screenshot:
            menu.grab().save(screenshot)
        click(menu, path)

    watch = Watch(find, handle)
    return watch


def choose_from_menu_bar(qtbot, window, path: list[str]) -> None:
    """Click a menu of the menu bar, then an entry of it (e.g. ["File", "Re-tag Library"])."""
    bar = window.menuBar()
    menus = {plain(a.text()): a for a in bar.actions()}
    action = menus[path[0]]
    qtbot.mouseClick(bar, LEFT, pos=bar.actionGeometry(action).center())
    menu = action.menu()
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    entries = {plain(a.text()): a for a in menu.actions() if not a.isSeparator()}
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(entries[path[1]]).center())


# --- the window ----------------------------------------------------------------------------
def make_window(qtbot, classifier_factory, *, batch_size: int = 4, settings=None):
    """The main window on screen with its library loaded (the first grid query answered)."""
    from resnet_desktop.gui.main_window import MainWindow
    from resnet_desktop.gui.settings import AppSettings

    window = MainWindow(
        settings or AppSettings(), classifier_factory=classifier_factory, batch_size=batch_size
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.grid_refreshed, timeout=10000):
        window.show()
    return window


def status_text(window) -> str:
    return window.status_label.text()


def wait_idle(qtbot, window, tiles: int | None = None, *, timeout: int = 60000, summary: str = "") -> None:
    """Tagging has finished (the status bar says how it went, in any language; no progress
    shown) and the grid shows the outcome: ``tiles`` tiles, none of them waiting unless the
    run was stopped. ``summary``: text the status must contain ("Stopped": a cancelled run)."""
    from resnet_desktop.gui.photo_model import StatusRole

    qtbot.waitUntil(
        lambda: (
            not window.progress_panel.isVisible()
            and bool(status_text(window))
            and summary in status_text(window)
        ),
        timeout=timeout,
    )
    qtbot.waitUntil(
        lambda: (
            (tiles is None or tile_count(window) == tiles)
            and ("Stopped" in summary or "pending" not in tile_data(window, StatusRole))
            and None not in tile_data(window, StatusRole)  # no tile still waiting for its row
        ),
        timeout=10000,
    )


def choose_in_combo(qtbot, combo, text: str) -> None:
    """Click the combo box, then pick ``text`` in the list that drops down with the arrow keys
    and Enter (a click there right after opening is taken for the opening click's release)."""
    qtbot.mouseClick(combo, LEFT)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    target = combo.findText(text)
    assert target >= 0, f"no {text!r} in the combo box"
    steps = target - view.currentIndex().row()
    for _ in range(abs(steps)):
        qtbot.keyClick(view, Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)
    assert combo.currentText() == text
    # a desktop's window manager gives the window back its activation when the list closes;
    # the offscreen platform does not, and keys would go nowhere
    combo.window().activateWindow()
    qtbot.waitUntil(combo.window().isActiveWindow, timeout=3000)


# --- shared scenes -------------------------------------------------------------------------
class GatedClassifier(ColourClassifier):
    """Blocks inference until the test opens the gate: lets a test act while a run is mid-way."""

    def __init__(self, wait_s: float = 10.0) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.wait_s = wait_s  # the longest a batch waits for the gate

    def infer(self, batch: np.ndarray, top_k: int = 3):
        self.entered.set()
        self.gate.wait(self.wait_s)
        return super().infer(batch, top_k)


def colour_folder(root: Path, counts: dict[tuple, int]) -> Path:
    n = 0
    for colour, count in counts.items():
        for _ in range(count):
            make_photo(root / f"photo_{n:02d}.jpg", colour=colour)
            n += 1
    return root


def new_album(qtbot, window, name: str) -> None:
    """Albums > New Album…, a name typed, OK."""
    watch = answer_dialog("OK", lambda dialog: qtbot.keyClicks(dialog.findChild(QLineEdit), name))
    choose_from_menu_bar(qtbot, window, ["Albums", "New Album…"])
    qtbot.waitUntil(lambda: watch.seen is not None, timeout=5000)


def shown_viewer(qtbot, name: str | None = None):
    """The photo viewer a key or a double click opened (it opens once the photo's row is read),
    come to the front; ``name``: the one showing that photo (its window title)."""
    from resnet_desktop.gui.viewer import PhotoViewer

    def shown() -> list:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, PhotoViewer) and w.isVisible() and (name is None or w.windowTitle() == name)
        ]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=5000)
    viewer = shown()[0]
    qtbot.waitUntil(viewer.isActiveWindow, timeout=3000)  # it comes to the front, keys go there
    return viewer


def open_viewer(qtbot, window, row: int):
    double_click_tile(qtbot, window, row)
    return shown_viewer(qtbot)


def viewer_texts(viewer) -> list[str]:
    return [label.text() for label in viewer.findChildren(QLabel) if label.isVisible()]


def viewer_tags(viewer) -> list[str]:
    return [viewer.tag_list.item(i).text() for i in range(viewer.tag_list.count())]


def drag_selection_to_sidebar(window, album: str) -> None:
    """Drag the grid's selected tiles onto a sidebar entry: the drag carries what the grid puts
    in a drag (its model's MIME data for the selection), dropped on the entry's spot."""
    grid = window.grid
    mime = grid.model().mimeData(sorted(grid.selectionModel().selectedIndexes(), key=lambda i: i.row()))
    item = sidebar_item(window, album)
    pos = window.sidebar.visualItemRect(item).center()
    assert drop_mime(window.sidebar.viewport(), mime, pos)
