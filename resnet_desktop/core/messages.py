"""Messages in the reader's language, without Qt: the CLI's strings and the engine's own.

A small gettext: ``resources/messages_zh_CN.json`` maps English text to Chinese, keyed by the
English as written in the code with ``{name}`` placeholders (``"{n} photo"``). The language is
the locale's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them) unless one is given.

- ``gettext("Model: {title}", title=...)`` / ``ngettext(singular, plural, n, ...)``: strings the
  CLI writes; a missing entry falls back to the English, formatted.
- ``translate(text)``: a message the engine made (a PhotoError reason, a weights problem, the
  fallback notice), already formatted. Each catalog key is also a pattern (placeholders match
  any text, themselves translated in turn); a message no key matches whole is translated
  sentence by sentence (then clause by clause), and what is still unknown stays English
  rather than being lost.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from resnet_desktop.core.names import language_from_env, normalize_language
from resnet_desktop.core.resources import resource_path

CATALOGS = {"zh": "messages_zh_CN.json"}
# A placeholder's value: any text that does not cross a sentence or clause end ("x. ", "x; ").
_VALUE = r"(?:(?![.;]\s).)+?"
_PLACEHOLDER = re.compile(r"\{(\w+)(?:[:!][^{}]*)?\}")
# Where an engine message is cut when no key matches it whole: into sentences, then clauses.
_SPLITS = (re.compile(r"(?<=\.)\s+(?=\S)"), re.compile(r"(?<=;)\s+(?=\S)"))


@functools.lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, Any]:
    """{"messages": {english: chinese}, "plurals": {singular: chinese}} for ``lang`` ("en": empty)."""
    name = CATALOGS.get(normalize_language(lang))
    if name is None:
        return {"messages": {}, "plurals": {}}
    data = json.loads(resource_path(name).read_text(encoding="utf-8"))
    return {"messages": data["messages"], "plurals": data.get("plurals", {})}


def current_language(lang: str | None = None) -> str:
    return normalize_language(lang) if lang else language_from_env()


def gettext(text: str, lang: str | None = None, /, **values: Any) -> str:
    """``text`` in the reader's language, its ``{placeholders}`` filled with ``values``."""
    template = catalog(current_language(lang))["messages"].get(text, text)
    return template.format(**values) if values else template


def ngettext(singular: str, plural: str, n: int, lang: str | None = None, /, **values: Any) -> str:
    """The form for ``n`` (Chinese has one form; English two); ``{n}`` is filled in."""
    template = catalog(current_language(lang))["plurals"].get(singular)
    if template is None:
        template = singular if n == 1 else plural
    return template.format(n=n, **values)


@functools.lru_cache(maxsize=4)
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    result: list[tuple[int, re.Pattern[str], str]] = []
    for english, translated in catalog(lang)["messages"].items():
        if "{" not in english:
            continue
        parts, last = [], 0
        for m in _PLACEHOLDER.finditer(english):
            parts.append(re.escape(english[last : m.start()]))
            parts.append(f"(?P<{m.group(1)}>{_VALUE})")
            last = m.end()
        parts.append(re.escape(english[last:]))
        fixed = len(_PLACEHOLDER.sub("", english))
        result.append((fixed, re.compile("".join(parts), re.DOTALL), _PLACEHOLDER.sub(r"{\1}", translated)))
    # The most specific (longest fixed text) first, so "{path} is empty (0 bytes)." beats "{x}."
    result.sort(key=lambda item: -item[0])
    return [(pattern, template) for _fixed, pattern, template in result]


def translate(text: str, lang: str | None = None, _depth: int = 0) -> str:
    """A message the engine made, in the reader's language (see the module docstring)."""
    lang = current_language(lang)
    if lang == "en" or not text or _depth > 4:
        return text
    messages = catalog(lang)["messages"]
    stripped = text.strip()
    if stripped in messages:
        return messages[stripped]
    for pattern, template in _patterns(lang):
        m = pattern.fullmatch(stripped)
        if m:
            values = {k: translate(v, lang, _depth + 1) for k, v in m.groupdict().items()}
            return template.format(**values)
    for split in _SPLITS:
        pieces = split.split(stripped)
        if len(pieces) > 1:
            out = translate(pieces[0], lang, _depth + 1)
            for piece in pieces[1:]:
                # Chinese sentences follow each other without a space; English ones keep theirs.
                out += ("" if out.endswith(("。", "；", "：")) else " ") + translate(piece, lang, _depth + 1)
            return out
    return text
