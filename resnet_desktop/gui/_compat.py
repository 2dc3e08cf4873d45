"""Work around a reference-count bug in the PySide6 build we run on.

PySide6 6.12's wrappers of many void C++ methods (``QWidget.update``, ``QLabel.setText``,
``QCoreApplication.processEvents``...) and Python overrides of void virtuals return ``None``
without taking a reference to it, so each call lowers ``None``'s reference count by one. On
Python 3.12+ ``None`` is immortal and nothing happens; on 3.10/3.11 a GUI that runs for a
while (every repaint calls such methods) drives the count to zero and the interpreter
aborts with "Fatal Python error: none_dealloc". Raising the count far out of reach once
makes ``None`` effectively immortal, which is exactly what Python 3.12 does.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 48


def make_none_immortal() -> bool:
    """Give ``None`` a reference count no bug can exhaust; True when it was needed and applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import PySide6

    if not PySide6.__version__.startswith("6.12."):
        return False  # pyproject excludes 6.12.0; this only guards an install that forced it
    if sys.getrefcount(None) > _HEADROOM // 2:
        return False  # done already
    # ob_refcnt is the first field of every PyObject in release builds of CPython.
    refcnt = ctypes.c_ssize_t.from_address(id(None))
    refcnt.value += _HEADROOM
    return True
