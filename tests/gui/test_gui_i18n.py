"""The Simplified Chinese translation ships complete and is chosen by locale."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from resnet_desktop.core.resources import resource_path
from resnet_desktop.gui.i18n import install_translators

TS = resource_path("translations", "resnet_desktop_zh_CN.ts")


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


def test_english_locale_loads_no_catalog(qapp):
    translators = install_translators(qapp, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for translator in translators:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("EmptyState", "Drop photos here") == "Drop photos here"


def test_every_gui_string_is_translated(tmp_path):
    """Re-extract the strings from the code: a new tr() without a translation fails here."""
    assert unfinished(TS) == []
    lupdate = shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not on PATH")
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
    qm = TS.with_suffix(".qm")
    assert qm.is_file()
