"""Settings: library file, model and its weights (download / import), threshold, threads."""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from resnet_desktop.gui import data
from resnet_desktop.gui.i18n import engine_text
from resnet_desktop.gui.settings import MODEL_AUTO, AppSettings
from resnet_desktop.gui.sidecars import SidecarSettingsBox
from resnet_desktop.gui.tasks import run_task


def weights_status(model: str) -> tuple[bool, str]:
    """(usable, human text) for a model's weights; runs in a worker (touches the disk)."""
    from resnet_desktop.core import weights

    info = weights.locate(model)
    if info.usable:
        return True, f"{info.path} ({info.source})"
    return False, info.problem or "not found"


def is_offline(exc: BaseException) -> bool | None:
    """True: no internet (the server's name cannot be looked up, no route); False: the
    server did not answer; None: not a connection problem at all."""
    import errno
    import socket
    import urllib.error

    seen: BaseException | None = exc
    while seen is not None:
        reason = seen.reason if isinstance(seen, urllib.error.URLError) else seen
        if isinstance(reason, socket.gaierror):
            return True
        if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return True
        if isinstance(reason, (ConnectionError, TimeoutError, socket.timeout)):
            return False
        seen = seen.__cause__ or seen.__context__
    return None


def _weights_text(usable: bool, text: str) -> str:
    """weights_status's text in the window's language (the source or the problem is the engine's)."""
    if usable and text.endswith(")") and " (" in text:
        path, source = text[:-1].rsplit(" (", 1)
        return f"{path} ({engine_text(source)})"
    return engine_text(text)


class _Progress(QObject):
    changed = Signal(int, int)


