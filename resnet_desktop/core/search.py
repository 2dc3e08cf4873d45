"""One search for the window and the terminal: what a word stands for, which photos match,
and why each one matched.

``expand_term`` is the single place that decides what a search word means: ImageNet labels
containing it as a whole word ("cat" -> "Persian cat", not "catamaran"; a bare substring as
the fallback), a broad category named by it ("dog" -> 118 breeds, curated in
categories.json), and otherwise any WordNet synonym or ancestor of the 1000 classes
("motorcycle" -> moped, "feline" -> every cat; search_terms.json, made by
tools/gen_search_terms.py), and Chinese words (core.names.zh_term_classes). A person's tags match by text
in core.albums.term_condition, which turns the expansion into SQL for both the grid and the
CLI.

``search`` runs that query at the person's confidence threshold (``default_threshold``: the
Settings value, shared with the CLI through the settings file) and says, for every photo,
which label or tag matched with its confidence, best first: a person's tag first, then by the
matching label's probability.
"""

from __future__ import annotations

import configparser
import dataclasses
import difflib
import functools
import json
import math
import re
from typing import TYPE_CHECKING

from resnet_desktop.core import categories, names, paths
from resnet_desktop.core.resources import resource_path

if TYPE_CHECKING:
    from resnet_desktop.core.library import Library, PhotoRow

#: Labels below this probability are not shown or searched unless the person sets otherwise.
DEFAULT_THRESHOLD = 0.2
#: The order of search results that puts the best match first (the others: library.SORTS).
BEST_MATCH = "best"
#: Where the threshold lives in the settings file (an INI file the GUI writes through QSettings).
THRESHOLD_SECTION, THRESHOLD_KEY = "view", "confidence_threshold"


