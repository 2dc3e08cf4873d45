"""core.dates: which EXIF date a photo was taken on, in the order cameras and editors mean it."""

from __future__ import annotations

import os

from PIL import Image

from resnet_desktop.core import dates
from resnet_desktop.core.imaging import decode_photo


def photo_with(path, **fields) -> str:
    exif = Image.Exif()
    sub = {}
    if "original" in fields:
        sub[dates.TAG_DATETIME_ORIGINAL] = fields["original"]
    if "digitized" in fields:
        sub[dates.TAG_DATETIME_DIGITIZED] = fields["digitized"]
    if "datetime" in fields:
        exif[dates.TAG_DATETIME] = fields["datetime"]
    if sub:
        exif[dates.EXIF_IFD] = sub
    Image.new("RGB", (300, 260), (90, 120, 200)).save(path, exif=exif)
    return str(path)


def test_original_then_digitized_then_datetime_then_the_file_time(tmp_path):
    all_three = photo_with(
        tmp_path / "a.jpg",
        original="2021:01:02 03:04:05",
        digitized="2022:01:01 00:00:00",
        datetime="2023:01:01 00:00:00",
    )
    assert dates.taken_date(all_three) == ("2021-01-02T03:04:05", "DateTimeOriginal")
    assert decode_photo(all_three).taken_at == "2021-01-02T03:04:05"

    scanned = photo_with(tmp_path / "b.jpg", digitized="2022:05:06 07:08:09", datetime="2023:01:01 00:00:00")
    assert dates.taken_date(scanned) == ("2022-05-06T07:08:09", "DateTimeDigitized")

    edited = photo_with(tmp_path / "c.jpg", datetime="2024:07:03 10:11:12")
    assert dates.taken_date(edited) == ("2024-07-03T10:11:12", "DateTime")
    assert decode_photo(edited).taken_at == "2024-07-03T10:11:12"  # the "Taken: unknown"

    unset_clock = photo_with(
        tmp_path / "d.jpg", original="0000:00:00 00:00:00", datetime="2020:02:02 02:02:02"
    )
    assert dates.taken_date(unset_clock) == ("2020-02-02T02:02:02", "DateTime")

    plain = photo_with(tmp_path / "e.jpg")
    os.utime(plain, (1_700_000_000, 1_700_000_000))
    taken, source = dates.taken_date(plain)
    assert source == dates.FILE_TIME and taken == dates.sort_date(None, 1_700_000_000 * 10**9)
    assert decode_photo(plain).taken_at is None
