"""The command line: the same engine as the desktop app, from a terminal.

``resnet-desktop`` with no arguments (or with paths) opens the desktop app; the
subcommands classify, index, search, manage albums, tags and models. Expected failures
(bad photos, missing weights, bad rules) print one clear line and set the exit code;
they never show a traceback.

Exit codes: 0 success, 1 some photos failed, 2 usage or setup error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from resnet_desktop import __version__, cli_similar, cli_teach
from resnet_desktop.core.messages import current_language, ngettext, translate
from resnet_desktop.core.messages import gettext as _

if TYPE_CHECKING:
    from resnet_desktop.core.library import Library, PhotoRow
    from resnet_desktop.core.pipeline import IndexProgress

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = (
    "classify", "index", "search", "albums", "tag", "models", "serve", "xmp", "similar", "duplicates",
    "learn", "suggest",
)  # fmt: skip


class CliError(Exception):
    """An expected problem: printed as one line, exit code 2."""


# -- argument parsing ------------------------------------------------------------------------


LIBRARY_HELP = "library file (default: in your data folder)"


class _CommandParser(argparse.ArgumentParser):
    """A command's parser: it also takes --library, so the option may come before or after
    the command; SUPPRESS keeps an earlier --library when this one is absent. A command may
    define the option itself (serve, with its own help text); its own then wins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("conflict_handler", "resolve")
        super().__init__(*args, **kwargs)
        self.add_argument("--library", metavar="FILE", default=argparse.SUPPRESS, help=_(LIBRARY_HELP))


