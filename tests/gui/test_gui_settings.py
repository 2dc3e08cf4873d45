"""Settings: getting the official ResNet-18 weights through the dialog (no network: a file:// URL)."""

from __future__ import annotations

import functools
import hashlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from resnet_desktop.core import weights
from resnet_desktop.core.library import Library
from resnet_desktop.gui.settings import AppSettings
from resnet_desktop.gui.settings_dialog import SettingsDialog


@pytest.fixture
def local_release(monkeypatch, resnet18_checkpoint):
    """Point the dialog's download at a local file standing in for download.pytorch.org."""
    digest = hashlib.sha256(resnet18_checkpoint.read_bytes()).hexdigest()
    real = weights.download
    monkeypatch.setattr(
        weights,
        "download",
        functools.partial(real, url=resnet18_checkpoint.as_uri(), sha256_prefix=digest[:8]),
    )
    return resnet18_checkpoint


def test_download_shows_progress_and_installs_the_weights(qtbot, local_release):
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    target = weights.checkpoints_dir() / "resnet18-f37072fd.pth"
    assert not target.exists()
    shown: list[int] = []  # what the progress bar on screen showed, in order
    dialog.download_progress.valueChanged.connect(shown.append)
    with qtbot.waitSignal(dialog.weights_changed, timeout=60000):
        qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
        assert dialog.download_progress.isVisible() and not dialog.download_button.isEnabled()
    assert target.read_bytes() == local_release.read_bytes()
    assert len(shown) > 2 and shown == sorted(shown) and shown[-1] == dialog.download_progress.maximum()
    qtbot.waitUntil(lambda: dialog.weights_label.text().startswith("Installed"), timeout=10000)
    assert dialog.download_button.isEnabled() and dialog.cancel_download_button.isHidden()
    assert dialog.download_progress.isHidden()


def test_cancelled_download_leaves_nothing_behind(qtbot, monkeypatch, local_release):
    started = []

    def wait_for_cancel(model, progress=None, cancel=None, **kwargs):
        started.append(True)
        assert cancel is not None and cancel.wait(10)
        return weights.download.__wrapped__(model, progress=progress, cancel=cancel)

    patched = weights.download
    wait_for_cancel.__wrapped__ = patched  # the local-release download, now cancelled
    monkeypatch.setattr(weights, "download", wait_for_cancel)
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(started), timeout=60000)
    assert dialog.cancel_download_button.isVisible() and not dialog.download_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=10000)
    assert dialog.weights_label.text() == "Download cancelled."
    checkpoints = weights.checkpoints_dir()
    assert not (checkpoints / "resnet18-f37072fd.pth").exists()
    assert not checkpoints.exists() or not any(checkpoints.iterdir())  # no partial file either


def test_the_packaged_app_offers_no_download_it_could_not_use(qtbot, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert dialog.download_button.isHidden() and dialog.import_button.isHidden()
    qtbot.waitUntil(
        lambda: "not included in this build" in dialog.weights_label.text().lower(), timeout=10000
    )


def test_int8_is_made_from_the_library_and_then_used_for_tagging(qtbot, tmp_path, real_photos):
    """Settings > Make INT8 Model calibrates on the library's photos, shows how it compares,
    and once chosen the window tags with it."""
    from PIL import ImageOps

    from resnet_desktop.core.imaging import decode_photo
    from resnet_desktop.core.pipeline import Indexer
    from tests.fakes import ColourClassifier, make_photo

    folder = tmp_path / "photos"
    folder.mkdir()
    for name, path in real_photos.items():
        image = decode_photo(path).image
        image.save(folder / f"{name}.png")
        ImageOps.mirror(image).save(folder / f"{name}_mirror.png")
    settings = AppSettings()
    settings.model = "efficientnet_lite0"
    settings.library_path = str(tmp_path / "lib.sqlite3")
    Indexer(settings.library_path, ColourClassifier).run([str(folder)])

    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Not made yet" in dialog.int8_label.text(), timeout=60000)
    assert not dialog.int8_check.isEnabled()
    qtbot.mouseClick(dialog.make_int8_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "of your photos" in dialog.int8_label.text(), timeout=120000)
    assert "On 7 of your photos" in dialog.int8_label.text()
    assert dialog.int8_check.isEnabled()
    qtbot.mouseClick(dialog.int8_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert settings.int8

    # the window now tags with it: a new photo dropped on it is tagged by the INT8 model
    from tests.gui.person import drop_files, make_window, wait_idle

    window = make_window(qtbot, None, settings=settings)
    make_photo(tmp_path / "new" / "new.jpg", colour=(30, 200, 30))
    assert drop_files(window, [tmp_path / "new"])
    wait_idle(qtbot, window, 15, timeout=120000)
    with Library(settings.library_path) as lib:
        assert lib.get_by_path(str(tmp_path / "new" / "new.jpg")).model == "efficientnet_lite0+int8"
