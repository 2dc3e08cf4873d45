"""Library reads and writes for the GUI, run in worker pools (never in the GUI thread).

SQLite connections belong to one thread, so each task opens the library, does its work
and closes it; opening a WAL database costs well under a millisecond next to a query.
Everything here is plain functions returning plain data, which keeps them testable
without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resnet_desktop.core.library import STATUSES, Library


def builtin_rule(key: str) -> dict | None:
    """Rule of a built-in album of the sidebar's Library section (core.albums owns them)."""
    from resnet_desktop.core.albums import BUILTIN_ALBUMS

    return dict(BUILTIN_ALBUMS[key]) or None


@dataclass(frozen=True)
class ViewSource:
    """What the grid shows: a rule for Library.photos plus how to describe it."""

    kind: str  # builtin | folder | label | category | smart | manual
    key: str
    title: str
    rule: dict | None = None

    @property
    def accepts_photos(self) -> bool:
        return self.kind == "manual"


ALL_PHOTOS = ViewSource("builtin", "all", "All Photos", None)


def combined_rule(source: ViewSource) -> dict | None:
    if source.kind == "manual":
        return {"album": source.key}
    return source.rule


def open_library(library_path: str) -> list[str]:
    """Create or migrate the library once, before concurrent readers open it, and return
    the photos a stopped run left pending (they are tagged again at start).

    Both happen in one task, before the window takes drops: read later, "pending" would
    also name the photos of a run started meanwhile, and they would be tagged twice.
    """
    lib = Library(library_path)
    try:
        return lib.paths(["pending"])
    finally:
        lib.close()


@dataclass
class QueryResult:
    ids: list[int]  # every photo the view shows, in order (the lazy grid's rows)
    rows: list[Any]  # the rows read already: the first screen, or those the grid held
    total_in_library: int
    generation: int = 0
    index_of: dict[int, int] | None = None  # photo id -> position in ``ids``, built in the worker
    plan: Any = None  # photo_model.MergePlan against the grid's ids, made in the worker
    partial: bool = False  # only the first screen's ids: the full list follows
    suggestions: list[str] = field(default_factory=list)  # nearest words when a search found nothing


def query_ids(
    library_path: str,
    rule: dict | None,
    search: str | None,
    sort: str,
    min_confidence: float = 0.0,
    read: list[int] | None = None,
    first: int = 0,
    limit: int | None = None,
) -> QueryResult:
    """The view's ordered ids (one column: ~50-100 ms at 100,000 photos) and the rows of the
    first ``first`` of them plus those of ``read`` (the rows a grid holds, read again).
    ``limit``: without a search, only the first ``limit`` photos, rows and all (a first
    screen in a few milliseconds; ``partial`` says the rest follows)."""
    from resnet_desktop.core import search as core_search

    lib = Library(library_path)
    try:
        if limit is not None and not search:
            rows = lib.photos(rule=rule, sort=sort, limit=limit)
            ids = [r.id for r in rows]
            index_of = {photo_id: n for n, photo_id in enumerate(ids)}
            total = lib.count()
            return QueryResult(ids, rows, total, index_of=index_of, partial=len(ids) == limit)
        if search:  # the CLI's search: best match first, each row saying what matched
            ids = core_search.search_ids(lib, search, min_confidence=min_confidence, rule=rule, sort=sort)
        else:
            ids = lib.ids(rule=rule, sort=sort)
        wanted = set(ids[:first]).union(read or ())
        rows = _read_rows(lib, sorted(wanted), search, min_confidence)
        total = lib.count()
        nearest = core_search.suggestions(search, lib) if search and not ids else []
    finally:
        lib.close()
    index_of = {photo_id: n for n, photo_id in enumerate(ids)}
    return QueryResult(ids, rows, total, index_of=index_of, suggestions=nearest)


def fetch_rows(
    library_path: str, ids: list[int], search: str | None, min_confidence: float = 0.0
) -> list[Any]:
    """The rows of ``ids`` as the grid shows them (a search's rows say what matched)."""
    lib = Library(library_path)
    try:
        return _read_rows(lib, ids, search, min_confidence)
    finally:
        lib.close()


