"""The library notices what changed on disk, and two runs share the work (issue 11, items 6 and 9)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from resnet_desktop.core.library import Library
from resnet_desktop.core.pipeline import Indexer
from tests.fakes import ColourClassifier, make_photo

RED, BLUE = (220, 20, 20), (20, 20, 220)


def index(lib_path, folder, classifier=None, **kw):
    classifier = classifier or ColourClassifier()
    return Indexer(lib_path, lambda: classifier, batch_size=2).run([str(folder)], **kw)


def top_label(lib_path, path) -> str | None:
    with Library(lib_path) as lib:
        return lib.get_by_path(path).top_label


def two_runs_at_once(lib: Path, folder: Path) -> tuple[dict, dict]:
    """Two indexers over one folder in two threads, both past planning before either loads its
    model: ({"a", "b"}: their ColourClassifier, {"a", "b"}: their IndexSummary)."""
    both_planned = threading.Barrier(2)
    classifiers = {"a": ColourClassifier(), "b": ColourClassifier()}
    summaries = {}

    def run(name):
        def factory():  # the model loads once a run knows what to do: both get this far together
            both_planned.wait(timeout=30)
            return classifiers[name]

        summaries[name] = Indexer(lib, factory, batch_size=2).run([str(folder)])

    threads = [threading.Thread(target=run, args=(name,)) for name in classifiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return classifiers, summaries


def test_a_photo_replaced_by_another_with_the_same_size_and_mtime_is_tagged_again(tmp_path):
    folder = tmp_path / "photos"
    photo = make_photo(folder / "a.bmp", RED, size=(64, 64))
    other = make_photo(tmp_path / "b.bmp", BLUE, size=(64, 64))
    assert photo.stat().st_size == other.stat().st_size  # same-size BMPs
    lib = tmp_path / "lib.sqlite3"
    index(lib, folder)
    assert top_label(lib, photo) == "tabby"
    with Library(lib) as library:
        library.set_user_tags(library.get_by_path(photo).id, add=["mine"])

    st = photo.stat()
    shutil.copyfile(other, tmp_path / "incoming.bmp")
    os.utime(tmp_path / "incoming.bmp", ns=(st.st_atime_ns, st.st_mtime_ns))  # like `touch -r`
    os.replace(tmp_path / "incoming.bmp", photo)  # a copy tool replacing the file
    assert (photo.stat().st_size, photo.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)

    summary = index(lib, folder)
    assert summary.unchanged == 0 and summary.indexed + summary.retagged == 1
    assert top_label(lib, photo) == "sports car"
    with Library(lib) as library:
        assert "mine" in [t.tag for t in library.tags(library.get_by_path(photo).id)]

    # and nothing is read again when nothing changed
    assert index(lib, folder).unchanged == 1


def test_two_runs_on_one_folder_do_not_both_classify_everything(tmp_path):
    folder = tmp_path / "photos"
    for i in range(24):
        make_photo(folder / f"p{i:02d}.png", (200, 10 * i, 20), size=(64, 64))
    lib = tmp_path / "lib.sqlite3"
    classifiers, summaries = two_runs_at_once(lib, folder)
    classified = sum(sum(c.batches) for c in classifiers.values())
    assert classified == 24, {n: c.batches for n, c in classifiers.items()}
    a, b = summaries["a"], summaries["b"]
    assert a.indexed + b.indexed == 24
    assert a.skipped_busy + b.skipped_busy == 24  # the run that got none says it left them
    with Library(lib) as library:
        assert library.count(rule={"status": "ok"}) == 24
    # and a later run, with no other run going, takes over nothing left behind
    assert index(lib, folder).unchanged == 24


def test_two_runs_claiming_a_few_at_a_time_still_classify_each_photo_once(tmp_path, monkeypatch):
    """Jobs stream from the library and are claimed a chunk at a time (flat memory): with
    small chunks the two runs take turns, and still no photo is classified twice."""
    from resnet_desktop.core import pipeline

    monkeypatch.setattr(pipeline, "CLAIM_CHUNK", 3)
    folder = tmp_path / "photos"
    for i in range(24):
        make_photo(folder / f"p{i:02d}.png", (200, 10 * i, 20), size=(64, 64))
    lib = tmp_path / "lib.sqlite3"
    classifiers, summaries = two_runs_at_once(lib, folder)
    assert sum(sum(c.batches) for c in classifiers.values()) == 24
    a, b = summaries["a"], summaries["b"]
    assert a.indexed + b.indexed == 24
    assert a.skipped_busy + b.skipped_busy == 24
    with Library(lib) as library:
        assert library.count(rule={"status": "ok"}) == 24
        assert library.query("SELECT count(*) FROM index_claims") == [(0,)]  # both released theirs
    assert index(lib, folder).unchanged == 24


def test_claims_left_by_a_killed_run_are_taken_over(tmp_path):
    folder = tmp_path / "photos"
    for i in range(4):
        make_photo(folder / f"p{i}.png", (200, 30 * i, 20), size=(64, 64))
    lib = tmp_path / "lib.sqlite3"
    with Library(lib) as library:
        ids = library.add_pending([(folder / f"p{i}.png", 1, 1) for i in range(4)])
        dead = "somewhere-else-not:999999999:x"
        assert library.claim(ids, dead, lambda owner: True) == set(ids)
    # a claim from this host by a process that no longer exists
    import socket

    with Library(lib) as library:
        library.release(dead)
        gone = f"{socket.gethostname()}:999999999:x"
        library.claim(ids, gone, lambda owner: True)
    summary = index(lib, folder)
    assert summary.indexed == 4 and summary.skipped_busy == 0