def default_threshold() -> float:
    """The person's confidence threshold from Settings (the same file the window uses)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(paths.settings_file(), encoding="utf-8")
        value = float(parser.get(THRESHOLD_SECTION, THRESHOLD_KEY, fallback=str(DEFAULT_THRESHOLD)))
    except (configparser.Error, ValueError, OSError):
        return DEFAULT_THRESHOLD
    return min(1.0, max(0.0, value)) if value == value else DEFAULT_THRESHOLD


# --------------------------------------------------------------------------- what a word means


@functools.lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    from resnet_desktop.core import models  # the one reader of the class list

    return tuple(models.class_names())


@functools.lru_cache(maxsize=1)
def _wordnet_terms() -> dict[str, tuple[int, ...]]:
    data = json.loads(resource_path("search_terms.json").read_text(encoding="utf-8"))
    return {word: tuple(classes) for word, classes in data["terms"].items()}


def _singulars(word: str) -> list[str]:
    forms = [word]
    if len(word) > 3 and word.endswith("ies"):
        forms.append(word[:-3] + "y")  # "puppies" -> "puppy"
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])  # "boxes" -> "box"
    if len(word) > 3 and word.endswith("s"):
        forms.append(word[:-1])  # "tigers" -> "tiger"
    return forms


def _whole_word_classes(word: str) -> set[int]:
    """The classes whose English name holds ``word`` (lower case) as whole words, plurals too."""
    whole = re.compile(rf"(?<![\w]){re.escape(word)}(?:s|es)?(?![\w])")
    return {i for i, n in enumerate(class_names()) if whole.search(n.lower())}


@functools.lru_cache(maxsize=4096)
def names_label(phrase: str) -> bool:
    """Whether ``phrase`` (several words) is, as whole words, part of a class's name in
    English, or a WordNet name for one: "tiger cat", "sports car", "tabby cat"."""
    needle = " ".join(phrase.lower().split())
    if " " not in needle:
        return False
    return any(word in _wordnet_terms() or _whole_word_classes(word) for word in _singulars(needle))


@functools.lru_cache(maxsize=4096)
def expand_term(term: str) -> frozenset[int]:
    """The ImageNet classes a search word stands for (see the module docstring).

    Labels and WordNet add up; a category keyword ("food", "computer") uses the curated
    category alone, since WordNet's wider senses bring in what the category leaves out on
    purpose (a menu is not food you photograph).
    """
    needle = " ".join(term.strip().lower().split())
    if not needle:
        return frozenset()
    found: set[int] = set()
    for word in _singulars(needle):
        found = _whole_word_classes(word)
        if found:
            break
    if not found:
        found = {i for i, n in enumerate(class_names()) if needle in n.lower()}
    # Chinese words: a class whose Chinese name holds the word, or a category it names (core.names)
    found |= names.zh_term_classes(needle)
    in_categories = categories.classes_for_term(needle)
    if in_categories:
        return frozenset(found | in_categories)
    wordnet = _wordnet_terms()
    for word in _singulars(needle):
        if word in wordnet:
            found |= set(wordnet[word])
            break
    return frozenset(found)


def suggestions(text: str, library: Library | None = None, n: int = 5) -> list[str]:
    """The labels, categories and tags nearest to words that found nothing ("motorcyle" -> moped)."""
    vocabulary: dict[str, str] = {}
    for name in class_names():
        vocabulary.setdefault(name.lower(), name)
    for name in categories.category_names():
        vocabulary.setdefault(name.lower(), name)
    for word in _wordnet_terms():
        vocabulary.setdefault(word, word)
    if library is not None:
        for tag, _count in library.user_tag_counts():
            vocabulary.setdefault(tag.lower(), tag)
    from resnet_desktop.core.library import split_terms

    result: list[str] = []
    for term in split_terms(text) or [text]:
        for close in difflib.get_close_matches(term.lower(), list(vocabulary), n=n, cutoff=0.6):
            word = vocabulary[close]
            if word not in result:
                result.append(word)
    return result[:n]


# --------------------------------------------------------------------------- the search


def search(
    library: Library,
    text: str,
    *,
    min_confidence: float | None = None,
    rule: dict | None = None,
    sort: str = "taken",
    limit: int | None = None,
    best_first: bool = True,
) -> list[PhotoRow]:
    """Photos matching every term of ``text`` (and ``rule``), best match first.

    Each row comes back with ``match`` (the tag or label that matched) and
    ``match_confidence`` (the label's probability; None for a person's tag). Photos a
    person tagged with the word come first, then by the matching label's probability; ties
    keep ``sort``'s order (``best_first=False``: ``sort``'s order alone; "confidence" is the
    matched label's, so it stays best first). ``min_confidence`` defaults to the person's
    threshold.
    """
    threshold = default_threshold() if min_confidence is None else float(min_confidence)
    rows = library.photos(rule=rule, search=text, sort=sort, min_confidence=threshold)
    if not rows:
        return []
    best = _best_matches(library, text, threshold, {r.id for r in rows})
    if best_first or sort == "confidence":  # a search's confidence is its matched label's
        order = {r.id: i for i, r in enumerate(rows)}
        rows.sort(key=lambda r: (-best.get(r.id, (0.0,))[0], order[r.id]))
    if limit is not None:
        rows = rows[: max(0, int(limit))]
    return _annotated(rows, best)


def search_ids(
    library: Library,
    text: str,
    *,
    min_confidence: float | None = None,
    rule: dict | None = None,
    sort: str = "taken",
) -> list[int]:
    """The ids search() returns, in its order (best match first), without reading the rows:
    what a lazy grid lists; annotate() gives the rows it then reads their ``match``."""
    threshold = default_threshold() if min_confidence is None else float(min_confidence)
    ids = library.ids(rule=rule, search=text, sort=sort, min_confidence=threshold)
    if not ids:
        return []
    best = _best_matches(library, text, threshold, set(ids))
    order = {photo_id: i for i, photo_id in enumerate(ids)}
    ids.sort(key=lambda i: (-best.get(i, (0.0,))[0], order[i]))
    return ids


def annotate(
    library: Library, rows: list[PhotoRow], text: str, *, min_confidence: float | None = None
) -> list[PhotoRow]:
    """``rows`` (some photos search() finds) with the ``match`` and ``match_confidence`` it gives."""
    if not rows:
        return rows
    threshold = default_threshold() if min_confidence is None else float(min_confidence)
    ids = {r.id for r in rows}
    return _annotated(rows, _best_matches(library, text, threshold, ids, only=ids))


#: photo -> (rank key, the tag or label that matched, its confidence, whether the match is a
#: taught label's open suggestion rather than a confirmed tag or a model label)
_Matches = dict[int, tuple[float, str, float | None, bool]]


def _annotated(rows: list[PhotoRow], best: _Matches) -> list[PhotoRow]:
    return [
        dataclasses.replace(
            r, match=best[r.id][1], match_confidence=best[r.id][2], match_suggested=best[r.id][3]
        )
        if r.id in best
        else r
        for r in rows
    ]


def _best_matches(
    library: Library, text: str, threshold: float, ids: set[int], only: set[int] | None = None
) -> _Matches:
    """photo -> (rank key, the tag or label that matched, its confidence, suggested) for photos in ``ids``;
    ``only`` (a few ids) restricts the reads to those photos."""
    from resnet_desktop.core import albums
    from resnet_desktop.core.library import split_terms

    among = ""
    if only is not None:
        among = " AND photo_id IN (" + ",".join(str(int(i)) for i in sorted(only)) + ")"
    tagged_among = among.replace("photo_id", "t.photo_id")
    suggested_among = among.replace("photo_id", "s.photo_id")
    best: _Matches = {}

    def offer(
        photo_id: int, key: float, what: str, confidence: float | None, suggested: bool = False
    ) -> None:
        if photo_id in ids and (photo_id not in best or key > best[photo_id][0]):
            best[photo_id] = (key, what, confidence, suggested)

    for term in split_terms(text):
        classes = expand_term(term)
        if classes:
            listed = ",".join(str(int(i)) for i in sorted(classes))
            for photo_id, label, probability in library.query(
                f"SELECT photo_id, label, probability FROM predictions WHERE class_index IN ({listed}) "
                f"AND probability >= ? AND hidden = 0{among}",
                [threshold],
            ):
                offer(photo_id, probability, label, probability)
        sql, params = albums.tag_condition(term)
        for photo_id, tag in library.query(
            f"SELECT t.photo_id, t.tag FROM tags t WHERE t.state = 'added' AND ({sql}){tagged_among}", params
        ):
            offer(photo_id, 2.0, tag, None)  # a person's word outranks any probability
        # a taught label's open suggestions match it as albums.term_condition selects them:
        # they rank by their probability and are marked suggested, never confirmed
        for photo_id, label, probability in library.query(
            "SELECT s.photo_id, s.label, s.probability FROM suggestions s WHERE s.state = 'open' "
            "AND s.label = ? AND s.probability >= ? AND NOT EXISTS (SELECT 1 FROM tags t2 "
            f"WHERE t2.photo_id = s.photo_id AND t2.tag = s.label AND t2.state = 'removed'){suggested_among}",
            [term.strip(), threshold],
        ):
            offer(photo_id, probability, label, probability, suggested=True)
    return best


@dataclasses.dataclass(frozen=True)
class Below:
    """Photos a search finds only below the threshold (see ``matches_below``)."""

    count: int
    lowest: float  # confidence of the least sure one's best match
    highest: float
    shows_all: float  # a --min-confidence (two decimals) at which the search lists them all


def matches_below(library: Library, text: str, threshold: float) -> Below | None:
    """For a search that found nothing at ``threshold``: the photos that match below it, or None."""
    rows = search(library, text, min_confidence=0.0)
    found = [
        r.match_confidence for r in rows if r.match_confidence is not None and r.match_confidence < threshold
    ]
    if not found:
        return None
    lowest = min(found)
    shows_all = math.floor(lowest * 100) / 100
    if len(search(library, text, min_confidence=shows_all)) < len(rows):  # several words: each must reach it
        shows_all = 0.0
    return Below(len(found), lowest, max(found), shows_all)


# --------------------------------------------------------------------------- how a photo reads


def caption(row: PhotoRow, threshold: float) -> tuple[list[str], str | None, float | None]:
    """What to say about a photo, in order: the person's tags, then one model label with its
    probability (the search match if any, else the top label when it reaches the threshold)."""
    tags = list(row.user_tags)
    if row.match is not None and row.match_confidence is None:
        return tags, None, None  # a person's tag matched: it is among the tags already
    if row.match is not None:
        return tags, row.match, row.match_confidence
    if row.top_label and (row.top_probability or 0.0) >= threshold:
        if row.top_label.lower() not in {t.lower() for t in tags}:
            return tags, row.top_label, row.top_probability
    return tags, None, None
