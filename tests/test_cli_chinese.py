"""The command line in Chinese: labels, messages, argparse's own words; and its catalog is complete."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from resnet_desktop.core import messages
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from resnet_desktop.core.resources import resource_path
from tests.bounded import cli
from tests.fakes import record_result

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "resnet_desktop" / "cli.py"
# what writes to a person's terminal
TERMINAL = (
    CLI,
    REPO / "resnet_desktop" / "serve.py",
    REPO / "resnet_desktop" / "cli_xmp.py",
    REPO / "resnet_desktop" / "cli_similar.py",
    REPO / "resnet_desktop" / "cli_teach.py",
)


def run(*args, lang: str = "zh_CN.UTF-8") -> subprocess.CompletedProcess:
    return cli(*args, lang=lang, timeout=120)


def test_classify_table_shows_chinese_names(real_photos):
    done = run("classify", real_photos["coffee"], real_photos["camera"])
    assert done.returncode == 0, done.stderr
    assert "模型：" in done.stdout
    coffee, camera = done.stdout.split(str(real_photos["camera"]))
    assert "1. 浓缩咖啡" in coffee
    assert "1. 三脚架" in camera
    assert "espresso" not in done.stdout and "tripod" not in done.stdout
    # The offline-model notice is Chinese too, not "ResNet-18 weights not found".
    assert "提示：未找到 ResNet-18 权重" in done.stderr and "not found" not in done.stderr


def test_classify_json_keeps_the_english_class_and_adds_the_chinese_name(real_photos):
    done = run("classify", real_photos["coffee"], "--json")
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)[str(real_photos["coffee"])][0]
    assert first["class"] == "espresso" and first["name_zh"] == "浓缩咖啡"
    english = json.loads(run("classify", real_photos["coffee"], "--json", lang="en_US.UTF-8").stdout)
    assert set(english[str(real_photos["coffee"])][0]) == {"rank", "class", "probability"}


@pytest.fixture
def library(tmp_path) -> Path:
    path = tmp_path / "lib.sqlite3"
    classes = json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8"))
    with Library(path) as lib:
        for name, label in (("coffee", "espresso"), ("chelsea", "tiger cat"), ("camera", "tripod")):
            (pid,) = lib.add_pending([(tmp_path / f"{name}.png", 1, 1)])
            record_result(
                lib,
                pid,
                [Prediction(1, classes.index(label), label, 0.9)],
                model="resnet18",
                content_hash=name,
                mtime_ns=1,
            )
    return path


@pytest.mark.parametrize(
    ("term", "shown"),
    [("咖啡", "浓缩咖啡"), ("猫", "虎斑猫"), ("三脚架", "三脚架"), ("cat", "虎斑猫")],
)
def test_search_in_chinese_lists_chinese_names(library, term, shown):
    done = run("--library", library, "search", term)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(shown) and lines[-1] == "1 张照片"


def test_search_json_keeps_the_english_label(library):
    (found,) = json.loads(run("--library", library, "search", "咖啡", "--json").stdout)
    assert found["label"] == "espresso" and found["name_zh"] == "浓缩咖啡"
    (found,) = json.loads(run("--library", library, "search", "咖啡", "--json", lang="C").stdout)
    assert found["label"] == "espresso" and "name_zh" not in found


def test_search_animals_and_nothing(library):
    done = run("--library", library, "search", "动物")
    assert done.stdout.splitlines()[-1] == "1 张照片" and "虎斑猫" in done.stdout
    # an empty result says what was searched (issue 10), in the reader's language
    assert run("--library", library, "search", "汽车").stdout.startswith("没有与 '汽车' 匹配的照片")
    assert run("--library", library, "search", "car", lang="C").stdout.startswith("No photos match 'car'")


def test_errors_are_one_chinese_line(library):
    done = run("--library", library, "search", "猫", "--min-confidence", "2")
    assert done.returncode == 2
    assert done.stderr.strip() == "resnet-desktop: --min-confidence 是 0 到 1 之间的概率（例如 0.3）"
    done = run("classify")  # argparse's own message
    assert done.returncode == 2
    assert "用法：" in done.stderr and "错误：缺少以下参数：PHOTO" in done.stderr
    assert "usage" not in done.stderr and "required" not in done.stderr


def test_help_is_chinese():
    done = run("--help")
    assert done.returncode == 0
    assert "离线照片整理工具" in done.stdout and "显示此帮助信息并退出" in done.stdout


# --- the catalog ------------------------------------------------------------------------------


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", template))


def test_every_cli_message_has_a_chinese_translation_with_the_same_placeholders():
    tree = ast.Module(
        body=[node for path in TERMINAL for node in ast.parse(path.read_text(encoding="utf-8")).body],
        type_ignores=[],
    )
    catalog = messages.catalog("zh")
    keys = [c.args[0].value for c in _calls(tree, "_") if c.args and isinstance(c.args[0], ast.Constant)]
    plurals = [c.args[0].value for c in _calls(tree, "ngettext")]
    assert len(keys) > 50 and plurals
    missing = [k for k in keys if k not in catalog["messages"]] + [
        k for k in plurals if k not in catalog["plurals"]
    ]
    assert missing == []
    for english, chinese in [*catalog["messages"].items(), *catalog["plurals"].items()]:
        assert chinese.strip(), english
        assert _fields(english) == _fields(chinese), english
        assert re.findall(r"%\(\w+\)", english) == re.findall(r"%\(\w+\)", chinese), english


def test_no_english_text_reaches_the_user_without_the_catalog():
    """print(), _err() and CliError() get _()-wrapped text, never a bare English literal."""
    tree = ast.Module(
        body=[node for path in TERMINAL for node in ast.parse(path.read_text(encoding="utf-8")).body],
        type_ignores=[],
    )
    bare = []
    for name in ("print", "_err", "CliError"):
        for call in _calls(tree, name):
            if not call.args:
                continue
            arg = call.args[0]
            parts = [arg] if isinstance(arg, ast.Constant) else getattr(arg, "values", [])
            text = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
            if re.search(r"[A-Za-z]{3,}", text.replace("resnet-desktop", "")):  # the program's name
                bare.append((call.lineno, text))
    assert bare == []


# --- the engine's own messages ----------------------------------------------------------------

_LEFT_ALONE = re.compile(
    r"`[^`]*`|\S*[/\\]\S*|\S+\.pth|ResNet-18|EfficientNet-Lite0|ONNX|INT8|FIFO|fp32|sha256|MB|KB"
)


def _english_left(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", _LEFT_ALONE.sub("", text))


def test_engine_messages_are_translated(tmp_path):
    from resnet_desktop.core import imaging, weights
    from resnet_desktop.core.quantize import Int8Report

    texts = []
    for content in (b"", b"this is text, not a photo", b"\xff\xd8\xff\xe0" + b"\0" * 20):
        path = tmp_path / "photo.jpg"
        path.write_bytes(content)
        with pytest.raises(imaging.PhotoError) as err:
            imaging.decode_photo(path)
        texts.append(err.value.reason)
    missing = weights.locate("resnet18", tmp_path / "nope.pth")
    empty = tmp_path / "empty.pth"
    empty.write_bytes(b"")
    texts += [
        missing.problem,
        weights.locate("resnet18", empty).problem + " " + weights.remedy("resnet18"),
        weights.fallback_notice(weights.WeightsInfo("resnet18", None, None, "ResNet-18 weights not found.")),
        weights.fallback_notice(missing),
    ]
    report = Int8Report("resnet18", 32, 32, 0.97, 1.0, 2.0, "2026-01-01")
    texts.append(report.summary())
    # special files: what reading one refuses, and what the scan says of one given directly
    from resnet_desktop.core import files
    from resnet_desktop.core.pipeline import scan

    fifo = tmp_path / "y.jpg"
    os.mkfifo(fifo)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * 3000)
    for path, limit in ((fifo, 1000), (big, 1000), (tmp_path, 1000)):
        with pytest.raises(files.FileRefused) as refused:
            files.read_regular(path, max_bytes=limit)
        texts.append(refused.value.reason)
    errors: list = []
    list(scan([fifo], errors))
    texts += [reason for _path, reason in errors]
    for text in texts:
        chinese = messages.translate(text, "zh")
        assert _english_left(chinese) == [], (text, chinese)
        assert messages.translate(text, "en") == text
