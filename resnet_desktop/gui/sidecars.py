"""XMP sidecars in the window: the Settings box, and the writer that keeps sidecars following
every change while the setting is on (core.xmp does the work, in its own one-thread pool).

The writer coalesces: changes that arrive while a write is running are written next, in
one go, so tagging a folder (a signal per batch) never queues hundreds of tasks. It runs in
the "sidecars" pool rather than "write" so that writing a whole library's sidecars never
delays a person's tag edit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from resnet_desktop.gui import tasks
from resnet_desktop.gui.settings import AppSettings

POOL = "sidecars"


class SidecarSettingsBox(QGroupBox):
    """ "Write labels to XMP sidecars" and the mirror folder for read-only folders."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sidecars"), parent)
        form = QFormLayout(self)
        self.write_check = QCheckBox(self.tr("Write labels to XMP sidecars"))
        self.write_check.setChecked(settings.xmp_sidecars)
        self.write_check.setToolTip(
            self.tr(
                "Your tags and the model's labels go to NAME.EXT.xmp beside each photo, where digiKam, "
                "darktable and Lightroom read them. Photos are never modified."
            )
        )
        form.addRow(self.write_check)
        self.mirror_edit = QLineEdit(settings.xmp_mirror)
        self.mirror_edit.setPlaceholderText(self.tr("none: sidecars of read-only folders are not written"))
        self.mirror_edit.setAccessibleName(self.tr("Mirror folder"))
        self.mirror_button = QPushButton(self.tr("Choose…"))
        self.mirror_button.setAccessibleName(self.tr("Choose mirror folder"))
        self.mirror_button.clicked.connect(self._choose_mirror)
        row = QHBoxLayout()
        row.addWidget(self.mirror_edit, 1)
        row.addWidget(self.mirror_button)
        form.addRow(self.tr("For read-only folders:"), row)

    def _choose_mirror(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Mirror folder for sidecars"), self.mirror_edit.text()
        )
        if folder:
            self.mirror_edit.setText(folder)

    def save(self, settings: AppSettings) -> None:
        settings.xmp_sidecars = self.write_check.isChecked()
        settings.xmp_mirror = self.mirror_edit.text().strip()


class SidecarWriter(QObject):
    """Writes the sidecars of changed photos in the background while the setting is on."""

    # One line for the status bar (problems, or where mirrored sidecars went).
    message = Signal(str)
    # Emitted after each background write, with its core.xmp.Report.
    written = Signal(object)

    def __init__(
        self, settings: AppSettings, library_path: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._library_path = library_path
        self._pending: set[int] = set()
        self._everything = False
        self._running = False
        self._cancel = threading.Event()

    @property
    def enabled(self) -> bool:
        return self.settings.xmp_sidecars

    @property
    def busy(self) -> bool:
        return self._running or bool(self._pending) or self._everything

    def photos_changed(self, ids: Iterable[int]) -> None:
        if not self.enabled:
            return
        self._pending.update(int(i) for i in ids)
        self._start()

    def write_all(self) -> None:
        """Every photo of the library (when the setting is turned on)."""
        if not self.enabled:
            return
        self._everything = True
        self._start()

    def stop(self) -> None:
        """The window is closing: the running write stops after the sidecar in hand."""
        self._cancel.set()
        self._pending.clear()
        self._everything = False

    def _start(self) -> None:
        if self._running or self._cancel.is_set() or not (self._pending or self._everything):
            return
        ids, everything = sorted(self._pending), self._everything
        self._pending, self._everything = set(), False
        self._running = True
        library_path = self._library_path()
        mirror = self.settings.xmp_mirror or None
        threshold = self.settings.confidence_threshold
        cancel = self._cancel
        tasks.run_task(
            lambda: _write(library_path, None if everything else ids, mirror, threshold, cancel),
            self._done,
            self._failed,
            pool_name=POOL,
        )

    def _done(self, report) -> None:
        self._running = False
        self.written.emit(report)
        if report.problems:
            first = report.problems[0][1]
            self.message.emit(
                self.tr("%n sidecar(s) not written: %1", None, len(report.problems)).replace("%1", first)
            )
        elif report.mirrored:
            self.message.emit(
                self.tr(
                    "%n sidecar(s) of photos in read-only folders written to %1", None, report.mirrored
                ).replace("%1", self.settings.xmp_mirror)
            )
        self._start()

    def _failed(self, message: str) -> None:
        self._running = False
        self.message.emit(self.tr("Sidecars not written: %1").replace("%1", message))
        self._start()


def _write(library_path: str, ids: list[int] | None, mirror: str | None, threshold: float, cancel):
    """In the sidecars pool: one library connection for the whole batch."""
    from resnet_desktop.core import xmp
    from resnet_desktop.core.library import Library

    library = Library(library_path)
    try:
        photo_ids = library.ids(sort="name") if ids is None else ids
        return xmp.write_sidecars(library, photo_ids, mirror=mirror, min_confidence=threshold, cancel=cancel)
    finally:
        library.close()
