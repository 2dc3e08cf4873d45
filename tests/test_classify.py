"""core.classify: preprocessing matches torchvision, both backends agree, the ONNX cache works
and a bundled ONNX export runs with no torch installed."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resnet_desktop.core import onnx_export
from resnet_desktop.core.classify import Classifier, available_backends, load_classifier, softmax
from resnet_desktop.core.imaging import decode_photo
from resnet_desktop.core.models import class_names
from resnet_desktop.core.weights import checkpoints_dir

PHOTOS = ("coffee", "chelsea", "camera")
CAT_CLASSES = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}


@pytest.fixture(scope="module")
def module_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("classify_home")


def _load(module_home: Path, **kwargs) -> Classifier:
    """Build a classifier once per module, with its caches in a module-wide folder."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RESNET_DESKTOP_DATA_DIR", str(module_home / "data"))
        mp.setenv("TORCH_HOME", str(module_home / "torch"))
        mp.delenv("RESNET_DESKTOP_WEIGHTS", raising=False)
        classifier, _ = load_classifier(**kwargs)
    return classifier


@pytest.fixture(scope="module")
def r18_torch(module_home, resnet18_checkpoint) -> Classifier:
    return _load(module_home, model="resnet18", weights=resnet18_checkpoint, backend="torch")


@pytest.fixture(scope="module")
def r18_onnx(module_home, resnet18_checkpoint) -> Classifier:
    return _load(module_home, model="resnet18", weights=resnet18_checkpoint, backend="onnx")


@pytest.fixture(scope="module")
def lite_torch(module_home) -> Classifier:
    return _load(module_home, model="efficientnet_lite0", backend="torch")


@pytest.fixture(scope="module")
def lite_onnx(module_home) -> Classifier:
    return _load(module_home, model="efficientnet_lite0", backend="onnx")


@pytest.fixture(scope="module")
def big_jpegs(real_photos) -> dict[str, bytes]:
    """Real photos enlarged 4x and saved as JPEG, so decode_photo takes the draft path
    (the sample JPEGs are too small for libjpeg to scale)."""
    out = {}
    for name in PHOTOS:
        with Image.open(real_photos[name]) as img:
            rgb = img.convert("RGB")
        big = rgb.resize((rgb.width * 4, rgb.height * 4), Image.Resampling.BICUBIC)
        buf = io.BytesIO()
        big.save(buf, "JPEG", quality=92)
        out[name] = buf.getvalue()
    return out


def _reference(image: Image.Image):
    """torchvision's own preprocessing for ResNet-18, the ground truth."""
    from torchvision.models import ResNet18_Weights

    return ResNet18_Weights.IMAGENET1K_V1.transforms()(image.convert("RGB")).numpy()


def _top(logits: np.ndarray, k: int = 3) -> list[int]:
    return [int(i) for i in np.argsort(-logits, kind="stable")[:k]]


# --------------------------------------------------------------------------- preprocessing


def test_preprocess_matches_torchvision_on_png_photos(r18_torch, real_photos):
    for name in ("coffee", "chelsea", "astronaut"):
        ours = r18_torch.preprocess(decode_photo(real_photos[name]).image)
        with Image.open(real_photos[name]) as img:
            ref = _reference(img)
        assert ours.dtype == np.float32 and ours.shape == (3, 224, 224)
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6)


def test_preprocess_matches_torchvision_on_odd_sizes(r18_torch):
    rng = np.random.default_rng(5)
    for size in ((257, 1000), (1001, 300), (100, 80), (256, 256)):
        img = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
        np.testing.assert_allclose(r18_torch.preprocess(img), _reference(img), rtol=0, atol=1e-6)
    grey = Image.fromarray(rng.integers(0, 256, (300, 400), dtype=np.uint8), "L")
    np.testing.assert_allclose(r18_torch.preprocess(grey), _reference(grey), rtol=0, atol=1e-6)


def test_png_logits_match_the_reference(r18_torch, real_photos):
    import torch

    from resnet_desktop.core.models import build_torch_model

    reference_model = build_torch_model("resnet18", r18_torch.weights_path)
    images = [decode_photo(real_photos[n]).image for n in PHOTOS]
    ours, _ = r18_torch.forward(np.stack([r18_torch.preprocess(im) for im in images]))
    refs = []
    for name in PHOTOS:
        with Image.open(real_photos[name]) as img:
            refs.append(_reference(img))
    with torch.inference_mode():
        expected = reference_model(torch.from_numpy(np.stack(refs))).numpy()
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-4)


def test_preprocess_is_thread_safe(r18_torch, real_photos):
    images = [decode_photo(real_photos[n]).image for n in ("coffee", "chelsea", "camera", "rocket")] * 4
    serial = [r18_torch.preprocess(im) for im in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(r18_torch.preprocess, images))
    for a, b in zip(serial, parallel, strict=True):
        assert np.array_equal(a, b)


