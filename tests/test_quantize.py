"""The optional INT8 model: made from real photos, measured against fp32, used only when asked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageOps

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


@pytest.fixture(scope="module")
def photo_folder(home, real_photos) -> Path:
    """Real photographs and mirrored, cropped versions of them: 14 photos."""
    folder = home / "photos"
    folder.mkdir()
    for name, path in real_photos.items():
        image = decode_photo(path).image
        image.save(folder / f"{name}.png")
        w, h = image.size
        ImageOps.mirror(image).crop((w // 10, h // 10, w, h)).save(folder / f"{name}_mirrored.png")
    return folder


@pytest.fixture(scope="module")
def report(home, photo_folder) -> quantize.Int8Report:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RESNET_DESKTOP_DATA_DIR", str(home / "data"))
        fp32, _ = load_classifier("efficientnet_lite0", backend="onnx")
        images = [Image.open(p).convert("RGB") for p in sorted(photo_folder.iterdir())]
        return quantize.quantize(fp32, images)


def test_int8_is_measured_against_fp32_on_held_out_photos(report, shared_home):
    assert report.model == "efficientnet_lite0"
    assert (report.calibration_photos, report.evaluation_photos) == (7, 7)
    # real weights, real photos: INT8 must mostly keep fp32's answer, or it is not worth offering
    assert report.top1_agreement >= 5 / 7
    assert report.top1_in_fp32_top3 >= report.top1_agreement
    assert report.speedup > 0
    saved = json.loads(next((shared_home / "data" / "models").glob("*.int8.json")).read_text())
    assert saved["top1_agreement"] == report.top1_agreement


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
    for name in ("coffee.png", "camera.png"):
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