def _read_rows(lib: Library, ids: list[int], search: str | None, min_confidence: float) -> list[Any]:
    return _matched(lib, lib.photos_among(ids), search, min_confidence)


def _matched(lib: Library, rows: list[Any], search: str | None, min_confidence: float) -> list[Any]:
    """``rows`` saying what a search matched in each (core.search.annotate), when there is one."""
    if not search:
        return rows
    from resnet_desktop.core import search as core_search

    return core_search.annotate(lib, rows, search, min_confidence=min_confidence)


def rows_among(
    library_path: str, ids: list[int], rule: dict | None, search: str | None, min_confidence: float = 0.0
) -> list[Any]:
    """The rows of ``ids`` that the grid's query matches now (the photos tagging just changed)."""
    lib = Library(library_path)
    try:
        rows = lib.photos_among(ids, rule=rule, search=search or None, min_confidence=min_confidence)
        return _matched(lib, rows, search, min_confidence)
    finally:
        lib.close()


def load_fp32_classifier(model_setting: str) -> Any:
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.gui.settings import MODEL_AUTO

    return load_classifier(None if model_setting == MODEL_AUTO else model_setting)[0]


def int8_report(model_setting: str) -> Any:
    """The INT8 comparison for the model the settings select, or None (loads the model: a worker)."""
    from resnet_desktop.core.quantize import load_report

    classifier = load_fp32_classifier(model_setting)
    return None if classifier.onnx_path is None else load_report(classifier.onnx_path)


def make_int8(library_path: str, model_setting: str, cancel: Any = None) -> Any:
    """Quantize the selected model on a sample of the library's photos (a worker: ~10 s).
    ``cancel`` (a threading.Event) stops it; the error then says it was cancelled."""
    from resnet_desktop.core.quantize import make_int8 as make

    return make(load_fp32_classifier(model_setting), library_paths(library_path), cancel=cancel)


def library_paths(library_path: str) -> list[str]:
    """Every photo the library knows that is still on disk as far as it knows (re-tag input)."""
    lib = Library(library_path)
    try:
        return lib.paths(s for s in STATUSES if s != "missing")
    finally:
        lib.close()


@dataclass
class SidebarData:
    counts: dict[str, int] = field(default_factory=dict)
    folders: list[tuple[str, int]] = field(default_factory=list)
    labels: list[tuple[str, int]] = field(default_factory=list)
    categories: list[tuple[str, dict, int]] = field(default_factory=list)  # name, rule, count
    albums: list[Any] = field(default_factory=list)
    album_counts: dict[str, int] = field(default_factory=dict)  # album name -> photos in it
    taught: list[tuple[Any, int]] = field(default_factory=list)  # teach.LabelReport, open suggestions


def sidebar_data(library_path: str, min_confidence: float = 0.0, top_labels: int = 8) -> SidebarData:
    from resnet_desktop.core.albums import automatic_albums

    lib = Library(library_path)
    try:
        data = SidebarData()
        for key in ("all", "recent", "untagged", "failed"):
            data.counts[key] = lib.count(rule=builtin_rule(key))
        data.folders = lib.folders()
        auto = automatic_albums(lib, min_confidence, top_labels)
        data.labels = [(a.name, a.count) for a in auto if a.kind == "label"]
        data.categories = [(a.name, a.rule, a.count) for a in auto if a.kind == "category"]
        data.albums = lib.albums()
        for album in data.albums:
            rule = album.rule if album.kind == "smart" else {"album": album.name}
            data.album_counts[album.name] = lib.count(rule=rule)
        data.taught = taught_labels(lib)
    finally:
        lib.close()
    return data


def photo_details(library_path: str, photo_id: int) -> dict:
    lib = Library(library_path)
    try:
        row = lib.get(photo_id)
        details = {
            "predictions": lib.predictions(photo_id),
            "tags": lib.tags(photo_id),
            "suggestions": [(label, p) for _id, label, p in lib.open_suggestions(photo_id=photo_id)],
        }
    finally:
        lib.close()
    from resnet_desktop.core.dates import taken_date

    # Which date the viewer shows and where it comes from (EXIF field or the file's time)
    details["taken"] = taken_date(row.path) if row is not None else (None, None)
    from resnet_desktop.core.search import default_threshold

    details["threshold"] = default_threshold()  # labels below it are shown greyed out
    return details