def test_draft_decode_agrees_with_the_reference(r18_torch, big_jpegs):
    """The fast path (libjpeg 1/4..1/8 scaling, then our resize) against torchvision on the
    fully decoded JPEG.

    Tolerance: draft decoding starts the resize from slightly different pixels. We require
    the logit change to be under a quarter of the distance between the reference logits
    of two different photos, so the fast path cannot confuse one photo with another, and
    the input change to stay under ~1.5 grey levels on average (0.025 in normalised units
    is 0.025 * 0.225 * 255 = 1.4), JPEG-noise level.
    """
    inputs_draft, inputs_ref = [], []
    for name in PHOTOS:
        photo = decode_photo(big_jpegs[name], min_side=256)
        with Image.open(io.BytesIO(big_jpegs[name])) as full:
            assert photo.image.size[0] <= full.size[0] // 4  # the draft path really ran
            inputs_ref.append(_reference(full))
        inputs_draft.append(r18_torch.preprocess(photo.image))
    x_draft, x_ref = np.stack(inputs_draft), np.stack(inputs_ref)
    assert np.abs(x_draft - x_ref).mean(axis=(1, 2, 3)).max() < 0.025
    l_draft, _ = r18_torch.forward(x_draft)
    l_ref, _ = r18_torch.forward(x_ref)
    for i in range(len(PHOTOS)):
        assert _top(l_draft[i]) == _top(l_ref[i])
        others = min(np.abs(l_ref[i] - l_ref[j]).max() for j in range(len(PHOTOS)) if j != i)
        assert np.abs(l_draft[i] - l_ref[i]).max() < others / 4


def test_lite0_draft_and_full_decode_agree(lite_onnx, big_jpegs):
    for name in PHOTOS:
        draft = decode_photo(big_jpegs[name], min_side=256).image
        full = decode_photo(big_jpegs[name], min_side=0).image
        assert draft.size[0] <= full.size[0] // 4  # 4x enlarged photos: libjpeg scaled by 1/4 or 1/8
        a, b = lite_onnx.classify([draft, full], top_k=1)
        assert a.predictions[0].label == b.predictions[0].label


# --------------------------------------------------------------------------- results


def test_lite0_tags_real_photos(lite_onnx, real_photos):
    results = lite_onnx.classify([decode_photo(real_photos[n]).image for n in PHOTOS])
    by_name = dict(zip(PHOTOS, results, strict=True))
    assert by_name["coffee"].predictions[0].label == "espresso"
    assert by_name["coffee"].predictions[0].probability > 0.8
    assert by_name["camera"].predictions[0].label == "tripod"
    assert by_name["chelsea"].predictions[0].label in CAT_CLASSES


def test_available_backends_here():
    backends = available_backends()
    assert backends[0].startswith("onnx (onnxruntime ") and backends[1].startswith("torch ")


def test_result_structure(r18_onnx, real_photos):
    names = class_names()
    (result,) = r18_onnx.classify([decode_photo(real_photos["rocket"]).image], top_k=5)
    probs = [p.probability for p in result.predictions]
    assert [p.rank for p in result.predictions] == [1, 2, 3, 4, 5]
    assert probs == sorted(probs, reverse=True) and all(0 < p < 1 for p in probs)
    assert all(p.label == names[p.class_index] for p in result.predictions)
    assert result.embedding.dtype == np.float32 and result.embedding.shape == (512,)
    logits, _ = r18_onnx.forward(r18_onnx.preprocess(decode_photo(real_photos["rocket"]).image)[None])
    assert probs[0] == pytest.approx(float(softmax(logits)[0].max()), rel=1e-6)
    assert r18_onnx.infer(np.zeros((0, 3, 224, 224), np.float32)) == []
    with pytest.raises(ValueError, match="batch"):
        r18_onnx.infer(np.zeros((1, 3, 200, 200), np.float32))


@pytest.mark.parametrize("pair", [("r18_torch", "r18_onnx"), ("lite_torch", "lite_onnx")])
def test_onnx_and_torch_agree(pair, request, real_photos):
    torch_clf, onnx_clf = (request.getfixturevalue(n) for n in pair)
    assert (torch_clf.backend, onnx_clf.backend) == ("torch", "onnx")
    batch = np.stack([torch_clf.preprocess(decode_photo(real_photos[n]).image) for n in PHOTOS])
    lt, et = torch_clf.forward(batch)
    lo, eo = onnx_clf.forward(batch)
    scale = float(np.abs(lt).max())
    np.testing.assert_allclose(lo, lt, rtol=0, atol=1e-3 * scale)
    np.testing.assert_allclose(eo, et, rtol=0, atol=1e-3 * float(np.abs(et).max()))
    for i in range(len(PHOTOS)):
        assert _top(lo[i]) == _top(lt[i])


