"""Open a photo safely and cheaply: format checks, size limits, EXIF, draft decoding.

Every failure becomes a ``PhotoError`` with a short human reason; no Pillow warning or
exception escapes, so one bad file in a folder of thousands costs one line in a report.

Cost matters more than anything here: decoding a camera JPEG costs more than the network.
For JPEG we ask libjpeg to scale by 1/2..1/8 while decoding (``Image.draft``) so the
shorter side stays at least ``min_side``; the classifier then resizes to its input size,
which is what the model was trained with (see ``classify``).
"""

from __future__ import annotations

import errno
import importlib.util
import io
import re
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from resnet_desktop.core import dates
from resnet_desktop.core.dates import clean_text

MAX_PIXELS: int = 180_000_000
#: Photo files larger than this are refused before they are read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
MIN_MODEL_SIDE = 224

# Pillow's own warnings (corrupt EXIF, odd palettes) would reach a user's terminal raw; a
# broken EXIF already counts as absent. A filter, not catch_warnings: decoding runs in threads.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL(\.|$)")

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; align its refusal
# with our limit so both guards agree (the warning is silenced in decode_photo).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2

_BASE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
_HEIF_EXTENSIONS = {".heic", ".heif"}
_HAS_HEIF = importlib.util.find_spec("pillow_heif") is not None
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    _BASE_EXTENSIONS | (_HEIF_EXTENSIONS if _HAS_HEIF else set())
)

# Only formats a photo library needs; EPS and friends would run external programs.
_FORMATS = ["JPEG", "MPO", "PNG", "WEBP", "BMP", "GIF", "TIFF"]

_TAG_ORIENTATION = 0x0112
_TAG_MAKE = 0x010F
_TAG_MODEL = 0x0110


class PhotoError(Exception):
    """A photo that cannot be used; ``reason`` (also ``str(e)``) is short and human."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass
class DecodedPhoto:
    image: Image.Image  # RGB, EXIF orientation applied, shorter side >= min_side where possible
    width: int  # original size after orientation (not the draft size)
    height: int
    taken_at: str | None  # ISO 8601 from EXIF DateTimeOriginal, DateTimeDigitized or DateTime (core.dates)
    camera: str | None  # "Make Model"
    warnings: list[str] = field(default_factory=list)


def is_supported(path: str | Path) -> bool:
    """True when the file name has an extension we decode (case-insensitive)."""
    return Path(path).suffix.lower() in SUPPORTED_EXTENSIONS


_heif_lock = threading.Lock()
_heif_registered = False


def _register_heif() -> bool:
    """Register pillow-heif's opener the first time a HEIC/HEIF file shows up."""
    global _heif_registered
    if not _HAS_HEIF:
        return False
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True
    return True


def _looks_like_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif", b"hevc")


# --------------------------------------------------------------------------- EXIF


def _exif_fields(img: Image.Image) -> tuple[int, str | None, str | None]:
    """(orientation, taken_at, camera); broken EXIF counts as absent, never as an error."""
    try:
        exif = img.getexif()
        orientation = int(exif.get(_TAG_ORIENTATION) or 1)
        taken, _source = dates.taken_from_exif(exif)
        make, model = clean_text(exif.get(_TAG_MAKE)), clean_text(exif.get(_TAG_MODEL))
    except Exception:
        return 1, None, None
    if make and model and model.lower().startswith(make.split()[0].lower()):
        camera: str | None = model  # "Canon" + "Canon EOS R5" -> "Canon EOS R5"
    else:
        camera = " ".join(p for p in (make, model) if p) or None
    return (orientation if 1 <= orientation <= 8 else 1), taken, camera


# --------------------------------------------------------------------------- modes