def build_parser() -> argparse.ArgumentParser:
    _argparse_in_reader_language()
    from resnet_desktop.core.models import MODELS  # the one model list (no torch is imported)

    model_names = tuple(MODELS)
    parser = argparse.ArgumentParser(
        prog="resnet-desktop",
        description=_("Offline photo organizer: tag photos with ImageNet labels, index and search them."),
        epilog=_("Without a command, opens the desktop app (with any PATHs given added to the library)."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help=_("add ResNet Desktop to your applications menu and to Open With for photos (Linux)"),
    )
    parser.add_argument(
        "--uninstall-desktop-entry", action="store_true", help=_("remove that menu entry again")
    )
    parser.add_argument("--library", metavar="FILE", help=_(LIBRARY_HELP))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)

    def model_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", choices=model_names, help=_("model to use"))
        p.add_argument("--weights", metavar="FILE", help=_("weights file for the model"))
        p.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto")
        p.add_argument(
            "--int8",
            action="store_true",
            help=_("use the INT8 model made by `models quantize` (faster; see its agreement with fp32)"),
        )

    p = sub.add_parser("classify", help=_("print the top labels of photos"))
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    p.add_argument("--top-k", type=int, default=3, metavar="K")
    p.add_argument("--json", action="store_true", help=_("JSON: {path: [{rank, class, probability}]}"))
    model_options(p)

    p = sub.add_parser("index", help=_("find photos in folders, tag them and store them in the library"))
    p.add_argument("folders", nargs="+", metavar="FOLDER")
    p.add_argument("--threads", type=int, default=None, help=_("decoding threads (default: cores)"))
    p.add_argument("--batch-size", type=int, default=16)
    model_options(p)

    p = sub.add_parser("search", help=_("find photos by label, category or tag"))
    p.add_argument("terms", nargs="+", metavar="TERM")
    p.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        metavar="P",
        help=_("0..1 (default: your threshold from Settings, 0.2 unless changed)"),
    )
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")
    from resnet_desktop.core.library import SORTS
    from resnet_desktop.core.search import BEST_MATCH

    p.add_argument(
        "--sort",
        choices=(BEST_MATCH, *SORTS),
        default=BEST_MATCH,
        help=_(
            "order: best match first (default), or as the window sorts: date taken, added, name, confidence"
        ),
    )

    p = sub.add_parser("albums", help=_("list, create, show and delete albums"))
    albums = p.add_subparsers(dest="albums_command", metavar="ACTION", parser_class=_CommandParser)
    albums.add_parser("list", help=_("built-in and saved albums with their photo counts"))
    a = albums.add_parser("show", help=_("the photos of an album"))
    a.add_argument("name")
    a.add_argument("--limit", type=int, default=None)
    a.add_argument("--json", action="store_true")
    a = albums.add_parser("create", help=_("save a smart album from a JSON rule, or an empty manual album"))
    a.add_argument("name")
    a.add_argument(
        "--rule", metavar="JSON", help=_("e.g.") + ' \'{"labels_any": ["cat"], "min_confidence": 0.3}\''
    )
    a.add_argument("--rule-file", metavar="FILE")
    a = albums.add_parser("delete", help=_("delete a saved album (its photos stay in the library)"))
    a.add_argument("name")

    p = sub.add_parser("tag", help=_("add (+label) or remove (-label) a person's tags on a photo"))
    p.add_argument("photo")
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="+LABEL|-LABEL")

    p = sub.add_parser("models", help=_("show models and weights; download or import ResNet-18 weights"))
    models = p.add_subparsers(dest="models_command", metavar="ACTION", parser_class=_CommandParser)
    models.add_parser("list", help=_("(default) models, where their weights are, which is in use"))
    m = models.add_parser("download", help=_("download the official weights (needs a network)"))
    m.add_argument("model", nargs="?", default="resnet18", choices=("resnet18",))
    m = models.add_parser("import", help=_("import a weights file you already have"))
    m.add_argument("file")
    m.add_argument("--model", default="resnet18", choices=("resnet18",))
    m = models.add_parser(
        "quantize",
        help=_("make an INT8 model from your photos and report how often it agrees with fp32"),
    )
    m.add_argument("photos", nargs="*", metavar="PHOTO_OR_FOLDER", help=_("default: photos in the library"))
    m.add_argument(
        "--max", type=int, default=64, help=_("photos to use at most (half calibrate, half check)")
    )
    m.add_argument("--model", choices=model_names)
    m.add_argument("--weights", metavar="FILE")
    cli_similar.add_parsers(sub)

    p = sub.add_parser(
        "serve", help=_("the recognition service: POST /predict and a web page, on this computer")
    )
    p.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default: this computer only)")
    )
    p.add_argument("--port", type=int, default=8000, help=_("port (default 8000; 0 picks a free one)"))
    p.add_argument(
        "--library", metavar="FILE", default=argparse.SUPPRESS, help=_("answer known photos from it")
    )
    p.add_argument(
        "--token", help=_("require this token (Authorization: Bearer TOKEN); or RESNET_DESKTOP_TOKEN")
    )
    p.add_argument(
        "--batch-window-ms", type=float, default=5.0, help=_("how long a request waits for others")
    )
    p.add_argument("--cache-size", type=int, default=1024, help=_("answers kept by content hash (0: none)"))
    model_options(p)
    from resnet_desktop import cli_xmp

    cli_xmp.add_parser(sub)
    cli_teach.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in argv:
        from resnet_desktop import selftest

        return selftest.main()
    if "--install-desktop-entry" in argv or "--uninstall-desktop-entry" in argv:
        from resnet_desktop import desktop_entry

        if "--install-desktop-entry" in argv:
            return desktop_entry.install_for_user()
        return desktop_entry.uninstall_for_user()
    if not any(a in COMMANDS or a in ("-h", "--help", "--version") for a in argv):
        return _open_app(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = {
        "classify": cmd_classify,
        "index": cmd_index,
        "search": cmd_search,
        "albums": cmd_albums,
        "tag": cmd_tag,
        "models": cmd_models,
        "similar": cli_similar.cmd_similar,
        "duplicates": cli_similar.cmd_duplicates,
        "serve": cmd_serve,
        "xmp": _cmd_xmp,
        "learn": cli_teach.cmd_learn,
        "suggest": cli_teach.cmd_suggest,
    }[args.command]
    import sqlite3

    from resnet_desktop.core.library import LibraryError, LibraryReadOnly

    try:
        return handler(args)
    except CliError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except LibraryReadOnly as exc:
        _err(str(exc))
        return EXIT_USAGE
    except LibraryError as exc:
        _err(
            _(
                "{problem}. Point --library at your library file, or at a new file name to start one.",
                problem=translate(str(exc)),
            )
        )
        return EXIT_USAGE
    except sqlite3.Error as exc:  # disk full, read-only folder, a lock held too long...
        _err(_("the library could not be read or written ({reason}); nothing was lost from it", reason=exc))
        return EXIT_USAGE
    except BrokenPipeError:  # `... | head`: the reader has all it wants
        _quiet_broken_pipe()
        return EXIT_OK
    except OSError as exc:
        _err(f"{exc.filename or ''}: {translate(str(exc.strerror or exc))}".lstrip(": "))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err(_("interrupted"))
        return EXIT_INTERRUPTED


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot complain again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _open_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="resnet-desktop", add_help=False)
    parser.add_argument("--library")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args(argv)
    if _no_display():
        _err(
            _(
                "no graphical display here, so the window cannot open. The command line works "
                "anywhere: see `resnet-desktop --help` (e.g. `resnet-desktop index FOLDER`)."
            )
        )
        return EXIT_USAGE
    from resnet_desktop.gui import xcb

    missing = xcb.problem()
    if missing:  # Qt would abort with a message naming the wrong library
        _err(translate(missing))
        return EXIT_USAGE
    from resnet_desktop.gui.app import run_app

    return run_app([str(Path(p).resolve()) for p in args.paths], library=args.library)


# -- helpers ---------------------------------------------------------------------------------


