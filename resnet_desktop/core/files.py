"""Reading and writing files safely: the one home for both.

Reading: a name ending in ``.jpg`` may be a FIFO (``open()`` blocks forever), a device such
as ``/dev/zero`` (endless), or a socket. :func:`read_regular` opens without blocking, refuses
anything but a regular file, naming what it is, and never reads more than a limit.

Writing: :func:`atomic_write` writes to a temporary file beside the target and renames it
over the target, so a reader (or a crash) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: Longest rule file (JSON) the CLI reads.
MAX_RULE_BYTES = 1024 * 1024


class FileRefused(OSError):
    """The file is not a regular file, or is larger than allowed; ``reason`` says which."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        super().__init__(reason)
        self.filename = os.fspath(path)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words ("a named pipe (FIFO)"); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def describe(path: str | os.PathLike) -> str:
    """ "not found", or what the path is when it is not a regular file ("a named pipe (FIFO)")."""
    try:
        st = os.stat(path)
    except OSError:
        return "not found"
    return kind_of(st.st_mode) or "a file"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def read_regular(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes``.

    Raises :class:`FileRefused` for a FIFO, device, socket or folder (without blocking on it),
    and for a file longer than ``max_bytes`` (checked on the size and again while reading, so
    a file that grows, or lies about its size, cannot exhaust memory); other OSErrors as is.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        kind = kind_of(st.st_mode)
        if kind == "a folder":
            raise FileRefused(path, "not a file (a folder)")
        if kind is not None:
            raise FileRefused(path, f"not a regular file ({kind})")
        if st.st_size > max_bytes:
            raise FileRefused(path, f"file too large ({_mb(st.st_size)}; the limit is {_mb(max_bytes)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FileRefused(path, f"file too large (over {_mb(max_bytes)}; the limit)")
        return data
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``target`` for writing; on success it replaces ``target``.

    On an exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``target`` for a writer that needs a file name (sqlite, onnx).

    Whatever the caller writes there replaces ``target`` on success; on an exception it is
    removed and ``target`` stays as it was.
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
