"""The grid's item model: a flat list of library rows, updated in place while tagging runs.

Filtering and sorting happen in SQL (Library.photos with rule/search/sort) because a
proxy model over 50,000 rows would re-sort in Python on every change. This model only
holds the current query's rows and merges fresh query results into them: rows already
shown are updated with dataChanged (no jump in the grid), new rows are inserted with
beginInsertRows, vanished rows removed. A full reset happens only when asked to re-sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
# (the person's tags, a model label or None, its probability): core.search.caption
CaptionRole = Qt.ItemDataRole.UserRole + 11

#: Roles that are a field of the library row as it is.
_ROLE_FIELDS = {
    Qt.ItemDataRole.DisplayRole: "name",
    IdRole: "id",
    PathRole: "path",
    TopLabelRole: "top_label",
    ConfidenceRole: "top_probability",
    StatusRole: "status",
    ErrorRole: "error",
    HashRole: "content_hash",
}

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
        row.user_tags,
        row.match,
        row.match_confidence,
    )


class PhotoListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._index_of: dict[int, int] = {}
        self._rows_of_hash: dict[str, list[int]] = {}
        self._version = 0  # bumped by every change, so a merge planned on older rows is refused
        self.thumbnail_provider = None  # callable(row) -> QPixmap | None (requests a load when missing)
        self.confidence_threshold = 0.0

    # --- Qt API ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        field = _ROLE_FIELDS.get(role)
        if field is not None:
            return getattr(row, field)
        if role == LabelVisibleRole:
            return bool(row.top_label) and (row.top_probability or 0.0) >= self.confidence_threshold
        if role == CaptionRole:
            from resnet_desktop.core.search import caption

            return caption(row, self.confidence_threshold)
        if role == RowRole:
            return row
        if role == ThumbnailRole:
            return self.thumbnail_provider(row) if self.thumbnail_provider else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _spoken(row, self.confidence_threshold)
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
        self._version += 1
        self.endResetModel()

    def merge_rows(self, rows: Sequence[Any], *, keep_order: bool = True) -> None:
        """Bring the model to ``rows`` with the smallest visible change.

        With ``keep_order`` existing tiles keep their place (tagging changes a photo's date
        and label, and a grid that reshuffles under the user's cursor is unusable); new
        rows go in at the end in query order. Without it, a differing order resets.
        """
        if not keep_order and [r.id for r in rows] != self.ids():
            self.reset_rows(rows)
            return
        self.apply_merge(plan_merge(self._rows, self._version, rows))

    def snapshot(self) -> tuple[list[Any], int]:
        """The rows as they are now and a version, for plan_merge in a worker thread."""
        return list(self._rows), self._version

    def apply_merge(self, plan: MergePlan) -> bool:
        """Apply a plan made from this model's snapshot; False (nothing done) when it is stale.

        The O(rows) work (matching ids, comparing fields, building the lookup maps) was done
        by plan_merge, off the GUI thread; here only what changed costs anything.
        """
        if plan.version != self._version:
            return False
        if len(plan.removed) > MAX_SINGLE_REMOVALS:
            self.beginResetModel()
            self._rows = list(plan.final)
            self._index_of, self._rows_of_hash = plan.index_of, plan.rows_of_hash
            self._version += 1
            self.endResetModel()
            return True
        for i in plan.removed:  # descending, so earlier indices stay valid
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        kept = len(plan.final) - len(plan.fresh)
        self._rows[:kept] = plan.final[:kept]
        self._index_of, self._rows_of_hash = plan.index_of, plan.rows_of_hash
        if plan.fresh:
            self.beginInsertRows(QModelIndex(), kept, len(plan.final) - 1)
            self._rows.extend(plan.fresh)
            self.endInsertRows()
        self._version += 1
        self._emit_changed(list(plan.changed))
        return True

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
        self._version += 1
        self._emit_changed(changed)

    def apply_changes(self, ids: Sequence[int], rows: Sequence[Any]) -> None:
        """Photos ``ids`` changed; ``rows`` are those of them the grid's query matches now.

        Shown ones are updated in place, newly matching ones go at the end, shown ones that
        no longer match leave. Costs O(changes), however many photos the grid holds.
        """
        matching = {r.id: r for r in rows}
        self.update_rows([r for r in rows if r.id in self._index_of])
        gone = [i for i in ids if i in self._index_of and i not in matching]
        if gone:
            self.remove_ids(gone)
        fresh = [r for r in rows if r.id not in self._index_of]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for offset, row in enumerate(fresh):
                self._rows.append(row)
                self._index_of[row.id] = first + offset
                if row.content_hash:
                    self._rows_of_hash.setdefault(row.content_hash, []).append(first + offset)
            self._version += 1
            self.endInsertRows()

    def remove_ids(self, ids: Sequence[int]) -> None:
        doomed = sorted((self._index_of[i] for i in ids if i in self._index_of), reverse=True)
        for i in doomed:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        self._version += 1
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
        self._index_of, self._rows_of_hash = _index_maps(self._rows)

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


MAX_SINGLE_REMOVALS = 200  # beyond this, one reset is cheaper than many removals


@dataclass(frozen=True)
class MergePlan:
    """How to turn a snapshot of the model's rows into a fresh query result (see plan_merge)."""

    version: int
    removed: list[int]  # snapshot indices to remove, descending
    changed: list[int]  # indices in ``final`` whose tile must repaint
    final: list[Any]  # kept rows (fresh objects, old order) then new rows (query order)
    fresh: list[Any]
    index_of: dict[int, int]
    rows_of_hash: dict[str, list[int]]


def _index_maps(rows: Sequence[Any]) -> tuple[dict[int, int], dict[str, list[int]]]:
    index_of: dict[int, int] = {}
    rows_of_hash: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        index_of[r.id] = i
        if r.content_hash:
            rows_of_hash.setdefault(r.content_hash, []).append(i)
    return index_of, rows_of_hash


def plan_merge(snapshot: Sequence[Any], version: int, rows: Sequence[Any]) -> MergePlan:
    """Work out a keep-order merge of ``rows`` into ``snapshot``. Pure: runs in a worker thread.

    At 50,000 photos this takes tens of milliseconds, which would be a visible stall if the
    GUI thread did it on every refresh while tagging runs.
    """
    by_id = {r.id: r for r in rows}
    removed = [i for i in range(len(snapshot) - 1, -1, -1) if snapshot[i].id not in by_id]
    final: list[Any] = []
    changed: list[int] = []
    for old in snapshot:
        new = by_id.get(old.id)
        if new is None:
            continue
        if new is not old and _row_key(new) != _row_key(old):
            changed.append(len(final))
        final.append(new)
    kept_ids = {r.id for r in final}
    fresh = [r for r in rows if r.id not in kept_ids]
    final.extend(fresh)
    index_of, rows_of_hash = _index_maps(final)
    return MergePlan(version, removed, changed, final, fresh, index_of, rows_of_hash)


def _tooltip(row: Any) -> str:
    from PySide6.QtCore import QCoreApplication

    from resnet_desktop.gui.i18n import engine_text, label_text

    lines = [row.display_path if hasattr(row, "display_path") else row.path]
    if row.status == "failed":
        lines.append(
            QCoreApplication.translate("PhotoListModel", "Failed: %1").replace("%1", engine_text(row.error))
        )
    elif row.status == "pending":
        lines.append(QCoreApplication.translate("PhotoListModel", "Waiting to be tagged"))
    else:
        from resnet_desktop.core.search import caption

        tags, label, confidence = caption(row, 0.0)
        if tags:
            lines.append(", ".join(label_text(t) for t in tags))
        if label:
            lines.append(f"{label_text(label)} ({round((confidence or 0.0) * 100)}%)")
    return "\n".join(lines)


def _spoken(row: Any, threshold: float) -> str:
    """What the tile's caption says, for screen readers: the person's tags, then a label."""
    from PySide6.QtCore import QCoreApplication

    from resnet_desktop.core.search import caption

    if row.status == "failed":
        return QCoreApplication.translate("PhotoDelegate", "Failed")
    if row.status == "pending":
        return QCoreApplication.translate("PhotoDelegate", "Tagging…")
    from resnet_desktop.gui.i18n import label_text

    tags, label, confidence = caption(row, threshold)
    parts = [label_text(t) for t in tags]
    if label:
        parts.append(f"{label_text(label)} {round((confidence or 0.0) * 100)}%")
    return ", ".join(parts) or QCoreApplication.translate("PhotoDelegate", "No confident label")
