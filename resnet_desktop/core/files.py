"""Reading files safely.

Reading: a name ending in ``.jpg`` may be a FIFO (``open()`` blocks forever), a device such
as ``/dev/zero`` (endless), or a socket. :func:`read_regular` opens without blocking, refuses
anything but a regular file, naming what it is, and never reads more than a limit.

Writing atomically is core.atomic's job.
"""

from __future__ import annotations

import os
import stat

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
