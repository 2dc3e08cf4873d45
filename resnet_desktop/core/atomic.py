"""Atomic file writes: a temporary file in the target's folder, then one rename.

A reader (another program, another thread, the next start after a crash) sees either the
old file or the new one, never half of one. The temporary name starts with a dot and ends
in ``.tmp`` so folder scans skip it, and it is removed when anything goes wrong.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def _temp_beside(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str], *, durable: bool = True) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``target`` for writing; on success it replaces ``target``.
    On an exception the temporary file is removed and ``target`` is left as it was."""
    target = Path(target)
    fd, tmp = _temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target`` for a writer that needs a file name (sqlite, onnx).
    What the caller writes there replaces ``target`` on success; on an exception it is
    removed and ``target`` stays as it was."""
    target = Path(target)
    fd, tmp = _temp_beside(target)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(
    path: str | os.PathLike[str], data: bytes, *, mode: int | None = None, durable: bool = True
) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path.

    ``mode`` is the file's permission bits; by default an existing file keeps its own and a
    new one gets 0o666 less the umask (what ``open()`` would give). ``durable`` flushes the
    data to the disk before the rename (fsync), so even a power cut leaves the old file or
    the new one; without it a crash of the program still cannot leave half a file, but a
    power cut right after may leave an empty one (the caller must be able to recreate it).
    Raises OSError (for example PermissionError on a read-only folder) with nothing left behind.
    """
    target = Path(path)
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # what open() would give a new file
    with atomic_write(target, durable=durable) as handle:
        handle.write(data)
        os.chmod(handle.name, mode)
    return target
