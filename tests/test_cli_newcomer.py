"""What a newcomer following the README reads from the command line, in English and Chinese:
a search that finds only less confident photos, a re-run over a broken photo, a failed
classify, a bad weights file, a missing photo, Chinese album names, an empty folder, --sort."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from resnet_desktop.core.resources import resource_path
from tests.bounded import cli
from tests.fakes import make_photo, record_result

REPO = Path(__file__).resolve().parents[1]
BROKEN_JPEG = b"\xff\xd8\xff\xe0 not really a jpeg"
SUMMARY = re.compile(
    r"Indexed (\d+), unchanged (\d+), moved (\d+), re-tagged (\d+), missing \d+, failed (\d+) in"
)


def run(*args, lang: str = "C.UTF-8", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return cli(*args, lang=lang, cwd=cwd)


def zh(*args, **kwargs) -> subprocess.CompletedProcess:
    return run(*args, lang="zh_CN.UTF-8", **kwargs)


def lite0(*args) -> list:
    """The offline model named, so no "weights not found" note comes first."""
    return [*args, "--model", "efficientnet_lite0"]


def _library(path: Path, photos) -> Path:
    classes = json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8"))
    with Library(path) as lib:
        for name, label, probability in photos:
            (pid,) = lib.add_pending([(path.parent / name, 1, 1)])
            prediction = Prediction(1, classes.index(label), label, probability)
            record_result(lib, pid, [prediction], content_hash=name)
    return path


@pytest.fixture
def library(tmp_path) -> Path:
    """Two tabbies the model was unsure of (12%, 8%: below the 20% threshold), a sure cat, a tripod."""
    return _library(
        tmp_path / "lib.sqlite3",
        [
            ("b_sofa.png", "tabby", 0.12),
            ("a_garden.png", "tabby", 0.08),
            ("c_tripod.png", "tripod", 0.9),
            ("d_lap.png", "tiger cat", 0.7),
        ],
    )


# -- 1. a search that finds photos only below the threshold ------------------------------------


def test_a_search_below_the_threshold_says_how_many_match_and_how_to_see_them(library):
    done = run("--library", library, "search", "tabby")
    assert done.returncode == 0, done.stderr
    assert "No photos match 'tabby'" in done.stdout
    assert "2 photos match with less confidence (8% to 12%)" in done.stdout
    assert "resnet-desktop search tabby --min-confidence 0.08" in done.stdout
    assert "Nearest labels" not in done.stdout  # "tabby" is a label; the photos are what is missing

    shown = run("--library", library, "search", "tabby", "--min-confidence", "0.08")
    assert [Path(line.split()[-1]).name for line in shown.stdout.splitlines()[:-1]] == [
        "b_sofa.png",
        "a_garden.png",
    ]

    chinese = zh("--library", library, "search", "tabby")
    assert chinese.stdout.startswith("没有与 'tabby' 匹配的照片")
    assert "另有 2 张照片以较低的置信度（8% 到 12%）匹配" in chinese.stdout
    assert "resnet-desktop search tabby --min-confidence 0.08" in chinese.stdout


def test_a_search_that_finds_nothing_at_all_still_offers_the_nearest_labels(library):
    done = run("--library", library, "search", "tabbby")
    assert "No photos match 'tabbby'" in done.stdout and "Nearest labels: tabby" in done.stdout
    assert "less confidence" not in done.stdout


# -- 2. a second index run over a broken photo -------------------------------------------------


def _summary(stdout: str) -> tuple[int, ...]:
    found = SUMMARY.search(stdout)
    assert found, stdout
    return tuple(int(n) for n in found.groups())


def test_a_second_index_counts_a_broken_photo_once_and_a_fixed_one_is_read_again(tmp_path, real_photos):
    folder = tmp_path / "Photos"
    folder.mkdir()
    shutil.copy(real_photos["coffee"], folder / "coffee.png")
    broken = folder / "broken.jpg"
    broken.write_bytes(BROKEN_JPEG)
    lib = tmp_path / "lib.sqlite3"

    first = run(*lite0("index", folder, "--library", lib))
    assert first.returncode == 1
    assert _summary(first.stdout) == (1, 0, 0, 0, 1)
    assert f"failed: {broken}: " in first.stdout

    again = run(*lite0("index", folder, "--library", lib))
    assert again.returncode == 1, again.stdout  # the folder still holds a photo that cannot be read
    indexed, unchanged, moved, retagged, failed = _summary(again.stdout)
    assert (indexed, unchanged, failed) == (0, 1, 1)
    assert indexed + unchanged + moved + retagged + failed == 2  # the two files, each counted once
    assert (
        "1 still could not be read (unchanged since it failed; see `resnet-desktop albums show failed`)"
        in (again.stdout)
    )
    assert f"failed: {broken}" not in again.stdout  # not read again, so not a new failure
    assert again.stderr == ""

    chinese = zh(*lite0("index", folder, "--library", lib))
    assert "1 张照片仍无法读取（失败后未曾改动；见 `resnet-desktop albums show failed`）" in chinese.stdout

    make_photo(broken, (200, 120, 40), fmt="JPEG")  # the person fixed the photo
    fixed = run(*lite0("index", folder, "--library", lib))
    assert fixed.returncode == 0, fixed.stdout
    assert _summary(fixed.stdout) == (1, 1, 0, 0, 0)
    assert "could not be read" not in fixed.stdout


def test_a_broken_photo_replaced_with_the_same_size_and_date_is_read_again(tmp_path):
    folder = tmp_path / "Photos"
    folder.mkdir()
    good = make_photo(tmp_path / "good.jpg", (30, 90, 200), fmt="JPEG").read_bytes()
    broken = folder / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * (len(good) - 4))  # as long as the good one
    lib = tmp_path / "lib.sqlite3"
    assert run(*lite0("index", folder, "--library", lib)).returncode == 1
    stat = broken.stat()
    replacement = folder / "photo.jpg.new"
    replacement.write_bytes(good)
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, broken)  # like a copy tool that keeps the date: same size and mtime
    again = run(*lite0("index", folder, "--library", lib))
    assert again.returncode == 0, again.stdout
    assert _summary(again.stdout) == (1, 0, 0, 0, 0)


# -- 3. and 5. a failed classify: said once, in words for classify -----------------------------


def test_a_classify_failure_is_said_once_on_stderr(tmp_path, real_photos):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(BROKEN_JPEG)
    reason = "truncated or corrupt image data"
    done = run(*lite0("classify", broken, real_photos["coffee"]))
    assert done.returncode == 1
    assert done.stderr.count(reason) == 1 and f"resnet-desktop: {broken}: {reason}" in done.stderr
    assert reason not in done.stdout
    table = done.stdout.split(str(real_photos["coffee"]))[0]
    assert table.splitlines()[-3:] == [str(broken), "  failed", ""]
    assert "1. espresso" in done.stdout

    as_json = run(*lite0("classify", broken, "--json"))
    assert as_json.stderr.count(reason) == 1
    assert reason in json.loads(as_json.stdout)[str(broken)]["error"]  # data for scripts

    chinese = zh(*lite0("classify", broken))
    assert chinese.stderr.count("图片数据不完整或已损坏") == 1
    assert "图片数据不完整" not in chinese.stdout and "  失败" in chinese.stdout


def test_classify_of_a_missing_photo_says_it_is_not_there_without_a_scan(tmp_path):
    gone = tmp_path / "gone.jpg"
    done = run(*lite0("classify", gone))
    assert done.returncode == 1
    assert done.stderr.strip() == f"resnet-desktop: {gone}: file not found"
    chinese = zh(*lite0("classify", gone))
    assert chinese.stderr.strip() == f"resnet-desktop: {gone}：文件不存在"


# -- 4. a bad weights file, in plain words -----------------------------------------------------


def _plain(message: str) -> None:
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1, message
    assert not re.search(r"\(\d+\)|operand|weights_only|miniz|PyTorch 2\.|\.cc:", message), message
    assert "Re-download" not in message and "重新下载" not in message, message


def test_a_bad_weights_file_is_described_plainly(tmp_path, real_photos, resnet18_checkpoint):
    page = tmp_path / "page.pth"
    page.write_text("<!DOCTYPE html><html>Sign in to continue</html>")
    text = tmp_path / "notes.pth"
    text.write_text("experiment notes, not weights")
    cut = tmp_path / "cut.pth"
    cut.write_bytes(resnet18_checkpoint.read_bytes()[: resnet18_checkpoint.stat().st_size // 2])
    import torch
    import torchvision

    whole = tmp_path / "whole.pth"
    torch.save(torchvision.models.resnet18(), whole)  # the model object, not its state_dict()
    for bad, says in (
        (whole, "holds a whole saved model rather than its weights"),
        (page, "is a web page, not model weights"),
        (text, "is not a PyTorch weights file"),
        (cut, "is incomplete or damaged"),
    ):
        done = run("classify", real_photos["coffee"], "--model", "resnet18", "--weights", bad)
        assert done.returncode == 2
        _plain(done.stderr)
        assert f"{bad} {says}" in done.stderr, done.stderr
        assert "resnet-desktop models download resnet18" in done.stderr
        assert "resnet-desktop models import FILE" in done.stderr

    imported = run("models", "import", cut)
    assert imported.returncode == 2 and f"{cut} is incomplete or damaged" in imported.stderr
    _plain(imported.stderr)

    chinese = zh("classify", real_photos["coffee"], "--model", "resnet18", "--weights", cut)
    _plain(chinese.stderr)
    assert f"{cut} 不完整或已损坏" in chinese.stderr and "incomplete" not in chinese.stderr


def test_a_damaged_file_in_the_hub_cache_is_named_as_damaged_not_missing(tmp_path, real_photos):
    cache = Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    (cache / "resnet18-f37072fd.pth").write_text("experiment notes, not weights")
    done = run("classify", real_photos["coffee"], "--json")
    assert done.returncode == 0
    note = done.stderr.strip()
    _plain(note)
    assert note.startswith("note: ") and "not found" not in note
    assert "resnet18-f37072fd.pth is not a PyTorch weights file" in note
    assert "Using the offline EfficientNet-Lite0 for now." in note


# -- 6. album and category names in either language ------------------------------------------


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
@pytest.mark.parametrize(
    ("name", "expected"), [("猫", 3), ("Cats", 3), ("斑纹猫", 2), ("tabby", 2), ("虎斑猫", 1), ("动物", 3)]
)
def test_albums_show_takes_chinese_or_english_names(tmp_path, lang, name, expected):
    sure = [
        ("a.png", "tabby", 0.6),
        ("b.png", "tabby", 0.5),
        ("c.png", "tiger cat", 0.7),
        ("d.png", "tripod", 0.9),
    ]
    library = _library(tmp_path / "sure.sqlite3", sure)
    done = run("--library", library, "albums", "show", name, lang=lang)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] in (
        f"{expected} photo{'s' if expected > 1 else ''}",
        f"{expected} 张照片",
    )


def test_an_unknown_album_is_still_refused(library):
    done = zh("--library", library, "albums", "show", "熊猫")
    assert done.returncode == 2 and "没有名为 '熊猫' 的相册" in done.stderr


# -- 7. an empty folder ------------------------------------------------------------------------


def test_index_of_a_folder_without_photos_says_so_and_names_the_types(tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("no photos here")
    done = run(*lite0("index", folder, "--library", tmp_path / "lib.sqlite3"))
    assert done.returncode == 0, done.stderr
    assert f"No photos found in {folder} (subfolders included)." in done.stdout
    from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS  # .heic too where pillow-heif is here

    types = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    assert ".jpg, .png" in types and f"Photo types read: {types}" in done.stdout
    assert "Indexed 0" not in done.stdout
    chinese = zh(*lite0("index", folder, "--library", tmp_path / "lib.sqlite3"))
    assert f"在 {folder} 中没有找到照片（包括子文件夹）。" in chinese.stdout
    assert "可读取的照片类型：.bmp" in chinese.stdout


# -- 8. search --sort --------------------------------------------------------------------------


def _names(stdout: str) -> list[str]:
    return [Path(line.split()[-1]).name for line in stdout.splitlines()[:-1]]


def test_search_sort_orders_as_the_window_does(library):
    best = run("--library", library, "search", "cat", "--min-confidence", "0.05")
    assert _names(best.stdout) == ["d_lap.png", "b_sofa.png", "a_garden.png"]  # best match first
    by_name = run("--library", library, "search", "cat", "--min-confidence", "0.05", "--sort", "name")
    assert _names(by_name.stdout) == ["a_garden.png", "b_sofa.png", "d_lap.png"]
    as_json = run(
        "--library", library, "search", "cat", "--min-confidence", "0.05", "--sort", "name", "--json"
    )
    assert [Path(p["path"]).name for p in json.loads(as_json.stdout)] == [
        "a_garden.png",
        "b_sofa.png",
        "d_lap.png",
    ]
    helped = run("search", "--help")
    assert "--sort {best,taken,added,name,confidence}" in helped.stdout
    bad = zh("--library", library, "search", "cat", "--sort", "size")
    assert bad.returncode == 2 and "无效的选择：'size'" in bad.stderr