def _on_white(rgba: Image.Image) -> Image.Image:
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def to_rgb(img: Image.Image) -> Image.Image:
    """Any Pillow mode -> RGB as a person would see it (transparency on white, 16-bit scaled)."""
    mode = img.mode
    if mode == "RGB":
        return img
    if mode in ("RGBA", "LA", "La", "RGBa", "PA") or (mode == "P" and "transparency" in img.info):
        return _on_white(img.convert("RGBA"))
    if mode.startswith("I") or mode == "F":
        arr = np.asarray(img)
        arr = arr.astype(np.float64)
        if mode.startswith("I;16"):
            arr = arr / 257.0
        elif mode == "F" and arr.size and np.nanmax(arr) <= 1.0:
            arr = arr * 255.0
        elif arr.size and arr.max() > 255:  # 32-bit "I" holding 16-bit samples
            arr = arr / 257.0
        grey = np.clip(np.nan_to_num(np.rint(arr)), 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    return img.convert("RGB")


# --------------------------------------------------------------------------- decoding


def _open_error(exc: OSError) -> PhotoError:
    if isinstance(exc, FileNotFoundError):
        return PhotoError("file not found")
    if isinstance(exc, PermissionError):
        return PhotoError("permission denied")
    if isinstance(exc, IsADirectoryError):
        return PhotoError("not a file (a folder)")
    if exc.errno == errno.ENAMETOOLONG:
        return PhotoError("file name too long")
    return PhotoError(f"cannot read file ({exc.strerror or exc})")


def _bomb(pixels: int) -> PhotoError:
    return PhotoError(
        f"decompression bomb: {pixels / 1e6:.0f} megapixels exceeds the limit of {MAX_PIXELS // 1_000_000}"
    )


_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")


def decode_photo(source: str | Path | bytes, *, min_side: int = 256, name: str | None = None) -> DecodedPhoto:
    """Decode ``source`` (a path, or the file's bytes already read) into a DecodedPhoto.

    ``min_side`` is what the caller needs of the shorter side; JPEGs are decoded at the
    smallest 1/2..1/8 scale that keeps it (0 decodes at full size). ``name`` only improves
    format sniffing for bytes (HEIC). Raises PhotoError.
    """
    fh: io.BufferedIOBase | io.BytesIO
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise PhotoError("empty file")
        fh = io.BytesIO(data)
        suffix = Path(name).suffix.lower() if name else ""
    else:
        from resnet_desktop.core.files import FileRefused, read_regular

        path = Path(source)
        suffix = path.suffix.lower()
        try:
            data = read_regular(path, MAX_FILE_BYTES)  # a FIFO or a device would block or never end
        except FileRefused as exc:
            raise PhotoError(exc.reason) from None
        except OSError as exc:
            raise _open_error(exc) from None
        if not data:
            raise PhotoError("empty file")
        fh = io.BytesIO(data)
    try:
        try:
            head = fh.read(16)
            fh.seek(0)
        except OSError as exc:
            raise _open_error(exc) from None
        if not head:
            raise PhotoError("empty file")
        formats = list(_FORMATS)
        if (suffix in _HEIF_EXTENSIONS or _looks_like_heif(head)) and _register_heif():
            formats.append("HEIF")
        Image.init()  # load every plugin once, so the formats named above are known
        formats = [f for f in formats if f in Image.OPEN]
        return _decode(fh, formats, min_side)
    finally:
        fh.close()


def _decode(fh: io.IOBase, formats: list[str], min_side: int) -> DecodedPhoto:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(fh, formats=formats)
        except Image.DecompressionBombError as exc:
            found = _BOMB_SIZE.search(str(exc))
            raise _bomb(int(found.group(1)) if found else MAX_PIXELS + 1) from None
        except UnidentifiedImageError:
            raise PhotoError("not an image (unrecognised format)") from None
        except OSError as exc:
            raise PhotoError(
                f"truncated or corrupt image data ({exc})" if str(exc) else "truncated or corrupt image data"
            ) from None
        except Exception:
            raise PhotoError("truncated or corrupt image data") from None
        with img:
            return _finish(img, min_side)


def _finish(img: Image.Image, min_side: int) -> DecodedPhoto:
    orig_w, orig_h = img.size
    if orig_w <= 0 or orig_h <= 0:
        raise PhotoError("truncated or corrupt image data (zero size)")
    if orig_w * orig_h > MAX_PIXELS:
        raise _bomb(orig_w * orig_h)
    orientation, taken_at, camera = _exif_fields(img)
    notes: list[str] = []

    if img.format in ("JPEG", "MPO") and min_side > 0 and min(orig_w, orig_h) >= 2 * min_side:
        # Asking for min_side on both axes makes libjpeg keep the shorter side >= min_side
        # whichever way the photo is rotated (draft scales both axes by the same factor).
        img.draft("RGB", (min_side, min_side))
    try:
        img.load()  # full decode here, so truncation surfaces as a PhotoError now
    except MemoryError:
        raise PhotoError("image too large to decode (out of memory)") from None
    except Image.DecompressionBombError:
        raise _bomb(orig_w * orig_h) from None
    except Exception as exc:  # OSError, SyntaxError, zlib.error, struct.error, EOFError...
        detail = str(exc).split("\n")[0][:80]
        raise PhotoError(
            f"truncated or corrupt image data ({detail})" if detail else "truncated or corrupt image data"
        ) from None

    try:
        oriented = ImageOps.exif_transpose(img) if orientation != 1 else img
    except Exception:
        oriented = img
        notes.append("EXIF orientation could not be applied")
    try:
        rgb = to_rgb(oriented if oriented is not None else img)
        if rgb is img:
            rgb = img.copy()  # detach from the file, which is closed when we return
    except Exception as exc:
        raise PhotoError(f"unsupported pixel format {img.mode} ({exc})") from None

    width, height = (orig_h, orig_w) if orientation in (5, 6, 7, 8) else (orig_w, orig_h)
    if min(width, height) < MIN_MODEL_SIDE:
        notes.append(f"smaller than {MIN_MODEL_SIDE} px ({width}x{height}); upscaled")
    return DecodedPhoto(rgb, width, height, taken_at, camera, notes)


def make_thumbnail(image: Image.Image, max_side: int = 256) -> Image.Image:
    """A copy whose longer side is at most ``max_side`` (Lanczos; never upscales)."""
    w, h = image.size
    scale = max_side / max(w, h)
    if scale >= 1:
        return image.copy()
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