def _no_display() -> bool:
    """On Linux and BSD without X11 or Wayland, Qt would abort the process; say why instead."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _err(message: str) -> None:
    print(f"resnet-desktop: {_safe(message)}", file=sys.stderr)


def _safe(text: object) -> str:
    """Text for a terminal: control characters (escape codes in a crafted file name or tag
    could rewrite the screen) are shown as ``\\x1b``-style escapes instead of sent."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _argparse_in_reader_language() -> None:
    """argparse's own words ("usage:", "error:", "invalid choice...") from our catalog too.

    argparse looks its messages up through the module-level ``_`` it imported from gettext,
    with %-placeholders; our catalog has them keyed by the same English.
    """
    argparse._ = lambda text: _(text)  # type: ignore[attr-defined]


def _library_path(args: argparse.Namespace) -> Path:
    from resnet_desktop.core.paths import default_library_path

    # No folder is made here: a command that only reads must not create anything.
    return Path(args.library).expanduser() if args.library else default_library_path()


def _open_library(args: argparse.Namespace, must_exist: bool = True) -> Library:
    from resnet_desktop.core.library import Library

    path = _library_path(args)
    if must_exist and not path.exists():
        raise CliError(_("no library at {path}; create one with `resnet-desktop index FOLDER`", path=path))
    return Library(path)


def _load_classifier(args: argparse.Namespace):
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.core.weights import WeightsError

    precision = "int8" if getattr(args, "int8", False) else "fp32"
    try:
        classifier, notice = load_classifier(
            args.model, args.weights, backend=args.backend, precision=precision
        )
    except WeightsError as exc:
        raise CliError(translate(str(exc))) from None
    if notice:
        print(_("note: {notice}", notice=translate(notice)), file=sys.stderr)
    if classifier.int8_report is not None:
        summary = translate(classifier.int8_report.summary())
        print(_("note: INT8 model: {summary}", summary=summary), file=sys.stderr)
    return classifier


def _percent(p: float) -> float:
    return round(p * 100.0, 2)


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# -- classify --------------------------------------------------------------------------------


def cmd_classify(args: argparse.Namespace) -> int:
    from resnet_desktop.core.classify import prediction_json
    from resnet_desktop.core.imaging import PhotoError, decode_photo
    from resnet_desktop.core.pipeline import read_photo_bytes

    if args.top_k < 1 or args.top_k > 1000:
        raise CliError(_("--top-k must be between 1 and 1000"))
    from resnet_desktop.core.names import display_name

    lang = current_language()
    classifier = _load_classifier(args)
    results: dict[str, Any] = {}
    failed = 0
    for path in args.photos:
        try:
            photo = decode_photo(read_photo_bytes(path), min_side=classifier.resize_side, name=path)
        except PhotoError as exc:
            failed += 1
            _err(
                _("{path}: {reason}", path=path, reason=translate(exc.reason))
            )  # _err escapes control characters
            results[path] = {"error": exc.reason}
            continue
        for warning in photo.warnings:
            print(
                _("warning: {path}: {warning}", path=_safe(path), warning=_safe(translate(warning))),
                file=sys.stderr,
            )
        (result,) = classifier.classify([photo.image], top_k=args.top_k)
        results[path] = [
            prediction_json(p)
            # "class" stays ImageNet's English label (scripts key on it); a Chinese reader also
            # gets the name the table shows.
            | ({"name_zh": display_name(p.label, "zh")} if lang == "zh" else {})
            for p in result.predictions
        ]
    if args.json:
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_classification(results, classifier, sys.stdout)
    return EXIT_FAILED if failed else EXIT_OK


def _print_classification(results: dict[str, Any], classifier: Any, out: TextIO) -> None:
    from resnet_desktop.core.models import model_title

    print(
        _(
            "Model: {title} ({backend})",
            title=translate(model_title(classifier.model)),
            backend=classifier.backend,
        ),
        file=out,
    )
    for path, predictions in results.items():
        print(file=out)
        print(_safe(path), file=out)
        if isinstance(predictions, dict):  # its reason went to stderr once, as it happened
            print("  " + _("failed"), file=out)
            continue
        names = [p.get("name_zh", p["class"]) for p in predictions]
        width = max(_width(name) for name in names)
        for p, name in zip(predictions, names, strict=True):
            bar = "#" * round(p["probability"] / 5)
            print(f"  {p['rank']}. {_columns((name, width))}  {p['probability']:6.2f}%  {bar}", file=out)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


