"""Where the user's library, settings and caches live (platformdirs), overridable for tests."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "ResNetDesktop"


def data_dir() -> Path:
    override = os.environ.get("RESNET_DESKTOP_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("RESNET_DESKTOP_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def settings_file() -> Path:
    """The preferences INI file: written by the window (QSettings), read by the CLI too."""
    return config_dir() / "settings.ini"


def default_library_path() -> Path:
    """The library file: $RESNET_DESKTOP_LIBRARY, else library.sqlite3 in the data dir."""
    override = os.environ.get("RESNET_DESKTOP_LIBRARY")
    if override:
        return Path(override)
    return data_dir() / "library.sqlite3"


def thumbnail_dir() -> Path:
    return data_dir() / "thumbnails"
