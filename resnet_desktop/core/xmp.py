"""XMP sidecars: a person's tags and the model's labels in files other photo programs read.

This is the only code that writes files beside the photos, and it never writes a photo:
it writes ``NAME.EXT.xmp`` (the name digiKam and darktable use; ``NAME.xmp`` with
``style="stem"``), or, where the photo's folder is read-only, the same name under a mirror
folder the person chose (``<mirror>/<photo's absolute folder>/NAME.EXT.xmp``).

What a sidecar holds (see docs/ARCHITECTURE.md):

* ``dc:subject`` (Bag): the person's tags and the model's labels at or above the threshold;
* ``lr:hierarchicalSubject`` and ``digiKam:TagsList``: the person's tags at the top level and
  the model's labels under ``auto`` with their broad categories
  (``auto|Animals|Cats|tiger cat``; digiKam separates with ``/``), so a re-tag only ever
  touches the ``auto`` branch;
* our namespace (``resnetDesktop:``): every label with its confidence, rank and model, and
  the keywords we put into the three lists above, so the next write replaces exactly those
  and nothing another program wrote.

An existing sidecar is updated, not replaced: it is parsed by exiv2 (through python-exiv2,
which ships libexiv2 in its wheels), only the keys above change, and every other property
keeps its value (exiv2 re-serialises the packet, so indentation and attribute order may
differ). A sidecar that does not parse is left untouched and reported. Every write is a
temporary file and a rename (core.atomic).

Reading (``index`` and ``xmp read``): keywords from the photo's own IPTC Keywords, XMP
``dc:subject`` and ``lr:hierarchicalSubject`` and from its sidecar become the person's tags
(``Library.import_tags``: a decision already made here wins); the model's labels we wrote
ourselves are recognised through our namespace and not imported as tags.

exiv2 is imported lazily and every call into it holds one lock: the XMP toolkit inside it
keeps global state (namespace registry) that is not safe to use from two threads at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resnet_desktop.core import atomic

if TYPE_CHECKING:
    from resnet_desktop.core.library import Library, PhotoRow

NAMESPACE = "https://ns.resnet-desktop.org/xmp/1.0/"
PREFIX = "resnetDesktop"
#: Root of the model's labels in the hierarchical keyword lists.
AUTO_ROOT = "auto"
#: ``ext``: IMG_1.jpg -> IMG_1.jpg.xmp (digiKam, darktable); ``stem``: IMG_1.xmp (Lightroom).
NAME_STYLES = ("ext", "stem")
SIDECAR_SUFFIX = ".xmp"
#: Labels below this confidence stay out of the keyword lists (they are still recorded,
#: with their confidence, in our namespace); the GUI passes its own threshold.
DEFAULT_MIN_CONFIDENCE = 0.2
#: What `import_tags` records as the source of keywords read from files.
TAG_SOURCE = "file"
MIRROR_HINT = "choose a mirror folder for its sidecars (--mirror DIR, or in Settings)"

_SUBJECT = "Xmp.dc.subject"
_HIERARCHICAL = "Xmp.lr.hierarchicalSubject"
_DIGIKAM = "Xmp.digiKam.TagsList"
_IPTC_KEYWORDS = "Iptc.Application2.Keywords"
_OURS = f"Xmp.{PREFIX}."
_LABELS = f"Xmp.{PREFIX}.Labels"
_OUR_SUBJECT = f"Xmp.{PREFIX}.Subject"
_OUR_HIERARCHICAL = f"Xmp.{PREFIX}.HierarchicalSubject"
_OUR_DIGIKAM = f"Xmp.{PREFIX}.TagsList"

#: An empty packet to start a new sidecar from (exiv2 needs a packet to open).
_EMPTY_PACKET = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)

_lock = threading.RLock()
_registered = False


class SidecarError(Exception):
    """A sidecar that cannot be parsed or written; ``str(e)`` is one line naming the file."""


@dataclass(frozen=True)
class Label:
    label: str
    confidence: float
    model: str | None
    rank: int
    class_index: int | None = None


@dataclass(frozen=True)
class Content:
    """What we put into one photo's sidecar."""

    tags: tuple[str, ...]  # the person's tags
    labels: tuple[Label, ...]  # the model's labels (all of them, with confidence)
    min_confidence: float = DEFAULT_MIN_CONFIDENCE

    def keyword_labels(self) -> list[Label]:
        return [lb for lb in self.labels if lb.confidence >= self.min_confidence]

    def subject(self) -> list[str]:
        return _unique([*self.tags, *(lb.label for lb in self.keyword_labels())])

    def hierarchical(self, separator: str) -> list[str]:
        paths = [_component(t, separator) for t in self.tags]
        for lb in self.keyword_labels():
            parts = [AUTO_ROOT, *_categories(lb.class_index), lb.label]
            paths.append(separator.join(_component(p, separator) for p in parts))
        return _unique(paths)


