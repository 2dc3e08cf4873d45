"""The indexing pipeline: incremental runs, moves, missing files, bad input, interruption."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from resnet_desktop.core import pipeline
from resnet_desktop.core.library import Library
from resnet_desktop.core.pipeline import Indexer, scan
from resnet_desktop.core.thumbs import ThumbCache
from tests.fakes import ColourClassifier, make_photo

RED, GREEN, BLUE = (220, 20, 20), (20, 220, 20), (20, 20, 220)


@pytest.fixture
def photos(tmp_path) -> Path:
    root = tmp_path / "Pictures"
    make_photo(root / "red1.jpg", RED)
    make_photo(root / "red2.png", RED)
    make_photo(root / "trip" / "green1.jpg", GREEN)
    make_photo(root / "trip" / "blue1.webp", BLUE)
    make_photo(root / "trip" / "deeper" / "green2.jpg", GREEN)
    (root / "notes.txt").write_text("not a photo, not even named like one")
    return root


def run(library_path, paths, classifier=None, **kw):
    classifier = classifier or ColourClassifier()
    thumbs = kw.pop("thumbs", None)
    indexer = Indexer(library_path, lambda: classifier, batch_size=kw.pop("batch_size", 2), thumbs=thumbs)
    return indexer.run([str(p) for p in paths], **kw)


def rows_by_name(library_path) -> dict[str, object]:
    lib = Library(library_path)
    try:
        return {os.path.basename(row.path): row for row in lib.photos()}
    finally:
        lib.close()


def file_fingerprints(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return out


def test_index_tags_every_photo_and_writes_thumbnails(tmp_path, photos):
    lib_path = tmp_path / "lib.sqlite3"
    thumbs = ThumbCache(tmp_path / "thumbs")
    before = file_fingerprints(photos)
    summary = run(lib_path, [photos], thumbs=thumbs)

    assert summary.indexed == 5 and not summary.failed and not summary.cancelled
    rows = rows_by_name(lib_path)
    assert set(rows) == {"red1.jpg", "red2.png", "green1.jpg", "blue1.webp", "green2.jpg"}
    assert rows["red1.jpg"].top_label == "tabby"
    assert rows["green2.jpg"].top_label == "espresso"
    assert rows["blue1.webp"].top_label == "sports car"
    for row in rows.values():
        assert row.status == "ok" and row.model == "fake-colour"
        assert (row.width, row.height) == (320, 240)
        assert thumbs.has(row.content_hash)
    # The engine never writes to or deletes the user's photos.
    assert file_fingerprints(photos) == before


def test_second_run_reads_nothing_unchanged(tmp_path, photos, monkeypatch):
    lib_path = tmp_path / "lib.sqlite3"
    run(lib_path, [photos])
    reads = []
    real_read = pipeline.read_photo_bytes
    monkeypatch.setattr(pipeline, "read_photo_bytes", lambda p, *a: reads.append(p) or real_read(p, *a))

    summary = run(lib_path, [photos])
    assert (summary.indexed, summary.unchanged, summary.missing) == (0, 5, 0)
    assert reads == []

    make_photo(photos / "new.jpg", BLUE)
    summary = run(lib_path, [photos])
    assert (summary.indexed, summary.unchanged) == (1, 5)
    assert [Path(p).name for p in reads] == ["new.jpg"]


def test_folder_given_twice_or_nested_is_indexed_once(tmp_path, photos):
    assert len(list(scan([photos, photos / "trip", photos]))) == 5
    summary = run(tmp_path / "lib.sqlite3", [photos, photos / "trip", photos / "trip" / "deeper"])
    assert summary.indexed == 5
    assert len(rows_by_name(tmp_path / "lib.sqlite3")) == 5


def test_moved_photo_keeps_its_tags_and_deleted_one_is_marked_missing(tmp_path, photos):
    lib_path = tmp_path / "lib.sqlite3"
    run(lib_path, [photos])
    before = rows_by_name(lib_path)
    lib = Library(lib_path)
    with lib.transaction():
        lib.set_user_tags(before["red1.jpg"].id, add=["holiday"], remove=["tabby"])
    lib.close()

    (photos / "archive").mkdir()
    os.rename(photos / "red1.jpg", photos / "archive" / "renamed.jpg")
    os.remove(photos / "trip" / "blue1.webp")
    summary = run(lib_path, [photos])

    assert (summary.moved, summary.missing, summary.indexed) == (1, 1, 0)
    after = rows_by_name(lib_path)
    moved = after["renamed.jpg"]
    assert moved.id == before["red1.jpg"].id and moved.status == "ok"
    assert "red1.jpg" not in after
    lib = Library(lib_path)
    tags = {t.tag: t.source for t in lib.tags(moved.id)}
    lib.close()
    assert tags.get("holiday") == "user" and "tabby" not in tags
    # Missing, not forgotten: the row and its labels stay.
    assert after["blue1.webp"].status == "missing"
    assert after["blue1.webp"].top_label == "sports car"


def test_photo_moved_to_a_folder_indexed_later_is_recognised(tmp_path, photos):
    lib_path = tmp_path / "lib.sqlite3"
    run(lib_path, [photos / "trip"])
    elsewhere = tmp_path / "Elsewhere"
    shutil.move(str(photos / "trip"), str(elsewhere))
    assert run(lib_path, [photos]).missing == 3
    summary = run(lib_path, [elsewhere])
    assert summary.moved == 3 and summary.indexed == 0
    assert all(
        r.status == "ok" for r in rows_by_name(lib_path).values() if "green" in r.name or "blue" in r.name
    )


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Bad files next to good ones; returns name -> a word the failure reason must contain."""
    good = make_photo(folder / "good.jpg", RED, size=(640, 480), quality=90)
    data = good.read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "text.jpg").write_text("hello, I am a text file")
    from PIL import Image

    bomb = Image.new("1", (20000, 10000))  # 200 megapixels, a few KB as PNG
    bomb.save(folder / "bomb.png")
    make_photo(folder / "猫的照片.jpg", GREEN)
    make_photo(folder / os.fsdecode(b"caf\xe9-latin1.png"), BLUE)
    return {
        "truncated.jpg": "truncated",
        "empty.jpg": "empty",
        "text.jpg": "not an image",
        "bomb.png": "bomb",
    }


