"""Hostile input on the command line (issue 11): special files, huge rules, read-only
libraries, escape codes, foreign files. Each runs the real CLI, bounded in time and memory,
and reads what a person would see."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bounded import run_cli
from tests.fakes import make_photo


def one_clear_line(outcome) -> str:
    assert outcome.killed is None, f"killed ({outcome.killed}) after {outcome.seconds:.0f} s"
    assert "Traceback" not in outcome.stderr, outcome.stderr
    lines = [line for line in outcome.stderr.splitlines() if line.startswith("resnet-desktop: ")]
    assert len(lines) == 1, outcome.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    path = tmp_path / "y.jpg"
    os.mkfifo(path)
    return path


@pytest.fixture
def zero_link(tmp_path) -> Path:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this system")
    path = tmp_path / "x.jpg"
    path.symlink_to("/dev/zero")
    return path


# -- 1. special files --------------------------------------------------------------------------


def test_classify_a_fifo_named_like_a_photo_says_what_it_is(fifo):
    result = run_cli("classify", fifo, timeout=60)
    assert result.killed is None, "classify hung on a FIFO"
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{fifo}: not a regular file (a named pipe (FIFO))" in result.stderr


def test_classify_a_link_to_dev_zero_is_refused_without_reading_it(zero_link):
    result = run_cli("classify", zero_link, timeout=60, max_rss_mb=1500)
    assert result.killed is None, f"classify on /dev/zero was killed ({result.killed})"
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not a regular file (a character device)" in result.stderr


def test_rule_file_that_never_ends_is_refused(tmp_path, zero_link):
    result = run_cli(
        "--library", tmp_path / "lib.sqlite3", "albums", "create", "Z", "--rule-file", zero_link,
        timeout=60, max_rss_mb=1500,
    )  # fmt: skip
    line = one_clear_line(result)
    assert result.returncode == 2 and "not a regular file" in line


def test_rule_file_over_a_megabyte_is_refused(tmp_path):
    big = tmp_path / "rule.json"
    big.write_text(json.dumps({"labels_any": ["cat"] * 300_000}))
    result = run_cli("--library", tmp_path / "lib.sqlite3", "albums", "create", "Z", "--rule-file", big)
    line = one_clear_line(result)
    assert result.returncode == 2 and "too large" in line and "1 MB" in line


def test_index_given_a_fifo_says_what_it_is(tmp_path, fifo):
    result = run_cli("--library", tmp_path / "lib.sqlite3", "index", fifo, timeout=120)
    assert result.killed is None
    said = [line for line in (result.stdout + result.stderr).splitlines() if str(fifo) in line]
    assert said and all("not found" not in line for line in said), said
    assert any("named pipe (FIFO)" in line for line in said), said


# -- 2 and 3. rules that cannot be stored, or parsed ---------------------------------------------


def test_a_rule_too_large_to_run_is_not_stored_and_others_still_list(tmp_path):
    lib = tmp_path / "lib.sqlite3"
    assert (
        run_cli("--library", lib, "albums", "create", "Cats", "--rule", '{"labels_any": ["cat"]}').returncode
        == 0
    )
    huge = json.dumps({"labels_any": [f"word{i}" for i in range(3001)]})
    result = run_cli("--library", lib, "albums", "create", "Huge", "--rule", huge)
    line = one_clear_line(result)
    assert result.returncode == 2 and "nothing was lost" not in line and "Huge" not in line or "rule" in line
    listed = run_cli("--library", lib, "albums", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Cats" in listed.stdout and "Huge" not in listed.stdout
    assert run_cli("--library", lib, "albums", "show", "Cats").returncode == 0


def test_a_stored_album_that_cannot_run_does_not_break_listing_the_others(tmp_path):
    lib = tmp_path / "lib.sqlite3"
    assert (
        run_cli("--library", lib, "albums", "create", "Cats", "--rule", '{"labels_any": ["cat"]}').returncode
        == 0
    )
    # an album stored by an older version, before rules were checked this way
    with sqlite3.connect(lib) as db:
        rule = json.dumps({"labels_any": [f"word{i}" for i in range(3001)]})
        db.execute(
            "INSERT INTO albums (name, kind, rule, created_at) VALUES ('Old', 'smart', ?, '2024-01-01')",
            (rule,),
        )
    listed = run_cli("--library", lib, "albums", "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "Cats" in listed.stdout and "Old" in listed.stdout
    shown = run_cli("--library", lib, "albums", "show", "Old")
    assert shown.returncode == 2 and "Old" in one_clear_line(shown)


def test_a_search_of_a_thousand_words_says_so(tmp_path):
    lib = tmp_path / "lib.sqlite3"
    run_cli("--library", lib, "albums", "create", "M")
    result = run_cli("--library", lib, "search", *[f"w{i}" for i in range(1000)])
    line = one_clear_line(result)
    assert result.returncode == 2 and "words" in line and "could not be read or written" not in line


@pytest.mark.parametrize(
    "rule",
    ['{"labels_any":' * 5000 + "[]" + "}" * 5000, '{"min_confidence": ' + "9" * 5001 + "}"],
    ids=["nested-5000", "5001-digits"],
)
def test_rules_that_python_cannot_parse_get_one_line(tmp_path, rule):
    path = tmp_path / "rule.json"
    path.write_text(rule)
    for how in (("--rule-file", path), ("--rule", rule)):
        result = run_cli("--library", tmp_path / "lib.sqlite3", "albums", "create", "A", *how)
        line = one_clear_line(result)
        assert result.returncode == 2 and "rule" in line


# -- 5. read-only library ----------------------------------------------------------------------


def _read_only_runner(folder: Path):
    """A prefix that runs a command with ``folder`` read-only, or None when this system can't."""
    if os.geteuid() != 0:
        return None
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}'",
        ],
        capture_output=True,
    )
    if probe.returncode != 0:
        return None
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' && exec \"$@\""
    return ["unshare", "-m", "sh", "-c", script, "sh"]


