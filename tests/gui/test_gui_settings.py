"""Settings: getting the official ResNet-18 weights through the dialog (no network: a file:// URL)."""

from __future__ import annotations

import functools
import hashlib

import pytest

from resnet_desktop.core import weights
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
    target = weights.checkpoints_dir() / "resnet18-f37072fd.pth"
    assert not target.exists()
    seen: list[tuple[int, int]] = []
    dialog._on_download_progress = lambda done, total: seen.append((done, total))  # noqa: SLF001
    with qtbot.waitSignal(dialog.weights_changed, timeout=30000):
        dialog.start_download()
    assert target.read_bytes() == local_release.read_bytes()
    assert seen and seen[-1][0] == seen[-1][1] == target.stat().st_size
    qtbot.waitUntil(lambda: dialog.weights_label.text().startswith("Installed"), timeout=10000)
    assert dialog.download_button.isEnabled() and dialog.cancel_download_button.isHidden()


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
    dialog.start_download()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    assert not dialog.cancel_download_button.isHidden() and not dialog.download_button.isEnabled()
    dialog.cancel_download()
    qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=10000)
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
    from resnet_desktop.gui.main_window import MainWindow
    from tests.fakes import ColourClassifier

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
    qtbot.waitUntil(lambda: "Not made yet" in dialog.int8_label.text(), timeout=60000)
    assert not dialog.int8_check.isEnabled()
    dialog.make_int8_button.click()
    qtbot.waitUntil(lambda: "of your photos" in dialog.int8_label.text(), timeout=120000)
    assert "On 7 of your photos" in dialog.int8_label.text()
    assert dialog.int8_check.isEnabled()
    dialog.int8_check.setChecked(True)
    dialog.accept()
    assert settings.int8

    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window._classifier_factory().model == "efficientnet_lite0+int8"
