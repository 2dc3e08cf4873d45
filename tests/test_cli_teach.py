"""`learn` and `suggest` as a person runs them: a subprocess, its output and exit code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bounded import cli
from tests.teach_helpers import clustered_library

REPO = Path(__file__).resolve().parents[1]


def run(library: Path, *args: str) -> subprocess.CompletedProcess:
    return cli("--library", library, *args, timeout=120)


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "lib.sqlite3"
    lib, subjects, files = clustered_library(path)
    lib.close()
    return path, subjects, files


def test_tag_learn_suggest_like_a_person(library):
    path, subjects, files = library
    boats = [files[i] for i in subjects["boat"]]
    first = run(path, "tag", boats[0], "+boat")
    assert first.returncode == 0, first.stderr
    out = run(path, "learn")
    assert out.returncode == 0, out.stderr
    assert "boat" in out.stdout and "needs 4 more examples (has 1 of 5)" in out.stdout
    for photo in boats[1:6]:
        assert run(path, "tag", photo, "+boat").returncode == 0

    out = run(path, "learn")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Learned 1 of 1 label from your tags")
    line = next(line for line in out.stdout.splitlines() if line.strip().startswith("boat"))
    # six different pictures: it suggests a few, and says its quality cannot be measured yet
    assert "6 examples" in line and "not enough different pictures to measure" in line
    assert "finds about" not in line and "suggestions" in line

    for photo in boats[6:10]:
        assert run(path, "tag", photo, "+boat").returncode == 0
    out = run(path, "learn", "--json")
    (report,) = json.loads(out.stdout)
    assert report["label"] == "boat" and report["status"] == "ready" and report["examples"] == 10
    assert 0 <= report["precision"] <= 1 and 0 <= report["recall"] <= 1
    assert report["quality"].startswith("finds about ") and "wrong in 10" in report["quality"]

    out = run(path, "suggest", "boat", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found and {"path", "label", "probability"} == set(found[0])
    assert [f["probability"] for f in found] == sorted((f["probability"] for f in found), reverse=True)
    paths = [f["path"] for f in found]
    assert not set(paths) & set(boats[:10])  # never a photo that already carries it
    assert len(set(paths) & set(boats[10:])) >= 0.3 * len(boats[10:])

    # tagging one of them (what accepting does) retrains on the next `suggest`, and it is gone
    assert run(path, "tag", paths[0], "+boat").returncode == 0
    out = run(path, "suggest")
    assert out.returncode == 0
    assert "re-learned your labels first" in out.stderr
    assert paths[0] not in out.stdout and paths[1] in out.stdout
    assert out.stdout.rstrip().endswith("suggestions")


def test_suggest_for_a_label_nobody_taught_is_one_clear_line(library):
    path, subjects, files = library
    out = run(path, "suggest", "boat")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "resnet-desktop: 'boat' is not one of your labels (yours: none yet); tag photos with it first"
    )
    assert "Traceback" not in out.stderr


def test_learn_without_tags_and_without_a_library(library, tmp_path):
    path, _subjects, _files = library
    out = run(path, "learn")
    assert out.returncode == 0
    assert out.stdout.startswith("No labels to learn yet: tag at least 5 photos")
    out = run(tmp_path / "nowhere.sqlite3", "suggest")
    assert out.returncode == 2
    assert "no library at" in out.stderr and "Traceback" not in out.stderr


def test_learn_and_suggest_speak_chinese(library):
    path, subjects, files = library
    from resnet_desktop.core.library import Library
    from tests.teach_helpers import tag

    with Library(path) as lib:
        tag(lib, subjects["boat"][:6], "boat")
        tag(lib, subjects["cat"][:2], "cat")
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "zh_CN.UTF-8"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, "-m", "resnet_desktop", "--library", str(path), "learn"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("从你的标签学习了 2 个中的 1 个")
    assert "不同的图还不够" in out.stdout and "还需要 3 个示例（已有 2 个，需要 5 个）" in out.stdout
    english = [w for w in re.findall(r"[A-Za-z]{3,}", out.stdout) if w not in ("boat", "cat")]
    assert english == []


def test_search_marks_photos_a_taught_label_only_suggests(library):
    path, subjects, files = library
    boats = [files[i] for i in subjects["boat"]]
    for photo in boats[:8]:
        assert run(path, "tag", photo, "+boat").returncode == 0
    assert run(path, "learn").returncode == 0
    suggested = {f["path"] for f in json.loads(run(path, "suggest", "boat", "--json").stdout)}
    assert suggested

    out = run(path, "search", "boat", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["path"]: r for r in json.loads(out.stdout)}
    assert set(boats[:8]) | suggested <= set(rows)
    assert all(rows[p]["match"]["kind"] == "tag" for p in boats[:8])  # confirmed by the person
    assert all(rows[p]["match"]["kind"] == "suggested" for p in suggested)

    out = run(path, "search", "boat")
    lines = {line.split()[-1]: line for line in out.stdout.splitlines()[:-1]}
    assert all("suggested: boat" in lines[p] for p in suggested)
    assert not any("suggested" in lines[p] for p in boats[:8])
