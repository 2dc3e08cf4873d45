"""Chinese names for the 1000 classes and the categories; Chinese search finds what English does."""

from __future__ import annotations

import collections
import json

import pytest

from resnet_desktop.core import categories, names
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from resnet_desktop.core.resources import resource_path
from tests.fakes import record_result


def _json(name: str):
    return json.loads(resource_path(name).read_text(encoding="utf-8"))


def test_every_class_has_one_chinese_name_beside_its_english_label():
    english = _json("imagenet_classes.json")
    entries = _json("imagenet_zh.json")
    assert len(entries) == 1000
    assert [e["en"] for e in entries] == english  # model order, same spelling
    for e in entries:
        zh = e["zh"]
        assert zh and zh == zh.strip(), e
        assert names.has_cjk(zh) or zh in ("iPod",), e  # a brand name may stay as it is
        assert not any(c in zh for c in "?,;"), e
    # Two classes may share a Chinese name only when the data says why (they are the same thing).
    counts = collections.Counter(e["zh"] for e in entries)
    for zh, n in counts.items():
        if n > 1:
            same = [e for e in entries if e["zh"] == zh]
            assert all(e.get("same_zh_reason") for e in same), f"{zh} names {[e['en'] for e in same]}"


def test_every_category_has_a_chinese_name_and_search_words():
    data = _json("categories_zh.json")["categories"]
    assert list(data) == categories.category_names()
    zh_names = [entry["zh"] for entry in data.values()]
    assert all(zh_names) and len(set(zh_names)) == len(zh_names)
    owners = collections.defaultdict(list)
    for name, entry in data.items():
        assert entry["keywords"], name
        for word in {entry["zh"], *entry["keywords"]}:
            owners[word].append(name)
    assert {w: o for w, o in owners.items() if len(o) > 1} == {}  # one word, one category


@pytest.mark.parametrize(
    ("label", "zh"),
    [
        ("espresso", "浓缩咖啡"),
        ("tiger cat", "虎斑猫"),
        ("tripod", "三脚架"),
        ("laptop", "笔记本电脑"),
        ("golden retriever", "金毛寻回犬"),
        ("Animals", "动物"),
        ("Cars & trucks", "汽车与卡车"),
    ],
)
def test_display_name_follows_the_language(label, zh):
    assert names.display_name(label, "zh_CN") == zh
    assert names.display_name(label, "zh") == zh
    assert names.display_name(label, "en") == label
    assert names.display_name(label, None) == label


def test_a_persons_own_tag_is_shown_as_typed():
    assert names.display_name("Grandma's birthday", "zh") == "Grandma's birthday"
    assert names.display_name("小明", "zh") == "小明"


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "C"}, "zh"),
        ({}, "en"),
    ],
)
def test_language_from_the_locale_variables(env, lang):
    assert names.language_from_env(env) == lang


def _index(label: str) -> int:
    return _json("imagenet_classes.json").index(label)


def test_chinese_words_expand_to_english_labels_and_categories():
    labels, cats = names.expand_zh_term("咖啡")
    assert {"espresso", "coffee mug", "coffeepot", "espresso maker"} <= set(labels)
    assert names.expand_zh_term("三脚架") == (["tripod"], [])
    assert names.expand_zh_term("动物")[1] == ["Animals"]
    assert names.expand_zh_term("汽车")[1] == ["Cars & trucks"]
    # 猫 is the cats, partial matches included (虎斑猫), but not 熊猫 the panda
    cats_zh = names.zh_term_classes("猫")
    assert _index("tiger cat") in cats_zh and _index("Persian cat") in cats_zh
    assert _index("giant panda") not in cats_zh
    assert names.zh_term_classes("斑猫") == {_index("tiger cat")}
    assert names.zh_term_classes("two") == frozenset()


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    spec = {
        "coffee": [("espresso", 0.9), ("cup", 0.05)],
        "chelsea": [("tiger cat", 0.5), ("tabby", 0.3)],
        "camera": [("tripod", 0.6), ("Polaroid camera", 0.2)],
        "car": [("sports car", 0.7), ("racer", 0.2)],
        "panda": [("giant panda", 0.9)],
        "friend": [("suit", 0.4)],
    }
    ids = {}
    for name, preds in spec.items():
        (pid,) = lib.add_pending([(tmp_path / f"{name}.jpg", 10, 1)])
        record_result(
            lib,
            pid,
            [Prediction(rank, _index(label), label, p) for rank, (label, p) in enumerate(preds, start=1)],
            model="resnet18",
            content_hash=name,
            size=10,
            mtime_ns=1,
        )
        ids[pid] = name
    friend = next(pid for pid, n in ids.items() if n == "friend")
    lib.set_user_tags(friend, add=["小明"])
    yield lib, ids
    lib.close()


@pytest.mark.parametrize(
    ("chinese", "english", "expected"),
    [
        ("咖啡", "coffee", {"coffee"}),
        ("浓缩咖啡", "espresso", {"coffee"}),
        ("猫", "cat", {"chelsea"}),
        ("动物", "animals", {"chelsea", "panda"}),
        ("三脚架", "tripod", {"camera"}),
        ("汽车", "car", {"car"}),
    ],
)
def test_chinese_search_finds_what_english_finds(library, chinese, english, expected):
    lib, ids = library
    found = {ids[p.id] for p in lib.photos(search=chinese)}
    assert found == expected
    # "coffee" finds the espresso only through the categories/labels it names; the sets agree
    # wherever English has the word (coffee mug, coffeepot are not in this library).
    if english not in ("coffee",):
        assert {ids[p.id] for p in lib.photos(search=english)} == expected


def test_chinese_search_finds_a_persons_tags_in_either_language(library):
    lib, ids = library
    assert {ids[p.id] for p in lib.photos(search="小明")} == {"friend"}
    assert {ids[p.id] for p in lib.photos(search="明")} == {"friend"}  # partial, as for labels
    coffee = next(pid for pid, n in ids.items() if n == "coffee")
    camera = next(pid for pid, n in ids.items() if n == "camera")
    lib.set_user_tags(coffee, remove=["espresso"])  # a person says it is not espresso...
    assert {ids[p.id] for p in lib.photos(search="浓缩咖啡")} == set()
    lib.set_user_tags(camera, add=["浓缩咖啡"])  # ...and tags another photo in Chinese
    assert {ids[p.id] for p in lib.photos(search="espresso")} == {"camera"}


def test_a_shown_name_leads_back_to_its_label():
    assert names.label_for("浓缩咖啡") == "espresso"
    assert names.label_for(" 动物 ") == "Animals"
    assert names.label_for("espresso") == "espresso"
    assert names.label_for("小明") == "小明"
    for entry in _json("imagenet_zh.json"):
        assert names.label_for(entry["zh"]) == entry["en"]