# -- serve -----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from resnet_desktop import serve

    if not 0 <= args.port <= 65535:
        raise CliError(_("--port must be between 0 and 65535"))
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise CliError(_("`serve` needs aiohttp: pip install aiohttp")) from None
    library = None
    if args.library:
        library = _library_path(args)
        if not library.exists():
            raise CliError(
                _("no library at {path}; create one with `resnet-desktop index FOLDER`", path=library)
            )
    token = serve.token_from(args.token)
    warning = serve.address_warning(args.host, token)
    if warning:
        _err(_("warning: {warning}", warning=translate(warning)))
    classifier = _load_classifier(args)
    try:
        return serve.serve(
            classifier,
            host=args.host,
            port=args.port,
            library=library,
            token=token,
            batch_window_ms=args.batch_window_ms,
            cache_size=args.cache_size,
        )
    except OSError as exc:  # address in use, no such address, no permission for the port
        raise CliError(
            _(
                "cannot listen on {host}:{port}: {reason}",
                host=args.host,
                port=args.port,
                reason=translate(str(exc.strerror or exc)),
            )
        ) from None


# -- index -----------------------------------------------------------------------------------


class _ProgressLine:
    """A progress bar that fits the terminal, redrawn in place; nothing when not a terminal
    (a log or a pipe gets only the summary).

    The first line appears once the first photos are tagged: a "0/N, --:-- left" line says
    nothing, and the header waits with it so quick runs print only their summary.
    """

    def __init__(self, stream: TextIO, header: str = "") -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.header = header
        self.last = 0.0
        self.shown = False

    def __call__(self, p: IndexProgress) -> None:
        if not self.tty or p.total == 0:
            return
        now = time.monotonic()
        final = p.done == p.total
        if (p.done == 0 and not final) or (not final and now - self.last < 0.1):
            return
        self.last = now
        if not self.shown and self.header:
            self.stream.write(self.header + "\n")
        self.shown = True
        self.stream.write("\r" + self.line(p, shutil.get_terminal_size((80, 24)).columns))
        if final:
            self.stream.write("\n")
        self.stream.flush()

    @staticmethod
    def line(p: IndexProgress, columns: int) -> str:
        """One line of at most ``columns - 1`` terminal columns (the last one would wrap on some
        terminals; CJK characters take two); the bar takes what the numbers leave."""
        width = max(10, columns - 1)
        counts = f" {p.done}/{p.total}"
        details = "  " + _("{rate:5.1f} photos/s  ETA {eta}", rate=p.rate, eta=_fmt_duration(p.eta_s))
        if p.failed:
            details += "  " + _("{n} failed", n=p.failed)
        room = width - len(counts) - _width(details) - 2
        if room < 10:  # a narrow terminal: counts and what fits of the rest, no bar
            text = counts.strip() + details
            while _width(text) > width:
                text = text[:-1]
            return text + " " * (width - _width(text))
        bar_width = min(40, room)
        filled = int(bar_width * (p.done / p.total if p.total else 1.0))
        text = f"[{'#' * filled:<{bar_width}}]{counts}{details}"
        return text + " " * max(0, width - _width(text))


def cmd_index(args: argparse.Namespace) -> int:
    from resnet_desktop.core.paths import thumbnail_dir
    from resnet_desktop.core.pipeline import Indexer
    from resnet_desktop.core.thumbs import ThumbCache

    for folder in args.folders:
        if not os.path.exists(folder):
            raise CliError(_("{path}: no such file or folder", path=folder))
    classifier = _load_classifier(args)
    library_path = _library_path(args)
    indexer = Indexer(
        library_path,
        lambda: classifier,
        decode_threads=args.threads,
        batch_size=args.batch_size,
        thumbs=ThumbCache(thumbnail_dir()),
    )

    cancel = threading.Event()
    progress = _ProgressLine(
        sys.stderr,
        _(
            "Indexing into {library} with {model} ({backend})",
            library=_safe(library_path),
            model=classifier.model,
            backend=classifier.backend,
        ),
    )
    try:
        summary = indexer.run(args.folders, on_progress=progress, cancel=cancel)
    except KeyboardInterrupt:
        if progress.shown:
            print(file=sys.stderr)
        _err(_("interrupted; everything tagged so far is saved. Run the same command again to continue."))
        return EXIT_INTERRUPTED
    # each file found is counted once: indexed, unchanged, moved, re-tagged, failed or left to another run
    found = summary.indexed + summary.unchanged + summary.moved + summary.retagged + len(summary.failed)
    if not (found or summary.skipped_busy or summary.missing or summary.cancelled):
        _say_no_photos(args.folders)
        return EXIT_OK
    print(
        _(
            "Indexed {indexed}, unchanged {unchanged}, moved {moved}, re-tagged {retagged}, "
            "missing {missing}, failed {failed} in {seconds:.1f} s",
            indexed=summary.indexed,
            unchanged=summary.unchanged,
            moved=summary.moved,
            retagged=summary.retagged,
            missing=summary.missing,
            failed=len(summary.failed),
            seconds=summary.elapsed_s,
        )
    )
    if summary.indexed + summary.retagged and summary.elapsed_s > 0:
        rate = (summary.indexed + summary.retagged) / summary.elapsed_s
        print("  " + _("{rate:.1f} photos/s", rate=rate))
    elif summary.unchanged and not (summary.moved or summary.cancelled):
        print(
            "  "
            + ngettext(
                "Nothing to tag: the {n} photo is unchanged (only its size, times and inode "
                "number were checked; it was not opened).",
                "Nothing to tag: all {n} photos are unchanged (only their sizes, times and inode "
                "numbers were checked; no photo was opened).",
                summary.unchanged,
            )
        )
    if summary.skipped_busy:
        print(
            "  "
            + _(
                "left {n} photos to another indexing run that is tagging them now; "
                "run again when it is done to check them",
                n=summary.skipped_busy,
            )
        )
    unchanged_failures = set(summary.failed_unchanged)
    for path, reason in summary.failed:
        if path not in unchanged_failures:
            print("  " + _("failed: {path}: {reason}", path=_safe(path), reason=_safe(translate(reason))))
    if unchanged_failures:  # not read again: their reasons were said when they failed
        print(
            "  "
            + ngettext(
                "{n} still could not be read (unchanged since it failed; "
                "see `resnet-desktop albums show failed`)",
                "{n} still could not be read (unchanged since they failed; "
                "see `resnet-desktop albums show failed`)",
                len(unchanged_failures),
            )
        )
    if summary.tags_from_files or summary.sidecars_reread:
        print(
            "  "
            + _(
                "keywords in photos and XMP sidecars: new tags {tags}; sidecars changed since last read: {n}",
                tags=summary.tags_from_files,
                n=summary.sidecars_reread,
            )
        )
    for _path, reason in summary.sidecar_problems:
        print("  " + _("sidecar not read: {reason}", reason=_safe(translate(reason))))
    return EXIT_FAILED if summary.failed else EXIT_OK


