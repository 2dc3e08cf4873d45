"""Lazy thumbnails for the grid: decoded off the GUI thread, kept in a small LRU cache.

The delegate asks for a tile's pixmap while painting; a miss starts one load in the
"thumbs" pool and paints a placeholder. Loads read the pipeline's on-disk thumbnail
(core.thumbs.ThumbCache, keyed by content hash) as a QImage (safe in any thread); the
GUI thread turns it into a QPixmap. Only tiles that are painted get loaded, so 50,000
photos cost what is on screen.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from resnet_desktop.gui.tasks import run_task

CACHE_ITEMS = 600
THUMB_SIDE = 256


def read_thumbnail(thumbs: Any, content_hash: str | None, source_path: str | None) -> QImage | None:
    """Thumbnail from the on-disk cache, else a scaled decode of the original (never written back)."""
    candidates: list[str] = []
    if thumbs is not None and content_hash:
        path_for = getattr(thumbs, "path_for", None) or getattr(thumbs, "path", None)
        if callable(path_for):
            try:
                candidates.append(str(path_for(content_hash)))
            except Exception:
                pass
    if source_path:
        candidates.append(source_path)
    for candidate in candidates:
        if Path(candidate).is_file():
            image = read_scaled(candidate, THUMB_SIDE)
            if image is not None:
                return image
    return None


def read_scaled(path: str, side: int) -> QImage | None:
    """Decode an image no larger than ``side`` (JPEGs decode scaled down), EXIF-rotated.

    Only a regular file within the photo size limit is read: a FIFO named like a photo
    would block this worker for good (see core.files)."""
    from resnet_desktop.core.files import kind_of
    from resnet_desktop.core.imaging import MAX_FILE_BYTES

    try:
        st = os.stat(path)
    except OSError:
        return None
    if kind_of(st.st_mode) is not None or st.st_size > MAX_FILE_BYTES:
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > side:
        size.scale(side, side, Qt.AspectRatioMode.KeepAspectRatio)
        reader.setScaledSize(size)
    image = reader.read()
    return None if image.isNull() else image


class ThumbnailProvider(QObject):
    """Hands out cached pixmaps and loads missing ones in the background."""

    loaded = Signal(str)  # content hash whose pixmap is now cached
    loaded_unhashed = Signal()  # a photo not tagged yet got its thumbnail (from the file itself)

    def __init__(self, thumbs: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._loading: set[str] = set()
        self._failed: set[str] = set()

    def pixmap_for(self, row: Any) -> QPixmap | None:
        """The tile's thumbnail, or None while it loads (a placeholder is painted meanwhile).

        A photo found but not tagged yet has no content hash nor cached thumbnail: its tile
        shows a scaled decode of the file, so a dropped folder looks like photos at once.
        """
        if row.status == "ok" and row.content_hash:
            key = row.content_hash
            pixmap = self._cached(key)
            if pixmap is None:
                self._load(key, lambda thumbs=self.thumbs, path=row.path: read_thumbnail(thumbs, key, path))
                pixmap = self._cache.get(_path_key(row.path))  # shown until the tagged one arrives
            return pixmap
        if row.status == "pending":
            key = _path_key(row.path)
            pixmap = self._cached(key)
            if pixmap is None:
                self._load(key, lambda path=row.path: read_scaled(path, THUMB_SIDE))
            return pixmap
        return None  # failed or missing: the tile says so

    def _cached(self, key: str) -> QPixmap | None:
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
        return pixmap

    def _load(self, key: str, read) -> None:
        if key in self._loading or key in self._failed:
            return
        self._loading.add(key)
        run_task(
            read,
            lambda image, key=key: self._store(key, image),
            lambda _msg, key=key: self._store(key, None),
            pool_name="thumbs",
        )

    def _store(self, key: str, image: QImage | None) -> None:
        self._loading.discard(key)
        if image is None or image.isNull():
            self._failed.add(key)
            return
        self._cache[key] = QPixmap.fromImage(image)
        while len(self._cache) > CACHE_ITEMS:
            self._cache.popitem(last=False)
        if key.startswith(_PATH_PREFIX):
            self.loaded_unhashed.emit()
        else:
            self.loaded.emit(key)

    def clear(self) -> None:
        self._cache.clear()
        self._failed.clear()


_PATH_PREFIX = "file:"


def _path_key(path: str) -> str:
    """Cache key of a thumbnail decoded from the file (content hashes never start like this)."""
    return _PATH_PREFIX + path
