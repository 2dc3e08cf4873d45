"""The grid's item model: a flat list of library rows, updated in place while tagging runs.

Filtering and sorting happen in SQL (Library.photos with rule/search/sort) because a
proxy model over 50,000 rows would re-sort in Python on every change. This model only
holds the current query's rows and merges fresh query results into them: rows already
shown are updated with dataChanged (no jump in the grid), new rows are inserted with
beginInsertRows, vanished rows removed. A full reset happens only when asked to re-sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

IdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
TopLabelRole = Qt.ItemDataRole.UserRole + 3
ConfidenceRole = Qt.ItemDataRole.UserRole + 4
StatusRole = Qt.ItemDataRole.UserRole + 5
ErrorRole = Qt.ItemDataRole.UserRole + 6
HashRole = Qt.ItemDataRole.UserRole + 7
ThumbnailRole = Qt.ItemDataRole.UserRole + 8
RowRole = Qt.ItemDataRole.UserRole + 9
LabelVisibleRole = Qt.ItemDataRole.UserRole + 10

PHOTO_IDS_MIME = "application/x-resnet-desktop-photo-ids"


def _row_key(row: Any) -> tuple:
    """Fields whose change must repaint a tile."""
    return (
        row.status,
        row.top_label,
        row.top_probability,
        row.content_hash,
        row.error,
        row.path,
        row.model,
        row.taken_at,
    )


class PhotoListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._index_of: dict[int, int] = {}
        self.thumbnail_provider = None  # callable(row) -> QPixmap | None (requests a load when missing)
        self.confidence_threshold = 0.0

    # --- Qt API ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == IdRole:
            return row.id
        if role == PathRole:
            return row.path
        if role == TopLabelRole:
            return row.top_label
        if role == ConfidenceRole:
            return row.top_probability
        if role == LabelVisibleRole:
            return bool(row.top_label) and (row.top_probability or 0.0) >= self.confidence_threshold
        if role == StatusRole:
            return row.status
        if role == ErrorRole:
            return row.error
        if role == HashRole:
            return row.content_hash
        if role == RowRole:
            return row
        if role == ThumbnailRole:
            return self.thumbnail_provider(row) if self.thumbnail_provider else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [PHOTO_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = sorted({int(self._rows[i.row()].id) for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(PHOTO_IDS_MIME, ",".join(map(str, ids)).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # --- our API --------------------------------------------------------------------------
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, photo_id: int) -> int | None:
        return self._index_of.get(photo_id)

    def ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def reset_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._reindex()
        self.endResetModel()

    def merge_rows(self, rows: Sequence[Any], *, keep_order: bool = True) -> None:
        """Bring the model to ``rows`` with the smallest visible change.

        With ``keep_order`` existing tiles keep their place (tagging changes a photo's date
        and label, and a grid that reshuffles under the user's cursor is unusable); new
        rows go in at the end in query order. Without it, a differing order resets.
        """
        new_ids = [r.id for r in rows]
        if not keep_order and new_ids != self.ids():
            self.reset_rows(rows)
            return
        by_id = {r.id: r for r in rows}
        # removals, from the end so earlier indices stay valid
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i].id not in by_id:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        self._reindex()
        # updates in place
        changed = []
        for i, old in enumerate(self._rows):
            new = by_id[old.id]
            if new is not old:
                if _row_key(new) != _row_key(old):
                    changed.append(i)
                self._replace(i, new)
        self._emit_changed(changed)
        # insertions at the end
        fresh = [r for r in rows if r.id not in self._index_of]
        if fresh:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self._rows.extend(fresh)
            self._reindex()
            self.endInsertRows()

    def update_rows(self, rows: Sequence[Any]) -> None:
        """Replace the given rows (matched by id) and emit dataChanged for those that differ."""
        changed = []
        for new in rows:
            i = self._index_of.get(new.id)
            if i is None:
                continue
            if _row_key(new) != _row_key(self._rows[i]):
                changed.append(i)
            self._replace(i, new)
        self._emit_changed(changed)

    def remove_ids(self, ids: Sequence[int]) -> None:
        doomed = sorted((self._index_of[i] for i in ids if i in self._index_of), reverse=True)
        for i in doomed:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        self._reindex()

    def refresh_hash(self, content_hash: str) -> None:
        """A thumbnail arrived: repaint the tiles that show it (looked up, not scanned: 50k rows)."""
        for i in self._rows_of_hash.get(content_hash, ()):
            idx = self.index(i)
            self.dataChanged.emit(idx, idx, [ThumbnailRole])

    def repaint_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _replace(self, i: int, new: Any) -> None:
        old_hash = self._rows[i].content_hash
        if new.content_hash != old_hash:
            if old_hash:
                self._rows_of_hash[old_hash].remove(i)
            if new.content_hash:
                self._rows_of_hash.setdefault(new.content_hash, []).append(i)
        self._rows[i] = new

    def _reindex(self) -> None:
        self._index_of = {r.id: i for i, r in enumerate(self._rows)}
        self._rows_of_hash: dict[str, list[int]] = {}
        for i, r in enumerate(self._rows):
            if r.content_hash:
                self._rows_of_hash.setdefault(r.content_hash, []).append(i)

    def _emit_changed(self, changed: list[int]) -> None:
        """One dataChanged per contiguous run of changed rows (fewer repaint requests)."""
        if not changed:
            return
        changed.sort()
        start = prev = changed[0]
        for i in changed[1:] + [None]:
            if i is not None and i == prev + 1:
                prev = i
                continue
            self.dataChanged.emit(self.index(start), self.index(prev))
            if i is not None:
                start = prev = i


def _tooltip(row: Any) -> str:
    from PySide6.QtCore import QCoreApplication

    lines = [row.display_path if hasattr(row, "display_path") else row.path]
    if row.status == "failed":
        lines.append(
            QCoreApplication.translate("PhotoListModel", "Failed: %1").replace("%1", row.error or "")
        )
    elif row.status == "pending":
        lines.append(QCoreApplication.translate("PhotoListModel", "Waiting to be tagged"))
    elif row.top_label:
        pct = round((row.top_probability or 0.0) * 100)
        lines.append(f"{row.top_label} ({pct}%)")
    return "\n".join(lines)