def _say_no_photos(folders: Sequence[str]) -> None:
    """An index run that found no photo at all: where it looked and which files it reads."""
    from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS

    for folder in folders:
        if os.path.isdir(folder):
            print(_("No photos found in {folder} (subfolders included).", folder=_safe(folder)))
        else:
            print(_("{path} is not a photo this app reads.", path=_safe(folder)))
    print("  " + _("Photo types read: {types}", types=", ".join(sorted(SUPPORTED_EXTENSIONS))))
    if ".heic" not in SUPPORTED_EXTENSIONS:
        print("  " + _("HEIC and HEIF photos too, once pillow-heif is installed (pip install pillow-heif)."))


# -- search and albums -----------------------------------------------------------------------


def _photo_dict(row: PhotoRow, threshold: float) -> dict[str, Any]:
    from resnet_desktop.core.search import caption

    tags, label, confidence = caption(row, threshold)
    result: dict[str, Any] = {
        "path": row.display_path,
        "tags": list(row.user_tags),  # the person's tags: first, as everywhere
        "label": label,
        "probability": None if confidence is None else _percent(confidence),
    }
    if row.match is not None:
        result["match"] = {
            "text": row.match,
            "kind": _match_kind(row),
            "probability": None if row.match_confidence is None else _percent(row.match_confidence),
        }
    result.update(taken_at=row.taken_at, status=row.status, error=row.error)
    return result


def _match_kind(row: PhotoRow) -> str:
    """tag: the person's own; suggested: a taught label's open suggestion; label: the model's."""
    if row.match_confidence is None:
        return "tag"
    return "suggested" if row.match_suggested else "label"


def _describe(row: PhotoRow, threshold: float, lang: str) -> str:
    """The person's tags first, then one model label with its confidence (or why there is none)."""
    from resnet_desktop.core.names import display_name
    from resnet_desktop.core.search import caption

    if row.status == "failed":
        return _("failed: {reason}", reason=translate(row.error or ""))
    tags, label, confidence = caption(row, threshold)
    parts = [display_name(t, lang) for t in tags]
    if label is not None and row.match_suggested:  # a taught label's suggestion, not the person's tag
        parts.append(
            _("suggested: {label}", label=display_name(label, lang)) + f" {_percent(confidence or 0.0):.2f}%"
        )
    elif label is not None:
        parts.append(f"{display_name(label, lang)} {_percent(confidence or 0.0):.2f}%")
    if parts:
        return ", ".join(parts)
    return _("no confident label") if row.status == "ok" else _(row.status)


