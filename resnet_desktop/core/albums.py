"""Smart-album rules: a small JSON vocabulary compiled to one SQL condition over ``photos ph``.

A rule is data so it can be saved in the library, edited in the GUI and typed on the command
line; compiling it to a single WHERE clause keeps an album as fast as any other query.

Label terms (``labels_any``, ``labels_all`` and search words) match the way people search:
a term matches an ImageNet label containing it as a whole word ("cat" -> "Persian cat", not
"catamaran"; a bare substring is the fallback when no label has the word), or a broad
category named by it ("dog" -> all 118 breeds), or a tag the user added. Chinese words match
the Chinese names the same way (core.names: 咖啡 -> espresso, 动物 -> Animals). Terms are resolved to
class indices in Python first, so the database only ever looks up integers in an index.
A label the user removed from a photo never matches that photo. A label a person taught
(core.teach) also matches the photos it is suggested for: they are suggested, not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from resnet_desktop.core import names, search
from resnet_desktop.core.library import STATUSES

RECENT_DAYS = 30
#: Most label words one rule (or one search) may hold: far beyond any person's, and far
#: below what SQLite's expression depth (1000) can take.
MAX_TERMS = 200
#: A photo whose best remaining label is below this is "untagged": the model had no idea.
UNTAGGED_BELOW = 0.15

RULE_KEYS = {
    "labels_any": "list of label words or categories, any may match",
    "labels_all": "list of label words or categories, all must match",
    "min_confidence": "number 0..1: lowest probability a label may have to count",
    "max_confidence": "number 0..1: the photo was classified and its best label is below this",
    "date_from": "date YYYY-MM-DD (photo taken on or after; file date if no EXIF date)",
    "date_to": "date YYYY-MM-DD (photo taken on or before)",
    "folder": "folder path; photos in it and its subfolders",
    "camera": "text contained in the camera make/model",
    "user_tagged": "true or false: a person added tags to the photo",
    "status": "one of pending, ok, failed, missing (or a list of them)",
    "added_within_days": "positive number of days",
    "recent": "true: added within 30 days, or in the last import if older",
    "album": "name of a manual album",
}

BUILTIN_ALBUMS: dict[str, dict] = {
    "all": {},
    "recent": {"recent": True},
    "untagged": {"status": "ok", "max_confidence": UNTAGGED_BELOW, "user_tagged": False},
    "failed": {"status": "failed"},
}


def _class_names() -> tuple[str, ...]:
    return search.class_names()


def term_classes(term: str) -> frozenset[int]:
    """Class indices a search word stands for (core.search.expand_term decides)."""
    return search.expand_term(term)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def term_condition(term: str, min_confidence: float = 0.0, *, correlated: bool = False) -> tuple[str, list]:
    """SQL over ``ph`` true when the photo matches one search term (see module docstring).

    ``correlated``: per-photo EXISTS lookups instead of gathering matching ids (see
    ``library.classes_condition``); both select the same photos.
    """
    from resnet_desktop.core.library import classes_condition

    classes = term_classes(term)
    parts: list[str] = []
    params: list[Any] = []
    if classes:
        sql, params = classes_condition(classes, min_confidence, correlated=correlated)
        parts.append(sql)
    user, params_user = tag_condition(term)
    parts.append(f"ph.id IN (SELECT t.photo_id FROM tags t WHERE t.state = 'added' AND ({user}))")
    # a taught label's open suggestions (core.teach) match it too, unless the person decided
    parts.append(
        "ph.id IN (SELECT s.photo_id FROM suggestions s WHERE s.state = 'open' AND s.label = ? "
        "AND s.probability >= ? AND NOT EXISTS (SELECT 1 FROM tags t2 WHERE t2.photo_id = s.photo_id "
        "AND t2.tag = s.label AND t2.state = 'removed'))"
    )
    return " OR ".join(parts), params + params_user + [term.strip(), float(min_confidence)]


def tag_condition(term: str) -> tuple[str, list]:
    """SQL over ``tags t`` true when a person's tag matches the term: it contains the word,
    or it names one of the labels the word stands for."""
    classes = term_classes(term)
    # a person's tag named like a matched class, in English or in Chinese ("espresso", "浓缩咖啡")
    known = [i for i in classes if i < len(_class_names())]
    labels = sorted({_class_names()[i] for i in known} | {names.class_name_zh(i) for i in known})
    sql = "t.tag LIKE ? ESCAPE '\\'"
    params: list[Any] = [_like(term.strip())]
    if labels:
        sql += f" OR t.tag IN ({','.join('?' * len(labels))})"
        params += labels
    return sql, params


def _fail(key: str, value: Any) -> ValueError:
    return ValueError(f"rule key {key!r}: {value!r} is not valid; expected {RULE_KEYS[key]}")


def _number(key: str, value: Any, low: float, high: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(key, value)
    if value < low or (high is not None and value > high) or value != value:
        raise _fail(key, value)
    return float(value)


def _terms(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, value)
    if len(value) > MAX_TERMS:
        raise ValueError(f"rule key {key!r}: {len(value)} labels; a rule may have at most {MAX_TERMS}")
    return [v.strip() for v in value]


def _date(key: str, value: Any) -> tuple[str, bool]:
    """-> (ISO text, whether it was a bare date)."""
    if not isinstance(value, str):
        raise _fail(key, value)
    try:
        return date.fromisoformat(value).isoformat(), True
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%S"), False
    except ValueError:
        raise _fail(key, value) from None


def validate_rule(rule: Any) -> None:
    """Raise ValueError naming the first problem; a valid rule compiles."""
    compile_rule(rule)


def compile_rule(rule: Any, *, correlated: bool = False) -> tuple[str, list]:
    """Rule dict -> (SQL condition over ``photos ph``, parameters). ValueError if invalid.

    ``correlated``: label terms as per-photo lookups (see ``term_condition``)."""
    if rule is None:
        return "1", []
    if not isinstance(rule, dict):
        raise ValueError(f"a rule must be a JSON object, not {type(rule).__name__}")
    unknown = sorted(set(rule) - set(RULE_KEYS))
    if unknown:
        raise ValueError(f"unknown rule key {unknown[0]!r}; known keys: {', '.join(RULE_KEYS)}")

    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        clauses.append(sql)
        params.extend(values)

    min_conf = 0.0
    if "min_confidence" in rule:
        min_conf = _number("min_confidence", rule["min_confidence"], 0.0, 1.0)
    any_terms = _terms("labels_any", rule["labels_any"]) if "labels_any" in rule else []
    all_terms = _terms("labels_all", rule["labels_all"]) if "labels_all" in rule else []
    if any_terms:
        parts = [term_condition(t, min_conf, correlated=correlated) for t in any_terms]
        add(" OR ".join(f"({sql})" for sql, _ in parts), *[v for _, p in parts for v in p])
    for term in all_terms:
        sql, p = term_condition(term, min_conf, correlated=correlated)
        add(sql, *p)
    # photos.best_probability: the best label the user did not remove; 0 when the user removed
    # them all, NULL for a photo never classified (so max_confidence only picks classified ones)
    if "min_confidence" in rule and not any_terms and not all_terms:
        add("ph.best_probability >= ?", min_conf)
    if "max_confidence" in rule:
        value = _number("max_confidence", rule["max_confidence"], 0.0, 1.0)
        add("ph.best_probability < ?", value)
    if "date_from" in rule:
        value, _ = _date("date_from", rule["date_from"])
        add("ph.sort_date >= ?", value)
    if "date_to" in rule:
        value, bare = _date("date_to", rule["date_to"])
        if bare:
            add("ph.sort_date < ?", (date.fromisoformat(value) + timedelta(days=1)).isoformat())
        else:
            add("ph.sort_date <= ?", value)
    if "folder" in rule:
        sql, p = folder_condition(rule["folder"])
        add(sql, *p)
    if "camera" in rule:
        value = rule["camera"]
        if not isinstance(value, str) or not value.strip():
            raise _fail("camera", value)
        add("ph.camera LIKE ? ESCAPE '\\'", _like(value.strip()))
    if "user_tagged" in rule:
        value = rule["user_tagged"]
        if not isinstance(value, bool):
            raise _fail("user_tagged", value)
        exists = "EXISTS (SELECT 1 FROM tags t WHERE t.photo_id = ph.id AND t.state = 'added')"
        add(exists if value else f"NOT {exists}")
    if "status" in rule:
        value = rule["status"]
        wanted = [value] if isinstance(value, str) else value
        if (
            not isinstance(wanted, list)
            or not wanted
            or any(not isinstance(s, str) or s not in STATUSES for s in wanted)
        ):
            raise _fail("status", value)
        add(f"ph.status IN ({','.join('?' * len(wanted))})", *wanted)
    if "added_within_days" in rule:
        days = _number("added_within_days", rule["added_within_days"], 0.0, None)
        if days <= 0:
            raise _fail("added_within_days", days)
        add("ph.added_at >= ?", _utc_days_ago(days))
    if "recent" in rule:
        if rule["recent"] is not True:
            raise _fail("recent", rule["recent"])
        add(
            "ph.added_at >= min(?, (SELECT coalesce(strftime('%Y-%m-%dT%H:%M:%S', max(added_at), '-1 day'), "
            "'') FROM photos))",
            _utc_days_ago(RECENT_DAYS),
        )
    if "album" in rule:
        value = rule["album"]
        if not isinstance(value, str) or not value.strip():
            raise _fail("album", value)
        add(
            "ph.id IN (SELECT ap.photo_id FROM album_photos ap JOIN albums a ON a.id = ap.album_id "
            "WHERE a.name = ?)",
            value.strip(),
        )
    return (" AND ".join(f"({c})" for c in clauses) or "1"), params


def _utc_days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


def folder_condition(folder: Any) -> tuple[str, list]:
    """Photos in ``folder`` or any folder below it, as a range on the folder index.

    Folders are raw bytes; everything below ``/a/b`` sorts between ``/a/b/`` and ``/a/b0``
    (``0`` follows ``/`` in byte order), so no LIKE and no decoding is needed.
    """
    import os

    if isinstance(folder, os.PathLike):
        folder = os.fspath(folder)
    if not isinstance(folder, (str, bytes)) or not folder:
        raise _fail("folder", folder)
    raw = os.path.abspath(os.fsencode(folder))
    sep = os.fsencode(os.sep)
    base = raw  # abspath already dropped a trailing separator (except on a root)
    below = base if base.endswith(sep) else base + sep
    upper = below[:-1] + bytes([below[-1] + 1])
    return "ph.folder = ? OR (ph.folder >= ? AND ph.folder < ?)", [base, below, upper]


@dataclass(frozen=True)
class AutoAlbum:
    """An automatic album, as the window's sidebar and `albums list` show it."""

    name: str  # a category ("Cats") or a label ("tabby")
    kind: str  # "category" | "label"
    rule: dict
    count: int


def automatic_albums(library: Any, min_confidence: float, top_labels: int = 8) -> list[AutoAlbum]:
    """Categories that hold photos (exact counts: a photo with two dog labels counts once), then
    the most frequent labels, all at the person's confidence threshold.

    The cheap label tally decides which categories can be non-empty, so only those are counted.
    """
    from resnet_desktop.core import categories

    label_counts = library.label_counts(limit=1000, min_confidence=min_confidence)
    index_of = {name: i for i, name in enumerate(_class_names())}
    present = {index_of[label] for label, _n in label_counts if label in index_of}
    result = []
    for category in categories.category_names():
        if not present & categories.classes_in(category):
            continue
        rule: dict = {"labels_any": [category]}
        if min_confidence:
            rule["min_confidence"] = min_confidence
        count = library.count(rule=rule)
        if count:
            result.append(AutoAlbum(category, "category", rule, count))
    for label, count in label_counts[:top_labels]:
        rule = {"labels_any": [label]}
        if min_confidence:
            rule["min_confidence"] = min_confidence
        result.append(AutoAlbum(label, "label", rule, count))
    return result
