"""The optional INT8 model: made from real photos, measured against fp32, used only when asked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resnet_desktop.cli import main
from resnet_desktop.core import quantize
from resnet_desktop.core.classify import load_classifier
from resnet_desktop.core.imaging import decode_photo
from resnet_desktop.core.library import Library
from resnet_desktop.core.weights import WeightsError


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("int8_home")


@pytest.fixture
def shared_home(home, monkeypatch) -> Path:
    """One data dir for the module, so the INT8 model is made once."""
    monkeypatch.setenv("RESNET_DESKTOP_DATA_DIR", str(home / "data"))
    return home


#: Seven more real photographs from the scikit-image wheel, none a copy of another.
OTHER_PHOTOS = (
    "hubble_deep_field.jpg",
    "retina.jpg",
    "coins.png",
    "moon.png",
    "brick.png",
    "gravel.png",
    "ihc.png",
)


@pytest.fixture(scope="module")
def photo_folder(home, real_photos) -> Path:
    """Fourteen different real photographs (the shared seven, then seven others)."""
    import skimage

    folder = home / "photos"
    folder.mkdir()
    for name, path in real_photos.items():
        decode_photo(path).image.save(folder / f"a_{name}.png")
    for name in OTHER_PHOTOS:
        path = Path(skimage.__file__).parent / "data" / name
        decode_photo(path).image.save(folder / f"b_{Path(name).stem}.png")
    return folder


@pytest.fixture(scope="module")
def held_out_seen(home, photo_folder) -> dict:
    """The report, and the photos fp32 was compared on (recorded as the comparison runs)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RESNET_DESKTOP_DATA_DIR", str(home / "data"))
        fp32, _ = load_classifier("efficientnet_lite0", backend="onnx")
        images = [Image.open(p).convert("RGB") for p in sorted(photo_folder.iterdir())]
        compared: list = []
        forward = fp32.forward
        mp.setattr(fp32, "forward", lambda batch: compared.append(batch.copy()) or forward(batch))
        report = quantize.quantize(fp32, images)
        return {"report": report, "images": images, "compared": compared[0]}


@pytest.fixture(scope="module")
def report(held_out_seen) -> quantize.Int8Report:
    return held_out_seen["report"]


def test_int8_is_measured_against_fp32_on_held_out_photos(held_out_seen, report, shared_home):
    assert report.model == "efficientnet_lite0"
    assert (report.calibration_photos, report.evaluation_photos) == (7, 7)
    # the comparison ran on the second half exactly: photos the calibration never saw
    fp32, _ = load_classifier("efficientnet_lite0", backend="onnx")
    images = held_out_seen["images"]
    expected = np.stack([fp32.preprocess(image) for image in images[7:]])
    calibrated = np.stack([fp32.preprocess(image) for image in images[:7]])
    compared = held_out_seen["compared"]
    assert compared.shape == expected.shape and np.array_equal(compared, expected)
    assert not any(np.array_equal(c, h) for c in calibrated for h in compared)

    # the figures are what the two models answer on those photos, counted here independently
    int8, _ = load_classifier("efficientnet_lite0", precision="int8")
    fp32_results = fp32.classify(images[7:], top_k=3)
    int8_results = int8.classify(images[7:], top_k=1)
    int8_top1 = [r.predictions[0].class_index for r in int8_results]
    agree = [t == f.predictions[0].class_index for t, f in zip(int8_top1, fp32_results, strict=True)]
    in_top3 = [
        t in {p.class_index for p in f.predictions} for t, f in zip(int8_top1, fp32_results, strict=True)
    ]
    assert report.top1_agreement == pytest.approx(sum(agree) / 7)
    assert report.top1_in_fp32_top3 == pytest.approx(sum(in_top3) / 7)
    # real weights, real photos: INT8 must mostly keep fp32's answer, or it is not worth offering
    assert report.top1_agreement >= 5 / 7
    saved = json.loads(next((shared_home / "data" / "models").glob("*.int8.json")).read_text())
    assert quantize.Int8Report(**saved) == report


def test_making_int8_can_be_cancelled_and_writes_nothing(tmp_path, photo_folder):
    import threading

    fp32, _ = load_classifier("efficientnet_lite0", backend="onnx")
    images = [Image.open(p).convert("RGB") for p in sorted(photo_folder.iterdir())]
    cancel = threading.Event()

    def progress(message: str) -> None:
        if message.startswith("calibrating"):
            cancel.set()  # the person presses Cancel as calibration starts

    with pytest.raises(quantize.Cancelled):
        quantize.quantize(fp32, images, progress=progress, cancel=cancel)
    assert not quantize.int8_path(fp32.onnx_path).exists()
    assert not quantize.report_path(fp32.onnx_path).exists()


def test_int8_model_is_used_only_when_asked_and_says_how_it_compares(report, shared_home, real_photos):
    fp32, _ = load_classifier("efficientnet_lite0")
    assert fp32.model == "efficientnet_lite0" and fp32.int8_report is None
    int8, _ = load_classifier("efficientnet_lite0", precision="int8")
    assert int8.model == "efficientnet_lite0+int8"
    assert int8.int8_report == report
    (result,) = int8.classify([decode_photo(real_photos["coffee"]).image])
    assert result.predictions[0].label == "espresso"


def test_asking_for_int8_before_making_it_says_how(tmp_path):
    with pytest.raises(WeightsError, match="models quantize"):
        load_classifier("efficientnet_lite0", precision="int8")


def test_too_few_photos_are_refused(tmp_path, real_photos):
    fp32, _ = load_classifier("efficientnet_lite0")
    with pytest.raises(ValueError, match="at least 8 photos"):
        quantize.quantize(fp32, [decode_photo(real_photos["coffee"]).image] * 3)


def test_cli_quantize_then_index_with_int8_and_back(capsys, tmp_path, photo_folder):
    code = main(["models", "quantize", str(photo_folder)])
    out = capsys.readouterr().out
    assert code == 0 and "agrees with fp32 on the top label" in out

    library = tmp_path / "lib.sqlite3"
    photos = tmp_path / "some"
    photos.mkdir()
    for name in ("a_coffee.png", "a_camera.png"):
        shutil.copy(photo_folder / name, photos / name)
    assert main(["--library", str(library), "index", str(photos), "--int8"]) == 0
    err = capsys.readouterr().err
    assert "INT8 model: on 7 of your photos" in err
    lib = Library(library)
    assert {row.model for row in lib.photos()} == {"efficientnet_lite0+int8"}
    lib.close()

    # fp32 again: a different model made those labels, so they are tagged again
    assert main(["--library", str(library), "index", str(photos)]) == 0
    assert "re-tagged 2" in capsys.readouterr().out
