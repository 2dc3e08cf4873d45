"""The guard against PySide6's lost references to None keeps a long-running GUI alive."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWidget

import resnet_desktop.gui  # noqa: F401  (installs the guard)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_many_void_calls_cannot_free_none(qapp):
    widget = QWidget()
    before = sys.getrefcount(None)
    for _ in range(20000):  # more than None's ordinary reference count
        widget.update()
    assert sys.getrefcount(None) > 2**40  # still far from zero whatever PySide6 loses
    assert before - sys.getrefcount(None) < 10**6
