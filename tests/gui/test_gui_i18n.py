"""The Simplified Chinese translation ships complete and is chosen by locale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from resnet_desktop.core.resources import resource_path
from resnet_desktop.gui.i18n import install_translators

TS = resource_path("translations", "resnet_desktop_zh_CN.ts")
EN_TS = resource_path("translations", "resnet_desktop_en.ts")


def messages(ts: Path) -> set[tuple[str, str, str]]:
    """(context, source, comment) of every message: what lupdate found in the code."""
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name"), m.findtext("source"), m.findtext("comment") or "")
        for context in root.iter("context")
        for m in context.iter("message")
    }


def unfinished(ts: Path) -> list[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    missing = []
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if (
                translation is None
                or translation.get("type") in ("unfinished", "obsolete")
                or not translation.text
            ):
                missing.append((name, message.findtext("source")))
    return missing


def test_zh_cn_translator_translates_known_strings(qapp):
    translators = install_translators(qapp, QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    try:
        assert translators, "resnet_desktop_zh_CN.qm did not load"
        assert QCoreApplication.translate("EmptyState", "Drop photos here") == "把照片拖到这里"
        assert QCoreApplication.translate("Sidebar", "All Photos") == "所有照片"
        from resnet_desktop.gui.main_window import format_duration

        assert format_duration(75) == "1 分 15 秒"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("EmptyState", "Drop photos here") == "Drop photos here"


def test_english_locale_keeps_the_english_text(qapp):
    translators = install_translators(qapp, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for translator in translators:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("EmptyState", "Drop photos here") == "Drop photos here"


def qt_tool(name: str) -> str:
    """PySide6's own lupdate/lrelease: beside this Python (a venv's bin/, even when not on PATH)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} comes with PySide6 but is missing here: pip install -e '.[test]'")
    return found


def test_every_gui_string_is_translated(tmp_path):
    """Re-extract the strings from the code: a new tr() without a translation fails here."""
    assert unfinished(TS) == []
    lupdate = qt_tool("pyside6-lupdate")
    fresh = tmp_path / TS.name
    shutil.copy(TS, fresh)
    gui = Path(__file__).resolve().parents[2] / "resnet_desktop" / "gui"
    subprocess.run(
        [lupdate, *sorted(map(str, gui.glob("*.py"))), "-ts", str(fresh), "-no-obsolete"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert unfinished(fresh) == []
    assert messages(fresh) == messages(TS)  # no string missing, none left over
    qm = TS.with_suffix(".qm")
    assert qm.is_file()
    lrelease = qt_tool("pyside6-lrelease")
    if lrelease:  # the shipped .qm is the .ts compiled (someone ran lrelease after editing)
        built = tmp_path / qm.name
        subprocess.run([lrelease, str(TS), "-qm", str(built)], check=True, capture_output=True, timeout=60)
        assert built.read_bytes() == qm.read_bytes()


def test_english_plural_forms_are_complete(tmp_path):
    """Every "%n" string has its English singular and plural ("Tagged 1 photo", "Tagged 2 photos")."""
    lupdate = qt_tool("pyside6-lupdate")
    fresh = tmp_path / EN_TS.name
    shutil.copy(EN_TS, fresh)
    gui = Path(__file__).resolve().parents[2] / "resnet_desktop" / "gui"
    subprocess.run(
        [lupdate, "-pluralonly", *sorted(map(str, gui.glob("*.py"))), "-ts", str(fresh), "-no-obsolete"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert unfinished(fresh) == []
    assert messages(fresh) == messages(EN_TS)
    numerus = [m for m in ET.parse(EN_TS).getroot().iter("message") if m.get("numerus") == "yes"]
    assert numerus
    for message in numerus:
        forms = [f.text for f in message.iter("numerusform")]
        assert len(forms) == 2 and all(f and "%n" in f for f in forms), message.findtext("source")


def test_plurals_follow_the_count(qapp):
    for locale, one, many in (
        (
            QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
            "Tagged 1 photo",
            "Tagged 3 photos",
        ),
        (
            QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            "已为 1 张照片打标签",
            "已为 3 张照片打标签",
        ),
    ):
        translators = install_translators(qapp, locale)
        try:
            assert QCoreApplication.translate("MainWindow", "Tagged %n photo(s)", "", 1) == one
            assert QCoreApplication.translate("MainWindow", "Tagged %n photo(s)", "", 3) == many
        finally:
            for translator in translators:
                qapp.removeTranslator(translator)
