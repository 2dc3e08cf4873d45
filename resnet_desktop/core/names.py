"""What a label is called in the interface language, and Chinese search words.

The library stores ImageNet's English labels (and the English category names) because they
are the model's vocabulary and the JSON/CLI contract. People see and type them in their own
language: ``display_name("espresso", "zh")`` is "浓缩咖啡", and ``zh_term_classes("咖啡")``
finds the classes whose Chinese name has 咖啡 in it. The Chinese names are hand-written data,
``resources/imagenet_zh.json`` (1000 ``{"en", "zh"}`` in model order) and
``resources/categories_zh.json`` (a Chinese name and search words per category); this module
only reads them, lazily.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from resnet_desktop.core import categories
from resnet_desktop.core.resources import resource_path

LANGUAGES = ("en", "zh")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class _Names:
    en: tuple[str, ...]  # class labels in model order
    zh: tuple[str, ...]
    by_en: Mapping[str, str]  # class label or category name -> Chinese
    category_zh: Mapping[str, str]  # category name -> Chinese
    category_words: Mapping[str, tuple[str, ...]]  # category name -> Chinese name + search words


@functools.lru_cache(maxsize=1)
def _load() -> _Names:
    classes = json.loads(resource_path("imagenet_zh.json").read_text(encoding="utf-8"))
    cats = json.loads(resource_path("categories_zh.json").read_text(encoding="utf-8"))["categories"]
    en = tuple(entry["en"] for entry in classes)
    zh = tuple(entry["zh"] for entry in classes)
    category_zh = {name: entry["zh"] for name, entry in cats.items()}
    words = {name: (entry["zh"], *entry.get("keywords", ())) for name, entry in cats.items()}
    by_en = {**dict(zip(en, zh, strict=True)), **category_zh}
    return _Names(en, zh, by_en, category_zh, words)


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """ "zh" or "en" from the POSIX locale variables, in gettext's order of precedence.

    LANGUAGE (a list) wins, then LC_ALL, LC_MESSAGES, LANG; "C"/"POSIX" and anything not Chinese
    is English.
    """
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if not value:
            continue
        first = value.split(":")[0].lower()
        return "zh" if first.startswith("zh") else "en"
    return "en"


def normalize_language(lang: str | None) -> str:
    """ "zh_CN", "zh-Hans", "zh" -> "zh"; everything else -> "en"."""
    return "zh" if (lang or "").lower().replace("-", "_").startswith("zh") else "en"


def display_name(label: str, lang: str | None) -> str:
    """The label as a person reading ``lang`` calls it.

    ``label`` is an ImageNet class label, a category name, or anything else (a person's own tag,
    a folder): the latter is shown as it is. English returns the label unchanged.
    """
    if normalize_language(lang) != "zh" or not label:
        return label
    return _load().by_en.get(label, label)


def label_for(text: str) -> str:
    """The English label or category a displayed name stands for ("浓缩咖啡" -> "espresso").

    Anything else (an English label, a word, a person's tag) comes back unchanged, so what a
    person typed in either language can be stored in the English the rules and JSON use.
    """
    return _reverse().get(text.strip(), text.strip())


@functools.lru_cache(maxsize=1)
def _reverse() -> dict[str, str]:
    return {zh: en for en, zh in _load().by_en.items()}


def class_name_zh(class_index: int) -> str:
    """Chinese name of an ImageNet class by its index in model order."""
    return _load().zh[int(class_index)]


def class_names_zh() -> list[str]:
    return list(_load().zh)


def category_name_zh(name: str) -> str:
    return _load().category_zh.get(name, name)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def zh_term_categories(term: str) -> list[str]:
    """Categories a Chinese search word names: exactly (猫 -> Cats, 汽车 -> Cars & trucks) or, for
    two characters or more, as part of the Chinese category name (两栖 -> Reptiles & amphibians)."""
    needle = term.strip()
    if not has_cjk(needle):
        return []
    names = _load()
    exact = [name for name, words in names.category_words.items() if needle in words]
    if exact or len(needle) < 2:
        return exact
    return [name for name, zh in names.category_zh.items() if needle in zh]


def zh_term_classes(term: str) -> frozenset[int]:
    """Class indices a Chinese search word stands for.

    Chinese has no spaces, so a label matches when its Chinese name contains the word (咖啡 ->
    浓缩咖啡, 咖啡杯...; 三脚架 -> tripod). A word that names a category exactly means that
    category (动物 -> every animal; 猫 -> the cats, not 熊猫 the panda). Non-Chinese terms give
    nothing: the English search handles them.
    """
    needle = term.strip()
    if not has_cjk(needle):
        return frozenset()
    names = _load()
    exact = [name for name, words in names.category_words.items() if needle in words]
    found: set[int] = set()
    if exact:
        for name in exact:
            found |= categories.classes_in(name)
        found |= {i for i, zh in enumerate(names.zh) if zh == needle}
        return frozenset(found)
    found = {i for i, zh in enumerate(names.zh) if needle in zh}
    for name in zh_term_categories(needle):
        found |= categories.classes_in(name)
    return frozenset(found)


def expand_zh_term(term: str) -> tuple[list[str], list[str]]:
    """Chinese search word -> (English class labels, English category names) it stands for.

    The form the shared search takes: it already knows how to find English labels and
    categories (and a person's tags named like them).
    """
    labels = [_load().en[i] for i in sorted(zh_term_classes(term))]
    return labels, zh_term_categories(term)
