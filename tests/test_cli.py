"""The command line as a user runs it: real photos, the offline model, real output."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from resnet_desktop.cli import main
from tests.fakes import make_photo

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def album_folder(tmp_path, real_photos) -> Path:
    folder = tmp_path / "Photos"
    folder.mkdir()
    for name in ("coffee", "chelsea", "camera"):
        shutil.copy(real_photos[name], folder / real_photos[name].name)
    return folder


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_classify_json_gives_top3_in_percent(capsys, real_photos):
    code, out, err = cli(capsys, "classify", real_photos["coffee"], real_photos["camera"], "--json")
    assert code == 0
    result = json.loads(out)
    coffee = result[str(real_photos["coffee"])]
    assert [p["rank"] for p in coffee] == [1, 2, 3]
    assert set(coffee[0]) == {"rank", "class", "probability"}
    assert coffee[0]["class"] == "espresso" and coffee[0]["probability"] > 80
    assert all(round(p["probability"], 2) == p["probability"] for p in coffee)
    assert coffee[0]["probability"] >= coffee[1]["probability"] >= coffee[2]["probability"]
    assert result[str(real_photos["camera"])][0]["class"] == "tripod"
    # No ResNet-18 weights here: the offline model serves, and the CLI says so once.
    assert err.count("note:") == 1 and "resnet-desktop models download resnet18" in err


def test_classify_table_and_top_k(capsys, real_photos):
    code, out, _ = cli(capsys, "classify", real_photos["chelsea"], "--top-k", "5")
    assert code == 0
    assert "EfficientNet-Lite0" in out
    lines = [line for line in out.splitlines() if line.strip()[:2] in {f"{i}." for i in range(1, 6)}]
    assert len(lines) == 5 and "%" in lines[0]
    assert any(cat in lines[0] for cat in ("tabby", "tiger cat", "Egyptian cat"))


def test_classify_goes_on_after_a_bad_file_and_warns_on_tiny_photos(capsys, tmp_path, real_photos):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    tiny = make_photo(tmp_path / "tiny.png", (10, 200, 10), size=(100, 80))
    code, out, err = cli(capsys, "classify", empty, tiny, real_photos["coffee"], "--json")
    assert code == 1
    result = json.loads(out)
    assert "empty" in result[str(empty)]["error"]
    assert len(result[str(tiny)]) == 3
    assert result[str(real_photos["coffee"])][0]["class"] == "espresso"
    assert f"{empty}: " in err and "Traceback" not in err
    assert "warning:" in err and "tiny.png" in err


def test_broken_weights_file_names_itself(capsys, tmp_path, real_photos):
    bad = tmp_path / "resnet18-broken.pth"
    bad.write_bytes(b"this is not a checkpoint")
    code, out, err = cli(capsys, "classify", real_photos["coffee"], "--model", "resnet18", "--weights", bad)
    assert code == 2
    assert str(bad) in err and "Traceback" not in err


def test_generated_resnet18_checkpoint_is_used_when_given(capsys, real_photos, resnet18_checkpoint):
    code, out, err = cli(
        capsys,
        "classify",
        real_photos["coffee"],
        "--weights",
        resnet18_checkpoint,
        "--model",
        "resnet18",
        "--json",
    )
    assert code == 0 and "note:" not in err
    assert len(json.loads(out)[str(real_photos["coffee"])]) == 3


def test_index_search_tag_and_albums(capsys, tmp_path, album_folder):
    lib = tmp_path / "library.sqlite3"
    bad = album_folder / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")

    code, out, err = cli(capsys, "--library", lib, "index", album_folder)
    assert code == 1  # one photo failed
    assert "Indexed 3" in out and "failed 1" in out and "broken.jpg" in out

    code, out, _ = cli(capsys, "--library", lib, "index", album_folder)
    assert "Indexed 0, unchanged 3" in out and "failed 1" in out  # the broken photo: once, as failed
    assert "Nothing to tag: all 3 photos are unchanged" in out and "no photo was opened" in out
    assert "1 still could not be read" in out

    code, out, _ = cli(capsys, "--library", lib, "search", "cat", "--json")
    assert code == 0
    found = json.loads(out)
    assert [Path(p["path"]).name for p in found] == ["chelsea.png"]
    cat_label = found[0]["label"]

    code, out, _ = cli(capsys, "--library", lib, "search", "espresso", "--min-confidence", "0.5")
    assert "coffee.png" in out and "chelsea.png" not in out

    chelsea = album_folder / "chelsea.png"
    code, out, _ = cli(capsys, "--library", lib, "tag", chelsea, "+Mittens", f"-{cat_label}")
    assert code == 0 and "Mittens" in out and cat_label not in out
    code, out, _ = cli(capsys, "--library", lib, "search", "mittens", "--json")
    assert [Path(p["path"]).name for p in json.loads(out)] == ["chelsea.png"]
    # A person removed the label: auto-tagging no longer claims it, even after re-indexing.
    cli(capsys, "--library", lib, "index", album_folder)
    code, out, _ = cli(capsys, "--library", lib, "search", cat_label, "--json")
    assert "chelsea.png" not in out

    rule = json.dumps({"labels_any": ["espresso", "tripod"], "min_confidence": 0.5})
    code, out, _ = cli(capsys, "--library", lib, "albums", "create", "Kit", "--rule", rule)
    assert code == 0 and "Kit" in out
    code, out, _ = cli(capsys, "--library", lib, "albums", "show", "Kit", "--json")
    assert sorted(Path(p["path"]).name for p in json.loads(out)) == ["camera.png", "coffee.png"]
    code, out, _ = cli(capsys, "--library", lib, "albums", "list")
    assert "Kit" in out and "failed" in out
    code, out, _ = cli(capsys, "--library", lib, "albums", "show", "failed")
    assert "broken.jpg" in out

    code, _, err = cli(capsys, "--library", lib, "albums", "create", "Bad", "--rule", '{"labels_any": 3}')
    assert code == 2 and "rule" in err and "Traceback" not in err
    code, _, err = cli(capsys, "--library", lib, "albums", "create", "Bad", "--rule", "{nope")
    assert code == 2 and "JSON" in err


def test_models_lists_where_weights_are(capsys):
    code, out, _ = cli(capsys, "models")
    assert code == 0
    assert "resnet18" in out and "efficientnet_lite0" in out
    assert "In use: efficientnet_lite0" in out


def test_search_without_library_says_what_to_do(capsys, tmp_path):
    code, _, err = cli(capsys, "--library", tmp_path / "none.sqlite3", "search", "cat")
    assert code == 2 and "resnet-desktop index" in err


def test_opening_the_app_without_a_display_explains_instead_of_crashing(capsys, monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("only X11/Wayland systems can lack a display")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = cli(capsys)
    assert code == 2 and "no graphical display" in err and "resnet-desktop index" in err


def test_a_file_that_is_not_a_library_gives_a_clear_error(capsys, tmp_path, album_folder):
    bogus = tmp_path / "holiday.sqlite3"
    bogus.write_text("these are my notes, not a library")
    for args in (("search", "cat"), ("index", album_folder)):
        code, _, err = cli(capsys, "--library", bogus, *args)
        assert code == 2 and "is not a ResNet Desktop library" in err and "Traceback" not in err
    assert bogus.read_text() == "these are my notes, not a library"  # and it was not touched