def _print_photos(rows: list[PhotoRow], as_json: bool, empty: str, threshold: float) -> None:
    from resnet_desktop.core.names import display_name

    lang = current_language()
    if as_json:
        found = [_photo_dict(r, threshold) for r in rows]
        if lang == "zh":  # "label" stays English, as in classify --json
            found = [d | {"name_zh": display_name(d["label"], "zh") if d["label"] else None} for d in found]
        json.dump(found, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    if not rows:
        print(empty)
        return
    for row in rows:
        print(f"{_columns((_describe(row, threshold, lang), 34))}  {_safe(row.display_path)}")
    print(ngettext("{n} photo", "{n} photos", len(rows)))


def _threshold(args: argparse.Namespace) -> float:
    from resnet_desktop.core.search import default_threshold

    value = getattr(args, "min_confidence", None)
    if value is None:
        return default_threshold()
    if not 0.0 <= value <= 1.0:
        raise CliError(_("--min-confidence is a probability between 0 and 1 (e.g. 0.3)"))
    return value


def cmd_search(args: argparse.Namespace) -> int:
    from resnet_desktop.core import search

    threshold = _threshold(args)
    text = " ".join(args.terms)
    library = _open_library(args)
    best_first = args.sort == search.BEST_MATCH
    sort = "taken" if best_first else args.sort  # best first: ties in the window's default order
    try:
        rows = search.search(
            library, text, min_confidence=threshold, limit=args.limit, sort=sort, best_first=best_first
        )
        below = None if rows else search.matches_below(library, text, threshold)
        nearest = [] if rows or below else search.suggestions(text, library)
    except ValueError as exc:  # a search too large to run
        raise CliError(str(exc)) from None
    finally:
        library.close()
    empty = _(
        "No photos match {text!r} (labels at {percent} or more, categories, your tags).",
        text=text,
        percent=f"{threshold:.0%}",
    )
    if below is not None:  # the word is known; the photos are only less sure of it
        import shlex

        command = ["resnet-desktop", "search", *args.terms, "--min-confidence", f"{below.shows_all:g}"]
        if args.library:
            command += ["--library", args.library]
        low, high = f"{below.lowest:.0%}", f"{below.highest:.0%}"
        span = low if low == high else _("{low} to {high}", low=low, high=high)
        empty += "\n" + ngettext(
            "{n} photo matches with less confidence ({span}); see it with `{command}`",
            "{n} photos match with less confidence ({span}); see them with `{command}`",
            below.count,
            span=span,
            command=shlex.join(command),
        )
    if nearest:
        lang = current_language()
        from resnet_desktop.core.names import display_name

        empty += " " + _("Nearest labels: {labels}", labels=", ".join(display_name(w, lang) for w in nearest))
    if not rows and not args.json:
        print(empty)
        return EXIT_OK
    _print_photos(rows, args.json, empty, threshold)
    return EXIT_OK


def cmd_albums(args: argparse.Namespace) -> int:
    from resnet_desktop.core.albums import BUILTIN_ALBUMS, automatic_albums

    action = args.albums_command or "list"
    threshold = _threshold(args)
    library = _open_library(args, must_exist=action != "create")
    try:
        if action == "list":
            print(_columns((_("Album"), 28), (_("Kind"), 10), (_("Photos"), -7)))
            for name, rule in BUILTIN_ALBUMS.items():
                print(_columns((name, 28), (_("built-in"), 10), (str(library.count(rule=rule)), -7)))
            # the same automatic albums as the window's sidebar, at the same threshold
            lang = current_language()
            from resnet_desktop.core.names import display_name

            for auto in automatic_albums(library, threshold):
                print(
                    _columns((display_name(auto.name, lang), 28), (_(auto.kind), 10), (str(auto.count), -7))
                )
            for album in library.albums():
                try:
                    count = str(library.count(rule=_album_rule(album)))
                except ValueError:
                    count = "?"  # its rule cannot run; `albums show` says why
                print(_columns((album.name, 28), (_(album.kind), 10), (count, -7)))
        elif action == "show":
            try:
                rows = _album_rows(library, args.name, threshold)
            except ValueError as exc:
                raise CliError(
                    _(
                        "album {name!r} cannot be shown: {problem}; delete it and create it again",
                        name=args.name,
                        problem=translate(str(exc)),
                    )
                ) from None
            if args.limit is not None:
                rows = rows[: args.limit]
            _print_photos(rows, args.json, _("This album is empty."), threshold)
        elif action == "create":
            rule = _read_rule(args)
            if args.name in BUILTIN_ALBUMS or library.album(args.name) is not None:
                raise CliError(_("an album named {name!r} exists already", name=args.name))
            if rule is not None and (rule.get("labels_any") or rule.get("labels_all")):
                # like the window's editor: a new smart album starts at the person's threshold
                rule.setdefault("min_confidence", threshold)
            try:
                library.create_album(args.name, rule)
            except ValueError as exc:
                raise CliError(_("invalid rule: {problem}", problem=exc)) from None
            count = len(library.album_photos(args.name))
            if rule is not None:
                created = ngettext(
                    "Created smart album {name!r} ({n} photo).",
                    "Created smart album {name!r} ({n} photos).",
                    count,
                    name=args.name,
                )
            else:
                created = ngettext(
                    "Created manual album {name!r} ({n} photo).",
                    "Created manual album {name!r} ({n} photos).",
                    count,
                    name=args.name,
                )
            print(created)
            if rule is not None and "min_confidence" in rule:
                print(
                    "  "
                    + _("labels count from {percent} confidence", percent=f"{rule['min_confidence']:.0%}")
                )
        elif action == "delete":
            if library.album(args.name) is None:
                raise CliError(_("no saved album named {name!r}", name=args.name))
            library.delete_album(args.name)
            print(_("Deleted album {name!r}; its photos stay in the library.", name=args.name))
    finally:
        library.close()
    return EXIT_OK


def _album_rule(album: Any) -> dict[str, Any]:
    return {"album": album.name} if album.kind == "manual" else (album.rule or {})


def _album_rows(library: Library, name: str, threshold: float) -> list[PhotoRow]:
    """A built-in, saved or automatic album by name (automatic ones case-insensitively, "cats",
    or by the name the Chinese interface shows, "猫")."""
    from resnet_desktop.core.albums import BUILTIN_ALBUMS, automatic_albums
    from resnet_desktop.core.names import label_for

    if name in BUILTIN_ALBUMS:
        return library.photos(rule=BUILTIN_ALBUMS[name])
    if library.album(name) is not None:
        return library.album_photos(name)
    wanted = {name.strip().lower(), label_for(name).lower()}
    for auto in automatic_albums(library, threshold, top_labels=1000):
        if auto.name.lower() in wanted:
            return library.photos(rule=auto.rule)
    raise CliError(_("no album named {name!r}; see `resnet-desktop albums list`", name=name))


def _read_rule(args: argparse.Namespace) -> dict[str, Any] | None:
    from resnet_desktop.core.files import MAX_RULE_BYTES, FileRefused, read_regular

    text = args.rule
    if args.rule_file:
        try:
            text = read_regular(args.rule_file, MAX_RULE_BYTES).decode("utf-8")
        except FileRefused as exc:
            raise CliError(
                _("cannot read rule file {path}: {reason}", path=args.rule_file, reason=translate(exc.reason))
            ) from None
        except OSError as exc:
            reason = translate(str(exc.strerror))
            raise CliError(_("cannot read {path}: {reason}", path=args.rule_file, reason=reason)) from None
        except UnicodeDecodeError:
            raise CliError(_("the rule file {path} is not UTF-8 text", path=args.rule_file)) from None
    if text is None:
        return None
    if len(text) > MAX_RULE_BYTES:
        raise CliError(_("the rule is too large (over 1 MB)"))
    try:
        rule = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            _("the rule is not valid JSON: {problem} at character {pos}", problem=exc.msg, pos=exc.pos)
        ) from None
    except RecursionError:
        raise CliError(_("the rule is nested too deeply to be a rule")) from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        why = _("a number in it has too many digits") if "digits" in str(exc) else str(exc)
        raise CliError(_("the rule cannot be read: {problem}", problem=why)) from None
    if not isinstance(rule, dict):
        raise CliError(_("the rule must be a JSON object, e.g.") + ' {"labels_any": ["cat"]}')
    return rule


