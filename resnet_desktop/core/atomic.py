"""Atomic file writes: a temporary file in the target's folder, then one rename.

A reader (another program, another thread, the next start after a crash) sees either the
old file or the new one, never half of one. The temporary name starts with a dot and ends
in ``.tmp`` so folder scans skip it, and it is removed when anything goes wrong.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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
            mode = None  # a new file: os.open's 0o666 less the umask
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 random names taken
        raise FileExistsError(f"no free temporary name next to {target}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
