"""When a photo was taken: the one home for reading EXIF dates and for the date a photo sorts by.

Cameras write up to three dates: DateTimeOriginal (the shutter), DateTimeDigitized (when it
was stored, the same on a camera, the scan time for a scanned print) and IFD0's DateTime
(last change; often the only one that editors and phones keep). We use the first that is
present and valid, in that order, and fall back to the file's modification time; the viewer
says which one it shows.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

TAG_DATETIME = 0x0132  # IFD0
EXIF_IFD = 0x8769
TAG_DATETIME_ORIGINAL = 0x9003
TAG_DATETIME_DIGITIZED = 0x9004
TAG_OFFSET_TIME = 0x9010
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_OFFSET_TIME_DIGITIZED = 0x9012

#: The EXIF fields tried, in order: (name shown to people, IFD, tag, its time-zone offset tag).
DATE_FIELDS: tuple[tuple[str, str, int, int], ...] = (
    ("DateTimeOriginal", "exif", TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL),
    ("DateTimeDigitized", "exif", TAG_DATETIME_DIGITIZED, TAG_OFFSET_TIME_DIGITIZED),
    ("DateTime", "ifd0", TAG_DATETIME, TAG_OFFSET_TIME),
)
FILE_TIME = "file time"

_EXIF_DATE = re.compile(r"^(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


def clean_text(value: object) -> str | None:
    """An EXIF text value as a str without NULs or padding; None when empty or not text."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def iso_from_exif(raw: object, offset: object = None) -> str | None:
    """'2023:07:14 18:05:09' (+ an OffsetTime* value) -> '2023-07-14T18:05:09[+02:00]'; None if invalid."""
    text = clean_text(raw)
    match = _EXIF_DATE.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61 and year > 0):
        return None  # cameras write "0000:00:00 00:00:00" when the clock was never set
    iso = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    off = clean_text(offset)
    if off and _EXIF_OFFSET.match(off):
        iso += off
    return iso


def taken_from_exif(exif: Any) -> tuple[str | None, str | None]:
    """(ISO date, the field it came from) from a PIL ``Image.Exif``; (None, None) if none is usable."""
    try:
        sub = exif.get_ifd(EXIF_IFD)
    except Exception:  # a broken EXIF block counts as absent
        sub = {}
    for name, ifd, tag, offset_tag in DATE_FIELDS:
        source = sub if ifd == "exif" else exif
        try:
            iso = iso_from_exif(source.get(tag), sub.get(offset_tag))
        except Exception:
            iso = None
        if iso:
            return iso, name
    return None, None


def taken_date(path: str) -> tuple[str | None, str]:
    """When the photo at ``path`` was taken and where that comes from: an EXIF field name, or
    FILE_TIME (the file's modification time) when the photo carries no usable date."""
    import os

    from PIL import Image

    try:
        with Image.open(path) as img:  # reads the header only
            iso, source = taken_from_exif(img.getexif())
    except Exception:
        iso, source = None, None
    if iso and source:
        return iso, source
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None, FILE_TIME
    return sort_date(None, mtime_ns), FILE_TIME


def sort_date(taken_at: str | None, mtime_ns: int | None) -> str | None:
    """The date a photo sorts and filters by: the EXIF date, else the file's mtime (local time)."""
    if taken_at:
        text = taken_at.strip().replace(" ", "T")
        if re.match(r"\d{4}:\d{2}:\d{2}", text):  # raw EXIF "2024:05:01 12:00:00"
            text = text[:10].replace(":", "-") + text[10:]
        if re.match(r"\d{4}-\d{2}-\d{2}", text):
            return text[:19]
    if mtime_ns:
        try:
            return datetime.fromtimestamp(mtime_ns / 1e9).strftime("%Y-%m-%dT%H:%M:%S")
        except (OverflowError, OSError, ValueError):
            return None
    return None