# --------------------------------------------------------------------------- ONNX cache


def test_onnx_cache_is_reused(r18_onnx, module_home, resnet18_checkpoint, monkeypatch):
    monkeypatch.setenv("RESNET_DESKTOP_DATA_DIR", str(module_home / "data"))

    def no_export(*args, **kwargs):
        raise AssertionError("exported again although a cached export exists")

    monkeypatch.setattr(onnx_export, "export", no_export)
    again, _ = load_classifier("resnet18", resnet18_checkpoint, backend="onnx")
    assert again.onnx_path == r18_onnx.onnx_path
    assert again.onnx_path.parent == module_home / "data" / "models"  # not next to the user's file


def test_onnx_is_exported_again_when_the_weights_change(tmp_path, resnet18_checkpoint, monkeypatch):
    import torch
    import torchvision

    exports: list[Path] = []
    real_export = onnx_export.export

    def counting_export(model, weights_path, out_path):
        exports.append(out_path)
        return real_export(model, weights_path, out_path)

    monkeypatch.setattr(onnx_export, "export", counting_export)
    official = checkpoints_dir() / "resnet18-f37072fd.pth"
    official.parent.mkdir(parents=True)
    shutil.copyfile(resnet18_checkpoint, official)

    first, notice = load_classifier()
    assert notice is None and first.model == "resnet18" and first.backend == "onnx"
    assert first.onnx_path.parent == official.parent  # next to the weights in the hub cache
    assert load_classifier()[0].onnx_path == first.onnx_path and len(exports) == 1

    torch.manual_seed(1)
    torch.save(torchvision.models.resnet18().state_dict(), official)  # new weights, same name
    second, _ = load_classifier()
    assert len(exports) == 2 and second.onnx_path != first.onnx_path
    assert not first.onnx_path.exists()  # the stale export is gone
    assert sorted(p.name for p in official.parent.glob("*.onnx")) == [second.onnx_path.name]


def test_broken_cached_export_is_replaced(tmp_path, resnet18_checkpoint, r18_onnx, monkeypatch):
    monkeypatch.setenv("RESNET_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    cache = tmp_path / "data" / "models" / r18_onnx.onnx_path.name
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"half-written")
    clf, _ = load_classifier("resnet18", resnet18_checkpoint, backend="onnx")
    assert clf.onnx_path == cache and cache.stat().st_size > 1000


# --------------------------------------------------------------------------- fallbacks


def test_broken_hub_weights_fall_back_to_lite0(tmp_path):
    official = checkpoints_dir() / "resnet18-f37072fd.pth"
    official.parent.mkdir(parents=True)
    official.write_bytes(b"\x80\x02 definitely not a checkpoint")
    clf, notice = load_classifier(backend="torch")
    assert clf.model == "efficientnet_lite0"
    assert str(official) in notice and "resnet-desktop models download resnet18" in notice


def test_bundled_onnx_runs_without_torch(tmp_path, r18_onnx, real_photos):
    """The packaged app ships resources/models/resnet18.onnx and no torch at all."""
    from resnet_desktop.core.resources import resource_path

    bundle = tmp_path / "frozen"
    resources = bundle / "resnet_desktop" / "resources"
    (resources / "models").mkdir(parents=True)
    shutil.copyfile(resource_path("imagenet_classes.json"), resources / "imagenet_classes.json")
    shutil.copyfile(r18_onnx.onnx_path, resources / "models" / "resnet18.onnx")
    photo = real_photos["chelsea"]
    code = textwrap.dedent(
        f"""
        import json, sys
        for name in ("torch", "torchvision"):
            sys.modules[name] = None  # any `import torch` now raises ImportError
        sys._MEIPASS = {str(bundle)!r}  # what PyInstaller sets: resources come from the bundle
        from resnet_desktop.core.classify import available_backends, load_classifier
        from resnet_desktop.core.imaging import decode_photo
        clf, notice = load_classifier()
        (result,) = clf.classify([decode_photo({str(photo)!r}).image])
        print(json.dumps({{
            "model": clf.model, "backend": clf.backend, "notice": notice,
            "backends": available_backends(),
            "labels": [p.label for p in result.predictions],
            "probabilities": [p.probability for p in result.predictions],
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert (out["model"], out["backend"], out["notice"]) == ("resnet18", "onnx", None)
    assert len(out["backends"]) == 1 and out["backends"][0].startswith("onnx (onnxruntime")
    (expected,) = r18_onnx.classify([decode_photo(photo).image])
    assert out["labels"] == [p.label for p in expected.predictions]
    np.testing.assert_allclose(out["probabilities"], [p.probability for p in expected.predictions], rtol=1e-5)