# -- tags ------------------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace) -> int:
    # The changes take the rest of the line (so "-label" is not an option); --library may be there too.
    changes = list(args.changes)
    for i, change in enumerate(changes):
        if change == "--library" and i + 1 < len(changes):
            args.library = changes[i + 1]
            del changes[i : i + 2]
            break
        if change.startswith("--library="):
            args.library = change.split("=", 1)[1]
            del changes[i]
            break
    args.changes = changes
    add = [c[1:].strip() for c in args.changes if c.startswith("+") and c[1:].strip()]
    remove = [c[1:].strip() for c in args.changes if c.startswith("-") and c[1:].strip()]
    odd = [c for c in args.changes if c[:1] not in ("+", "-") or not c[1:].strip()]
    if odd:
        raise CliError(_("tags are written +label to add or -label to remove, not {change!r}", change=odd[0]))
    from resnet_desktop.core.names import display_name

    lang = current_language()
    library = _open_library(args)
    try:
        row = library.get_by_path(os.path.abspath(args.photo))
        if row is None:
            raise CliError(
                _("{path} is not in the library; add it with `resnet-desktop index`", path=args.photo)
            )
        if add or remove:
            with library.transaction():
                library.set_user_tags(row.id, add=add, remove=remove)
        # The person's tags first; then the model's labels that reach the threshold.
        threshold = _threshold(args)
        tags = library.tags(row.id)
        from resnet_desktop.core.names import display_name

        lang = current_language()
        for tag in [t for t in tags if t.source == "user"]:
            print(_columns((display_name(tag.tag, lang), 30), (_("yours"), 0)))
        for tag in [t for t in tags if t.source != "user" and (t.confidence or 0.0) >= threshold]:
            percent = f"{_percent(tag.confidence or 0.0):.2f}%"
            print(_columns((display_name(tag.tag, lang), 30), (_("label {percent}", percent=percent), 0)))
    finally:
        library.close()
    return EXIT_OK


