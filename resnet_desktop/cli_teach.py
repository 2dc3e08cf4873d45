"""`learn` and `suggest`: labels a person teaches (core.teach) from a terminal.

Registered in cli.py; uses its helpers for the library and for one-line errors, and the
same message catalog (core.messages): the engine's report messages go through translate().
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from typing import Any

from resnet_desktop.core.messages import gettext as _
from resnet_desktop.core.messages import ngettext, translate


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("learn", help=_("learn the labels you tagged photos with; print how good each is"))
    p.add_argument("--json", action="store_true", help=_("JSON: one report per label"))
    p = sub.add_parser("suggest", help=_("photos that probably deserve one of your labels, best first"))
    p.add_argument("label", nargs="?", help=_("only this label"))
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help=_("JSON: a list of path, label and probability"))


def _learn(library: Any) -> tuple[list[Any], float]:
    from resnet_desktop.core import teach

    started = time.perf_counter()
    reports = teach.learn(library)
    return reports, time.perf_counter() - started


def _report_dict(report: Any) -> dict[str, Any]:
    data = asdict(report)
    data["quality"] = report.quality() if report.status in ("ready", "weak") else None
    return data


def cmd_learn(args: argparse.Namespace) -> int:
    from resnet_desktop.cli import EXIT_OK, _open_library
    from resnet_desktop.core import teach

    library = _open_library(args)
    try:
        reports, elapsed = _learn(library)
        model = teach.current_model(library)
    finally:
        library.close()
    if args.json:
        json.dump([_report_dict(r) for r in reports], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not reports:
        print(
            _(
                "No labels to learn yet: tag at least {n} photos with a label of your own, "
                "e.g. `resnet-desktop tag PHOTO +boat`.",
                n=teach.MIN_EXAMPLES,
            )
        )
        return EXIT_OK
    ready = sum(r.status == "ready" for r in reports)
    print(
        ngettext(
            "Learned {ready} of {n} label from your tags in {seconds:.1f} s (embeddings: {model}).",
            "Learned {ready} of {n} labels from your tags in {seconds:.1f} s (embeddings: {model}).",
            len(reports),
            ready=ready,
            seconds=elapsed,
            model=model,
        )
    )
    width = max(len(r.label) for r in reports)
    for r in reports:
        counts = ngettext("{n} example", "{n} examples", r.examples)
        extra = (
            ngettext("; {n} suggestion", "; {n} suggestions", r.suggestions) if r.status == "ready" else ""
        )
        if r.recall is None:
            measured = ""
        elif r.precision is None:
            measured = " [" + _("recall {recall:.2f}", recall=r.recall) + "]"
        else:
            measured = (
                " ["
                + _("precision {precision:.2f}, recall {recall:.2f}", precision=r.precision, recall=r.recall)
                + "]"
            )
        print(f"  {r.label:<{width}}  {counts:>12}  {translate(r.message)}{extra}{measured}")
    return EXIT_OK


def cmd_suggest(args: argparse.Namespace) -> int:
    from resnet_desktop.cli import EXIT_OK, CliError, _err, _open_library
    from resnet_desktop.core import teach

    if args.limit is not None and args.limit < 1:
        raise CliError(_("--limit must be 1 or more"))
    library = _open_library(args)
    try:
        if teach.is_stale(library) and _learn(library)[0]:
            print(
                _("note: re-learned your labels first (tags, photos or the model changed)"), file=sys.stderr
            )
        reports = {r.label.lower(): r for r in teach.reports(library)}
        if args.label is not None:
            report = reports.get(args.label.strip().lower())
            if report is None:
                known = ", ".join(sorted(r.label for r in reports.values())) or _("none yet")
                raise CliError(
                    _(
                        "{label!r} is not one of your labels (yours: {known}); tag photos with it first",
                        label=args.label,
                        known=known,
                    )
                )
            if report.status != "ready":
                _err(f"{report.label}: {translate(report.message)}")
        found = teach.suggestions(library, args.label.strip() if args.label else None, args.limit)
    finally:
        library.close()
    if args.json:
        rows = [{"path": s.path, "label": s.label, "probability": round(s.probability, 4)} for s in found]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not found:
        print(_("No suggestions.") if reports else _("No suggestions: you have not taught any label yet."))
        return EXIT_OK
    for s in found:
        print(f"{s.probability * 100:5.1f}%  {s.label:<20}  {s.path}")
    print(ngettext("{n} suggestion", "{n} suggestions", len(found)))
    return EXIT_OK