@dataclass
class Report:
    """The outcome of writing or reading many sidecars; ``problems`` are (path, reason)."""

    written: int = 0
    unchanged: int = 0
    mirrored: int = 0
    read: int = 0
    reread: int = 0  # photos whose sidecar alone had changed (reread_changed)
    tags_added: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- names


def sidecar_path(photo: str | os.PathLike[str], style: str = "ext") -> Path:
    """The sidecar beside a photo: ``IMG_1.jpg.xmp`` (``ext``) or ``IMG_1.xmp`` (``stem``)."""
    photo = Path(photo)
    if style == "ext":
        return photo.with_name(photo.name + SIDECAR_SUFFIX)
    if style == "stem":
        return photo.with_name(photo.stem + SIDECAR_SUFFIX)
    raise ValueError(f"unknown sidecar name style {style!r}; use one of {', '.join(NAME_STYLES)}")


def mirror_path(photo: str | os.PathLike[str], mirror: str | os.PathLike[str], style: str = "ext") -> Path:
    """Where a photo's sidecar goes in the mirror tree: the photo's absolute path under ``mirror``."""
    beside = sidecar_path(os.path.abspath(photo), style)
    drive, rest = os.path.splitdrive(str(beside))
    parts = [p for p in Path(rest).parts if p not in (os.sep, "/", "\\")]
    if drive:
        parts.insert(0, drive.replace(":", "").strip("\\/") or "unc")
    return Path(mirror).joinpath(*parts)


