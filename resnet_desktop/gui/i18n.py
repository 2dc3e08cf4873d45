"""Translations: pick the .qm for the system locale (or one named) and install it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from resnet_desktop.core.resources import resource_path

CATALOG = "resnet_desktop"


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install our catalog and Qt's own (standard buttons) for ``locale``; returns what loaded.

    The translators are parented to the app so they live as long as it does.
    """
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(locale, CATALOG, "_", str(resource_path("translations"))):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