def test_a_library_in_a_read_only_folder_can_be_searched_but_not_written(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    lib = folder / "lib.sqlite3"
    photos = tmp_path / "photos"
    make_photo(photos / "red.jpg", (220, 20, 20))
    assert run_cli("--library", lib, "albums", "create", "Mine").returncode == 0
    assert run_cli("--library", lib, "index", photos, timeout=300).returncode == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    prefix = _read_only_runner(folder)
    if prefix is None:
        if os.geteuid() == 0:
            pytest.skip("running as root without mount namespaces: a folder cannot be made read-only")
        folder.chmod(0o555)
        lib.chmod(0o444)
        prefix = []
    try:
        searched = run_cli("--library", lib, "search", "red", prefix=prefix)
        assert searched.returncode == 0, searched.stderr
        assert "red.jpg" in searched.stdout or "No photos match" in searched.stdout
        listed = run_cli("--library", lib, "albums", "list", prefix=prefix)
        assert listed.returncode == 0 and "Mine" in listed.stdout, listed.stderr
        tagged = run_cli("--library", lib, "tag", photos / "red.jpg", "+holiday", prefix=prefix)
        line = one_clear_line(tagged)
        assert tagged.returncode == 2 and "read-only" in line and "not a ResNet Desktop library" not in line
    finally:
        folder.chmod(0o755)
        lib.chmod(0o644)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# -- 7. escape codes -----------------------------------------------------------------------------


def test_escape_codes_in_names_and_tags_are_not_sent_to_the_terminal(tmp_path):
    photos = tmp_path / "photos"
    evil = photos / "a\x1b]0;pwned\x07\x1b[2J.jpg"
    make_photo(evil, (220, 20, 20))
    lib = tmp_path / "lib.sqlite3"
    assert run_cli("--library", lib, "index", photos, timeout=300).returncode == 0
    tagged = run_cli("--library", lib, "tag", evil, "+x\x1b[31mred\x1b[0m")
    assert tagged.returncode == 0, tagged.stderr
    assert "\x1b" not in tagged.stdout and "\\x1b[31mred" in tagged.stdout
    found = run_cli("--library", lib, "search", "red")
    assert found.returncode == 0 and "1 photo" in found.stdout
    assert "\x1b" not in found.stdout and "\x07" not in found.stdout
    assert "\\x1b]0;pwned\\x07" in found.stdout
    as_json = run_cli("--library", lib, "search", "red", "--json")
    assert json.loads(as_json.stdout)[0]["path"] == str(evil)  # JSON escapes them itself


# -- 8. never change what is not ours --------------------------------------------------------------


def test_a_foreign_sqlite_file_with_user_version_1_is_left_exactly_as_it_was(tmp_path):
    (tmp_path / "mine").mkdir()
    foreign = tmp_path / "mine" / "notes.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")
        db.execute("PRAGMA user_version = 1")
    db.close()
    before = foreign.read_bytes()
    result = run_cli("--library", foreign, "search", "cat")
    line = one_clear_line(result)
    assert result.returncode == 2 and "not a ResNet Desktop library" in line
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in foreign.parent.iterdir()) == ["notes.sqlite3"]  # no -wal, -shm


def test_search_on_a_missing_library_creates_nothing(tmp_path):
    lib = tmp_path / "not" / "there" / "lib.sqlite3"
    result = run_cli("--library", lib, "search", "cat")
    assert result.returncode == 2 and "resnet-desktop index" in one_clear_line(result)
    assert not (tmp_path / "not").exists()


def test_no_raw_pillow_warning_reaches_stderr(tmp_path):
    import struct

    from PIL import Image

    # EXIF whose camera-make tag points past the end of the data: Pillow warns while reading it
    ifd = struct.pack("<2sHIH", b"II", 42, 8, 1) + struct.pack("<HHII", 0x010F, 2, 100, 1000) + b"\0" * 4
    path = tmp_path / "bad_exif.jpg"
    Image.new("RGB", (300, 300), (200, 0, 0)).save(path, exif=b"Exif\0\0" + ifd)
    result = run_cli("classify", path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "UserWarning" not in result.stderr and "warnings.warn" not in result.stderr, result.stderr


def test_cli_broken_pipe_is_quiet(tmp_path):
    lib = tmp_path / "lib.sqlite3"
    assert run_cli("--library", lib, "albums", "create", "A").returncode == 0
    with sqlite3.connect(lib) as db:  # enough albums that the listing outgrows a pipe's buffer
        db.executemany(
            "INSERT INTO albums (name, kind, created_at) VALUES (?, 'manual', '2024-01-01')",
            [(f"album {i:05d}",) for i in range(3000)],
        )
    db.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        f"'{sys.executable}' -m resnet_desktop --library '{lib}' albums list | head -c 1",
        shell=True, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr, proc.stderr