def set_tags(library_path: str, photo_id: int, add: list[str], remove: list[str]) -> None:
    lib = Library(library_path)
    try:
        lib.set_user_tags(photo_id, add=add, remove=remove)
    finally:
        lib.close()


def remove_photos(library_path: str, ids: list[int]) -> None:
    lib = Library(library_path)
    try:
        with lib.transaction():
            lib.remove(ids)
    finally:
        lib.close()


def refresh_rows(library_path: str, paths: list[str]) -> list[Any]:
    lib = Library(library_path)
    try:
        rows = [lib.get_by_path(p) for p in paths]
    finally:
        lib.close()
    return [r for r in rows if r is not None]


def create_album(library_path: str, name: str, rule: dict | None) -> int:
    lib = Library(library_path)
    try:
        return lib.create_album(name, rule)
    finally:
        lib.close()


def update_album(library_path: str, name: str, new_name: str, rule: dict) -> None:
    lib = Library(library_path)
    try:
        lib.update_album(name, new_name, rule)
    finally:
        lib.close()


def delete_album(library_path: str, name: str) -> None:
    lib = Library(library_path)
    try:
        lib.delete_album(name)
    finally:
        lib.close()


def add_to_album(library_path: str, name: str, ids: list[int]) -> None:
    lib = Library(library_path)
    try:
        lib.add_to_album(name, ids)
    finally:
        lib.close()


def remove_from_album(library_path: str, name: str, ids: list[int]) -> None:
    """Take photos out of a plain album; they stay in the library."""
    lib = Library(library_path)
    try:
        lib.remove_from_album(name, ids)
    finally:
        lib.close()


# --- labels a person teaches (core.teach) ----------------------------------------------------


def taught_labels(lib: Library) -> list[tuple[Any, int]]:
    """Each taught label's report with its number of open suggestions."""
    from resnet_desktop.core import teach

    counts = {label.lower(): n for label, n in lib.suggestion_counts().items()}
    return [(r, counts.get(r.label.lower(), 0)) for r in teach.reports(lib)]


@dataclass
class SuggestionQueue:
    report: Any  # teach.LabelReport, or None when the label is no longer taught
    rows: list[Any]  # PhotoRows showing the suggested label and its probability


def suggestion_queue(library_path: str, label: str) -> SuggestionQueue:
    """A label's open suggestions as grid rows: the tile shows "boat 87%", best first."""
    import dataclasses

    from resnet_desktop.core import teach

    lib = Library(library_path)
    try:
        report = next((r for r in teach.reports(lib) if r.label.lower() == label.lower()), None)
        rows = []
        for photo_id, name, probability in lib.open_suggestions(label=label):
            row = lib.get(photo_id)
            if row is not None:
                rows.append(dataclasses.replace(row, top_label=name, top_probability=probability))
    finally:
        lib.close()
    return SuggestionQueue(report, rows)


def review_suggestions(library_path: str, label: str, ids: list[int], accept: bool) -> None:
    """Accept (the label becomes the person's tag) or reject (kept for good) suggestions."""
    lib = Library(library_path)
    try:
        if accept:
            lib.accept_suggestions(label, ids)
        else:
            lib.reject_suggestions(label, ids)
    finally:
        lib.close()


@dataclass
class LearnResult:
    reports: list[Any]
    cancelled: bool


def learn_if_stale(library_path: str, cancel: Any) -> LearnResult | None:
    """Train the taught labels when tags, rejections, photos or the model changed (a worker)."""
    from resnet_desktop.core import teach

    lib = Library(library_path)
    try:
        if not teach.is_stale(lib):
            return None
        reports = teach.learn(lib, cancel=cancel)
    finally:
        lib.close()
    return LearnResult(reports, cancel.is_set())
