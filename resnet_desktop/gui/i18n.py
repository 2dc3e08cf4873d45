"""Translations: pick the .qm for the system locale (or one named) and install it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from resnet_desktop.core.resources import resource_path

CATALOG = "resnet_desktop"
PLURALS_LANGUAGE = "en"  # resnet_desktop_en.qm: English plural forms only


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install our catalog and Qt's own (standard buttons) for ``locale``; returns what loaded.

    The English catalog holds only plural forms ("1 photo", "2 photos": source texts say
    "%n photos"); it is installed first, under the locale's own catalog, so that every
    language without its own plural forms still gets correct English ones.
    The translators are parented to the app so they live as long as it does.
    """
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    directory = str(resource_path("translations"))
    english = QTranslator(app)
    if english.load(f"{CATALOG}_{PLURALS_LANGUAGE}", directory):
        app.installTranslator(english)
        installed.append(english)
    ours = QTranslator(app)
    if ours.load(locale, CATALOG, "_", directory) and ours.language() != english.language():
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
