"""One home per fact (issue 11, item 12): each fact is defined once and imported elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from resnet_desktop import cli
from resnet_desktop.core import albums, library, models

PACKAGE = Path(__file__).resolve().parents[1] / "resnet_desktop"
APP_SOURCES = [p for p in PACKAGE.rglob("*.py") if "_pyinstaller" not in p.parts and p.name != "build.py"]


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if isinstance(node.func.value, ast.Name):
                names.add(f"{node.func.value.id}.{node.func.attr}")
    return names


def test_temp_file_then_rename_is_written_once():
    writers = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in APP_SOURCES
        if _calls(p) & {"os.replace", "os.rename", "tempfile.mkstemp"}
    )
    assert writers == ["core/atomic.py"]


def test_class_names_are_read_in_one_place():
    readers = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in APP_SOURCES
        if "imagenet_classes.json" in p.read_text("utf-8")
    )
    assert readers == ["core/models.py"]
    assert models.class_names().index("espresso") in albums.term_classes("espresso")


def test_statuses_are_defined_once():
    definers = []
    for path in APP_SOURCES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            value = getattr(node, "value", None)
            photo_statuses = value is not None and "'missing'" in ast.unparse(value)  # not teach's
            if photo_statuses and any(isinstance(t, ast.Name) and t.id == "STATUSES" for t in targets):
                definers.append(path.relative_to(PACKAGE).as_posix())
    assert definers == ["core/library.py"]
    with pytest.raises(ValueError, match="status"):
        albums.compile_rule({"status": "archived"})
    assert albums.compile_rule({"status": list(library.STATUSES)})[1] == list(library.STATUSES)


def test_the_command_line_offers_every_registered_model(monkeypatch):
    extra = models.ModelSpec(
        name="tiny_test_net",
        title="Tiny test net",
        weights_filename="tiny.pth",
        url=None,
        sha256_prefix=None,
        input_size=224,
        resize_side=256,
        mean=(0.5,) * 3,
        std=(0.5,) * 3,
        embedding_dim=8,
    )
    monkeypatch.setitem(models.MODELS, "tiny_test_net", extra)
    args = cli.build_parser().parse_args(["classify", "x.jpg", "--model", "tiny_test_net"])
    assert args.model == "tiny_test_net"
    args = cli.build_parser().parse_args(["models", "quantize", "--model", "tiny_test_net"])
    assert args.model == "tiny_test_net"
