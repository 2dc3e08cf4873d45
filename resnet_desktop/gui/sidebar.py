"""The sidebar: Library, Folders, automatic albums (labels, categories), the user's albums.

A tree of a few dozen items, so plain QTreeWidget items are fine here (unlike the grid).
Manual albums accept photos dragged from the grid (our own MIME type carrying ids).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeWidget, QTreeWidgetItem

from resnet_desktop.gui.data import ViewSource, builtin_rule
from resnet_desktop.gui.folder_tree import FolderNode, folder_tree
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
        self._select_next: tuple[str, str] | None = None
        self._folders_open: dict[str, bool] = {}
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
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, source.title)
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
        """Rebuild from a SidebarData (None: just the Library section), keeping the selection.
        The same data as shown already changes nothing (its items stay the same objects)."""
        shown = (data, self.min_confidence)
        try:
            if data is not None and shown == getattr(self, "_shown", None):
                return
        except Exception:  # noqa: BLE001 - data that cannot be compared is simply shown again
            pass
        self._shown = shown
        self._updating = True
        # folders the person opened or closed stay so (the sidebar is rebuilt while tagging runs)
        self._folders_open = {
            item.data(0, SourceRole).key: item.isExpanded()
            for item in self.items()
            if item.childCount() and item.data(0, SourceRole).kind == "folder"
        }
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
        self._add(lib, ViewSource("duplicates", "duplicates", self.tr("Duplicates")), None)
        if data is not None and data.folders:
            section = self._section("folders", self.tr("Folders"))
            for node in folder_tree(data.folders):
                self._add_folder(section, node)
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
        album_counts = getattr(data, "album_counts", None) or {}
        smart = [a for a in albums if a.kind == "smart"]
        manual = [a for a in albums if a.kind != "smart"]
        section = self._section("smart", self.tr("Smart Albums"))
        for album in smart:
            item = self._add(
                section,
                ViewSource("smart", album.name, album.name, album.rule),
                album_counts.get(album.name),
            )
            item.setData(0, Qt.ItemDataRole.UserRole + 2, album)
        section = self._section("albums", self.tr("Albums"))
        for album in manual:
            self._add(
                section,
                ViewSource("manual", album.name, album.name, None),
                album_counts.get(album.name),
                drop=True,
            )
        # Selected while still "updating": the grid is told only if the view really changed
        # (a refresh during tagging must not reset the grid and lose the person's selection).
        target, self._select_next = self._select_next or self._current_key, None
        self.select_key(*target)
        self._updating = False

    def select_next(self, kind: str, key: str) -> None:
        """Select this entry when the sidebar is next rebuilt (an album just made)."""
        self._select_next = (kind, key)

    def _add_folder(self, parent: QTreeWidgetItem, node: FolderNode) -> None:
        """A folder and, below it, its subfolders; collapsed below the first level."""
        item = self._add(
            parent, ViewSource("folder", node.path, node.title, {"folder": node.path}), node.count
        )
        for child in node.children:
            self._add_folder(item, child)
        item.setExpanded(self._folders_open.get(node.path, parent.parent() is None))

    # --- selection ------------------------------------------------------------------------
    def items(self) -> list[QTreeWidgetItem]:
        """Every item below the section headings, depth first (folders nest)."""
        result: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            for j in range(item.childCount()):
                result.append(item.child(j))
                walk(item.child(j))

        for i in range(self.topLevelItemCount()):
            walk(self.topLevelItem(i))
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
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
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
