"""Broad categories ("Dogs", "Food", "Vehicles") over ImageNet's 1000 fine-grained classes.

ImageNet has 118 dog breeds but no "dog"; people browse and search by the broad idea. The
grouping follows the WordNet hierarchy and is generated once by ``tools/gen_categories.py``
into ``resources/categories.json``; this module only reads that file, lazily, so importing it
costs nothing.
"""

from __future__ import annotations

import functools
import json

from resnet_desktop.core.resources import resource_path


@functools.lru_cache(maxsize=1)
def _load() -> tuple[dict[str, frozenset[int]], dict[str, tuple[str, ...]], dict[int, tuple[str, ...]]]:
    data = json.loads(resource_path("categories.json").read_text(encoding="utf-8"))
    members = {name: frozenset(int(i) for i in indices) for name, indices in data["categories"].items()}
    keywords = {name: tuple(words) for name, words in data.get("keywords", {}).items()}
    by_class: dict[int, list[str]] = {}
    for name, indices in members.items():
        for i in indices:
            by_class.setdefault(i, []).append(name)
    return members, keywords, {i: tuple(names) for i, names in by_class.items()}


def category_names() -> list[str]:
    """Category names in the order the generator lists them (broad before narrow)."""
    return list(_load()[0])


def classes_in(category: str) -> set[int]:
    """Class indices of a category (exact name, case-insensitive); KeyError if unknown."""
    members = _load()[0]
    for name, indices in members.items():
        if name.lower() == category.lower():
            return set(indices)
    raise KeyError(f"unknown category {category!r}; known: {', '.join(members)}")


def categories_of(class_index: int) -> list[str]:
    """Every category a class belongs to ("tabby" -> Animals, Cats)."""
    return list(_load()[2].get(int(class_index), ()))


def categories_for_term(term: str) -> list[str]:
    """Categories a search word stands for: the name itself or one of its keywords.

    Matching is exact (case-insensitive) so that "car" means the category and "ca" does not
    drag in Cats and Cars at once; label substrings are the library's job.
    """
    needle = term.strip().lower()
    if not needle:
        return []
    members, keywords, _ = _load()
    return [name for name in members if needle == name.lower() or needle in keywords.get(name, ())]


def classes_for_term(term: str) -> set[int]:
    """Union of the classes of every category the term stands for."""
    members = _load()[0]
    result: set[int] = set()
    for name in categories_for_term(term):
        result |= members[name]
    return result
