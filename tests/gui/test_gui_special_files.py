"""The window's thumbnail fallback reads only regular files (issue 11, item 1)."""

from __future__ import annotations

import os
import threading

import pytest

from resnet_desktop.gui.thumbnails import read_scaled
from tests.fakes import make_photo


def test_a_fifo_named_like_a_photo_gives_no_thumbnail_instead_of_hanging(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    fifo = tmp_path / "y.jpg"
    os.mkfifo(fifo)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(read_scaled(str(fifo), 64)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the stuck reader (if it got as far as reading) and fail
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
        pytest.fail("reading a FIFO for a thumbnail blocked")
    assert result == [None]
    photo = make_photo(tmp_path / "real.jpg", (200, 30, 30), size=(320, 240))
    image = read_scaled(str(photo), 64)
    assert image is not None and max(image.width(), image.height()) == 64
