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
    folder = str(resource_path("translations"))
    # Without a catalog for the locale, English: its catalog holds only the plural forms
    # ("Tagged 1 photo", "Tagged 3 photos"), the source text being "Tagged %n photo(s)".
    if ours.load(locale, CATALOG, "_", folder) or ours.load(f"{CATALOG}_en", folder):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


def interface_language() -> str:
    """ "zh" or "en": the language of the catalog in use, so labels follow the window's words.

    The catalog itself says which language it is (this string's translation), so a window
    without a Chinese catalog never shows Chinese labels among English words, and vice versa.
    """
    from resnet_desktop.core.names import normalize_language

    return normalize_language(
        QCoreApplication.translate("Language", "en", "the code of this translation's language, e.g. zh")
    )


def label_text(label: str | None) -> str:
    """An ImageNet label, category name or a person's tag as the window shows it."""
    from resnet_desktop.core.names import display_name

    return display_name(label or "", interface_language())


def engine_text(message: str | None) -> str:
    """A message the engine wrote (a photo's failure reason, a weights notice) in the window's language."""
    from resnet_desktop.core.messages import translate

    return translate(message or "", interface_language())
