"""Shared fixtures. Qt runs offscreen; nothing here touches the network."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import pytest  # noqa: E402


def _sample(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(f"test dependency {package} is not installed: pip install -e '.[test]'")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


@pytest.fixture(scope="session")
def real_photos() -> dict[str, Path]:
    """Real photographs that ship inside the scikit-image and matplotlib wheels."""
    photos = {
        name: _sample("skimage", "data", f"{name}")
        for name in (
            "chelsea.png",
            "coffee.png",
            "camera.png",
            "rocket.jpg",
            "motorcycle_left.png",
            "astronaut.png",
        )
    }
    photos["grace_hopper.jpg"] = _sample("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg")
    for path in photos.values():
        assert path.is_file(), path
    return {name.rsplit(".", 1)[0]: path for name, path in photos.items()}


@pytest.fixture(scope="session")
def resnet18_checkpoint(tmp_path_factory) -> Path:
    """A ResNet-18 checkpoint with torchvision's architecture and random (seeded) weights."""
    import torch
    import torchvision

    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    path = tmp_path_factory.mktemp("weights") / "resnet18-generated.pth"
    torch.save(model.state_dict(), path)
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Keep every test away from the real user's data dir, settings and hub cache."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RESNET_DESKTOP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("RESNET_DESKTOP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("TORCH_HOME", str(home / "torch"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("RESNET_DESKTOP_WEIGHTS", raising=False)
    monkeypatch.delenv("RESNET_DESKTOP_LIBRARY", raising=False)
    yield


@pytest.fixture
def temporary_trash(tmp_path, monkeypatch) -> Path:
    """A trash folder of the test's own for send2trash (Move to Trash), never the person's.

    send2trash reads XDG_DATA_HOME once, when first imported, so its constants are set too.
    Returns the folder whose files/ subfolder receives trashed files.
    """
    data_home = tmp_path / "xdg"
    data_home.mkdir(exist_ok=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    import send2trash
    from send2trash import plat_other

    if not getattr(send2trash.send2trash, "__module__", "").endswith("plat_other"):
        pytest.skip("send2trash uses the desktop's trash service here; no temporary trash possible")
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.path.join(os.fsencode(data_home), b"Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data_home / "Trash"))
    return data_home / "Trash"
