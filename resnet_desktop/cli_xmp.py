"""``resnet-desktop xmp write|read``: labels to and from XMP sidecars (core.xmp).

Kept out of cli.py, which only registers it: ``add_parser`` builds the subcommand and
``run`` carries it out, with cli.py's error handling around it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from resnet_desktop.cli import EXIT_FAILED, EXIT_OK, CliError, _open_library
from resnet_desktop.core.messages import gettext as _
from resnet_desktop.core.messages import ngettext, translate

if TYPE_CHECKING:
    from resnet_desktop.core.library import Library


def add_parser(sub: argparse._SubParsersAction) -> None:
    from resnet_desktop.core import xmp

    p = sub.add_parser(
        "xmp", help=_("write labels to XMP sidecars other photo programs read, or read them back")
    )
    actions = p.add_subparsers(dest="xmp_command", metavar="ACTION")
    w = actions.add_parser(
        "write",
        help=_("write or update NAME.EXT.xmp beside each photo (never the photo itself)"),
        description=_(
            "Write the person's tags and the model's labels to XMP sidecars beside the photos "
            "(dc:subject, lr:hierarchicalSubject, digiKam:TagsList). An existing sidecar is updated: "
            "what other programs wrote in it is kept."
        ),
    )
    w.add_argument(
        "paths", nargs="*", metavar="FOLDER_OR_PHOTO", help=_("default: every photo in the library")
    )
    w.add_argument(
        "--name-style",
        choices=xmp.NAME_STYLES,
        default="ext",
        help=_("ext: IMG_1.jpg.xmp (digiKam, darktable; default); stem: IMG_1.xmp (Lightroom)"),
    )
    w.add_argument("--mirror", metavar="DIR", help=_("where sidecars of photos in read-only folders go"))
    w.add_argument(
        "--min-confidence",
        type=float,
        default=xmp.DEFAULT_MIN_CONFIDENCE,
        metavar="P",
        help=_("model labels below this (0..1) stay out of the keywords ({p})", p=xmp.DEFAULT_MIN_CONFIDENCE),
    )
    r = actions.add_parser(
        "read",
        help=_("read keywords from photos and their sidecars into your tags"),
        description=_(
            "Read IPTC Keywords and XMP dc:subject / lr:hierarchicalSubject embedded in the photos, "
            "and the keywords of their XMP sidecars, into the person's tags. `index` does this by itself."
        ),
    )
    r.add_argument(
        "paths", nargs="*", metavar="FOLDER_OR_PHOTO", help=_("default: every photo in the library")
    )
    r.add_argument("--mirror", metavar="DIR", help=_("also look for sidecars in this mirror folder"))


def run(args: argparse.Namespace) -> int:
    if args.xmp_command not in ("write", "read"):
        raise CliError(_("xmp needs an action: `xmp write [PATHS]` or `xmp read [PATHS]`"))
    min_confidence = getattr(args, "min_confidence", None)
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise CliError(_("--min-confidence is a probability between 0 and 1"))
    for path in args.paths:
        if not os.path.exists(path):
            raise CliError(_("{path}: no such file or folder", path=path))
    if args.mirror and os.path.exists(args.mirror) and not os.path.isdir(args.mirror):
        raise CliError(_("--mirror {path}: not a folder", path=args.mirror))
    library = _open_library(args)
    try:
        ids = _photo_ids(library, args.paths)
        if args.xmp_command == "write":
            return _write(library, ids, args)
        return _read(library, ids, args)
    finally:
        library.close()


def _photo_ids(library: Library, paths: list[str]) -> list[int]:
    if not paths:
        return library.ids(sort="name")
    ids: list[int] = []
    for path in paths:
        full = os.path.abspath(path)
        if os.path.isdir(full):
            ids += library.ids(rule={"folder": full}, sort="name")
        else:
            row = library.get_by_path(full)
            if row is None:
                raise CliError(
                    _("{path} is not in the library; add it with `resnet-desktop index`", path=path)
                )
            ids.append(row.id)
    return list(dict.fromkeys(ids))


def _write(library: Library, ids: list[int], args: argparse.Namespace) -> int:
    from resnet_desktop.core import xmp

    report = xmp.write_sidecars(
        library, ids, style=args.name_style, mirror=args.mirror, min_confidence=args.min_confidence
    )
    line = _(
        "Sidecars: {written} written, {unchanged} already up to date",
        written=report.written,
        unchanged=report.unchanged,
    )
    if report.mirrored:
        line += _(
            ", {n} of them in the mirror {mirror} (their folders are read-only)",
            n=report.mirrored,
            mirror=args.mirror,
        )
    if report.problems:
        line += _(", {n} not written", n=len(report.problems))
    print(line)
    for _path, reason in report.problems:
        print("  " + _("not written: {reason}", reason=translate(reason)), file=sys.stderr)
    return EXIT_FAILED if report.problems else EXIT_OK


def _read(library: Library, ids: list[int], args: argparse.Namespace) -> int:
    from resnet_desktop.core import xmp

    report = xmp.read_keywords(library, ids, mirror=args.mirror)
    print(
        ngettext(
            "Read keywords of {n} photo: new tags {tags}",
            "Read keywords of {n} photos: new tags {tags}",
            report.read,
            tags=report.tags_added,
        )
    )
    for _path, reason in report.problems:
        print("  " + _("not read: {reason}", reason=translate(reason)), file=sys.stderr)
    return EXIT_FAILED if report.problems else EXIT_OK
