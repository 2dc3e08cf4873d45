"""Find Similar (viewer button, grid context menu) and the Duplicates view of the sidebar.

The engine is core.duplicates / core.embeddings; everything that reads or writes the library,
decodes a photo or runs the model goes through gui.tasks pools, and results come back as
signals. :func:`install` wires both into the main window, so main_window.py only calls it.

Acting on a group never deletes a file by itself: "Remove Others from Library" forgets them,
"Move Others to Trash…" asks first, naming every file, and uses the system trash.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resnet_desktop.gui import tasks
from resnet_desktop.gui.data import ViewSource

DUPLICATES = "duplicates"  # ViewSource.kind and key of the sidebar item
GroupRole = Qt.ItemDataRole.UserRole + 1
PhotoRole = Qt.ItemDataRole.UserRole + 2


def duplicates_source(title: str) -> ViewSource:
    return ViewSource(DUPLICATES, DUPLICATES, title, None)


class _Progress(QObject):
    """Lives in the GUI thread; a worker emits, the slot runs in the GUI thread (queued)."""

    changed = Signal(str, int, int)  # stage, done, total


# --------------------------------------------------------------------------- work (pools)


#: set when the main window closes: long work (fingerprints, embeddings) stops between photos
_closing = threading.Event()


def _embed_missing(
    window: Any, library_path: str, photo_ids: list[int] | None, progress, cancel: Any = _closing
) -> str | None:
    """Compute embeddings photos lack for the model in use (worker thread); a notice or None."""
    from resnet_desktop.core import embeddings as emb
    from resnet_desktop.core.library import Library

    with Library(library_path) as lib:
        model = emb.default_model(lib)
        if model is None:
            return None
        todo = emb.missing(lib, model)
    if photo_ids is not None:
        todo = [i for i in todo if i in set(photo_ids)]
    if not todo:
        return None
    classifier = window._classifier_factory()
    if classifier.model != model:
        return f"{len(todo)} photos have no {model} embedding and {model} is not available"
    emb.compute_missing(
        library_path,
        classifier,
        photo_ids=todo,
        on_progress=lambda p: progress.changed.emit("embeddings", p.done, p.total),
        cancel=cancel,
    )
    return None


def find_similar_work(window: Any, library_path: str, photo_id: int, progress) -> Any:
    """(matches, None) or ([], reason): runs in a pool."""
    from resnet_desktop.core import duplicates
    from resnet_desktop.core.library import Library

    _embed_missing(window, library_path, [photo_id], progress)
    with Library(library_path) as lib:
        try:
            return duplicates.similar(lib, photo_id, limit=60), None
        except duplicates.DuplicatesError as exc:
            return [], str(exc)


def find_groups_work(
    library_path: str, include_similar: bool, thumbs: Any, window: Any, progress, cancel: threading.Event
) -> Any:
    """The groups, or None when ``cancel`` was set (the person pressed Cancel, or the window closed)."""
    from resnet_desktop.core import duplicates
    from resnet_desktop.core.library import Library

    if include_similar:
        _embed_missing(window, library_path, None, progress, cancel)
    if cancel.is_set():
        return None
    with Library(library_path) as lib:
        try:
            return duplicates.find_groups(
                lib,
                include_similar=include_similar,
                thumbs=thumbs,
                on_progress=lambda p: progress.changed.emit(p.stage, p.done, p.total),
                cancel=cancel,
            )
        except duplicates.Cancelled:
            return None


def act_on_group(library_path: str, keep_id: int, others: list[int], merge: bool, trash: bool) -> list:
    """Merge (if asked) then forget or trash the others; returns files that could not be trashed."""
    from resnet_desktop.core import duplicates
    from resnet_desktop.core.library import Library

    with Library(library_path) as lib:
        if merge:
            duplicates.merge_onto(lib, keep_id, others)
        if trash:
            return duplicates.move_to_trash(lib, others)
        lib.remove(others)
        return []


# --------------------------------------------------------------------------- Find Similar


class SimilarDialog(QDialog):
    """The photos most like one photo, best first, with their similarity."""

    def __init__(self, window: Any, row: Any) -> None:
        super().__init__(window)
        self.setObjectName("similarDialog")
        self.window_ = window
        self.setWindowTitle(self.tr("Photos Like %1").replace("%1", row.name))
        self.status = QLabel(self.tr("Looking for similar photos…"))
        self.status.setObjectName("similarStatus")
        self.list = QListWidget()
        self.list.setObjectName("similarList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(128, 128))
        self.list.setGridSize(QSize(150, 180))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        self.resize(820, 600)
        self._rows: dict[str, list[QListWidgetItem]] = {}
        window.thumbnails.loaded.connect(self._thumbnail_loaded)
        self.progress = _Progress(self)
        self.progress.changed.connect(self._on_progress)
        path, pid = window.library_path, row.id
        tasks.run_task(
            lambda: find_similar_work(window, path, pid, self.progress),
            self._on_result,
            lambda m: self.status.setText(self.tr("Could not compare: %1").replace("%1", m)),
            pool_name="similar",
        )

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if stage == "embeddings":
            self.status.setText(
                self.tr("Reading photos the model has not seen: %1 of %2")
                .replace("%1", str(done))
                .replace("%2", str(total))
            )

    def _on_result(self, result: Any) -> None:
        matches, reason = result
        if reason:
            self.status.setText(reason)
            return
        if not matches:
            self.status.setText(self.tr("There is no other photo to compare with."))
            return
        self.status.setText(self.tr("%n similar photo(s), most similar first", "", len(matches)))
        for m in matches:
            item = QListWidgetItem(f"{m.photo.name}\n{m.similarity * 100:.0f}%")
            item.setToolTip(m.photo.display_path)
            item.setData(PhotoRole, m.photo)
            pixmap = self.window_.thumbnails.pixmap_for(m.photo)
            if pixmap is not None:
                item.setIcon(pixmap)
            self._rows.setdefault(m.photo.content_hash or "", []).append(item)
            self.list.addItem(item)

    def _thumbnail_loaded(self, key: str) -> None:
        for item in self._rows.get(key, []):
            pixmap = self.window_.thumbnails.pixmap_for(item.data(PhotoRole))
            if pixmap is not None:
                item.setIcon(pixmap)

    def names(self) -> list[str]:
        """What the list shows, first line of each item (photo names), top to bottom."""
        return [self.list.item(i).text().split("\n")[0] for i in range(self.list.count())]


# --------------------------------------------------------------------------- Duplicates view


class DuplicatesView(QWidget):
    """Groups of copies (exact, near) and, when asked, similar shots, each with the photo the
    app suggests keeping and why; actions on the selected group."""

    changed = Signal()  # the library changed (photos removed or trashed)

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.setObjectName("duplicatesView")
        self.window_ = window
        self.include_similar = QCheckBox(self.tr("Include similar shots (bursts)"))
        self.include_similar.setObjectName("includeSimilar")
        self.include_similar.toggled.connect(lambda _on: self.refresh())
        self.status = QLabel()
        self.status.setObjectName("duplicatesStatus")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelDuplicates")
        self.cancel_button.clicked.connect(self.cancel_search)
        self.cancel_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.include_similar)

        self.tree = QTreeWidget()
        self.tree.setObjectName("duplicatesTree")
        self.tree.setHeaderLabels([self.tr("Photo"), self.tr("Difference"), self.tr("Folder")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 380)
        self.tree.setColumnWidth(1, 90)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())

        self.merge = QCheckBox(self.tr("Give the kept photo the others' tags and albums"))
        self.merge.setObjectName("mergeTags")
        self.merge.setChecked(True)
        self.keep_button = QPushButton(self.tr("Keep This One"))
        self.keep_button.setObjectName("keepThis")
        self.keep_button.clicked.connect(self.keep_selected)
        self.remove_button = QPushButton(self.tr("Remove Others from Library"))
        self.remove_button.setObjectName("removeOthers")
        self.remove_button.clicked.connect(lambda: self.act(trash=False))
        self.trash_button = QPushButton(self.tr("Move Others to Trash…"))
        self.trash_button.setObjectName("moveToTrash")
        self.trash_button.clicked.connect(lambda: self.act(trash=True))
        self.folder_button = QPushButton(self.tr("Show in Folder"))
        self.folder_button.setObjectName("showInFolder")
        self.folder_button.clicked.connect(self.show_in_folder)
        buttons = QHBoxLayout()
        for b in (self.keep_button, self.folder_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.merge)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.trash_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.progress = _Progress(self)
        self.progress.changed.connect(self._on_progress)
        self._busy = False
        self._again = False
        self._cancel = threading.Event()
        self._update_buttons()

    # --- loading --------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._again = False
        self._cancel = cancel = threading.Event()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.status.setText(self.tr("Looking for duplicates…"))
        window, similar = self.window_, self.include_similar.isChecked()
        path, thumbs = window.library_path, window.thumbnails.thumbs
        tasks.run_task(
            lambda: find_groups_work(path, similar, thumbs, window, self.progress, cancel),
            self._on_groups,
            self._on_error,
            pool_name="similar",
        )

    def cancel_search(self) -> None:
        """Stop the search under way (between photos); what it computed so far is kept."""
        if not self._busy:
            return
        self._cancel.set()
        self._again = False
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("Cancelling…"))

    def _on_error(self, message: str) -> None:
        self._busy = False
        self.cancel_button.hide()
        self.status.setText(self.tr("Could not look for duplicates: %1").replace("%1", message))

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            return  # "Cancelling…" stays until the work stops
        texts = {
            "fingerprints": self.tr("Reading photos for comparison: %1 of %2"),
            "embeddings": self.tr("Reading photos the model has not seen: %1 of %2"),
        }
        if stage in texts:
            self.status.setText(texts[stage].replace("%1", str(done)).replace("%2", str(total)))

    def _on_groups(self, groups: list | None) -> None:
        self._busy = False
        if self._again:
            self.refresh()
            return
        self.cancel_button.hide()
        if groups is None:
            self.status.setText(self.tr("Search cancelled."))
            return
        self.tree.clear()
        titles = {
            "exact": self.tr("Exact copies (the same file)"),
            "near": self.tr("Near copies (edited, resized or re-saved)"),
            "similar": self.tr("Similar shots (one moment)"),
        }
        for kind in ("exact", "near", "similar"):
            of_kind = [g for g in groups if g.kind == kind]
            if not of_kind:
                continue
            section = QTreeWidgetItem([f"{titles[kind]}  ({len(of_kind)})"])
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = section.font(0)
            font.setBold(True)
            section.setFont(0, font)
            self.tree.addTopLevelItem(section)
            for group in of_kind:
                item = self._group_item(group)
                section.addChild(item)
                item.setExpanded(True)  # only takes effect once the item is in the tree
            section.setExpanded(True)
        if groups:
            self.status.setText(self.tr("%n group(s) of copies", "", len(groups)))
        else:
            self.status.setText(self.tr("No duplicates found."))
        self._update_buttons()

    def _group_item(self, group: Any) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, GroupRole, group)
        self._label_group(item)
        for i, member in enumerate(group.members):
            child = QTreeWidgetItem(
                [
                    member.photo.name,
                    "" if i == 0 else self._difference(group, member),
                    os.path.dirname(member.photo.display_path),
                ]
            )
            child.setData(0, PhotoRole, member.photo)
            child.setToolTip(0, member.photo.display_path)
            item.addChild(child)
        self._mark_keeper(item)
        return item

    def _difference(self, group: Any, member: Any) -> str:
        keep = group.keep.photo
        if member.photo.content_hash and member.photo.content_hash == keep.content_hash:
            return self.tr("same file")  # a byte-identical copy of the kept photo
        return f"{member.distance:.3f}"

    def _label_group(self, item: QTreeWidgetItem) -> None:
        group = item.data(0, GroupRole)
        reasons = ", ".join(self._reason_text(r) for r in group.keep_reasons)
        item.setText(
            0,
            self.tr("Keep %1: %2").replace("%1", group.keep.photo.name).replace("%2", reasons),
        )

    def _reason_text(self, reason: str) -> str:
        fixed = {
            "has your tags or albums": self.tr("has your tags or albums"),
            "sharpest": self.tr("sharpest"),
            "oldest": self.tr("oldest"),
            "first added": self.tr("first added"),
            "largest file (least compressed)": self.tr("largest file (least compressed)"),
            "chosen by you": self.tr("chosen by you"),
        }
        if reason.startswith("largest ("):
            return self.tr("largest (%1)").replace("%1", reason[len("largest (") : -1])
        return fixed.get(reason, reason)

    def _mark_keeper(self, item: QTreeWidgetItem) -> None:
        group = item.data(0, GroupRole)
        for i in range(item.childCount()):
            child = item.child(i)
            photo = child.data(0, PhotoRole)
            font = child.font(0)
            font.setBold(photo.id == group.keep.photo.id)
            child.setFont(0, font)
            child.setText(1, self.tr("keep") if photo.id == group.keep.photo.id else child.text(1))

    # --- selection and actions ------------------------------------------------------------
    def current_group_item(self) -> QTreeWidgetItem | None:
        item = self.tree.currentItem()
        while item is not None and item.data(0, GroupRole) is None:
            item = item.parent()
        return item

    def _update_buttons(self) -> None:
        group = self.current_group_item() is not None
        photo = self.tree.currentItem() is not None and self.tree.currentItem().data(0, PhotoRole) is not None
        for button in (self.remove_button, self.trash_button):
            button.setEnabled(group)
        self.folder_button.setEnabled(photo or group)
        self.keep_button.setEnabled(photo)

    def keep_selected(self) -> None:
        """The person prefers the selected photo: it becomes the keeper of its group."""
        item, group_item = self.tree.currentItem(), self.current_group_item()
        if item is None or group_item is None or item.data(0, PhotoRole) is None:
            return
        group = group_item.data(0, GroupRole)
        chosen = item.data(0, PhotoRole).id
        group.members.sort(key=lambda m: m.photo.id != chosen)
        group.keep_reasons[:] = ["chosen by you"]
        self._label_group(group_item)
        for i in range(group_item.childCount()):
            child = group_item.child(i)
            member = next(m for m in group.members if m.photo.id == child.data(0, PhotoRole).id)
            child.setText(1, "" if member is group.keep else self._difference(group, member))
        self._mark_keeper(group_item)

    def show_in_folder(self) -> None:
        item = self.tree.currentItem()
        photo = item.data(0, PhotoRole) if item is not None else None
        if photo is None and (group := self.current_group_item()) is not None:
            photo = group.data(0, GroupRole).keep.photo
        if photo is not None:
            self.window_.show_in_folder(photo.path)

    def act(self, *, trash: bool) -> None:
        group_item = self.current_group_item()
        if group_item is None:
            return
        group = group_item.data(0, GroupRole)
        others = [m.photo for m in group.others]
        if not others:
            return
        names = "\n".join(p.display_path for p in others)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        if trash:
            box.setObjectName("trashConfirm")
            box.setWindowTitle(self.tr("Move to Trash"))
            box.setText(self.tr("Move %n file(s) to the trash?", "", len(others)))
            box.setInformativeText(
                self.tr("%1\n\nYou can restore them from the trash. %2 is kept.")
                .replace("%1", names)
                .replace("%2", group.keep.photo.name)
            )
            ok = box.addButton(self.tr("Move to Trash"), QMessageBox.ButtonRole.DestructiveRole)
        else:
            box.setObjectName("removeConfirm")
            box.setWindowTitle(self.tr("Remove from Library"))
            box.setText(self.tr("Remove %n photo(s) from the library?", "", len(others)))
            box.setInformativeText(
                self.tr("%1\n\nThe files stay on disk. %2 is kept.")
                .replace("%1", names)
                .replace("%2", group.keep.photo.name)
            )
            ok = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not ok:
            return
        path, keep_id, ids = self.window_.library_path, group.keep.photo.id, [p.id for p in others]
        merge = self.merge.isChecked()
        parent = group_item.parent()
        if parent is not None:
            parent.removeChild(group_item)
        self.status.setText(self.tr("Working…"))
        tasks.run_task(
            lambda: act_on_group(path, keep_id, ids, merge, trash),
            self._after_action,
            self._on_error,
            pool_name="write",
        )

    def _after_action(self, failed: list) -> None:
        if failed:
            lines = "\n".join(f"{p}: {why}" for p, why in failed)
            text = self.tr("Not moved:\n%1").replace("%1", lines)
            QMessageBox.warning(self, self.tr("Move to Trash"), text)
        self.changed.emit()
        self.refresh()


# --------------------------------------------------------------------------- wiring


class SimilarController(QObject):
    """What :func:`install` adds to the main window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.dialogs: list[SimilarDialog] = []
        self.view = DuplicatesView(window)
        window.stack.addWidget(self.view)
        self.view.changed.connect(window._after_write)
        window.sidebar.source_selected.connect(self._on_source)
        window.indexer.finished.connect(self._after_tagging)
        _closing.clear()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() == QEvent.Type.Close:
            _closing.set()  # before the window drains the pools
            self.view.cancel_search()
        return False

    def _after_tagging(self, _summary: list) -> None:
        """New or re-tagged photos may form new groups: look again if the view is on screen
        (otherwise it looks when it is next shown)."""
        if self.showing_duplicates() and not self.window_.indexer.running:
            self.view.refresh()

    def _on_source(self, source: ViewSource) -> None:
        if source.kind == DUPLICATES:
            self.window_.stack.setCurrentWidget(self.view)
            self.view.refresh()

    def showing_duplicates(self) -> bool:
        return self.window_.source.kind == DUPLICATES

    def find_similar(self, photo: Any) -> SimilarDialog:
        """Open the Find Similar dialog for a photo (a PhotoRow, or its id from the viewer)."""
        if isinstance(photo, int):  # a grid row: read first when it is not loaded (then opens)
            row = self.window_.model.row_for_id(photo)
            if row is None:
                self.window_.model.when_loaded(photo, self.find_similar)
                return None  # type: ignore[return-value]
            photo = row
        dialog = SimilarDialog(self.window_, photo)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
        return dialog


def add_find_similar(
    menu: QMenu, controller: SimilarController, row: Any, before: QAction | None = None
) -> QAction:
    """Put "Find Similar" in a tile's context menu (before ``before``, else at the end)."""
    action = QAction(QCoreApplication.translate("SimilarController", "Find Similar"), menu)
    action.setObjectName("findSimilar")
    action.triggered.connect(lambda: controller.find_similar(row))
    if before is not None:
        menu.insertAction(before, action)
    else:
        menu.addAction(action)
    return action


def install(window: Any) -> SimilarController:
    """Add the Duplicates view (shown when the sidebar's Duplicates item is selected); the tile
    menu adds "Find Similar" with :func:`add_find_similar`, the viewer's button calls
    ``find_similar``."""
    return SimilarController(window)