def _cmd_xmp(args: argparse.Namespace) -> int:
    from resnet_desktop import cli_xmp

    return cli_xmp.run(args)


# -- models ----------------------------------------------------------------------------------


def cmd_models(args: argparse.Namespace) -> int:
    from resnet_desktop.core import weights
    from resnet_desktop.core.models import DEFAULT_MODEL, MODELS

    action = args.models_command or "list"
    if action == "download":
        return _download(args.model)
    if action == "quantize":
        return _quantize(args)
    if action == "import":
        try:
            target = weights.import_weights(Path(args.file), model=args.model)
        except weights.WeightsError as exc:
            raise CliError(translate(str(exc))) from None
        print(_("Imported {file} as {target}", file=args.file, target=target))
        return EXIT_OK
    spec, info, notice = weights.select_model()
    for name, model in MODELS.items():
        found = weights.locate(name)
        default = _(" (default)") if name == DEFAULT_MODEL else ""
        print(f"{name}{default}: {translate(model.title)}")
        if found.path is not None and found.problem is None:
            print("  " + _("weights: {path}  [{source}]", path=found.path, source=_(found.source or "")))
        else:
            print("  " + _("weights: {problem}", problem=translate(found.problem or "not found")))
            hub_file = weights.checkpoints_dir() / model.weights_filename
            print("  " + _("looked in: {path} (and $RESNET_DESKTOP_WEIGHTS)", path=hub_file))
            print("  " + _("to get them: {remedy}", remedy=translate(weights.remedy(name))))
    print(_("In use: {model}", model=spec.name) + (f"  ({translate(notice)})" if notice else ""))
    for report in _int8_reports():
        print(
            _(
                "INT8 {model} (made {created}): {summary}; use it with --int8",
                model=report.model,
                created=report.created,
                summary=translate(report.summary()),
            )
        )
    try:
        from resnet_desktop.core.classify import available_backends

        print(_("Backends: {backends}", backends=", ".join(available_backends())))
    except ImportError:
        pass
    return EXIT_OK


def _int8_reports() -> list[Any]:
    from resnet_desktop.core.paths import data_dir
    from resnet_desktop.core.quantize import load_report

    reports = []
    for found in sorted((data_dir() / "models").glob("*.int8.json")):
        report = load_report(found.with_name(found.name.removesuffix(".int8.json") + ".onnx"))
        if report is not None:
            reports.append(report)
    return reports


def _quantize(args: argparse.Namespace) -> int:
    from resnet_desktop.core import quantize
    from resnet_desktop.core.pipeline import scan

    args.backend = "onnx"
    classifier = _load_classifier(args)
    if args.photos:
        paths = [path for path, _st in scan(args.photos)]
    else:
        library = _open_library(args)
        try:
            paths = [row.path for row in library.photos(rule={"status": "ok"})]
        finally:
            library.close()
    try:
        say = lambda message: print(translate(message), file=sys.stderr)  # noqa: E731
        report = quantize.make_int8(classifier, paths, max_photos=args.max, progress=say)
    except ValueError as exc:
        raise CliError(translate(str(exc))) from None
    except ImportError as exc:
        raise CliError(
            _("quantizing needs the onnx package ({reason}); pip install onnx", reason=exc)
        ) from None
    print(
        _("INT8 model for {model}: {summary}.", model=classifier.model, summary=translate(report.summary()))
    )
    print(_("Use it with --int8 (classify, index); fp32 stays the default."))
    return EXIT_OK


def _download(model: str) -> int:
    from resnet_desktop.core import weights

    progress = _ProgressBytes(sys.stderr)
    try:
        path = weights.download(model, progress=progress)
    except weights.WeightsError as exc:
        raise CliError(translate(str(exc))) from None
    print(_("Downloaded and verified {path}", path=path))
    return EXIT_OK


class _ProgressBytes:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self.last < 0.2:
            return
        self.last = now
        if total:
            self.stream.write(f"\r{done / 2**20:6.1f} / {total / 2**20:.1f} MB ({100 * done / total:3.0f}%)")
        else:
            self.stream.write(f"\r{done / 2**20:6.1f} MB")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _columns(*cells: tuple[str, int]) -> str:
    """Cells padded to terminal columns (negative width: right-aligned); CJK counts double.
    Control characters are escaped (a crafted name or tag must not drive the terminal)."""
    out = []
    for text, width in cells:
        text = _safe(text)
        pad = " " * max(0, abs(width) - _width(text))
        out.append(pad + text if width < 0 else text + pad)
    return " ".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
