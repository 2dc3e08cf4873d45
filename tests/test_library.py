"""The SQLite library: schema, migrations, paths, results, user tags, transactions, reads."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading

import numpy as np
import pytest

from resnet_desktop.core import library as library_module
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import SCHEMA_VERSION, Library, LibraryError
from tests.fakes import record_result

TABBY, TIGER_CAT, GOLDEN, ESPRESSO, SPORTS_CAR, CATAMARAN = 281, 282, 207, 967, 817, 484


def preds(*items: tuple[int, str, float]) -> list[Prediction]:
    return [Prediction(rank, i, label, p) for rank, (i, label, p) in enumerate(items, start=1)]


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite3")
    yield library
    library.close()


def add(
    lib: Library,
    path,
    predictions=(),
    *,
    mtime_ns=1_700_000_000 * 10**9,
    taken_at=None,
    camera=None,
    content_hash=None,
) -> int:
    (photo_id,) = lib.add_pending([(path, 100, mtime_ns)])
    if predictions:
        lib.save_result(
            photo_id,
            size=100,
            mtime_ns=mtime_ns,
            content_hash=content_hash or f"h{photo_id}",
            width=640,
            height=480,
            taken_at=taken_at,
            camera=camera,
            model="resnet18",
            predictions=list(predictions),
            embedding=None,
        )
    return photo_id


def test_new_library_has_schema_and_settings(tmp_path):
    path = tmp_path / "sub" / "lib.sqlite3"
    with Library(path) as lib:
        assert lib.stats()["photos"] == 0
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"photos", "predictions", "tags", "embeddings", "albums", "album_photos"} <= tables
    raw.close()
    # reopening an up-to-date library makes no backup
    Library(path).close()
    assert not list(tmp_path.glob("sub/*.bak-*"))


def test_migration_ladder_backs_up_then_upgrades(tmp_path, monkeypatch):
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        photo_id = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.9)))

    current = len(library_module.MIGRATIONS)

    def to_next(db):
        db.execute("ALTER TABLE photos ADD COLUMN rating INTEGER")
        db.execute("UPDATE photos SET rating = 5")

    monkeypatch.setattr(library_module, "MIGRATIONS", [*library_module.MIGRATIONS, to_next])
    monkeypatch.setattr(library_module, "SCHEMA_VERSION", current + 1)
    with Library(path) as lib:
        assert lib.predictions(photo_id)[0].label == "tabby"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == current + 1
    assert raw.execute("SELECT rating FROM photos").fetchone()[0] == 5
    raw.close()
    backup = sqlite3.connect(tmp_path / f"lib.sqlite3.bak-v{current}")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == current
    assert backup.execute("SELECT count(*) FROM predictions").fetchone()[0] == 1
    backup.close()


def test_failed_migration_leaves_file_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.9)))
    current = len(library_module.MIGRATIONS)

    def broken(db):
        db.execute("ALTER TABLE photos ADD COLUMN rating INTEGER")
        raise RuntimeError("boom")

    monkeypatch.setattr(library_module, "MIGRATIONS", [*library_module.MIGRATIONS, broken])
    monkeypatch.setattr(library_module, "SCHEMA_VERSION", current + 1)
    with pytest.raises(LibraryError, match=f"from schema {current} to {current + 1} failed"):
        Library(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == current
    columns = {r[1] for r in raw.execute("PRAGMA table_info(photos)")}
    assert "rating" not in columns
    assert raw.execute("SELECT count(*) FROM photos").fetchone()[0] == 1
    raw.close()


def test_refuses_newer_schema_and_foreign_files(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(LibraryError, match="newer"):
        Library(newer)

    other = tmp_path / "other.sqlite3"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE notes (x)")
    raw.commit()
    raw.close()
    with pytest.raises(LibraryError, match="not a ResNet Desktop library"):
        Library(other)
    raw = sqlite3.connect(other)
    assert raw.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    raw.close()

    text = tmp_path / "text.sqlite3"
    text.write_bytes(b"this is not a database at all, just some words " * 20)
    before = text.read_bytes()
    with pytest.raises(LibraryError):
        Library(text)
    assert text.read_bytes() == before


def test_two_threads_creating_the_same_library(tmp_path):
    path = tmp_path / "lib.sqlite3"
    errors: list[BaseException] = []

    def open_it():
        try:
            Library(path).close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    with Library(path) as lib:
        assert lib.stats()["schema_version"] == SCHEMA_VERSION


@pytest.mark.skipif(sys.platform == "win32", reason="non-UTF-8 names are a POSIX thing")
def test_non_utf8_and_chinese_paths_round_trip(lib, tmp_path):
    weird = os.path.join(os.fsencode(tmp_path), b"caf\xe9-\xff.jpg")
    chinese = tmp_path / "照片" / "猫咪.jpg"
    ids = lib.add_pending([(weird, 1, 2), (chinese, 3, 4)])
    row = lib.get(ids[0])
    assert os.fsencode(row.path) == weird
    assert lib.get_by_path(row.path).id == ids[0]
    assert lib.get_by_path(weird).id == ids[0]
    assert "\ufffd" in row.display_path and "\ufffd" in row.name
    row.display_path.encode("utf-8")  # showable
    zh = lib.get_by_path(str(chinese))
    assert zh.id == ids[1] and zh.name == "猫咪.jpg" and zh.folder == str(tmp_path / "照片")
    assert dict(lib.folders())[str(tmp_path / "照片")] == 1
    assert [r.id for r in lib.photos(rule={"folder": str(tmp_path / "照片")})] == [ids[1]]


def test_add_pending_is_idempotent_and_keeps_existing(lib, tmp_path):
    first = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.9)))
    again = lib.add_pending([(tmp_path / "b.jpg", 1, 1), (tmp_path / "a.jpg", 5, 5)])
    assert again[1] == first
    assert lib.get(first).status == "ok" and lib.get(first).size == 100
    assert lib.get(again[0]).status == "pending"


def test_save_result_search_and_confidence(lib, tmp_path):
    cat = add(lib, tmp_path / "cat.jpg", preds((TABBY, "tabby", 0.7), (TIGER_CAT, "tiger cat", 0.2)))
    dog = add(lib, tmp_path / "dog.jpg", preds((GOLDEN, "golden retriever", 0.85)))
    boat = add(lib, tmp_path / "boat.jpg", preds((CATAMARAN, "catamaran", 0.6)))
    coffee = add(lib, tmp_path / "coffee.jpg", preds((ESPRESSO, "espresso", 0.05)))

    def found(search, **kw):
        return {r.id for r in lib.photos(search=search, **kw)}

    assert found("cat") == {cat}  # whole word: the catamaran is not a cat
    assert found("catamaran") == {boat}
    assert found("TABBY") == {cat}
    assert found("dogs") == {dog} and found("dog") == {dog}  # category: every breed
    assert found("golden retriever") == {dog}
    assert found('"golden retriever"') == {dog}
    assert found("golden cat") == set()  # all terms must match
    assert found("espresso") == {coffee}
    assert found("espresso", min_confidence=0.1) == set()
    assert found("tiger", min_confidence=0.3) == set()
    assert found("tiger", min_confidence=0.1) == {cat}
    assert found("drinks") == {coffee}
    assert found("vehicles") == {boat}
    assert found("zzz-no-such") == set()
    assert lib.count(search="cat") == 1
    row = lib.get(cat)
    assert (row.top_label, row.top_probability, row.status) == ("tabby", pytest.approx(0.7), "ok")
    assert [p.label for p in lib.predictions(cat)] == ["tabby", "tiger cat"]


def test_save_result_replaces_predictions_and_embedding(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.9), (TIGER_CAT, "tiger cat", 0.05)))
    vector = np.linspace(-1, 1, 512, dtype=np.float32)
    record_result(
        lib, photo, preds((GOLDEN, "golden retriever", 0.6)), model="efficientnet_lite0", embedding=vector
    )
    assert [p.label for p in lib.predictions(photo)] == ["golden retriever"]
    assert lib.get(photo).model == "efficientnet_lite0"
    np.testing.assert_allclose(lib.embedding(photo), vector, atol=1e-3)
    assert lib.count(search="tabby") == 0
    with pytest.raises(KeyError):
        record_result(lib, 9999)
    with pytest.raises(ValueError, match="outside 0..1"):
        record_result(lib, photo, preds((1, "goldfish", 7.0)))
    assert [p.label for p in lib.predictions(photo)] == ["golden retriever"]  # bad input lost nothing


def test_user_tags_win(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.8), (TIGER_CAT, "tiger cat", 0.15)))
    other = add(lib, tmp_path / "b.jpg", preds((TABBY, "tabby", 0.8)))
    lib.set_user_tags(photo, add=["Grandma's cat", "holiday"], remove=["Tabby"])
    assert {r.id for r in lib.photos(search="tabby")} == {other}  # removed label never matches
    assert {r.id for r in lib.photos(search="holiday")} == {photo}
    assert {r.id for r in lib.photos(search="grandma")} == {photo}
    assert {r.id for r in lib.photos(search="cat")} == {photo, other}  # via "tiger cat" and the user tag
    tags = {t.tag: t for t in lib.tags(photo)}
    assert set(tags) == {"tiger cat", "Grandma's cat", "holiday"}
    assert tags["holiday"].source == "user" and tags["tiger cat"].source == "auto"
    assert dict(lib.label_counts())["tabby"] == 1

    # re-tagging keeps the user's decisions, even when the removed label comes back
    record_result(lib, photo, preds((TABBY, "tabby", 0.9)), model="resnet18", content_hash="h")
    assert {t.tag for t in lib.tags(photo)} == {"Grandma's cat", "holiday"}
    assert {r.id for r in lib.photos(search="tabby")} == {other}

    # adding back what was removed flips the decision
    lib.set_user_tags(photo, add=["tabby"])
    assert {r.id for r in lib.photos(search="tabby")} == {photo, other}
    with pytest.raises(KeyError):
        lib.set_user_tags(12345, add=["x"])


def test_added_tag_matching_a_label_is_found_by_category(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((CATAMARAN, "catamaran", 0.9)))
    lib.set_user_tags(photo, add=["golden retriever"])
    assert [r.id for r in lib.photos(search="dog")] == [photo]


def test_move_keeps_tags_predictions_and_albums(lib, tmp_path):
    photo = add(lib, tmp_path / "old" / "a.jpg", preds((TABBY, "tabby", 0.8)))
    lib.set_user_tags(photo, add=["pet"])
    lib.create_album("Best")
    lib.add_to_album("Best", [photo])
    lib.mark_missing([photo])
    lib.move(photo, tmp_path / "new" / "b.jpg", 100, 5)
    row = lib.get(photo)
    assert row.path == str(tmp_path / "new" / "b.jpg") and row.status == "ok"
    assert lib.get_by_path(tmp_path / "old" / "a.jpg") is None
    assert {t.tag for t in lib.tags(photo)} == {"tabby", "pet"}
    assert [r.id for r in lib.album_photos("Best")] == [photo]
    assert [r.id for r in lib.photos(rule={"folder": str(tmp_path / "new")})] == [photo]


def test_move_onto_a_claimed_path_merges_user_data(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.8)))
    (squatter,) = lib.add_pending([(tmp_path / "b.jpg", 1, 1)])
    lib.set_user_tags(squatter, add=["keep me"])
    lib.move(photo, tmp_path / "b.jpg", 100, 1)
    assert lib.get(squatter) is None
    assert {t.tag for t in lib.tags(photo)} == {"tabby", "keep me"}


def test_mark_missing_and_failure_keep_data(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.8)), content_hash="abc")
    lib.set_user_tags(photo, add=["pet"])
    lib.mark_missing([photo])
    row = lib.get(photo)
    assert row.status == "missing" and row.content_hash == "abc"
    assert [r.id for r in lib.find_by_hash("abc")] == [photo]
    assert {t.tag for t in lib.tags(photo)} == {"tabby", "pet"}
    assert lib.count(rule={"status": "missing"}) == 1

    lib.save_failure(photo, "truncated JPEG", size=7, mtime_ns=8)
    row = lib.get(photo)
    assert (row.status, row.error, row.size, row.mtime_ns) == ("failed", "truncated JPEG", 7, 8)
    assert [p.label for p in lib.predictions(photo)] == ["tabby"]  # earlier good result kept
    assert {t.tag for t in lib.tags(photo)} == {"tabby", "pet"}


def test_remove_deletes_rows_not_files(lib, tmp_path):
    file = tmp_path / "a.jpg"
    file.write_bytes(b"not really a jpeg")
    photo = add(lib, file, preds((TABBY, "tabby", 0.8)))
    lib.set_user_tags(photo, add=["pet"])
    lib.remove([photo])
    assert lib.get(photo) is None and lib.predictions(photo) == [] and lib.tags(photo) == []
    assert file.read_bytes() == b"not really a jpeg"


def test_rollback_leaves_library_unchanged(lib, tmp_path):
    photo = add(lib, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.8)))
    with pytest.raises(RuntimeError):
        with lib.transaction():
            lib.add_pending([(tmp_path / "b.jpg", 1, 1)])
            record_result(lib, photo)
            lib.set_user_tags(photo, remove=["tabby"])
            raise RuntimeError("writer crashed")
    assert lib.count() == 1
    assert [p.label for p in lib.predictions(photo)] == ["tabby"]
    assert {t.tag for t in lib.tags(photo)} == {"tabby"}
    with lib.transaction():  # the connection is usable afterwards
        lib.add_pending([(tmp_path / "c.jpg", 1, 1)])
    assert lib.count() == 2


def test_reader_in_another_thread_works_while_writer_holds_transaction(tmp_path):
    path = tmp_path / "lib.sqlite3"
    writer = Library(path)
    add(writer, tmp_path / "a.jpg", preds((TABBY, "tabby", 0.8)))
    seen: dict[str, object] = {}

    def read():
        reader = Library(path)
        try:
            seen["count"] = reader.count()
            seen["search"] = [r.path for r in reader.photos(search="cat")]
        except Exception as exc:  # pragma: no cover - reported below
            seen["error"] = exc
        finally:
            reader.close()

    with writer.transaction():
        writer.add_pending([(tmp_path / "b.jpg", 1, 1)])
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(10)
        assert not thread.is_alive()
    writer.close()
    assert "error" not in seen
    assert seen["count"] == 1  # the reader sees the last committed state, without waiting
    assert seen["search"] == [str(tmp_path / "a.jpg")]


def test_sorts_and_paging(lib, tmp_path):
    day = 86_400 * 10**9
    a = add(lib, tmp_path / "b.jpg", preds((TABBY, "tabby", 0.5)), taken_at="2020-05-01T10:00:00")
    b = add(lib, tmp_path / "A.jpg", preds((TABBY, "tabby", 0.9)), mtime_ns=1_600_000_000 * 10**9)  # 2020-09
    c = add(
        lib, tmp_path / "c.jpg", preds((TABBY, "tabby", 0.7)), taken_at="2021:01:01 00:00:00"
    )  # EXIF form
    d = add(lib, tmp_path / "d.jpg", mtime_ns=1_500_000_000 * 10**9 + day)  # pending, no prediction, 2017
    assert [r.id for r in lib.photos(sort="taken")] == [c, b, a, d]
    assert [r.id for r in lib.photos(sort="name")] == [b, a, c, d]
    assert [r.id for r in lib.photos(sort="confidence")] == [b, c, a, d]
    assert [r.id for r in lib.photos(sort="added")] == [d, c, b, a]  # same second: newest id first
    assert [r.id for r in lib.photos(sort="taken", limit=2)] == [c, b]
    assert [r.id for r in lib.photos(sort="taken", limit=2, offset=2)] == [a, d]
    assert [r.id for r in lib.photos(sort="taken", offset=3)] == [d]
    assert lib.ids(sort="confidence") == [b, c, a, d]
    assert lib.ids(sort="taken", limit=1, offset=1) == [b]
    with pytest.raises(ValueError, match="unknown sort"):
        lib.photos(sort="size")


def test_counts_folders_stats(lib, tmp_path):
    add(lib, tmp_path / "x" / "1.jpg", preds((TABBY, "tabby", 0.8), (TIGER_CAT, "tiger cat", 0.1)))
    add(lib, tmp_path / "x" / "2.jpg", preds((TABBY, "tabby", 0.6)))
    add(lib, tmp_path / "y" / "3.jpg", preds((GOLDEN, "golden retriever", 0.6)))
    lib.add_pending([(tmp_path / "y" / "4.jpg", 1, 1)])
    assert lib.label_counts() == [("tabby", 2), ("golden retriever", 1), ("tiger cat", 1)]
    assert lib.label_counts(limit=1) == [("tabby", 2)]
    assert lib.label_counts(min_confidence=0.7) == [("tabby", 1)]
    assert lib.folders() == [(str(tmp_path / "x"), 2), (str(tmp_path / "y"), 2)]
    stats = lib.stats()
    assert stats["photos"] == 4 and stats["by_status"]["ok"] == 3 and stats["by_status"]["pending"] == 1
    assert stats["by_model"] == {"resnet18": 3}


def test_albums_manual_and_smart(lib, tmp_path):
    cat = add(lib, tmp_path / "cat.jpg", preds((TABBY, "tabby", 0.8)))
    dog = add(lib, tmp_path / "dog.jpg", preds((GOLDEN, "golden retriever", 0.8)))
    manual = lib.create_album("Favourites")
    smart = lib.create_album("Pets", {"labels_any": ["cat", "dog"]})
    assert [(a.name, a.kind) for a in lib.albums()] == [("Favourites", "manual"), ("Pets", "smart")]
    assert lib.album("favourites").id == manual and lib.album("Pets").rule == {"labels_any": ["cat", "dog"]}
    assert lib.album("Pets").id == smart
    lib.add_to_album("Favourites", [dog, dog, 9999])  # duplicates and unknown ids are ignored
    assert [r.id for r in lib.album_photos("Favourites")] == [dog]
    assert {r.id for r in lib.album_photos("Pets")} == {cat, dog}
    assert lib.count(rule={"album": "Favourites"}) == 1
    lib.remove_from_album("Favourites", [dog])
    assert lib.album_photos("Favourites") == []
    with pytest.raises(ValueError, match="exists already"):
        lib.create_album("favourites")
    with pytest.raises(ValueError, match="unknown rule key"):
        lib.create_album("Bad", {"colour": "red"})
    with pytest.raises(ValueError, match="smart album"):
        lib.add_to_album("Pets", [cat])
    with pytest.raises(KeyError):
        lib.album_photos("Nope")
    lib.delete_album("Pets")
    assert lib.album("Pets") is None and lib.get(cat) is not None
