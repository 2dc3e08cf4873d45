"""`learn` and `suggest`: labels a person teaches (core.teach) from a terminal.

Registered in cli.py; uses its helpers for the library and for one-line errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from typing import Any


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("learn", help="learn the labels you tagged photos with; print how good each is")
    p.add_argument("--json", action="store_true", help="JSON: one report per label")
    p = sub.add_parser("suggest", help="photos that probably deserve one of your labels, best first")
    p.add_argument("label", nargs="?", help="only this label")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true", help='JSON: [{"path", "label", "probability"}]')


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
            f"No labels to learn yet: tag at least {teach.MIN_EXAMPLES} photos with a label of your own, "
            "e.g. `resnet-desktop tag PHOTO +boat`."
        )
        return EXIT_OK
    ready = sum(r.status == "ready" for r in reports)
    print(
        f"Learned {ready} of {len(reports)} label(s) from your tags in {elapsed:.1f} s (embeddings: {model})."
    )
    width = max(len(r.label) for r in reports)
    for r in reports:
        counts = f"{r.examples} example{'s' if r.examples != 1 else ''}"
        if r.status == "ready":
            extra = f"; {r.suggestions} suggestion{'s' if r.suggestions != 1 else ''}"
        else:
            extra = ""
        precision = "" if r.precision is None else f"precision {r.precision:.2f}, "
        measured = f" [{precision}recall {r.recall:.2f}]" if r.recall is not None else ""
        print(f"  {r.label:<{width}}  {counts:>12}  {r.message}{extra}{measured}")
    return EXIT_OK


def cmd_suggest(args: argparse.Namespace) -> int:
    from resnet_desktop.cli import EXIT_OK, CliError, _err, _open_library
    from resnet_desktop.core import teach

    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be 1 or more")
    library = _open_library(args)
    try:
        if teach.is_stale(library) and _learn(library)[0]:
            print("note: re-learned your labels first (tags, photos or the model changed)", file=sys.stderr)
        reports = {r.label.lower(): r for r in teach.reports(library)}
        if args.label is not None:
            report = reports.get(args.label.strip().lower())
            if report is None:
                known = ", ".join(sorted(r.label for r in reports.values())) or "none yet"
                raise CliError(
                    f"{args.label!r} is not one of your labels (yours: {known}); tag photos with it first"
                )
            if report.status != "ready":
                _err(f"{report.label}: {report.message}")
        found = teach.suggestions(library, args.label.strip() if args.label else None, args.limit)
    finally:
        library.close()
    if args.json:
        rows = [{"path": s.path, "label": s.label, "probability": round(s.probability, 4)} for s in found]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not found:
        print("No suggestions." if reports else "No suggestions: you have not taught any label yet.")
        return EXIT_OK
    for s in found:
        print(f"{s.probability * 100:5.1f}%  {s.label:<20}  {s.path}")
    print(f"{len(found)} suggestion{'s' if len(found) != 1 else ''}")
    return EXIT_OK
