"""The grid's context menu: what a person can do with the photos under the mouse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu, QWidget


@dataclass
class PhotoActions:
    """What the menu's entries do (the window's own handlers)."""

    open: Callable[[], None]
    show_in_folder: Callable[[], None]
    add_to_album: Callable[[str], None]  # a plain album's name
    new_album: Callable[[], None]  # ask for a name, make it, add the photos
    remove_from_album: Callable[[], None]
    remove_from_library: Callable[[], None]


def photo_menu(parent: QWidget, albums: list[str], current_album: str | None, actions: PhotoActions) -> QMenu:
    """Open, Show in Folder, Add to Album ▸, Remove from Album (inside a plain album), Remove
    from Library…; ``albums`` are the plain albums' names, ``current_album`` the one shown."""
    menu = QMenu(parent)
    menu.addAction(QCoreApplication.translate("PhotoMenu", "Open")).triggered.connect(actions.open)
    menu.addAction(QCoreApplication.translate("PhotoMenu", "Show in Folder")).triggered.connect(
        actions.show_in_folder
    )
    submenu = menu.addMenu(QCoreApplication.translate("PhotoMenu", "Add to Album"))
    for name in sorted(albums, key=str.casefold):
        if name != current_album:
            submenu.addAction(name).triggered.connect(lambda _c=False, name=name: actions.add_to_album(name))
    if submenu.actions():
        submenu.addSeparator()
    submenu.addAction(QCoreApplication.translate("PhotoMenu", "New Album…")).triggered.connect(
        actions.new_album
    )
    menu.addSeparator()
    if current_album is not None:
        text = QCoreApplication.translate("PhotoMenu", "Remove from Album “%1”").replace("%1", current_album)
        menu.addAction(text).triggered.connect(actions.remove_from_album)
    remove = QCoreApplication.translate("PhotoMenu", "Remove from Library…")
    menu.addAction(remove).triggered.connect(actions.remove_from_library)
    return menu
