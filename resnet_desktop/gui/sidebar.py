"""The sidebar: Library, Folders, automatic albums (labels, categories), the user's albums.

A tree of a few dozen items, so plain QTreeWidget items are fine here (unlike the grid).
Manual albums accept photos dragged from the grid (our own MIME type carrying ids).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeWidget, QTreeWidgetItem

from resnet_desktop.gui.data import ViewSource, builtin_rule
from resnet_desktop.gui.i18n import label_text
from resnet_desktop.gui.photo_model import PHOTO_IDS_MIME

SourceRole = Qt.ItemDataRole.UserRole + 1


class Sidebar(QTreeWidget):
    source_selected = Signal(object)  # ViewSource
    photos_dropped = Signal(str, list)  # manual album name, photo ids
    edit_album_requested = Signal(object)  # AlbumRow of a smart album
    delete_album_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.currentItemChanged.connect(self._on_current_changed)
        self._sections: dict[str, QTreeWidgetItem] = {}
        self._current_key: tuple[str, str] = ("builtin", "all")
        self._updating = False
        self.min_confidence = 0.0
        self.populate(None)

    # --- building -------------------------------------------------------------------------
    def _section(self, key: str, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title])
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(item)
        item.setExpanded(True)
        self._sections[key] = item
        return item

    def _add(self, parent: QTreeWidgetItem, source: ViewSource, count: int | None, *, drop=False):
        text = source.title if count is None else f"{source.title}  ({count})"
        item = QTreeWidgetItem([text])
        item.setData(0, SourceRole, source)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if drop:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        item.setFlags(flags)
        if source.kind == "folder":
            item.setToolTip(0, source.key)
        parent.addChild(item)
        return item

    def populate(self, data) -> None:
        """Rebuild from a SidebarData (None: just the Library section), keeping the selection."""
        self._updating = True
        self.clear()
        self._sections.clear()
        counts = data.counts if data is not None else {}
        lib = self._section("library", self.tr("Library"))
        for key, title in (
            ("all", self.tr("All Photos")),
            ("recent", self.tr("Recently Added")),
            ("untagged", self.tr("Untagged")),
            ("failed", self.tr("Failed")),
        ):
            self._add(lib, ViewSource("builtin", key, title, builtin_rule(key)), counts.get(key))
        if data is not None and data.folders:
            section = self._section("folders", self.tr("Folders"))
            for folder, count in data.folders:
                title = os.path.basename(folder.rstrip(os.sep)) or folder
                self._add(section, ViewSource("folder", folder, title, {"folder": folder}), count)
        if data is not None and (data.labels or data.categories):
            section = self._section("auto", self.tr("Automatic Albums"))
            for name, rule, count in data.categories:
                title = label_text(name)  # core.names: the category's name in the window's language
                self._add(section, ViewSource("category", name, title, rule), count)
            for label, count in data.labels:
                rule = {"labels_any": [label]}
                if self.min_confidence:
                    rule["min_confidence"] = self.min_confidence
                self._add(section, ViewSource("label", label, label_text(label), rule), count)
        if data is not None and data.taught:
            from resnet_desktop.gui.suggestions_view import describe, sidebar_title

            section = self._section("suggestions", self.tr("Suggestions"))
            for report, count in data.taught:
                item = self._add(section, ViewSource("suggestions", report.label, report.label), None)
                item.setText(0, sidebar_title(report, count))
                item.setToolTip(0, describe(report))
        albums = data.albums if data is not None else []
        smart = [a for a in albums if a.kind == "smart"]
        manual = [a for a in albums if a.kind != "smart"]
        section = self._section("smart", self.tr("Smart Albums"))
        for album in smart:
            item = self._add(
                section,
                ViewSource("smart", album.name, album.name, album.rule),
                getattr(album, "count", None),
            )
            item.setData(0, Qt.ItemDataRole.UserRole + 2, album)
        section = self._section("albums", self.tr("Albums"))
        for album in manual:
            self._add(
                section,
                ViewSource("manual", album.name, album.name, None),
                getattr(album, "count", None),
                drop=True,
            )
        self._updating = False
        self.select_key(*self._current_key)

    # --- selection ------------------------------------------------------------------------
    def items(self) -> list[QTreeWidgetItem]:
        result = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            result.extend(top.child(j) for j in range(top.childCount()))
        return result

    def item_for(self, kind: str, key: str) -> QTreeWidgetItem | None:
        for item in self.items():
            source = item.data(0, SourceRole)
            if source is not None and source.kind == kind and source.key == key:
                return item
        return None

    def select_key(self, kind: str, key: str) -> bool:
        item = self.item_for(kind, key) or self.item_for("builtin", "all")
        if item is None:
            return False
        self.setCurrentItem(item)
        return True

    def current_source(self) -> ViewSource | None:
        item = self.currentItem()
        return item.data(0, SourceRole) if item is not None else None

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        source = current.data(0, SourceRole) if current is not None else None
        if source is None:
            return
        changed = (source.kind, source.key) != self._current_key
        self._current_key = (source.kind, source.key)
        if not self._updating or changed:
            self.source_selected.emit(source)

    # --- drops from the grid --------------------------------------------------------------
    def _album_at(self, pos) -> str | None:
        item = self.itemAt(pos)
        source = item.data(0, SourceRole) if item is not None else None
        return source.key if source is not None and source.accepts_photos else None

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(PHOTO_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(PHOTO_IDS_MIME) and self._album_at(event.position().toPoint()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        album = self._album_at(event.position().toPoint())
        if album is None or not event.mimeData().hasFormat(PHOTO_IDS_MIME):
            event.ignore()
            return
        raw = bytes(event.mimeData().data(PHOTO_IDS_MIME)).decode()
        ids = [int(x) for x in raw.split(",") if x.strip()]
        event.acceptProposedAction()
        if ids:
            self.photos_dropped.emit(album, ids)

    # --- context menu ---------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        item = self.itemAt(pos)
        source = item.data(0, SourceRole) if item is not None else None
        if source is None or source.kind not in ("smart", "manual"):
            return
        menu = QMenu(self)
        if source.kind == "smart":
            edit = QAction(self.tr("Edit Smart Album…"), menu)
            album = item.data(0, Qt.ItemDataRole.UserRole + 2)
            edit.triggered.connect(lambda: self.edit_album_requested.emit(album))
            menu.addAction(edit)
        delete = QAction(self.tr("Delete Album"), menu)
        delete.triggered.connect(lambda: self.delete_album_requested.emit(source.key))
        menu.addAction(delete)
        menu.exec(self.viewport().mapToGlobal(pos))
