"""Smart-album rules: each key filters as documented; bad rules fail with a clear ValueError."""

from __future__ import annotations

import sqlite3

import pytest

from resnet_desktop.core.albums import BUILTIN_ALBUMS, RULE_KEYS, compile_rule, validate_rule
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library


@pytest.fixture
def photos(tmp_path):
    """A small library: name -> id, with varied labels, dates, folders, cameras, statuses."""
    lib = Library(tmp_path / "lib.sqlite3")
    root = tmp_path / "Pictures"
    spec = {
        # name: (relative path, predictions, taken_at, camera)
        "cat": (
            "Trips/Rome/cat.jpg",
            [(281, "tabby", 0.8), (282, "tiger cat", 0.1)],
            "2024-03-10T09:00:00",
            "Canon EOS R6",
        ),
        "dog": (
            "Trips/dog.jpg",
            [(207, "golden retriever", 0.6), (281, "tabby", 0.3)],
            "2023-07-01T12:00:00",
            "NIKON D750",
        ),
        "car": ("Home/car.jpg", [(817, "sports car", 0.4)], None, "Apple iPhone 12"),
        "vague": (
            "Home/vague.jpg",
            [(400, "academic gown", 0.05), (401, "accordion", 0.04)],
            "2024-12-31T23:59:59",
            None,
        ),
    }
    ids = {}
    for name, (rel, preds, taken_at, camera) in spec.items():
        (pid,) = lib.add_pending([(root / rel, 10, 1_600_000_000 * 10**9)])  # file date 2020-09-13
        lib.save_result(
            pid,
            size=10,
            mtime_ns=1_600_000_000 * 10**9,
            content_hash=name,
            width=1,
            height=1,
            taken_at=taken_at,
            camera=camera,
            model="resnet18",
            predictions=[Prediction(r, i, label, p) for r, (i, label, p) in enumerate(preds, start=1)],
            embedding=None,
        )
        ids[name] = pid
    (ids["pending"],) = lib.add_pending([(root / "Trips" / "new.jpg", 1, 1_700_000_000 * 10**9)])
    (ids["broken"],) = lib.add_pending([(root / "Home" / "broken.jpg", 1, 1)])
    lib.save_failure(ids["broken"], "not an image")
    lib.set_user_tags(ids["car"], add=["my car"])
    yield lib, ids, root
    lib.close()


def match(lib, ids, rule) -> set[str]:
    names = {v: k for k, v in ids.items()}
    return {names[r.id] for r in lib.photos(rule=rule)}


def test_each_rule_key_filters(photos):
    lib, ids, root = photos
    assert match(lib, ids, {}) == set(ids)
    assert match(lib, ids, {"labels_any": ["cat", "sports car"]}) == {"cat", "dog", "car"}
    assert match(lib, ids, {"labels_any": ["cats"], "min_confidence": 0.5}) == {"cat"}
    assert match(lib, ids, {"labels_all": ["dog", "tabby"]}) == {"dog"}
    assert match(lib, ids, {"labels_all": ["dog", "tabby"], "min_confidence": 0.35}) == set()
    assert match(lib, ids, {"labels_any": ["vehicles"]}) == {"car"}  # category
    assert match(lib, ids, {"labels_any": ["my car"]}) == {"car"}  # user tag
    assert match(lib, ids, {"min_confidence": 0.5}) == {"cat", "dog"}
    assert match(lib, ids, {"max_confidence": 0.1}) == {"vague"}  # only classified photos
    # dates: EXIF capture time, else the file's date (2020-09-13 for "car")
    assert match(lib, ids, {"date_from": "2024-01-01"}) == {"cat", "vague"}
    assert match(lib, ids, {"date_to": "2024-12-31", "date_from": "2024-12-31"}) == {"vague"}  # inclusive
    assert match(lib, ids, {"date_from": "2020-09-01", "date_to": "2020-12-31"}) == {"car"}
    # "pending" has no EXIF date; its file date is 2023-11-14
    assert match(lib, ids, {"date_to": "2024-03-10T08:00:00", "date_from": "2023-01-01"}) == {
        "dog",
        "pending",
    }
    assert match(lib, ids, {"folder": str(root / "Trips")}) == {"cat", "dog", "pending"}  # subfolders count
    assert match(lib, ids, {"folder": str(root / "Trips") + "/"}) == {"cat", "dog", "pending"}
    assert match(lib, ids, {"folder": str(root / "Trips" / "Rome")}) == {"cat"}
    assert match(lib, ids, {"folder": str(root / "Trip")}) == set()  # a prefix of a name is not a parent
    assert match(lib, ids, {"camera": "canon"}) == {"cat"}
    assert match(lib, ids, {"camera": "%"}) == set()  # LIKE wildcards are literal
    assert match(lib, ids, {"user_tagged": True}) == {"car"}
    assert match(lib, ids, {"user_tagged": False}) == set(ids) - {"car"}
    assert match(lib, ids, {"status": "failed"}) == {"broken"}
    assert match(lib, ids, {"status": ["pending", "failed"]}) == {"pending", "broken"}
    assert match(lib, ids, {"added_within_days": 1}) == set(ids)
    lib.create_album("Keep")
    lib.add_to_album("Keep", [ids["dog"]])
    assert match(lib, ids, {"album": "Keep"}) == {"dog"}
    assert match(lib, ids, {"labels_any": ["dog"], "folder": str(root / "Home")}) == set()
    assert lib.count(rule={"labels_any": ["cat"]}, search="retriever") == 1