def test_bad_files_are_recorded_with_a_reason_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "mixed"
    expected = _bad_inputs(folder)
    lib_path = tmp_path / "lib.sqlite3"
    summary = run(lib_path, [folder])

    reasons = {Path(p).name: r for p, r in summary.failed}
    assert set(reasons) == set(expected)
    for name, word in expected.items():
        assert word in reasons[name].lower(), (name, reasons[name])
    rows = rows_by_name(lib_path)
    assert rows["good.jpg"].status == "ok"
    assert rows["猫的照片.jpg"].status == "ok"
    latin1 = os.fsdecode(b"caf\xe9-latin1.png")
    assert rows[latin1].status == "ok" and rows[latin1].path == str(folder / latin1)
    for name in expected:
        assert rows[name].status == "failed" and rows[name].error


def test_unreadable_and_vanished_files_fail_cleanly(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    make_photo(folder / "a.jpg", RED)
    locked = make_photo(folder / "locked.jpg", GREEN)
    doomed = make_photo(folder / "doomed.jpg", BLUE)
    if os.geteuid() == 0:  # root reads anything: make the OS refuse exactly as it would a user
        real_open = os.open

        def guarded_open(path, *a, **k):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *a, **k)

        monkeypatch.setattr("os.open", guarded_open)
    else:
        locked.chmod(0)

    real_plan = Indexer._plan

    def plan_then_delete(self, *args, **kwargs):
        result = real_plan(self, *args, **kwargs)
        doomed.unlink()  # deleted between scan and decode
        return result

    monkeypatch.setattr(Indexer, "_plan", plan_then_delete)
    summary = run(tmp_path / "lib.sqlite3", [folder])
    reasons = {Path(p).name: r for p, r in summary.failed}
    assert "permission denied" in reasons["locked.jpg"]
    assert reasons["doomed.jpg"] == "file not found (deleted or moved since the scan)"
    assert summary.indexed == 1


def test_failures_do_not_erase_what_the_library_had(tmp_path):
    folder = tmp_path / "p"
    photo = make_photo(folder / "a.jpg", RED)
    lib_path = tmp_path / "lib.sqlite3"
    run(lib_path, [folder])
    photo.write_bytes(b"")  # the file is damaged later (size and mtime change)
    summary = run(lib_path, [folder])
    assert len(summary.failed) == 1
    row = rows_by_name(lib_path)["a.jpg"]
    assert row.status == "failed"
    lib = Library(lib_path)
    try:
        # What was learnt about the photo while it was good is kept.
        assert [p.label for p in lib.predictions(row.id)][:1] == ["tabby"]
    finally:
        lib.close()


