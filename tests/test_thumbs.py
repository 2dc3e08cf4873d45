"""Thumbnail cache: atomic JPEG files keyed by content hash, never beside the photos."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from resnet_desktop.core.thumbs import ThumbCache


def test_save_load_and_paths(tmp_path):
    cache = ThumbCache(tmp_path / "thumbs")
    key = "0123456789abcdef"
    assert not cache.has(key) and cache.load_bytes(key) is None
    image = Image.new("RGBA", (40, 30), (200, 10, 10, 128))
    path = cache.save(key, image)
    assert path == cache.path_for(key) and path.is_relative_to(tmp_path / "thumbs")
    assert cache.has(key)
    loaded = Image.open(io.BytesIO(cache.load_bytes(key)))
    assert loaded.format == "JPEG" and loaded.size == (40, 30) and loaded.mode == "RGB"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("key", ["", "../escape", "a/b", ".hidden", None])
def test_rejects_keys_that_could_escape_the_cache(tmp_path, key):
    with pytest.raises(ValueError):
        ThumbCache(tmp_path).path_for(key)


def test_concurrent_writers_leave_a_whole_file(tmp_path):
    cache = ThumbCache(tmp_path)
    images = [Image.new("RGB", (64, 64), (i * 20, 0, 0)) for i in range(8)]
    threads = [threading.Thread(target=cache.save, args=("samekey", im)) for im in images]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    Image.open(io.BytesIO(cache.load_bytes("samekey"))).load()  # a complete JPEG
    assert [p.name for p in cache.path_for("samekey").parent.iterdir()] == ["samekey.jpg"]