def test_added_within_days_and_recent(photos):
    lib, ids, _ = photos
    db = sqlite3.connect(lib.path)
    db.execute("UPDATE photos SET added_at = '2001-01-01T00:00:00'")
    db.execute(
        "UPDATE photos SET added_at = '2001-06-01T10:00:00' WHERE id IN (?, ?)", (ids["cat"], ids["dog"])
    )
    db.commit()
    db.close()
    assert match(lib, ids, {"added_within_days": 30}) == set()
    # nothing in 30 days: "recent" shows the last import instead of an empty album
    assert match(lib, ids, BUILTIN_ALBUMS["recent"]) == {"cat", "dog"}
    (new,) = lib.add_pending([(lib.path.parent / "fresh.jpg", 1, 1)])
    assert {r.id for r in lib.photos(rule=BUILTIN_ALBUMS["recent"])} == {new}


def test_builtin_albums(photos):
    lib, ids, _ = photos
    assert set(BUILTIN_ALBUMS) == {"all", "recent", "untagged", "failed"}
    assert match(lib, ids, BUILTIN_ALBUMS["all"]) == set(ids)
    assert match(lib, ids, BUILTIN_ALBUMS["failed"]) == {"broken"}
    assert match(lib, ids, BUILTIN_ALBUMS["untagged"]) == {"vague"}
    lib.set_user_tags(ids["vague"], add=["graduation"])
    assert match(lib, ids, BUILTIN_ALBUMS["untagged"]) == set()
    # removing the only confident label makes a photo untagged
    lib.set_user_tags(ids["cat"], remove=["tabby"])
    assert match(lib, ids, BUILTIN_ALBUMS["untagged"]) == {"cat"}
    for rule in BUILTIN_ALBUMS.values():
        validate_rule(rule)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("cats", "JSON object"),
        ({"colour": "red"}, "unknown rule key 'colour'"),
        ({"labels_any": "cat"}, "labels_any"),
        ({"labels_any": ["cat", ""]}, "labels_any"),
        ({"labels_all": [3]}, "labels_all"),
        ({"min_confidence": 1.5}, "min_confidence"),
        ({"min_confidence": "high"}, "min_confidence"),
        ({"min_confidence": True}, "min_confidence"),
        ({"max_confidence": -0.1}, "max_confidence"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2024-13-01"}, "date_to"),
        ({"date_to": 2024}, "date_to"),
        ({"folder": ""}, "folder"),
        ({"folder": 5}, "folder"),
        ({"camera": ""}, "camera"),
        ({"user_tagged": "yes"}, "user_tagged"),
        ({"status": "deleted"}, "status"),
        ({"status": []}, "status"),
        ({"added_within_days": 0}, "added_within_days"),
        ({"added_within_days": "7"}, "added_within_days"),
        ({"recent": False}, "recent"),
        ({"album": ""}, "album"),
    ],
)
def test_invalid_rules_raise_clear_value_errors(rule, message):
    with pytest.raises(ValueError, match=message):
        compile_rule(rule)


def test_compile_rule_returns_parameterised_sql():
    sql, params = compile_rule({"camera": "x'); DROP TABLE photos; --", "status": "ok"})
    assert "DROP" not in sql and params[0] == "%x'); DROP TABLE photos; --%"
    assert compile_rule(None) == ("1", [])
    assert set(RULE_KEYS) >= {
        "labels_any",
        "labels_all",
        "min_confidence",
        "date_from",
        "date_to",
        "folder",
        "camera",
        "user_tagged",
        "status",
        "added_within_days",
    }