def test_interrupt_leaves_a_consistent_library_and_the_next_run_resumes(tmp_path):
    folder = tmp_path / "many"
    for i in range(12):
        make_photo(folder / f"p{i:02d}.jpg", (RED, GREEN, BLUE)[i % 3], size=(96, 64))
    lib_path = tmp_path / "lib.sqlite3"

    def interrupt(progress):
        if progress.done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(lib_path, [folder], on_progress=interrupt)

    with sqlite3.connect(lib_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    statuses = [r.status for r in rows_by_name(lib_path).values()]
    assert len(statuses) == 12 and 4 <= statuses.count("ok") < 12
    assert set(statuses) <= {"ok", "pending"}

    summary = run(lib_path, [folder])
    assert summary.indexed == statuses.count("pending")
    assert summary.unchanged == statuses.count("ok")
    assert all(r.status == "ok" for r in rows_by_name(lib_path).values())


def test_cancel_stops_the_run(tmp_path):
    folder = tmp_path / "many"
    for i in range(20):
        make_photo(folder / f"p{i:02d}.png", RED, size=(64, 64))
    cancel = threading.Event()

    def stop_after_first_batch(progress):
        if progress.done:
            cancel.set()

    summary = run(tmp_path / "lib.sqlite3", [folder], on_progress=stop_after_first_batch, cancel=cancel)
    assert summary.cancelled
    assert 0 < summary.indexed < 20


def test_a_new_model_retags_but_keeps_user_tags(tmp_path, photos):
    lib_path = tmp_path / "lib.sqlite3"
    run(lib_path, [photos], ColourClassifier("model-a"))
    row = rows_by_name(lib_path)["red1.jpg"]
    lib = Library(lib_path)
    with lib.transaction():
        lib.set_user_tags(row.id, add=["grandma"])
    lib.close()

    summary = run(lib_path, [photos], ColourClassifier("model-b"))
    assert (summary.retagged, summary.indexed, summary.unchanged) == (5, 0, 0)
    rows = rows_by_name(lib_path)
    assert {r.model for r in rows.values()} == {"model-b"}
    lib = Library(lib_path)
    try:
        assert "grandma" in {t.tag for t in lib.tags(row.id) if t.source == "user"}
    finally:
        lib.close()


def test_callbacks_report_scanned_and_finished_photos(tmp_path, photos):
    scanned, finished, progress = [], [], []
    run(
        tmp_path / "lib.sqlite3",
        [photos],
        on_scanned=scanned.extend,
        on_photo_done=finished.extend,
        on_progress=progress.append,
    )
    assert len(scanned) == 5 and sorted(finished) == sorted(scanned)
    assert progress[-1].done == progress[-1].total == 5
    assert all(p.rate >= 0 for p in progress)


def test_new_photos_are_announced_before_the_model_loads(tmp_path, photos):
    """Loading a model takes seconds on first use; the photos must show up before that."""
    events: list[str] = []

    def slow_factory():
        events.append("model loaded")
        return ColourClassifier()

    indexer = Indexer(tmp_path / "lib.sqlite3", slow_factory)
    indexer.run([str(photos)], on_scanned=lambda ids: events.append(f"scanned {len(ids)}"))
    assert events == ["scanned 5", "model loaded"]


def test_photos_wanted_first_are_tagged_first(tmp_path):
    """The GUI names the tiles on screen; those are tagged before the rest, whatever the scan order."""
    folder = tmp_path / "photos"
    for i in range(20):
        make_photo(folder / f"p{i:02d}.jpg")
    lib_path = tmp_path / "lib.sqlite3"
    wanted: tuple[int, ...] = ()

    def on_scanned(ids: list[int]) -> None:
        nonlocal wanted
        wanted = tuple(ids[-4:])  # the last four found are the ones on screen

    batches: list[list[int]] = []
    indexer = Indexer(lib_path, ColourClassifier, batch_size=4, decode_threads=1, wanted_first=lambda: wanted)
    summary = indexer.run([str(folder)], on_scanned=on_scanned, on_photo_done=batches.append)
    assert summary.indexed == 20
    assert sorted(batches[0]) == sorted(wanted)
    with Library(lib_path) as lib:
        assert sorted(lib.get(i).name for i in wanted) == ["p16.jpg", "p17.jpg", "p18.jpg", "p19.jpg"]