class SettingsDialog(QDialog):
    weights_changed = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self._cancel_download: threading.Event | None = None
        self._closed = threading.Event()  # work queued for a dialog already closed is skipped
        self.finished.connect(lambda _result: self._closed.set())
        layout = QVBoxLayout(self)

        library_box = QGroupBox(self.tr("Library"))
        library_form = QFormLayout(library_box)
        self.library_edit = QLineEdit(settings.library_path)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_library)
        row = QHBoxLayout()
        row.addWidget(self.library_edit, 1)
        row.addWidget(browse)
        library_form.addRow(self.tr("Library file:"), row)
        layout.addWidget(library_box)

        model_box = QGroupBox(self.tr("Model"))
        model_form = QFormLayout(model_box)
        self.model_combo = QComboBox()
        self.model_combo.addItem(self.tr("Automatic (ResNet-18 when its weights are present)"), MODEL_AUTO)
        from resnet_desktop.core.models import FALLBACK_MODEL, MODELS

        for name, spec in MODELS.items():  # the one model list
            title = (
                self.tr("%1 (offline fallback)").replace("%1", spec.short)
                if name == FALLBACK_MODEL
                else spec.title
            )
            self.model_combo.addItem(title, name)
        index = self.model_combo.findData(settings.model)
        self.model_combo.setCurrentIndex(max(0, index))
        model_form.addRow(self.tr("Model in use:"), self.model_combo)
        self.weights_label = QLabel(self.tr("Checking…"))
        self.weights_label.setWordWrap(True)
        # room for three lines: the status text arrives after the dialog has been laid out
        self.weights_label.setMinimumHeight(self.weights_label.fontMetrics().lineSpacing() * 3 + 4)
        self.weights_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        model_form.addRow(self.tr("ResNet-18 weights:"), self.weights_label)
        buttons = QHBoxLayout()
        self.download_button = QPushButton(self.tr("Download…"))
        self.download_button.clicked.connect(self.start_download)
        self.import_button = QPushButton(self.tr("Import File…"))
        self.import_button.clicked.connect(self._choose_import)
        self.cancel_download_button = QPushButton(self.tr("Cancel Download"))
        self.cancel_download_button.clicked.connect(self.cancel_download)
        self.cancel_download_button.hide()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_download_button)
        buttons.addStretch(1)
        model_form.addRow("", buttons)
        # The packaged app runs bundled ONNX exports and has no torch: a downloaded or
        # imported .pth file could not be used there, so it offers neither.
        self.frozen = bool(getattr(sys, "frozen", False))
        if self.frozen:
            self.download_button.hide()
            self.import_button.hide()
        self.download_progress = QProgressBar()
        self.download_progress.hide()
        model_form.addRow("", self.download_progress)
        self._build_int8_rows(model_form)
        layout.addWidget(model_box)

        view_box = QGroupBox(self.tr("Tagging"))
        view_form = QFormLayout(view_box)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setRange(0, 100)
        self.threshold_spin.setDecimals(0)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setValue(round(settings.confidence_threshold * 100))
        self.threshold_spin.setToolTip(self.tr("Labels below this confidence are not shown on tiles."))
        view_form.addRow(self.tr("Show labels from:"), self.threshold_spin)
        self.threads_spin = QSpinBox()
        self.threads_spin.setRange(1, max(2, (os.cpu_count() or 2) * 2))
        self.threads_spin.setValue(settings.decode_threads)
        view_form.addRow(self.tr("Decoding threads:"), self.threads_spin)
        layout.addWidget(view_box)
        self.sidecar_box = SidecarSettingsBox(settings)
        layout.addWidget(self.sidecar_box)

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        layout.addWidget(self.button_box)
        self.resize(620, 0)
        self.refresh_weights()

    # --- INT8 -----------------------------------------------------------------------------
    def _build_int8_rows(self, form: QFormLayout) -> None:
        self.int8_check = QCheckBox(self.tr("Use the faster INT8 model"))
        self.int8_check.setChecked(self.settings.int8)
        self.int8_check.setEnabled(False)  # until its comparison with the normal model is known
        self.make_int8_button = QPushButton(self.tr("Make INT8 Model…"))
        self.make_int8_button.setToolTip(
            self.tr("Made from up to 64 photos of your library; half of them check how often it agrees")
        )
        self.make_int8_button.clicked.connect(self.make_int8)
        self._cancel_int8: threading.Event | None = None
        self.cancel_int8_button = QPushButton(self.tr("Stop"))
        self.cancel_int8_button.setObjectName("cancel_int8")
        self.cancel_int8_button.clicked.connect(self.cancel_int8)
        self.cancel_int8_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.int8_check)
        row.addWidget(self.make_int8_button)
        row.addWidget(self.cancel_int8_button)
        row.addStretch(1)
        form.addRow(self.tr("Speed:"), row)
        self.int8_label = QLabel(self.tr("Checking…"))
        self.int8_label.setWordWrap(True)
        form.addRow("", self.int8_label)
        if self.frozen:  # the packaged app has no quantizer and runs the bundled fp32 models
            form.setRowVisible(row, False)
            form.setRowVisible(self.int8_label, False)
            return
        self.model_combo.currentIndexChanged.connect(lambda _i: self.refresh_int8())
        self.refresh_int8()

    def refresh_int8(self) -> None:
        model = self.model_combo.currentData()
        closed = self._closed
        # its own pool: loading the model for this check must not hold up a Download click
        run_task(
            lambda: None if closed.is_set() else data.int8_report(model),
            self._show_int8,
            self._int8_failed,
            pool_name="int8",
        )

    def make_int8(self) -> None:
        library, model = (
            self.library_edit.text().strip() or self.settings.library_path,
            self.model_combo.currentData(),
        )
        self.make_int8_button.setEnabled(False)
        self.int8_label.setText(self.tr("Calibrating on your photos and comparing with the normal model…"))
        cancel = self._cancel_int8 = threading.Event()
        self.cancel_int8_button.show()
        run_task(
            lambda: data.make_int8(library, model, cancel),
            self._show_int8,
            self._int8_failed,
            pool_name="int8",
        )

    def cancel_int8(self) -> None:
        if self._cancel_int8 is not None:
            self._cancel_int8.set()

    def _show_int8(self, report) -> None:
        self.make_int8_button.setEnabled(True)
        self.cancel_int8_button.hide()
        if report is None:
            self.int8_check.setChecked(False)
            self.int8_check.setEnabled(False)
            self.int8_label.setText(
                self.tr(
                    "Not made yet. It is made from your own photos, with a measure of how often it agrees."
                )
            )
            return
        self.int8_check.setEnabled(True)
        self.int8_label.setText(
            self.tr(
                "On %n of your photos it gives the normal model's top label %1% of the time; %2x faster.",
                "",
                report.evaluation_photos,
            )
            .replace("%1", f"{report.top1_agreement * 100:.0f}")
            .replace("%2", f"{report.speedup:.1f}")
        )

    def _int8_failed(self, message: str) -> None:
        self.make_int8_button.setEnabled(True)
        self.cancel_int8_button.hide()
        self.int8_label.setText(engine_text(message))

    # --- weights --------------------------------------------------------------------------
    def refresh_weights(self) -> None:
        run_task(
            lambda: weights_status("resnet18"),
            self._show_weights,
            lambda message: self.weights_label.setText(engine_text(message)),
        )

    def _show_weights(self, status: tuple[bool, str]) -> None:
        usable, text = status
        text = _weights_text(usable, text)
        if usable:
            self.weights_label.setText(self.tr("Installed: %1").replace("%1", text))
        elif self.frozen:
            self.weights_label.setText(
                self.tr("Not included in this build. Tagging uses EfficientNet-Lite0.")
            )
        else:
            self.weights_label.setText(
                self.tr(
                    "Not installed: %1 Tagging uses EfficientNet-Lite0 until you download or import them."
                ).replace("%1", text.strip())
            )

    def start_download(self) -> None:
        from resnet_desktop.core import weights

        cancel = threading.Event()
        self._cancel_download = cancel
        relay = _Progress(self)
        relay.changed.connect(self._on_download_progress)
        self.download_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.cancel_download_button.show()
        self.download_progress.setRange(0, 0)
        self.download_progress.show()
        self.weights_label.setText(self.tr("Downloading…"))

        def fetch() -> Exception | None:
            try:
                weights.download("resnet18", progress=relay.changed.emit, cancel=cancel)
            except weights.WeightsError as exc:
                return exc  # worded for a person in the GUI thread
            return None

        run_task(
            fetch,
            lambda exc: self._download_finished(self.download_error_text(exc) if exc else None),
            self._download_finished,
            pool_name="download",
        )

    def download_error_text(self, exc: Exception) -> str:
        """Why the download failed, in words, and what to do instead (the Import File… button)."""
        from resnet_desktop.core.weights import DownloadCancelled

        if isinstance(exc, DownloadCancelled):
            return self.tr("Download cancelled.")
        offline = is_offline(exc)
        if offline:
            return self.tr(
                "Could not download: there is no internet connection. Connect and try again, or, if "
                "you have the file resnet18-f37072fd.pth, click Import File… beside Download."
            )
        if offline is False:
            return self.tr(
                "Could not download: the download server did not answer. Try again later, or, if "
                "you have the file resnet18-f37072fd.pth, click Import File… beside Download."
            )
        return self.tr("Could not download: %1 Or, if you have the file, click Import File….").replace(
            "%1", engine_text(str(exc).split(" or download the file")[0].rstrip(",. ") + ".")
        )

    def cancel_download(self) -> None:
        if self._cancel_download is not None:
            self._cancel_download.set()

    def _on_download_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.download_progress.setRange(0, 1000)
            self.download_progress.setValue(int(done * 1000 / total))
        self.download_progress.setFormat(f"{done / 2**20:.1f} MB")

    def _download_finished(self, error: str | None) -> None:
        self._cancel_download = None
        self.download_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.cancel_download_button.hide()
        self.download_progress.hide()
        if error:
            self.weights_label.setText(engine_text(error))
        else:
            self.refresh_weights()
            self.weights_changed.emit()

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import ResNet-18 weights"), "", self.tr("PyTorch weights (*.pth *.pt)")
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        from resnet_desktop.core import weights

        self.weights_label.setText(self.tr("Checking the file…"))
        run_task(
            lambda: weights.import_weights(path, "resnet18"),
            lambda _dest: self._download_finished(None),
            self._download_finished,
            pool_name="download",
        )

    # --- saving ---------------------------------------------------------------------------
    def _choose_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Library file"),
            self.library_edit.text(),
            self.tr("Library (*.sqlite3 *.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.library_edit.setText(path)

    def accept(self) -> None:
        self.cancel_download()
        s = self.settings
        s.library_path = self.library_edit.text().strip() or s.library_path
        s.model = self.model_combo.currentData()
        s.confidence_threshold = self.threshold_spin.value() / 100.0
        s.decode_threads = self.threads_spin.value()
        s.int8 = self.int8_check.isChecked() and self.int8_check.isEnabled()
        self.sidecar_box.save(s)
        s.sync()
        super().accept()

    def reject(self) -> None:
        self.cancel_download()
        self.cancel_int8()
        super().reject()
