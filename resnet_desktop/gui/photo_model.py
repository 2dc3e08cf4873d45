"""The grid's item model: a lazy list of photo ids, updated in place while tagging runs.

Filtering and sorting happen in SQL (Library.ids with rule/search/sort) because a proxy
model over 100,000 rows would re-sort in Python on every change. This model holds the
current query's ordered ids and a bounded cache of rows, fetched for what is on screen
(see PhotoListModel). Fresh query results are merged in: rows already shown are updated
with dataChanged (no jump in the grid), new ids are inserted with beginInsertRows,
vanished ones removed. A full reset happens only when asked to re-sort.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, QTimer

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
# True when a search matched the photo through a taught label's suggestion, not a confirmed label
SuggestedRole = Qt.ItemDataRole.UserRole + 12

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
    SuggestedRole: "match_suggested",
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
    """A lazy list: the query's ordered photo ids, and a bounded cache of the rows on screen.

    ``rowCount`` is the number of ids. ``data`` for a row whose PhotoRow is not cached yet
    answers a placeholder (only the id is known) and asks ``fetcher`` for the rows around it
    (coalesced into one request per event-loop turn, the asked range plus ``FETCH_MARGIN``
    on each side); when they arrive their tiles repaint. The cache keeps the
    ``CACHE_ROWS`` rows used last, so memory does not grow with the library; a model with no
    fetcher (the review queue, given all its rows) evicts nothing.
    """

    def __init__(self, parent=None, *, cache_rows: int | None = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._index_of: dict[int, int] = {}
        self._cache: OrderedDict[int, Any] = OrderedDict()  # photo id -> PhotoRow, last used last
        self._ids_of_hash: dict[str, set[int]] = {}  # cached rows only
        self._cache_rows = cache_rows or CACHE_ROWS
        self._version = 0  # bumped by every change of the id list, so a stale merge plan is refused
        self._wanted: set[int] = set()  # row indices asked for and not cached
        self._last_wanted = 0
        self._in_flight: dict[int, int] = {}  # photo id -> fetch token
        self._gone: set[int] = set()  # ids a fetch did not find (removed meanwhile): no re-asking
        self._token = 0
        self._waiting: dict[int, list[Callable[[Any], None]]] = {}  # photo id -> when_loaded callbacks
        self._fetch_timer = QTimer(self, singleShot=True, interval=0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        #: callable(ids, on_rows) fetching those photos' rows off the GUI thread; on_rows(rows)
        #: is called in the GUI thread. None: rows not cached stay placeholders.
        self.fetcher: Callable[[list[int], Callable[[list[Any]], None]], None] | None = None
        self.thumbnail_provider = None  # callable(row) -> QPixmap | None (requests a load when missing)
        self.confidence_threshold = 0.0

    # --- Qt API ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        photo_id = self._ids[index.row()]
        row = self._cache.get(photo_id)
        if row is None:
            if role == IdRole:
                return photo_id
            self._want(index.row())
            return None  # a placeholder tile until the row arrives
        self._cache.move_to_end(photo_id)
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
        ids = sorted({self._ids[i.row()] for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(PHOTO_IDS_MIME, ",".join(map(str, ids)).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # --- our API --------------------------------------------------------------------------
    def rows(self) -> list[Any]:
        """The rows loaded now, in grid order (every row when the whole list is cached)."""
        return [self._cache[i] for i in self._ids if i in self._cache]

    def row_at(self, row: int) -> Any:
        """The PhotoRow of grid row ``row``, or None while it is still being fetched."""
        return self.row_for_id(self._ids[row])

    def row_for_id(self, photo_id: int) -> Any:
        row = self._cache.get(photo_id)
        if row is None and photo_id in self._index_of:
            self._want(self._index_of[photo_id])
        return row

    def when_loaded(self, photo_id: int, callback: Callable[[Any], None]) -> None:
        """Call ``callback(row)`` with the photo's row: now when it is loaded, else once fetched."""
        row = self._cache.get(photo_id)
        if row is not None:
            callback(row)
        elif photo_id in self._index_of and photo_id not in self._gone and self.fetcher is not None:
            self._waiting.setdefault(photo_id, []).append(callback)
            self._want(self._index_of[photo_id])

    def row_of(self, photo_id: int) -> int | None:
        return self._index_of.get(photo_id)

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def is_loaded(self, row: int) -> bool:
        return self._ids[row] in self._cache

    def cached_count(self) -> int:
        return len(self._cache)

    def reset_rows(self, rows: Sequence[Any]) -> None:
        self.reset_ids([r.id for r in rows], rows)

    def reset_ids(self, ids: Sequence[int], rows: Sequence[Any] = (), index_of: dict | None = None) -> None:
        """Show ``ids`` (a fresh query, in order); ``rows`` are those of them read already."""
        waiting = self._waiting  # a viewer asked for a photo that this reset re-lists: keep it
        self.beginResetModel()
        self._ids = list(ids)
        self._index_of = index_of if index_of is not None else {i: n for n, i in enumerate(self._ids)}
        self._cache.clear()
        self._ids_of_hash.clear()
        self._wanted.clear()
        self._in_flight.clear()
        self._gone.clear()
        self._waiting = {i: callbacks for i, callbacks in waiting.items() if i in self._index_of}
        for row in rows:
            self._store(row)
        self._version += 1
        self.endResetModel()
        self._call_waiting(list(self._waiting))  # those among ``rows``
        for photo_id in self._waiting:  # the rest: asked for again (their fetch was dropped)
            self._want(self._index_of[photo_id])

    def merge_rows(self, rows: Sequence[Any], *, keep_order: bool = True) -> None:
        """Bring the model to ``rows`` (a full query result) with the smallest visible change.

        With ``keep_order`` existing tiles keep their place (tagging changes a photo's date
        and label, and a grid that reshuffles under the user's cursor is unusable); new
        rows go in at the end in query order. Without it, a differing order resets.
        """
        ids = [r.id for r in rows]
        if not keep_order and ids != self._ids:
            self.reset_rows(rows)
            return
        self.apply_merge(plan_merge(self._ids, self._version, ids, rows))

    def snapshot(self) -> tuple[list[int], int]:
        """The ids as they are now and a version, for plan_merge in a worker thread."""
        return list(self._ids), self._version

    def cached_ids(self) -> list[int]:
        """The photos whose rows the grid holds (a refresh reads them again)."""
        return list(self._cache)

    def apply_merge(self, plan: MergePlan) -> bool:
        """Apply a plan made from this model's snapshot; False (nothing done) when it is stale.

        The O(ids) work (matching ids, building the lookup map) was done by plan_merge, off
        the GUI thread; here only what changed costs anything.
        """
        if plan.version != self._version:
            return False
        if len(plan.removed) > MAX_SINGLE_REMOVALS:
            keep = [self._cache[i] for i in plan.final if i in self._cache]
            self.reset_ids(plan.final, keep, plan.index_of)
            self.update_rows(plan.rows)
            return True
        for i in plan.removed:  # descending, so earlier indices stay valid
            self.beginRemoveRows(QModelIndex(), i, i)
            self._forget(self._ids[i])
            del self._ids[i]
            self.endRemoveRows()
        kept = len(plan.final) - len(plan.fresh)
        self._index_of = plan.index_of
        fresh = set(plan.fresh)
        if plan.fresh:
            for row in plan.rows:
                if row.id in fresh:
                    self._store(row)
            self.beginInsertRows(QModelIndex(), kept, len(plan.final) - 1)
            self._ids.extend(plan.fresh)
            self.endInsertRows()
        self._version += 1
        self.update_rows([r for r in plan.rows if r.id not in fresh])
        return True

    def update_rows(self, rows: Sequence[Any]) -> None:
        """Replace the given rows (matched by id) and emit dataChanged for those that differ."""
        changed = []
        for new in rows:
            i = self._index_of.get(new.id)
            if i is None:
                continue
            self._in_flight.pop(new.id, None)  # a fetch started before this change is stale
            old = self._cache.get(new.id)
            if old is None or _row_key(new) != _row_key(old):
                changed.append(i)
            self._store(new)
        self._emit_changed(changed)
        self._call_waiting([r.id for r in rows])

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
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for offset, row in enumerate(fresh):
                self._ids.append(row.id)
                self._index_of[row.id] = first + offset
                self._store(row)
            self._version += 1
            self.endInsertRows()

    def remove_ids(self, ids: Sequence[int]) -> None:
        doomed = sorted((self._index_of[i] for i in ids if i in self._index_of), reverse=True)
        for i in doomed:
            self.beginRemoveRows(QModelIndex(), i, i)
            self._forget(self._ids[i])
            del self._ids[i]
            self.endRemoveRows()
        self._version += 1
        self._index_of = {i: n for n, i in enumerate(self._ids)}

    def refresh_hash(self, content_hash: str) -> None:
        """A thumbnail arrived: repaint the tiles that show it (looked up, not scanned)."""
        for photo_id in self._ids_of_hash.get(content_hash, ()):
            i = self._index_of.get(photo_id)
            if i is not None:
                idx = self.index(i)
                self.dataChanged.emit(idx, idx, [ThumbnailRole])

    def repaint_all(self) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    # --- the cache and fetching -----------------------------------------------------------
    def _store(self, row: Any) -> None:
        old = self._cache.pop(row.id, None)
        if old is not None and old.content_hash:
            self._drop_hash(old)
        self._cache[row.id] = row
        self._gone.discard(row.id)
        if row.content_hash:
            self._ids_of_hash.setdefault(row.content_hash, set()).add(row.id)
        while self.fetcher is not None and len(self._cache) > self._cache_rows:
            _id, evicted = self._cache.popitem(last=False)
            if evicted.content_hash:
                self._drop_hash(evicted)

    def _forget(self, photo_id: int) -> None:
        old = self._cache.pop(photo_id, None)
        if old is not None and old.content_hash:
            self._drop_hash(old)
        self._in_flight.pop(photo_id, None)

    def _drop_hash(self, row: Any) -> None:
        ids = self._ids_of_hash.get(row.content_hash)
        if ids is not None:
            ids.discard(row.id)
            if not ids:
                del self._ids_of_hash[row.content_hash]

    def _want(self, row: int) -> None:
        if self.fetcher is None or self._ids[row] in self._in_flight or self._ids[row] in self._gone:
            return
        self._wanted.add(row)
        self._last_wanted = row
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        """One request for the rows asked for since the last turn of the event loop, plus a margin."""
        if not self._wanted or self.fetcher is None:
            self._wanted.clear()
            return
        cap = max(1, self._cache_rows // 2)  # never more than the cache keeps
        low = max(0, min(self._wanted) - FETCH_MARGIN)
        high = min(len(self._ids), max(self._wanted) + FETCH_MARGIN + 1)
        if high - low > cap:  # far apart (a jump): the rows asked for last are those on screen
            low = max(0, self._last_wanted - cap // 2)
            high = min(len(self._ids), low + cap)
        self._wanted.clear()
        span = self._ids[low:high]
        ids = [i for i in span if i not in self._cache and i not in self._in_flight and i not in self._gone]
        if not ids:
            return
        self._token += 1
        token = self._token
        for i in ids:
            self._in_flight[i] = token
        self.fetcher(ids, lambda rows: self._on_fetched(token, ids, rows))

    def _on_fetched(self, token: int, ids: list[int], rows: Sequence[Any]) -> None:
        changed = []
        found = set()
        for row in rows:
            found.add(row.id)
            if self._in_flight.get(row.id) != token:
                continue  # reset, removed or updated since it was asked for
            del self._in_flight[row.id]
            i = self._index_of.get(row.id)
            if i is not None:
                self._store(row)
                changed.append(i)
        for i in ids:
            if i not in found and self._in_flight.get(i) == token:
                del self._in_flight[i]
                self._gone.add(i)  # removed from the library meanwhile: a refresh drops it
                self._waiting.pop(i, None)
        self._emit_changed(changed)
        self._call_waiting(ids)

    def _call_waiting(self, ids: Sequence[int]) -> None:
        if not self._waiting:
            return
        for photo_id in ids:
            row = self._cache.get(photo_id)
            if row is not None:
                for callback in self._waiting.pop(photo_id, ()):
                    callback(row)

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
#: Rows the grid keeps (a screen holds about 100 tiles; scrolling back finds them).
CACHE_ROWS = 4000
#: Rows fetched beyond the asked range on each side, so a scroll finds the next screen ready.
FETCH_MARGIN = 150


@dataclass(frozen=True)
class MergePlan:
    """How to turn a snapshot of the model's ids into a fresh query result (see plan_merge)."""

    version: int
    removed: list[int]  # snapshot indices to remove, descending
    final: list[int]  # kept ids (old order) then new ids (query order)
    fresh: list[int]
    index_of: dict[int, int]
    rows: list[Any]  # rows read again (those the grid held), updated in place


def plan_merge(
    snapshot: Sequence[int], version: int, ids: Sequence[int], rows: Sequence[Any] = ()
) -> MergePlan:
    """Work out a keep-order merge of the query's ``ids`` into ``snapshot``. Pure: runs in a
    worker thread (at 100,000 photos this takes tens of milliseconds)."""
    wanted = set(ids)
    removed = [i for i in range(len(snapshot) - 1, -1, -1) if snapshot[i] not in wanted]
    final = [i for i in snapshot if i in wanted]
    kept = set(final)
    fresh = [i for i in ids if i not in kept]
    final.extend(fresh)
    index_of = {i: n for n, i in enumerate(final)}
    return MergePlan(version, removed, final, fresh, index_of, [r for r in rows if r.id in wanted])


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
