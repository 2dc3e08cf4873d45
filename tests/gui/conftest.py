"""GUI tests run with the translations the app installs for an English system (its plural forms)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale


@pytest.fixture(scope="session", autouse=True)
def _english_translations(qapp):
    from resnet_desktop.gui.i18n import install_translators

    translators = install_translators(qapp, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
