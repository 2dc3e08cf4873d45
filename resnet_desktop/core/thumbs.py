"""On-disk thumbnail cache, keyed by content hash, in the user's data directory.

Keying by content rather than path means a moved or renamed photo keeps its thumbnail and
duplicates share one. Files go to ``<dir>/<key[:2]>/<key>.jpg`` (256 subfolders keep any one
directory small) and are written to a temporary name then renamed, so a reader in another
thread or process never sees half a JPEG. The cache lives only in its own directory: it never
writes next to the user's photos.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from resnet_desktop.core.atomic import atomic_write

JPEG_QUALITY = 85
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class ThumbCache:
    """Thread-safe: writes are atomic renames, reads open whole files."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        """Where the thumbnail for ``key`` lives (whether or not it exists yet)."""
        if not isinstance(key, str) or not _SAFE_KEY.match(key) or key.startswith("."):
            raise ValueError(f"invalid thumbnail key {key!r}: use a hex digest or similar")
        return self.directory / key[:2] / f"{key}.jpg"

    def has(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def save(self, key: str, image: Any) -> Path:
        """Store a PIL image as JPEG; returns its path. Converted to RGB if needed."""
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if image.mode != "RGB":
            image = image.convert("RGB")
        with atomic_write(target) as fh:  # another thread reads the old file or the whole new one
            image.save(fh, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        return target

    def load_bytes(self, key: str) -> bytes | None:
        """The JPEG bytes, or None if there is no thumbnail (or it cannot be read)."""
        try:
            return self.path_for(key).read_bytes()
        except OSError:
            return None

    def remove(self, key: str) -> None:
        try:
            self.path_for(key).unlink()
        except FileNotFoundError:
            pass
