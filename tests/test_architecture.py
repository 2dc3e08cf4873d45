"""The engine stays free of Qt, and heavy libraries load only when they are needed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "resnet_desktop" / "core"
HEAVY = {"torch", "torchvision", "onnxruntime", "onnx"}


def test_heavy_libraries_are_not_imported_at_module_level_in_core():
    """torch and friends load inside functions, so the app starts fast (the layers are below)."""
    offenders = {}
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                else []
            )
            bad = {n.split(".")[0] for n in names} & HEAVY
            if bad:
                offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_import_linter_contracts_keep_the_layers():
    """core imports neither PySide6 nor gui nor cli, and gui does not import cli; every import
    counts, also one inside a function (contracts in pyproject.toml)."""
    pytest.importorskip("importlinter", reason="import-linter is in the test extra: pip install -e .[test]")
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parents[1], timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" KEPT") == 2, result.stdout


def test_importing_the_whole_core_loads_neither_qt_nor_torch():
    modules = ", ".join(
        f"resnet_desktop.core.{p.stem}" for p in sorted(CORE.glob("*.py")) if p.stem != "__init__"
    )
    code = (
        f"import sys, importlib\n"
        f"for m in '{modules}'.split(', '): importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{{'PySide6', 'torch', 'torchvision', 'onnxruntime'}})\n"
        f"print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parents[1])
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_library_touches_its_database():
    """SQL lives in core/library.py: nothing else reaches into a Library's connection (``_db``)
    or calls its private methods (``library._refresh_derived``...); they use its public ones."""
    library_py = CORE / "library.py"
    tree = ast.parse(library_py.read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Library")
    private = {"_db"} | {
        n.name
        for n in cls.body
        if isinstance(n, ast.FunctionDef) and n.name.startswith("_") and not n.name.startswith("__")
    }
    offenders = []
    for path in sorted(CORE.parent.rglob("*.py")):
        if path == library_py:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or node.attr not in private:
                continue
            owner = (
                node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
            )
            if node.attr == "_db" or "lib" in owner.lower():  # library, lib, self.library...
                offenders.append(f"{path.relative_to(CORE.parents[1])}:{node.lineno} .{node.attr}")
    assert offenders == []
