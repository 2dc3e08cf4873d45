"""core.imaging: every bad input gives a clear PhotoError; every good one an RGB image."""

from __future__ import annotations

import errno
import io
import os
import struct
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resnet_desktop.core.imaging import (
    PhotoError,
    decode_photo,
    is_supported,
    make_thumbnail,
)


def _noise(w: int, h: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")


def _jpeg(img: Image.Image, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG signature + IHDR claiming a size, and no pixel data: a free 'bomb'."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def _reason(source, **kwargs) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Pillow warning may leak out of decode_photo
        with pytest.raises(PhotoError) as info:
            decode_photo(source, **kwargs)
    assert str(info.value) == info.value.reason
    return info.value.reason


# --------------------------------------------------------------------------- bad input


def test_truncated_jpeg(tmp_path):
    data = _jpeg(_noise(600, 400))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    assert _reason(path).startswith("truncated or corrupt image data")
    assert _reason(data[: len(data) // 2]).startswith("truncated or corrupt image data")


def test_truncated_jpeg_is_caught_with_draft_decoding_too(tmp_path):
    data = _jpeg(_noise(1200, 900))
    assert _reason(data[: len(data) // 3], min_side=256).startswith("truncated or corrupt image data")


def test_truncated_png():
    buf = io.BytesIO()
    _noise(200, 200).save(buf, "PNG")
    data = buf.getvalue()
    assert _reason(data[: len(data) * 2 // 3]).startswith("truncated or corrupt image data")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert _reason(path) == "empty file"
    assert _reason(b"") == "empty file"


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("these are not pixels\n" * 20)
    assert _reason(path) == "not an image (unrecognised format)"


def test_decompression_bomb_is_rejected_from_the_header():
    data = _png_header_only(20000, 10000)  # 200 MP claimed, 57 bytes on disk
    assert _reason(data) == "decompression bomb: 200 megapixels exceeds the limit of 180"


def test_large_but_allowed_size_passes_the_bomb_check_without_warnings():
    # 100 MP is over Pillow's default warning threshold but under our limit: no warning
    # leaks and the failure is the missing pixel data, not a bomb.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning (DecompressionBombWarning...) fails the test
        reason = _reason(_png_header_only(10000, 10000))
    assert reason.startswith("truncated or corrupt image data")


def test_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "secret.jpg"
    path.write_bytes(_jpeg(_noise(50, 50)))

    real_open = os.open

    def denied(name, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(name, *args, **kwargs)

    # Tests run as root here, where chmod 000 does not stop reads; simulate the OS answer.
    monkeypatch.setattr(os, "open", denied)
    assert _reason(path) == "permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read mode-000 files")
def test_unreadable_file_for_real(tmp_path):
    path = tmp_path / "secret.jpg"
    path.write_bytes(_jpeg(_noise(50, 50)))
    path.chmod(0)
    try:
        assert _reason(path) == "permission denied"
    finally:
        path.chmod(0o644)


def test_folder_named_like_a_photo(tmp_path):
    folder = tmp_path / "album.jpg"
    folder.mkdir()
    assert _reason(folder) == "not a file (a folder)"


def test_file_deleted_before_decode(tmp_path):
    path = tmp_path / "gone.jpg"
    path.write_bytes(_jpeg(_noise(50, 50)))
    path.unlink()
    assert _reason(path) == "file not found"


def test_chinese_file_name(tmp_path):
    path = tmp_path / "照片_猫.jpg"
    path.write_bytes(_jpeg(_noise(300, 260)))
    photo = decode_photo(path)
    assert (photo.width, photo.height) == (300, 260)
    assert photo.image.mode == "RGB"


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux file systems accept arbitrary name bytes")
def test_non_utf8_file_name(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.jpg"
    with open(raw, "wb") as fh:
        fh.write(_jpeg(_noise(260, 300)))
    as_str = os.fsdecode(raw)  # carries surrogate escapes, as os.scandir would give it
    assert decode_photo(as_str).image.size == (260, 300)
    assert decode_photo(Path(as_str)).height == 300


def test_other_formats_are_refused_even_if_pillow_knows_them():
    buf = io.BytesIO()
    _noise(40, 40).save(buf, "PPM")  # Pillow reads PPM; a photo library has no business with it
    assert _reason(buf.getvalue()) == "not an image (unrecognised format)"


# --------------------------------------------------------------------------- modes


def test_greyscale_becomes_rgb():
    buf = io.BytesIO()
    Image.new("L", (300, 300), 77).save(buf, "PNG")
    photo = decode_photo(buf.getvalue())
    assert photo.image.mode == "RGB"
    assert photo.image.getpixel((5, 5)) == (77, 77, 77)


def test_rgba_is_composited_on_white():
    img = Image.new("RGBA", (300, 300), (255, 0, 0, 255))
    img.putpixel((0, 0), (0, 0, 0, 0))  # fully transparent black
    img.putpixel((1, 0), (0, 0, 255, 128))  # half-transparent blue
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = decode_photo(buf.getvalue()).image
    assert out.mode == "RGB"
    assert out.getpixel((0, 0)) == (255, 255, 255)
    r, g, b = out.getpixel((1, 0))
    assert (r, g) == (127, 127) or abs(r - 127) <= 1 and abs(g - 127) <= 1
    assert b == 255
    assert out.getpixel((5, 5)) == (255, 0, 0)


def test_la_is_composited_on_white():
    img = Image.new("LA", (300, 300), (0, 255))
    img.putpixel((0, 0), (0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = decode_photo(buf.getvalue()).image
    assert out.getpixel((0, 0)) == (255, 255, 255)
    assert out.getpixel((3, 3)) == (0, 0, 0)


def test_cmyk_jpeg():
    cmyk = Image.new("CMYK", (300, 300), (0, 255, 255, 0))  # pure red in CMYK
    photo = decode_photo(_jpeg(cmyk, quality=95))
    r, g, b = photo.image.getpixel((150, 150))
    assert photo.image.mode == "RGB"
    assert r > 230 and g < 30 and b < 30


def test_16_bit_greyscale_png_is_scaled_not_clipped():
    arr = np.zeros((300, 300), dtype=np.uint16)
    arr[:, :100] = 65535
    arr[:, 100:200] = 32896  # 128 * 257
    arr[:, 200:] = 1000  # ~3.9 in 8-bit; clipping would give 255
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    reopened = Image.open(io.BytesIO(buf.getvalue()))
    assert reopened.mode.startswith("I")
    out = np.asarray(decode_photo(buf.getvalue()).image)
    assert tuple(out[0, 0]) == (255, 255, 255)
    assert tuple(out[0, 150]) == (128, 128, 128)
    assert tuple(out[0, 250]) == (4, 4, 4)


def test_palette_with_transparency():
    img = Image.new("P", (300, 300), 1)
    img.putpalette([0, 0, 0, 0, 200, 0] + [0] * 762)
    img.putpixel((0, 0), 0)
    buf = io.BytesIO()
    img.save(buf, "PNG", transparency=0)
    out = decode_photo(buf.getvalue()).image
    assert out.getpixel((0, 0)) == (255, 255, 255)  # transparent index -> white, not black
    assert out.getpixel((9, 9)) == (0, 200, 0)


def test_animated_gif_gives_first_frame():
    frames = [Image.new("RGB", (300, 300), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = decode_photo(buf.getvalue()).image
    r, g, b = out.getpixel((10, 10))
    assert r > 200 and b < 50


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "BMP", "TIFF"])
def test_common_formats(fmt):
    img = _noise(320, 240, seed=3)
    buf = io.BytesIO()
    img.save(buf, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    photo = decode_photo(buf.getvalue())
    assert (photo.width, photo.height) == (320, 240)
    assert np.array_equal(np.asarray(photo.image), np.asarray(img))


# --------------------------------------------------------------------------- EXIF


def _exif_jpeg(img: Image.Image, orientation: int = 1, **tags) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    if "make" in tags:
        exif[0x010F] = tags["make"]
    if "model" in tags:
        exif[0x0110] = tags["model"]
    sub = exif.get_ifd(0x8769)
    if "taken" in tags:
        sub[0x9003] = tags["taken"]
    if "offset" in tags:
        sub[0x9011] = tags["offset"]
    return _jpeg(img, exif=exif.tobytes(), quality=95)


def _left_red_right_blue(w: int, h: int) -> Image.Image:
    img = Image.new("RGB", (w, h), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, w // 2, h))
    return img


def test_exif_orientation_6_swaps_width_and_height():
    photo = decode_photo(_exif_jpeg(_left_red_right_blue(400, 300), orientation=6))
    assert (photo.width, photo.height) == (300, 400)
    assert photo.image.size == (300, 400)
    # Orientation 6 means "rotate 90 degrees clockwise to view": the left half goes on top.
    top, bottom = photo.image.getpixel((150, 50)), photo.image.getpixel((150, 350))
    assert top[0] > 200 and top[2] < 50
    assert bottom[2] > 200 and bottom[0] < 50


def test_exif_orientation_with_draft_decode_reports_original_size():
    photo = decode_photo(_exif_jpeg(_left_red_right_blue(1600, 1200), orientation=6), min_side=256)
    assert (photo.width, photo.height) == (1200, 1600)  # original, after orientation
    w, h = photo.image.size
    assert h > w and min(w, h) >= 256 and max(w, h) < 1600  # drafted and rotated


def test_exif_date_and_camera():
    photo = decode_photo(
        _exif_jpeg(
            _noise(300, 300), make="Canon", model="Canon EOS R5", taken="2023:07:14 18:05:09", offset="+02:00"
        )
    )
    assert photo.taken_at == "2023-07-14T18:05:09+02:00"
    assert photo.camera == "Canon EOS R5"
    photo = decode_photo(
        _exif_jpeg(_noise(300, 300), make="FUJIFILM", model="X-T4", taken="2021:01:02 03:04:05")
    )
    assert photo.taken_at == "2021-01-02T03:04:05"
    assert photo.camera == "FUJIFILM X-T4"


def test_unset_camera_clock_gives_no_date():
    photo = decode_photo(_exif_jpeg(_noise(300, 300), taken="0000:00:00 00:00:00"))
    assert photo.taken_at is None
    assert photo.camera is None


# --------------------------------------------------------------------------- sizes


def test_tiny_photo_works_with_a_warning():
    photo = decode_photo(_jpeg(_noise(120, 90)))
    assert photo.image.size == (120, 90)
    assert any("smaller than 224 px" in w for w in photo.warnings)
    assert decode_photo(_jpeg(_noise(300, 300))).warnings == []


@pytest.mark.parametrize("size", [(2000, 1500), (1500, 2000), (1030, 3000), (700, 520)])
def test_draft_decode_keeps_the_shorter_side(size):
    data = _jpeg(Image.new("RGB", size, (10, 120, 200)))
    photo = decode_photo(data, min_side=256)
    assert (photo.width, photo.height) == size
    assert min(photo.image.size) >= 256
    if min(size) >= 512:  # libjpeg can halve at least once: it must have
        assert photo.image.size[0] <= size[0] // 2
    full = decode_photo(data, min_side=0)
    assert full.image.size == size


def test_bytes_and_path_give_the_same_result(tmp_path, real_photos):
    path = real_photos["rocket"]
    a, b = decode_photo(path), decode_photo(path.read_bytes(), name=path.name)
    assert (a.width, a.height) == (b.width, b.height)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))


def test_real_photos_decode(real_photos):
    for name in ("chelsea", "grace_hopper"):
        with Image.open(real_photos[name]) as ref:
            size = ref.size
        photo = decode_photo(real_photos[name])
        assert photo.image.mode == "RGB"
        assert (photo.width, photo.height) == size


def test_make_thumbnail():
    img = _noise(1000, 500)
    thumb = make_thumbnail(img, 256)
    assert thumb.size == (256, 128)
    assert img.size == (1000, 500)
    small = make_thumbnail(_noise(100, 80), 256)
    assert small.size == (100, 80)
    tall = make_thumbnail(_noise(300, 1200), 200)
    assert tall.size == (50, 200)


def test_supported_extensions():
    assert is_supported("a/b/IMG_0001.JPG")
    assert is_supported(Path("x.tiff"))
    assert not is_supported("notes.txt")
    assert not is_supported("archive.jpg.zip")


def test_heic_photos_decode_when_pillow_heif_is_installed(tmp_path):
    """iPhone photos: HEIC support comes with the optional pillow-heif (in the test extras)."""
    import pillow_heif

    path = tmp_path / "IMG_0420.HEIC"
    heif = pillow_heif.from_pillow(_noise(640, 480, seed=3))
    heif.save(path, quality=90)
    assert is_supported(path)
    photo = decode_photo(path, min_side=256)
    assert photo.image.mode == "RGB" and (photo.width, photo.height) == (640, 480)
    assert min(photo.image.size) >= 256
    # a truncated HEIC fails with a reason like any other photo
    (tmp_path / "cut.heic").write_bytes(path.read_bytes()[:200])
    with pytest.raises(PhotoError):
        decode_photo(tmp_path / "cut.heic")
