"""Persisted preferences (QSettings in an INI file under the user's config dir).

An INI file in core.paths.config_dir() rather than the platform registry keeps settings
next to the rest of the user's data and lets tests isolate them with one env var.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from resnet_desktop.core import paths
from resnet_desktop.core.search import DEFAULT_THRESHOLD, THRESHOLD_KEY, THRESHOLD_SECTION

MODEL_AUTO = "auto"
#: Read by the CLI too (core.search.default_threshold), so both use the person's setting.
_THRESHOLD = f"{THRESHOLD_SECTION}/{THRESHOLD_KEY}"


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        if qsettings is None:
            config = paths.settings_file()
            config.parent.mkdir(parents=True, exist_ok=True)
            qsettings = QSettings(str(config), QSettings.Format.IniFormat)
        self.q = qsettings

    def _get(self, key: str, default, kind):
        value = self.q.value(key, default)
        try:
            return kind(value)
        except (TypeError, ValueError):
            return default

    @property
    def library_path(self) -> str:
        return self._get("library/path", "", str) or str(paths.default_library_path())

    @library_path.setter
    def library_path(self, value: str) -> None:
        self.q.setValue("library/path", value)

    @property
    def model(self) -> str:
        return self._get("model/name", MODEL_AUTO, str) or MODEL_AUTO

    @model.setter
    def model(self, value: str) -> None:
        self.q.setValue("model/name", value)

    @property
    def int8(self) -> bool:
        """Tag with the INT8 model (made from the user's photos; see core.quantize)."""
        return str(self.q.value("model/int8", "false")).lower() in ("true", "1")

    @int8.setter
    def int8(self, value: bool) -> None:
        self.q.setValue("model/int8", "true" if value else "false")

    @property
    def confidence_threshold(self) -> float:
        return min(1.0, max(0.0, self._get(_THRESHOLD, DEFAULT_THRESHOLD, float)))

    @confidence_threshold.setter
    def confidence_threshold(self, value: float) -> None:
        self.q.setValue(_THRESHOLD, float(value))

    @property
    def decode_threads(self) -> int:
        default = max(1, min(4, (os.cpu_count() or 2)))
        return max(1, self._get("indexing/decode_threads", default, int))

    @decode_threads.setter
    def decode_threads(self, value: int) -> None:
        self.q.setValue("indexing/decode_threads", int(value))

    @property
    def zoom(self) -> int:
        return max(64, min(320, self._get("view/zoom", 160, int)))

    @zoom.setter
    def zoom(self, value: int) -> None:
        self.q.setValue("view/zoom", int(value))

    @property
    def sort(self) -> str:
        return self._get("view/sort", "taken", str)

    @sort.setter
    def sort(self, value: str) -> None:
        self.q.setValue("view/sort", value)

    @property
    def xmp_sidecars(self) -> bool:
        """Write labels to XMP sidecars after every change (core.xmp); off by default."""
        return str(self.q.value("xmp/write", "false")).lower() in ("true", "1")

    @xmp_sidecars.setter
    def xmp_sidecars(self, value: bool) -> None:
        self.q.setValue("xmp/write", "true" if value else "false")

    @property
    def xmp_mirror(self) -> str:
        """Folder for the sidecars of photos in read-only folders ("" = none)."""
        return self._get("xmp/mirror", "", str)

    @xmp_mirror.setter
    def xmp_mirror(self, value: str) -> None:
        self.q.setValue("xmp/mirror", value)

    def sync(self) -> None:
        self.q.sync()
