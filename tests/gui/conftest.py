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


@pytest.fixture(autouse=True)
def _no_work_outlives_the_test():
    """Background tasks a test started (a Settings dialog checks its INT8 model, which loads
    the model) finish before the next test, so one test's leftovers never delay another's."""
    yield
    from resnet_desktop.gui import tasks

    tasks.shutdown(timeout_ms=180000)
    tasks.restart()
