"""core.weights: lookup order, verification, download (file:// URLs), import, model choice."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest

from resnet_desktop.core import weights
from resnet_desktop.core.weights import (
    DownloadCancelled,
    WeightsError,
    checkpoints_dir,
    download,
    import_weights,
    locate,
    select_model,
)

OFFICIAL = "resnet18-f37072fd.pth"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def bundled_dir(tmp_path, monkeypatch) -> Path:
    """Stand-in for resources/ of a packaged app (never write into the checkout)."""
    root = tmp_path / "bundle"
    (root / "models").mkdir(parents=True)
    monkeypatch.setattr(weights, "resource_path", lambda *parts: root.joinpath(*parts))
    return root


def _put(path: Path, source: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


# --------------------------------------------------------------------------- locate


def test_hub_dir_mirrors_torch(monkeypatch, tmp_path):
    import torch

    assert weights.hub_dir() == Path(torch.hub.get_dir())
    assert checkpoints_dir() == Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints"
    # Without torch imported, the same environment variables decide.
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    assert weights.hub_dir() == Path(os.environ["TORCH_HOME"]) / "hub"
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert weights.hub_dir() == tmp_path / "xdg" / "torch" / "hub"


def test_locate_order(tmp_path, monkeypatch, bundled_dir, resnet18_checkpoint):
    assert locate("resnet18").path is None
    hub = _put(checkpoints_dir() / OFFICIAL, resnet18_checkpoint)
    assert (locate("resnet18").path, locate("resnet18").source) == (hub, "hub cache")
    onnx = bundled_dir / "models" / "resnet18.onnx"
    onnx.write_bytes(b"onnx")
    assert (locate("resnet18").path, locate("resnet18").source) == (onnx, "bundled")
    assert locate("resnet18", allow_onnx=False).path == hub  # the torch backend needs a .pth
    bundled = _put(bundled_dir / "models" / OFFICIAL, resnet18_checkpoint)
    assert locate("resnet18").path == bundled
    env = _put(tmp_path / "env.pth", resnet18_checkpoint)
    monkeypatch.setenv("RESNET_DESKTOP_WEIGHTS", str(env))
    assert (locate("resnet18").path, locate("resnet18").source) == (env, "environment")
    explicit = _put(tmp_path / "mine.pth", resnet18_checkpoint)
    info = locate("resnet18", explicit)
    assert (info.path, info.source, info.problem) == (explicit, "explicit", None)


def test_locate_reports_problems_instead_of_guessing(tmp_path, monkeypatch, resnet18_checkpoint):
    info = locate("resnet18", tmp_path / "missing.pth")
    assert info.source == "explicit" and "missing.pth does not exist" in info.problem
    monkeypatch.setenv("RESNET_DESKTOP_WEIGHTS", str(tmp_path / "nope.pth"))
    info = locate("resnet18")
    assert info.source == "environment" and "RESNET_DESKTOP_WEIGHTS" in info.problem
    monkeypatch.delenv("RESNET_DESKTOP_WEIGHTS")
    empty = checkpoints_dir() / OFFICIAL
    empty.parent.mkdir(parents=True)
    empty.write_bytes(b"")
    info = locate("resnet18")
    assert info.path == empty and "empty" in info.problem and not info.usable


def test_lite0_comes_from_the_pip_package():
    info = locate("efficientnet_lite0")
    assert info.usable and info.source == "pip package"
    assert info.path.name == "efficientnet-lite0-57934424.pth"


# --------------------------------------------------------------------------- verify


def test_garbage_file_names_itself_and_says_what_to_do(tmp_path):
    bad = tmp_path / "garbage.pth"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(WeightsError) as info:
        weights.verify(bad)
    message = str(info.value)
    assert str(bad) in message
    assert "resnet-desktop models download resnet18" in message
    assert "resnet-desktop models import FILE" in message


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.pth"
    empty.write_bytes(b"")
    with pytest.raises(WeightsError, match="empty"):
        weights.verify(empty)


def test_wrong_architecture(tmp_path):
    import torch

    from resnet_desktop.core.models import make_architecture

    path = tmp_path / "lite.pth"
    torch.save(make_architecture("efficientnet_lite0").state_dict(), path)
    with pytest.raises(WeightsError) as info:
        weights.verify(path, "resnet18")
    message = str(info.value)
    assert f"{path} is not a ResNet-18 checkpoint (missing keys" in message
    assert "fc.weight" in message or "conv1.weight" in message
    assert "resnet-desktop models download resnet18" in message


def test_wrong_shapes(tmp_path):
    import torch
    import torchvision

    path = tmp_path / "ten_classes.pth"
    torch.save(torchvision.models.resnet18(num_classes=10).state_dict(), path)
    with pytest.raises(WeightsError, match=r"wrong shapes fc\.weight \(10, 512\) instead of \(1000, 512\)"):
        weights.verify(path)


def test_nested_and_dataparallel_checkpoints_load(tmp_path, resnet18_checkpoint):
    import torch

    state = torch.load(resnet18_checkpoint, weights_only=True)
    path = tmp_path / "training.pth"
    torch.save({"epoch": 3, "state_dict": {f"module.{k}": v for k, v in state.items()}}, path)
    loaded = weights.load_state_dict("resnet18", path)
    assert set(loaded) == set(state)


def test_checkpoint_without_num_batches_tracked_loads(tmp_path, resnet18_checkpoint):
    # The official file predates BatchNorm's num_batches_tracked buffers.
    import torch

    from resnet_desktop.core.models import build_torch_model

    state = torch.load(resnet18_checkpoint, weights_only=True)
    old = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    path = tmp_path / "old.pth"
    torch.save(old, path)
    model = build_torch_model("resnet18", path)
    assert torch.equal(model.fc.weight, state["fc.weight"])


# --------------------------------------------------------------------------- download


def test_download_file_url_with_progress(resnet18_checkpoint):
    calls: list[tuple[int, int]] = []
    size = resnet18_checkpoint.stat().st_size
    path = download(
        "resnet18",
        progress=lambda done, total: calls.append((done, total)),
        url=resnet18_checkpoint.as_uri(),
        sha256_prefix=_sha(resnet18_checkpoint)[:8],
    )
    assert path == checkpoints_dir() / OFFICIAL
    assert path.read_bytes() == resnet18_checkpoint.read_bytes()
    assert calls[0] == (0, size) and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 2
    assert sorted(p.name for p in checkpoints_dir().iterdir()) == [OFFICIAL]


def test_download_with_wrong_hash_leaves_nothing(resnet18_checkpoint):
    with pytest.raises(WeightsError, match="sha256"):
        download("resnet18", url=resnet18_checkpoint.as_uri())  # the official prefix f37072fd
    assert list(checkpoints_dir().iterdir()) == []


def test_download_of_a_non_checkpoint_leaves_nothing(tmp_path):
    fake = tmp_path / "page.html"
    fake.write_text("<html>captive portal</html>")
    with pytest.raises(WeightsError, match=f"^the file downloaded from {fake.as_uri()} is a web page, not"):
        download("resnet18", url=fake.as_uri(), sha256_prefix="")
    assert list(checkpoints_dir().iterdir()) == []


def test_cancelled_download_leaves_nothing(resnet18_checkpoint):
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download("resnet18", progress=progress, cancel=cancel, url=resnet18_checkpoint.as_uri())
    assert list(checkpoints_dir().iterdir()) == []


def test_unreachable_url(tmp_path):
    with pytest.raises(WeightsError, match="Could not download"):
        download("resnet18", url=(tmp_path / "absent.pth").as_uri())
    assert list(checkpoints_dir().iterdir()) == []


def test_lite0_has_no_download():
    with pytest.raises(WeightsError, match="no download"):
        download("efficientnet_lite0")


# --------------------------------------------------------------------------- import


def test_import_refuses_an_unofficial_resnet18(resnet18_checkpoint):
    with pytest.raises(WeightsError) as info:
        import_weights(resnet18_checkpoint)
    message = str(info.value)
    assert str(resnet18_checkpoint) in message and "f37072fd" in message and "--weights" in message
    assert not (checkpoints_dir() / OFFICIAL).exists()


def test_import_copies_a_verified_file(resnet18_checkpoint):
    before = resnet18_checkpoint.read_bytes()
    target = import_weights(resnet18_checkpoint, sha256_prefix=_sha(resnet18_checkpoint)[:8])
    assert target == checkpoints_dir() / OFFICIAL
    assert target.read_bytes() == before == resnet18_checkpoint.read_bytes()
    assert locate("resnet18").path == target


def test_import_of_garbage(tmp_path):
    bad = tmp_path / "download.pth"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(WeightsError, match="download.pth"):
        import_weights(bad, sha256_prefix="")
    assert not checkpoints_dir().exists() or list(checkpoints_dir().iterdir()) == []


# --------------------------------------------------------------------------- select_model


def test_select_model_falls_back_to_lite0_with_a_notice():
    spec, info, notice = select_model()
    assert spec.name == "efficientnet_lite0" and info.usable
    assert "ResNet-18 weights not found" in notice
    assert "resnet-desktop models download resnet18" in notice


def test_select_model_prefers_resnet18_when_present(resnet18_checkpoint):
    _put(checkpoints_dir() / OFFICIAL, resnet18_checkpoint)
    spec, info, notice = select_model()
    assert (spec.name, info.source, notice) == ("resnet18", "hub cache", None)


def test_select_model_honours_explicit_weights(tmp_path, resnet18_checkpoint):
    spec, info, notice = select_model(None, resnet18_checkpoint)
    assert (spec.name, info.path, notice) == ("resnet18", resnet18_checkpoint, None)
    with pytest.raises(WeightsError, match="missing.pth does not exist"):
        select_model(None, tmp_path / "missing.pth")  # the user's choice: no silent fallback


def test_select_lite0_explicitly():
    spec, info, notice = select_model("efficientnet_lite0")
    assert spec.name == "efficientnet_lite0" and notice is None
    with pytest.raises(ValueError, match="unknown model"):
        select_model("vgg16")


def test_the_packaged_app_does_not_offer_a_download_it_cannot_use(monkeypatch):
    import sys

    from resnet_desktop.core.weights import WeightsInfo, fallback_notice

    missing = WeightsInfo("resnet18", None, None, "ResNet-18 weights not found.")
    assert "models download resnet18" in fallback_notice(missing)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    notice = fallback_notice(missing)
    assert "not included in this build" in notice and "download" not in notice
