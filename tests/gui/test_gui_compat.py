"""A long-running GUI survives many void Qt calls (PySide6 6.12.0 lost a reference to None
on each one, which aborted Python < 3.12; pyproject excludes it and gui._compat guards it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import resnet_desktop.gui
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
label.show()
for i in range(sys.getrefcount(None) + 20000):
    label.setText(str(i % 7))
    label.update()
    if i % 1000 == 0:
        app.processEvents()
print("alive")
"""


def test_many_void_qt_calls_do_not_crash_the_interpreter():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "alive"
