"""`resnet-desktop similar` and `duplicates` as a person runs them: a subprocess, real photos and
edits of them, the offline model, reading stdout, stderr and the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import dupset
from tests.bounded import cli

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("cli_similar")
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
        RESNET_DESKTOP_DATA_DIR=str(root / "data"),
        RESNET_DESKTOP_CONFIG_DIR=str(root / "config"),
        TORCH_HOME=str(root / "torch"),
        RESNET_DESKTOP_LIBRARY=str(root / "library.sqlite3"),
    )
    env.pop("RESNET_DESKTOP_WEIGHTS", None)
    folder = root / "Photos"
    dupset.build(folder, quick=True)
    done = subprocess.run(
        [sys.executable, "-m", "resnet_desktop", "index", str(folder)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return {"env": env, "folder": folder, "root": root}


def run(home: dict, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    return cli(*args, env=env or home["env"])


def test_similar_json_best_first_without_the_photo(home):
    done = run(home, "similar", home["folder"] / "coffee.png", "--limit", "5", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result) == 5 and all(set(r) == {"path", "similarity"} for r in result)
    names = [Path(r["path"]).name for r in result]
    assert "coffee.png" not in names
    assert all(n.startswith("coffee") for n in names)  # its edits are its nearest photos
    sims = [r["similarity"] for r in result]
    assert sims == sorted(sims, reverse=True) and 0.8 < sims[-1] <= sims[0] <= 1.0


def test_similar_table(home):
    done = run(home, "similar", home["folder"] / "chelsea.png", "--limit", "3")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 3 and lines[0].split()[1].endswith("chelsea-copy.png")
    assert float(lines[0].split()[0]) >= float(lines[2].split()[0])


def test_duplicates_json_groups_and_tiers(home):
    done = run(home, "duplicates", "--json")
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)
    kinds = [g["kind"] for g in groups]
    # a byte copy with no edit (brick) is an exact group; a photo with a byte copy and edits is
    # one near group holding them all; a blank scan and a sky have a real copy each
    assert "similar" not in kinds and kinds.count("exact") == 1 and kinds.count("near") == 5
    listed = [p["path"] for g in groups for p in g["photos"]]
    assert len(listed) == len(set(listed))  # each photo in one group
    near = {frozenset(Path(p["path"]).name for p in g["photos"]) for g in groups if g["kind"] == "near"}
    coffee = {n for n in os.listdir(home["folder"]) if n.startswith("coffee")}
    assert frozenset(coffee) in near  # the 5% crop at quality 55 and the EXIF turn included
    for g in groups:
        assert g["photos"][0]["path"] == g["keep"] and g["why"]
        assert all(0.0 <= p["distance"] <= 1.0 for p in g["photos"])

    with_similar = json.loads(run(home, "duplicates", "--json", "--similar").stdout)
    bursts = [{Path(p["path"]).name for p in g["photos"]} for g in with_similar if g["kind"] == "similar"]
    assert {"motorcycle_left.png", "motorcycle_right.png"} in bursts
    assert {"hubble_deep_field-burst1.jpg", "hubble_deep_field-burst2.jpg"} in bursts
    assert not any("hubble_deep_field-elsewhere.jpg" in b for b in bursts)


def test_duplicates_text_says_what_to_keep_and_why(home):
    done = run(home, "duplicates")
    assert done.returncode == 0
    assert "near copies (7 photos); keep " in done.stdout and "1 exact group, 5 near groups" in done.stdout
    # in a near group, the byte copy of the kept photo is marked as the same file
    lines = done.stdout.splitlines()
    kept = next(ln for ln in lines if ln.startswith("near copies") and "/coffee" in ln).split("keep ")[1]
    twin = str(
        home["folder"]
        / ("coffee.png" if kept.startswith(str(home["folder"] / "coffee-copy")) else "coffee-copy.png")
    )
    assert f"  same   {twin}" in lines
    # in the reader's language: the same groups, in Chinese
    env = {k: v for k, v in home["env"].items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    chinese = run(home, "duplicates", env=dict(env, LANG="zh_CN.UTF-8"))
    assert chinese.returncode == 0
    assert "近似副本（7 张照片）；保留 " in chinese.stdout and "1 组完全相同, 5 组近似" in chinese.stdout


def test_bad_input_gets_one_line(home, tmp_path):
    for args, expected in [
        (("similar", tmp_path / "nope.jpg"), "no such file"),
        (("similar", REPO / "README.md"), "is not in the library"),
        (("similar", home["folder"] / "coffee.png", "--limit", "0"), "--limit"),
    ]:
        done = run(home, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1

    empty = dict(home["env"], RESNET_DESKTOP_LIBRARY=str(tmp_path / "none.sqlite3"))
    done = run(home, "duplicates", env=empty)
    assert done.returncode == 2 and "no library at" in done.stderr

    # a library of one photo that is not tagged yet, then tagged
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.png").write_bytes(dupset.source("coffee.png").read_bytes())
    lib_env = dict(home["env"], RESNET_DESKTOP_LIBRARY=str(tmp_path / "one.sqlite3"))
    from resnet_desktop.core.library import Library

    with Library(tmp_path / "one.sqlite3") as lib:
        lib.add_pending([(one / "a.png", 1, 1)])
    done = run(home, "similar", one / "a.png", env=lib_env)
    assert done.returncode == 2 and "no photo in the library is tagged yet" in done.stderr
    assert run(home, "index", one, env=lib_env).returncode == 0
    done = run(home, "similar", one / "a.png", env=lib_env)
    assert done.returncode == 0 and "No other photo to compare with" in done.stdout
    done = run(home, "duplicates", env=lib_env)
    assert done.returncode == 0 and done.stdout.strip() == "No duplicates among 1 photo."