def find_sidecar(photo: str | os.PathLike[str], mirror: str | os.PathLike[str] | None = None) -> Path | None:
    """The photo's existing sidecar: beside it (either name style), else in the mirror."""
    candidates = [sidecar_path(photo, s) for s in NAME_STYLES]
    if mirror:
        candidates += [mirror_path(photo, mirror, s) for s in NAME_STYLES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def sidecar_state(
    photo: str | os.PathLike[str], mirror: str | os.PathLike[str] | None = None
) -> tuple[int, int] | None:
    """(size, mtime_ns) of the photo's sidecar, or None when it has none: what `index` compares."""
    found = find_sidecar(photo, mirror)
    if found is None:
        return None
    try:
        st = found.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def folder_writable(folder: str | os.PathLike[str]) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


# --------------------------------------------------------------------------- exiv2


def _exiv2() -> Any:
    global _registered
    import exiv2

    if not _registered:
        exiv2.XmpProperties.registerNs(NAMESPACE, PREFIX)
        _registered = True
    return exiv2


class _LogCatcher(logging.Handler):
    """exiv2 reports an XMP packet it cannot decode only as a log message; catch those."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _open(data: bytes, what: str) -> tuple[Any, list[str]]:
    """Open ``data`` (a photo or a sidecar) with exiv2 and read its metadata; returns the
    image and the warnings exiv2 logged. Raises SidecarError if exiv2 refuses it."""
    exiv2 = _exiv2()
    catcher = _LogCatcher()
    logger = logging.getLogger("exiv2")
    logger.addHandler(catcher)
    propagate, logger.propagate = logger.propagate, False
    try:
        image = exiv2.ImageFactory.open(data)
        image.readMetadata()
    except exiv2.Exiv2Error as exc:
        raise SidecarError(f"{what}: {_exiv2_reason(exc)}") from exc
    finally:
        logger.removeHandler(catcher)
        logger.propagate = propagate
    return image, catcher.messages


def _exiv2_reason(exc: Exception) -> str:
    args = getattr(exc, "args", ())
    return str(args[1]) if len(args) > 1 else str(exc)


def _parse_sidecar(data: bytes, path: Path) -> Any:
    """exiv2's view of an existing sidecar; SidecarError unless it is well-formed XMP.

    exiv2 opens a packet whose XML is broken as an *empty* one (and only logs it): writing
    that back would wipe the file, so the XML is checked first and exiv2's log too.
    """
    import xml.parsers.expat

    try:
        xml.parsers.expat.ParserCreate().Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise SidecarError(f"{path}: not valid XML ({exc}); left as it is") from exc
    image, warnings = _open(data, str(path))
    exiv2 = _exiv2()
    if image.imageType() != exiv2.ImageType.xmp:
        raise SidecarError(f"{path}: not an XMP sidecar; left as it is")
    if warnings:
        raise SidecarError(f"{path}: {warnings[-1].strip()}; left as it is")
    return image


def _values(xmp: Any, key: str) -> list[str]:
    exiv2 = _exiv2()
    found = xmp.findKey(exiv2.XmpKey(key))
    if found == xmp.end():
        return []
    value = found.getValue()
    count = value.count()
    if found.typeId() in (exiv2.TypeId.xmpBag, exiv2.TypeId.xmpSeq, exiv2.TypeId.xmpAlt):
        return [value.toString(i) for i in range(count)]
    text = found.toString()
    return [text] if text else []


def _erase(xmp: Any, key: str) -> None:
    exiv2 = _exiv2()
    while True:
        found = xmp.findKey(exiv2.XmpKey(key))
        if found == xmp.end():
            return
        xmp.erase(found)


def _set_bag(xmp: Any, key: str, items: Sequence[str], kind: str = "xmpBag") -> None:
    exiv2 = _exiv2()
    _erase(xmp, key)
    if not items:
        return
    value = exiv2.XmpArrayValue(getattr(exiv2.TypeId, kind))
    for item in items:
        value.read(item)
    xmp.add(exiv2.XmpKey(key), value)


def _our_labels(xmp: Any) -> list[Label]:
    labels: list[Label] = []
    prefix = f"{_LABELS}["
    fields: dict[int, dict[str, str]] = {}
    for datum in xmp:
        key = datum.key()
        if not key.startswith(prefix) or "]/" not in key:
            continue
        index, _, name = key[len(prefix) :].partition("]/")
        fields.setdefault(int(index), {})[name.split(":", 1)[-1]] = datum.toString()
    for index in sorted(fields):
        f = fields[index]
        try:
            labels.append(
                Label(
                    f.get("Label", ""),
                    float(f.get("Confidence", "0")),
                    f.get("Model") or None,
                    int(f.get("Rank", index)),
                    int(f["ClassIndex"]) if f.get("ClassIndex") else None,
                )
            )
        except ValueError:
            continue
    return [lb for lb in labels if lb.label]


# --------------------------------------------------------------------------- building


def update_packet(existing: bytes | None, content: Content, path: Path | None = None) -> bytes:
    """The sidecar's new bytes: ``existing`` (or an empty packet) with our keys replaced.

    Other programs' keywords in dc:subject and the hierarchical lists stay, in their order;
    the ones we wrote last time (recorded in our namespace) are replaced by the new ones.
    Raises SidecarError if ``existing`` cannot be parsed.
    """
    return _update(existing, content, path)[0]


def _update(existing: bytes | None, content: Content, path: Path | None) -> tuple[bytes, bool]:
    """update_packet, and whether ``existing`` held anything another program wrote."""
    with _lock:
        exiv2 = _exiv2()
        if existing is None:
            image, _ = _open(_EMPTY_PACKET, "new sidecar")
        else:
            image = _parse_sidecar(existing, path or Path("sidecar"))
        xmp = image.xmpData()
        lists = (
            (_SUBJECT, _OUR_SUBJECT, content.subject(), "xmpBag"),
            (_HIERARCHICAL, _OUR_HIERARCHICAL, content.hierarchical("|"), "xmpBag"),
            (_DIGIKAM, _OUR_DIGIKAM, content.hierarchical("/"), "xmpSeq"),
        )
        shared = {_SUBJECT, _HIERARCHICAL, _DIGIKAM}
        foreign = any(d.key() not in shared and not d.key().startswith(_OURS) for d in xmp)
        added: dict[str, list[str]] = {}
        for key, ours_key, new, kind in lists:
            previous = set(_values(xmp, ours_key))
            others = [v for v in _values(xmp, key) if v not in previous]
            foreign = foreign or bool(others)
            theirs = {v.strip().lower() for v in others}
            # Only what we add is ours: a keyword another program wrote stays theirs.
            added[ours_key] = [v for v in new if v.strip().lower() not in theirs]
            _set_bag(xmp, key, _unique([*others, *new]), kind)
        for key in (_LABELS, _OUR_SUBJECT, _OUR_HIERARCHICAL, _OUR_DIGIKAM):
            found = xmp.findKey(exiv2.XmpKey(key))
            if found != xmp.end():
                xmp.eraseFamily(found)  # the key and its children (the Labels structs)
        for key in [d.key() for d in xmp if d.key().startswith(_OURS)]:  # anything else of ours
            _erase(xmp, key)
        for ours_key, items in added.items():
            _set_bag(xmp, ours_key, items)
        if content.labels:
            container = exiv2.XmpTextValue()
            container.setXmpArrayType(exiv2.XmpValue.XmpArrayType.xaSeq)
            xmp.add(exiv2.XmpKey(_LABELS), container)
            for n, lb in enumerate(content.labels, start=1):
                item = f"{_LABELS}[{n}]/{PREFIX}:"
                fields = {"Label": lb.label, "Confidence": f"{lb.confidence:.4f}", "Rank": str(lb.rank)}
                if lb.model:
                    fields["Model"] = lb.model
                if lb.class_index is not None:
                    fields["ClassIndex"] = str(lb.class_index)
                for name, text in fields.items():
                    xmp.add(exiv2.XmpKey(item + name), exiv2.XmpTextValue(text))
        # Nothing but XMP goes back: exiv2 would otherwise mirror the Exif/IPTC it derived
        # from the packet into it again.
        image.clearExifData()
        image.clearIptcData()
        try:
            image.writeMetadata()
        except exiv2.Exiv2Error as exc:
            raise SidecarError(f"{path or 'sidecar'}: {_exiv2_reason(exc)}") from exc
        return bytes(image.data()), foreign


def keywords_in_sidecar(data: bytes, path: Path) -> list[str]:
    """The person's keywords in a sidecar: everything in dc:subject, lr:hierarchicalSubject
    (the last level) and digiKam:TagsList, except the model's labels we wrote ourselves."""
    with _lock:
        image = _parse_sidecar(data, path)
        xmp = image.xmpData()
        ours = {lb.label for lb in _our_labels(xmp)}
        found = [k for k in _values(xmp, _SUBJECT) if k not in ours]
        found += _leaves(_values(xmp, _HIERARCHICAL), "|")
        found += _leaves(_values(xmp, _DIGIKAM), "/")
        return _unique(found)


def keywords_in_photo(path: str | os.PathLike[str]) -> list[str]:
    """Keywords embedded in a photo: IPTC Keywords, XMP dc:subject and lr:hierarchicalSubject.

    The file is opened for reading only (its bytes are handed to exiv2 in memory), so it can
    never be written. A photo exiv2 cannot read gives no keywords.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return []
    with _lock:
        try:
            image, _ = _open(data, os.fspath(path))
        except SidecarError:
            return []
        found: list[str] = []
        for datum in image.iptcData():
            if datum.key() == _IPTC_KEYWORDS:
                found.append(datum.toString())
        xmp = image.xmpData()
        found += _values(xmp, _SUBJECT)
        found += _leaves(_values(xmp, _HIERARCHICAL), "|")
        return _unique([k.strip() for k in found if k.strip()])


# --------------------------------------------------------------------------- library


def content_for(library: Library, photo_id: int, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Content:
    """A photo's sidecar content from the library: the person's tags, the model's labels
    (those the person removed left out), each label with its confidence and model."""
    row = library.get(photo_id)
    model = row.model if row else None
    tags = library.tags(photo_id)
    kept = {t.tag.lower() for t in tags}
    # Labels the person confirmed show as "user" tags with a confidence: they are still the
    # model's labels (with their confidence), and the person's tags too.
    person = tuple(t.tag for t in tags if t.source == "user")
    labels = tuple(
        Label(p.label, float(p.probability), model, int(p.rank), int(p.class_index))
        for p in library.predictions(photo_id)
        if p.label.lower() in kept
    )
    return Content(person, labels, min_confidence)


def write_sidecars(
    library: Library,
    photo_ids: Iterable[int],
    *,
    style: str = "ext",
    mirror: str | os.PathLike[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    on_progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> Report:
    """Write (or update) the sidecars of photos in the library; returns what happened.

    A photo whose folder is read-only gets its sidecar in ``mirror``; without a mirror it is
    a problem with a reason saying so. Photos missing from disk, not tagged yet or that failed
    to read are skipped.
    """
    if style not in NAME_STYLES:
        raise ValueError(f"unknown sidecar name style {style!r}; use one of {', '.join(NAME_STYLES)}")
    report = Report()
    for n, photo_id in enumerate(photo_ids, start=1):
        if cancel is not None and cancel.is_set():
            break
        row = library.get(photo_id)
        # a failed file is no photo (text named .jpg, truncated): it gets no sidecar either
        if row is None or row.status in ("missing", "pending", "failed") or not os.path.isfile(row.path):
            continue
        content = content_for(library, photo_id, min_confidence)
        digest = hashlib.blake2b(repr((content, style, str(mirror))).encode(), digest_size=16).hexdigest()
        if _unchanged_since_written(library.sidecar_written(photo_id), digest, row.path, style, mirror):
            report.unchanged += 1  # same content as last time and the file untouched since
            continue
        try:
            _target, state = _write_one(row, content, style, mirror, report)
        except SidecarError as exc:
            report.problems.append((row.display_path, str(exc)))
            continue
        library.set_sidecar_state(photo_id, state, digest)
        if on_progress is not None:
            on_progress(n)
    return report


def _unchanged_since_written(
    written: tuple[int, int, str] | None, digest: str, photo: str, style: str, mirror: Any
) -> bool:
    if written is None or written[2] != digest:
        return False
    places = [sidecar_path(photo, s) for s in NAME_STYLES]
    if mirror:
        places += [mirror_path(photo, mirror, s) for s in NAME_STYLES]
    for place in places:
        try:
            st = place.stat()
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns) == written[:2]:
            return True
    return False


def _write_one(
    row: PhotoRow, content: Content, style: str, mirror: Any, report: Report
) -> tuple[Path, tuple[int, int]]:
    """Write one photo's sidecar beside it, or in the mirror when its folder is read-only
    (``os.access`` says so, or the write itself fails). The mirror copy starts from the
    sidecar beside the photo, if there is one, so another program's fields come along."""
    if style == "stem" and _shares_stem(row.path):
        style = "ext"  # IMG_1.jpg and IMG_1.png would share IMG_1.xmp: each keeps its own
    beside = sidecar_path(row.path, style)
    mirrored = mirror_path(row.path, mirror, style) if mirror else None
    order = [beside] if folder_writable(beside.parent) else []
    if mirrored is not None:
        order.append(mirrored)
    if not order:
        raise SidecarError(f"{beside.parent} is read-only; {MIRROR_HINT}")
    problem = ""
    for target in order:
        current = _read_existing(target)
        base = current if current is not None or target == beside else _read_existing(beside)
        new, foreign = _update(base, content, target if current is not None else beside)
        if new == current:
            report.unchanged += 1
        else:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                # A sidecar holding another program's data is flushed to the disk before it
                # replaces the old one. One holding only ours is not (an fsync costs ~5-15 ms):
                # after a power cut it may be empty, which counts as no sidecar and is
                # written again (see _read_existing); nothing of anyone else's is lost.
                atomic.write_bytes(target, new, durable=foreign)
            except OSError as exc:  # read-only after all (a read-only mount, ACLs): try the mirror
                problem = f"{target.parent} is read-only ({exc.strerror or exc})"
                continue
            report.written += 1
            report.mirrored += target == mirrored
        st = target.stat()
        return target, (st.st_size, st.st_mtime_ns)
    raise SidecarError(problem if mirror else f"{problem}; {MIRROR_HINT}")


def _shares_stem(photo: str) -> bool:
    """Another photo with the same name and another extension sits in the same folder."""
    from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS

    path = Path(photo)
    own = path.suffix.lower()
    for ext in SUPPORTED_EXTENSIONS:
        if ext != own and any(path.with_suffix(e).is_file() for e in {ext, ext.upper()}):
            return True
    return False


def _read_existing(path: Path) -> bytes | None:
    """A sidecar's bytes; None when there is none, or only an empty file (nothing to keep)."""
    try:
        return path.read_bytes() or None
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SidecarError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def read_keywords(
    library: Library,
    photo_ids: Iterable[int],
    *,
    embedded: bool = True,
    mirror: str | os.PathLike[str] | None = None,
) -> Report:
    """Read the keywords of photos (embedded and in their sidecars) into the person's tags."""
    report = Report()
    for photo_id in photo_ids:
        row = library.get(photo_id)
        if row is None or row.status == "missing" or not os.path.isfile(row.path):
            continue
        found: list[str] = keywords_in_photo(row.path) if embedded else []
        sidecar = find_sidecar(row.path, mirror)
        state = None
        if sidecar is not None:
            try:
                data = sidecar.read_bytes()
                st = sidecar.stat()
                state = (st.st_size, st.st_mtime_ns)
                if data:  # an empty file (a power cut mid-write) holds nothing to read
                    found += keywords_in_sidecar(data, sidecar)
            except SidecarError as exc:
                report.problems.append((str(sidecar), str(exc)))
            except OSError as exc:
                report.problems.append((str(sidecar), f"{sidecar}: cannot read ({exc.strerror or exc})"))
        report.read += 1
        if found:
            report.tags_added += len(library.import_tags(photo_id, found, TAG_SOURCE))
        library.set_sidecar_state(photo_id, state)
    return report


def reread_changed(library: Library, photos: Iterable[tuple[int, str]], *, embedded_for: set[int]) -> Report:
    """The pipeline's hook after a run: read keywords of the photos it (re)indexed
    (``embedded_for``: embedded and sidecar), and of every other photo whose sidecar
    changed since it was last read or written (sidecar only; the model is not run)."""
    states = library.sidecar_states()
    changed = []
    for photo_id, path in photos:
        if photo_id in embedded_for:
            continue
        if sidecar_state(path) != states.get(photo_id):
            changed.append(photo_id)
    report = read_keywords(library, sorted(embedded_for), embedded=True)
    more = read_keywords(library, changed, embedded=False)
    report.reread = more.read
    report.tags_added += more.tags_added
    report.problems += more.problems
    return report


# --------------------------------------------------------------------------- helpers


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def _component(text: str, separator: str) -> str:
    return text.replace(separator, " ").strip()


def _leaves(paths: Iterable[str], separator: str) -> list[str]:
    """The last level of each hierarchical keyword, leaving out our ``auto`` branch."""
    out = []
    for path in paths:
        parts = [p.strip() for p in path.split(separator) if p.strip()]
        if parts and parts[0] != AUTO_ROOT:
            out.append(parts[-1])
    return out


def _categories(class_index: int | None) -> list[str]:
    if class_index is None:
        return []
    from resnet_desktop.core import categories

    return categories.categories_of(class_index)
