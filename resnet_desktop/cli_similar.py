"""`resnet-desktop similar` and `resnet-desktop duplicates` (registered in cli.py).

Both read the library (core.embeddings, core.duplicates); embeddings a photo lacks for the
model being compared are computed first, with a progress line, when that model's weights are
here. Nothing here touches a photo file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from resnet_desktop.core.messages import gettext as _
from resnet_desktop.core.messages import ngettext, translate

if TYPE_CHECKING:
    from resnet_desktop.core.library import Library

KIND_TITLES = {"exact": "exact copies", "near": "near copies", "similar": "similar shots"}


def add_parsers(sub: Any) -> None:
    models = ("resnet18", "efficientnet_lite0")
    p = sub.add_parser("similar", help=_("photos most like PHOTO, best first, with their similarity"))
    p.add_argument("photo", metavar="PHOTO")
    p.add_argument("--limit", type=int, default=20, metavar="N", help=_("number of photos to list"))
    p.add_argument("--json", action="store_true", help=_("JSON output: each photo's path and similarity"))
    p.add_argument("--model", choices=models, help=_("whose embeddings to compare"))

    p = sub.add_parser("duplicates", help=_("groups of copies: exact (same bytes), near (edited copies)"))
    p.add_argument("--similar", action="store_true", help=_("also different shots of one moment (bursts)"))
    p.add_argument(
        "--json",
        action="store_true",
        help=_("JSON output: each group's kind, the photo to keep and each photo's distance"),
    )
    p.add_argument("--model", choices=models, help=_("whose embeddings to compare"))


def _cli():  # the shared helpers live in cli.py; imported late to avoid an import cycle
    from resnet_desktop import cli

    return cli


def _progress(template: str):
    """A progress reporter printing ``template`` (with {done} and {total}) every 10%."""
    last = [-1]

    def report(done: int, total: int) -> None:
        if total <= 0:
            return
        pct = int(100 * done / total)
        if pct != last[0] and (pct - last[0] >= 10 or done == total):
            last[0] = pct
            print(template.format(done=done, total=total), file=sys.stderr, flush=True)

    return report


def _ensure_embeddings(library: Library, model: str, photo_ids: list[int] | None = None) -> None:
    """Compute the embeddings of ``model`` that photos lack, when its weights are here."""
    from resnet_desktop.core import embeddings as emb
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.core.weights import WeightsError

    todo = emb.missing(library, model)
    if photo_ids is not None:
        todo = [i for i in todo if i in set(photo_ids)]
    if not todo:
        return
    try:
        classifier, _notice = load_classifier(model)
    except WeightsError as exc:
        print(
            _(
                "note: {count} photos have no {model} embedding yet and it cannot be made: {reason}",
                count=len(todo),
                model=model,
                reason=translate(str(exc)),
            ),
            file=sys.stderr,
        )
        return
    if classifier.model != model:
        print(
            _(
                "note: {count} photos have no {model} embedding yet; its weights are not here, "
                "so they are left out",
                count=len(todo),
                model=model,
            ),
            file=sys.stderr,
        )
        return
    print(_("Computing {count} missing {model} embeddings", count=len(todo), model=model), file=sys.stderr)
    report = _progress(_("Computing embeddings: {done}/{total}"))
    summary = emb.compute_missing(
        library.path, classifier, photo_ids=todo, on_progress=lambda p: report(p.done, p.total)
    )
    for path, reason in summary.failed or []:
        print(_("  could not read {path}: {reason}", path=path, reason=translate(reason)), file=sys.stderr)


def cmd_similar(args: argparse.Namespace) -> int:
    from resnet_desktop.core import duplicates
    from resnet_desktop.core import embeddings as emb

    cli = _cli()
    if args.limit < 1:
        raise cli.CliError(_("--limit is a number of photos, 1 or more"))
    library = cli._open_library(args)
    try:
        row = library.get_by_path(args.photo)
        if row is None:
            if not os.path.exists(args.photo):
                raise cli.CliError(
                    _("{photo}: no such file, and no photo of that path in the library", photo=args.photo)
                )
            raise cli.CliError(
                _(
                    "{photo} is not in the library; add it with `resnet-desktop index FOLDER`",
                    photo=args.photo,
                )
            )
        if row.status == "missing":
            print(
                _("note: {path} is missing on disk; using what the library knows", path=row.display_path),
                file=sys.stderr,
            )
        model = args.model or emb.default_model(library, row.model)
        if model is None:
            raise cli.CliError(_("no photo in the library is tagged yet; run `resnet-desktop index FOLDER`"))
        _ensure_embeddings(library, model)
        try:
            matches = duplicates.similar(library, row.id, limit=args.limit, model=model)
        except duplicates.DuplicatesError as exc:
            raise cli.CliError(translate(str(exc))) from None
    finally:
        library.close()
    if args.json:
        json.dump(
            [{"path": m.photo.display_path, "similarity": round(m.similarity, 4)} for m in matches],
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
        return cli.EXIT_OK
    if not matches:
        print(_("No other photo to compare with (the library has only this one)."))
        return cli.EXIT_OK
    for m in matches:
        print(f"{m.similarity:6.3f}  {m.photo.display_path}")
    return cli.EXIT_OK


def cmd_duplicates(args: argparse.Namespace) -> int:
    from resnet_desktop.core import duplicates
    from resnet_desktop.core import embeddings as emb
    from resnet_desktop.core.paths import thumbnail_dir
    from resnet_desktop.core.thumbs import ThumbCache

    cli = _cli()
    library = cli._open_library(args)
    try:
        model = args.model or emb.default_model(library)
        if model is not None and args.similar:
            _ensure_embeddings(library, model)
        report = _progress(_("Reading photos for comparison: {done}/{total}"))
        groups = duplicates.find_groups(
            library,
            include_similar=args.similar,
            model=model,
            thumbs=ThumbCache(thumbnail_dir()),
            on_progress=lambda p: report(p.done, p.total) if p.stage == "fingerprints" else None,
        )
        total = library.count()
    finally:
        library.close()
    if args.json:
        json.dump([_group_dict(g) for g in groups], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return cli.EXIT_OK
    if not groups:
        print(ngettext("No duplicates among {n} photo.", "No duplicates among {n} photos.", total))
        return cli.EXIT_OK
    keep, same = _("keep"), _("same")
    for g in groups:
        why = ", ".join(translate(r) for r in g.keep_reasons)
        n, kind, path = len(g.members), _(KIND_TITLES[g.kind]), g.keep.photo.display_path
        print(
            ngettext(
                "{kind} ({n} photo); keep {path}: {why}",
                "{kind} ({n} photos); keep {path}: {why}",
                n,
                kind=kind,
                path=path,
                why=why,
            )
        )
        for i, m in enumerate(g.members):
            mark = keep.ljust(5) if i == 0 else f"{m.distance:5.3f}"
            if i and m.photo.content_hash and m.photo.content_hash == g.keep.photo.content_hash:
                mark = same.ljust(5)  # a byte-identical copy of the kept photo
            print(f"  {mark}  {m.photo.display_path}")
    counts = {k: sum(g.kind == k for g in groups) for k in duplicates.KINDS}
    summary = {
        "exact": lambda n: ngettext("{n} exact group", "{n} exact groups", n),
        "near": lambda n: ngettext("{n} near group", "{n} near groups", n),
        "similar": lambda n: ngettext("{n} similar group", "{n} similar groups", n),
    }
    print(", ".join(summary[k](n) for k, n in counts.items() if n))
    return cli.EXIT_OK


def _group_dict(g: Any) -> dict[str, Any]:
    return {
        "kind": g.kind,
        "keep": g.keep.photo.display_path,
        "why": g.keep_reasons,
        "photos": [{"path": m.photo.display_path, "distance": m.distance} for m in g.members],
    }
