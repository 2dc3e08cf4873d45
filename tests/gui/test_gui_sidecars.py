"""Settings > Sidecars and sidecars that follow every change, as a person uses them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QFileDialog, QLineEdit, QPushButton

from resnet_desktop.core import xmp
from resnet_desktop.gui.settings import AppSettings
from resnet_desktop.gui.settings_dialog import SettingsDialog
from tests import xmp_readers
from tests.fakes import make_photo
from tests.gui.person import open_viewer, tile_row
from tests.gui.test_gui_window import GREEN, RED, ColourClassifier, drop, make_window, wait_idle

pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.jpg")}


def _by_text(widget, kind, text: str):
    found = [w for w in widget.findChildren(kind) if w.text() == text]
    assert len(found) == 1, [w.text() for w in widget.findChildren(kind)]
    return found[0]


def test_settings_turn_sidecars_on_and_choose_a_mirror(qtbot, tmp_path, monkeypatch):
    settings = AppSettings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    check = _by_text(dialog, QCheckBox, "Write labels to XMP sidecars")
    assert not check.isChecked()  # off by default
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked()
    chosen = str(tmp_path / "Mirror")
    # the system's folder dialog stands in for the person's choice in it
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: chosen)
    [choose] = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Choose mirror folder"]
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    [mirror_edit] = [e for e in dialog.findChildren(QLineEdit) if e.accessibleName() == "Mirror folder"]
    assert mirror_edit.text() == chosen
    dialog.grab().save(str(tmp_path.parent / "sidecars-settings.png"))
    qtbot.mouseClick(dialog.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert settings.xmp_sidecars is True and settings.xmp_mirror == chosen
    assert AppSettings().xmp_sidecars is True  # saved for the next start


def test_sidecars_follow_tagging_and_tag_edits_when_on(qtbot, tmp_path):
    folder = tmp_path / "photos"
    make_photo(folder / "green.jpg", GREEN)
    make_photo(folder / "red.jpg", RED)
    before = _digest(folder)
    AppSettings().xmp_sidecars = True
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 2)
    sidecar = folder / "green.jpg.xmp"
    qtbot.waitUntil(lambda: sidecar.is_file() and (folder / "red.jpg.xmp").is_file(), timeout=10000)
    assert xmp_readers.keywords(sidecar)["subject"] == ["espresso"]

    viewer = open_viewer(qtbot, window, tile_row(window, "green.jpg"))
    qtbot.waitUntil(lambda: viewer.details is not None, timeout=5000)
    qtbot.keyClicks(viewer.tag_edit, "Grandma's kitchen")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "Grandma's kitchen" in xmp_readers.read_with_xml(sidecar).get("dc:subject", []), timeout=10000
    )
    assert xmp_readers.keywords(sidecar)["hierarchical"] == ["Grandma's kitchen", "auto|Food|Drinks|espresso"]
    viewer.close()
    assert _digest(folder) == before


def test_no_sidecars_when_off(qtbot, tmp_path):
    folder = tmp_path / "photos"
    make_photo(folder / "green.jpg", GREEN)
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 1)
    qtbot.waitUntil(lambda: not window.sidecars.busy, timeout=5000)
    assert not list(folder.glob("*.xmp"))


def test_read_only_folder_goes_to_the_mirror_with_a_message(qtbot, tmp_path, monkeypatch):
    """Simulated read-only folder: as root chmod does not stop writes, so os.access says no."""
    folder = tmp_path / "photos"
    make_photo(folder / "green.jpg", GREEN)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **k: False if Path(p) == folder else real_access(p, m, **k)
    )
    settings = AppSettings()
    settings.xmp_sidecars = True
    settings.xmp_mirror = str(tmp_path / "Mirror")
    window = make_window(qtbot, ColourClassifier)
    drop(window, [folder])
    wait_idle(qtbot, window, 1)
    in_mirror = xmp.mirror_path(folder / "green.jpg", tmp_path / "Mirror")
    qtbot.waitUntil(in_mirror.is_file, timeout=10000)
    assert not list(folder.glob("*.xmp"))
    # a tag edit: its sidecar goes to the mirror too, and the status bar says where
    viewer = open_viewer(qtbot, window, 0)
    qtbot.waitUntil(lambda: viewer.details is not None, timeout=5000)
    qtbot.keyClicks(viewer.tag_edit, "kitchen")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "kitchen" in xmp_readers.read_with_xml(in_mirror).get("dc:subject", []), timeout=10000
    )
    qtbot.waitUntil(lambda: "read-only folder written to" in window.status_label.text(), timeout=5000)
    assert (
        window.status_label.text()
        == f"1 sidecar of a photo in a read-only folder written to {tmp_path / 'Mirror'}"
    )
    assert not list(folder.glob("*.xmp"))
    viewer.close()
    window.grab().save(str(tmp_path.parent / "sidecars-window.png"))
