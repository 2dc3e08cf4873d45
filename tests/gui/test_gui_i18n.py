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
PLURALS_TS = resource_path("translations", "resnet_desktop_en.ts")


def unfinished(ts: Path) -> list[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    missing = []
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [] if translation is None else translation.findall("numerusform")
            if (
                translation is None
                or translation.get("type") in ("unfinished", "obsolete")
                or not (all(f.text for f in forms) if forms else translation.text)
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


def test_every_count_has_english_plural_forms(tmp_path):
    """A new tr("… %n photos", "", n) without its English forms would say "1 photos": fails here."""
    assert unfinished(PLURALS_TS) == []
    lupdate = shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not on PATH")
    fresh = tmp_path / PLURALS_TS.name
    shutil.copy(PLURALS_TS, fresh)
    gui = Path(__file__).resolve().parents[2] / "resnet_desktop" / "gui"
    subprocess.run(
        [lupdate, "-pluralonly", *sorted(map(str, gui.glob("*.py"))), "-ts", str(fresh), "-no-obsolete"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert unfinished(fresh) == []
    assert PLURALS_TS.with_suffix(".qm").is_file()


def test_english_plural_forms_are_used_whatever_the_language(qapp):
    for locale in (QLocale(QLocale.Language.English), QLocale(QLocale.Language.German)):
        translators = install_translators(qapp, locale)
        try:
            ours = [t for t in translators if t.translate("MainWindow", "Tagged %n photos", None, 1)]
            assert [t.translate("MainWindow", "Tagged %n photos", None, n) for t in ours for n in (1, 2)] == [
                "Tagged %n photo",  # QCoreApplication.translate puts the number in
                "Tagged %n photos",
            ]
        finally:
            for translator in translators:
                qapp.removeTranslator(translator)
