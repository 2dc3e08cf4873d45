"""The photo viewer: a large preview, the Top-3 labels with confidence bars, facts, tags."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resnet_desktop.core.dates import FILE_TIME
from resnet_desktop.gui import data
from resnet_desktop.gui.i18n import engine_text, label_text
from resnet_desktop.gui.tasks import run_task
from resnet_desktop.gui.thumbnails import read_scaled

PREVIEW_SIDE = 1600


def load_preview(path: str, side: int = PREVIEW_SIDE) -> QImage | None:
    """The photo at up to ``side`` pixels: Qt's readers first, then the engine's decoder for
    what Qt cannot read (HEIC with pillow-heif, for one)."""
    image = read_scaled(path, side)
    if image is not None:
        return image
    from resnet_desktop.core.imaging import PhotoError, decode_photo, make_thumbnail

    try:
        photo = make_thumbnail(decode_photo(path, min_side=side // 2).image, side)
    except PhotoError:
        return None
    data = photo.tobytes()
    width, height = photo.size
    return QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def model_title(name: str | None) -> str:
    from resnet_desktop.core.models import model_title as title

    return title(name)


def tag_name(tag: Any) -> str:
    for attr in ("tag", "name", "label"):
        value = getattr(tag, attr, None)
        if isinstance(value, str):
            return value
    return str(tag)


class _Preview(QLabel):
    """Keeps the pixmap fitted to the available space."""

    def __init__(self) -> None:
        super().__init__()
        self._pixmap: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, pixmap: QPixmap | None, message: str = "") -> None:
        self._pixmap = pixmap
        if pixmap is None:
            self.setText(message)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.setPixmap(
                self._pixmap.scaled(
                    self.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def sizeHint(self) -> QSize:
        return QSize(720, 540)


class PhotoViewer(QDialog):
    """One photo at a time: Left/Right step through the grid's photos, Escape or Space close.

    No button here is a default button: Enter in "Add a tag…" adds the tag and nothing else
    (a QDialog otherwise clicks its first push button on Enter).
    """

    tags_changed = Signal(int)  # photo id whose tags were edited
    delete_requested = Signal(int)
    find_similar_requested = Signal(int)  # photo id
    step_requested = Signal(int)  # -1 previous photo, +1 next photo (the window answers with show_photo)

    def __init__(self, library_path: str, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.row = row
        self.details: dict | None = None

        self.preview = _Preview()

        side = QWidget()
        side.setMinimumWidth(300)
        side.setMaximumWidth(380)
        panel = QVBoxLayout(side)
        panel.setContentsMargins(0, 0, 0, 0)

        # The person's own tags come first, above what the model thinks.
        self.your_tags_label = QLabel()
        self.your_tags_label.setObjectName("yourTags")
        self.your_tags_label.setWordWrap(True)
        self.your_tags_label.setStyleSheet("font-weight: bold; font-size: 15px")
        panel.addWidget(self.your_tags_label)
        heading = QLabel(self.tr("Labels"))
        heading.setStyleSheet("font-weight: bold")
        panel.addWidget(heading)
        self.labels_grid = QGridLayout()
        panel.addLayout(self.labels_grid)
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.model_label.setStyleSheet("color: palette(placeholder-text)")
        panel.addWidget(self.model_label)

        self.facts = QFormLayout()
        self.date_label = QLabel()
        self.date_label.setObjectName("takenDate")
        self.date_label.setWordWrap(True)
        self.camera_label = QLabel()
        self.size_label = QLabel()
        self.failure_label = QLabel()
        self.failure_label.setWordWrap(True)
        self.failure_label.setStyleSheet("color: #c62828")
        self.facts.addRow(self.tr("Taken:"), self.date_label)
        self.facts.addRow(self.tr("Camera:"), self.camera_label)
        self.facts.addRow(self.tr("Size:"), self.size_label)
        self.facts.addRow(self.tr("Failed:"), self.failure_label)
        panel.addLayout(self.facts)

        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        panel.addWidget(self.path_label)
        self.show_folder_button = QPushButton(self.tr("Show in Folder"))
        self.show_folder_button.clicked.connect(self.show_in_folder)
        panel.addWidget(self.show_folder_button)
        self.find_similar_button = QPushButton(self.tr("Find Similar"))
        self.find_similar_button.clicked.connect(lambda: self.find_similar_requested.emit(self.row.id))
        panel.addWidget(self.find_similar_button)

        tags_heading = QLabel(self.tr("Tags"))
        tags_heading.setStyleSheet("font-weight: bold")
        panel.addWidget(tags_heading)
        self.tag_list = QListWidget()
        self.tag_list.setMaximumHeight(140)
        panel.addWidget(self.tag_list)
        # a label the person taught (core.teach) suggests itself here; it is not a tag until accepted
        self.suggested_label = QLabel()
        self.suggested_label.setObjectName("suggestedLabel")
        self.suggested_label.setWordWrap(True)
        self.suggested_label.setStyleSheet("color: #1565c0")
        self.suggested_label.hide()
        panel.addWidget(self.suggested_label)
        add_row = QHBoxLayout()
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText(self.tr("Add a tag…"))
        self.tag_edit.returnPressed.connect(self.add_tag_from_edit)
        self.remove_tag_button = QPushButton(self.tr("Remove"))
        self.remove_tag_button.clicked.connect(self.remove_selected_tag)
        add_row.addWidget(self.tag_edit)
        add_row.addWidget(self.remove_tag_button)
        panel.addLayout(add_row)
        panel.addStretch(1)

        self.delete_button = QPushButton(self.tr("Remove from Library…"))
        self.delete_button.clicked.connect(lambda: self.delete_requested.emit(self.row.id))
        panel.addWidget(self.delete_button)
        for button in (self.show_folder_button, self.remove_tag_button, self.delete_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        # Shortcuts, not keyPressEvent: buttons would take Left/Right to move the focus, while
        # the tag field keeps them for its cursor (a line edit overrides these shortcuts).
        for key, step in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.step_requested.emit(step))

        layout = QHBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(side)
        self.resize(1100, 680)
        self.show_photo(row)

    def show_photo(self, row: Any) -> None:
        """Show ``row`` (another photo of the grid, or the same one again)."""
        self.row = row
        self.details = None
        self.setWindowTitle(row.name)
        self.your_tags_label.setText(", ".join(label_text(t) for t in row.user_tags))
        self.your_tags_label.setVisible(bool(row.user_tags))
        self.date_label.setText(row.taken_at.replace("T", " ") if row.taken_at else self.tr("unknown"))
        self.camera_label.setText(row.camera or self.tr("unknown"))
        size = f"{row.width} × {row.height}" if row.width and row.height else self.tr("unknown")
        self.size_label.setText(f"{size} · {row.size / 1e6:.1f} MB" if row.size else size)
        self.failure_label.setText(engine_text(row.error))
        self.facts.setRowVisible(self.failure_label, row.status == "failed")
        self.path_label.setText(getattr(row, "display_path", row.path))
        self.preview.set_image(None, self.tr("Loading…"))
        path, photo_id = row.path, row.id
        run_task(
            lambda: load_preview(path),
            lambda image: self._on_preview(image) if self.row.id == photo_id else None,
            lambda _m: self._on_preview(None) if self.row.id == photo_id else None,
            pool_name="thumbs",
            priority=1,
        )
        self.reload_details()

    # --- loading --------------------------------------------------------------------------
    def reload_details(self) -> None:
        path, photo_id = self.library_path, self.row.id
        run_task(
            lambda: data.photo_details(path, photo_id),
            lambda details: self._on_details(details) if self.row.id == photo_id else None,
        )

    def _on_preview(self, image: QImage | None) -> None:
        if image is None:
            self.preview.set_image(None, self.tr("This photo cannot be shown."))
        else:
            self.preview.set_image(QPixmap.fromImage(image))

    def _on_details(self, details: dict) -> None:
        self.details = details
        while self.labels_grid.count():
            item = self.labels_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        predictions = details.get("predictions") or []
        if not predictions:
            self.labels_grid.addWidget(QLabel(self.tr("Not tagged yet")), 0, 0)
        # a label the person removed is gone from this photo (its tags leave it out)
        kept = {tag_name(t).lower() for t in details.get("tags") or []}
        predictions = (
            [p for p in predictions if p.label.lower() in kept]
            if details.get("tags") is not None
            else predictions
        )
        for i, p in enumerate(predictions[:3]):
            name = QLabel(label_text(p.label))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(p.probability * 1000))
            bar.setFormat(f"{p.probability * 100:.1f}%")
            bar.setMaximumHeight(16)
            if p.probability < details.get("threshold", 0.0):
                # below the person's threshold: still shown here, greyed, never as a tag
                for widget in (name, bar):
                    widget.setEnabled(False)
                    widget.setToolTip(self.tr("Below your confidence threshold"))
            self.labels_grid.addWidget(name, i, 0)
            self.labels_grid.addWidget(bar, i, 1)
            wrong = QToolButton()
            wrong.setText("✕")
            wrong.setAutoRaise(True)
            wrong.setToolTip(self.tr("Not this: remove the label from this photo"))
            wrong.setAccessibleName(self.tr("Remove label %1").replace("%1", label_text(p.label)))
            wrong.clicked.connect(lambda _checked=False, label=p.label: self._edit_tags([], [label]))
            self.labels_grid.addWidget(wrong, i, 2)
        self.model_label.setText(
            self.tr("Tagged by %1").replace("%1", engine_text(model_title(self.row.model)))
        )
        # Tags are the person's words only; the model's guesses stay in Labels above.
        self.tag_list.clear()
        yours = [tag_name(t) for t in details.get("tags") or [] if getattr(t, "source", "") == "user"]
        for name in yours:
            item = QListWidgetItem(label_text(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.tag_list.addItem(item)
        self.your_tags_label.setText(", ".join(label_text(t) for t in yours))
        self.your_tags_label.setVisible(bool(yours))
        taken, source = details.get("taken") or (None, None)
        if self.row.taken_at and source == FILE_TIME:
            # the library read a date when it tagged the photo; the file no longer has one here
            # (edited since, or its drive is offline): show the library's, without a field name
            taken, source = self.row.taken_at, "EXIF"
        if taken:
            text = taken[:19].replace("T", " ")
            if source == FILE_TIME:
                self.date_label.setText(
                    self.tr("%1 (file date; the photo has no EXIF date)").replace("%1", text)
                )
            else:
                self.date_label.setText(
                    self.tr("%1 (%2)")
                    .replace("%1", text)
                    .replace("%2", source if source == "EXIF" else "EXIF " + source)
                )
        suggested = details.get("suggestions") or []
        self.suggested_label.setText(
            self.tr("Suggested: %1").replace(
                "%1", ", ".join(f"{label} {round(p * 100)}%" for label, p in suggested)
            )
        )
        self.suggested_label.setVisible(bool(suggested))

    # --- actions --------------------------------------------------------------------------
    def tag_names(self) -> list[str]:
        return [self.tag_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.tag_list.count())]

    def add_tag_from_edit(self) -> None:
        from resnet_desktop.core.names import label_for

        text = self.tag_edit.text().strip()
        if text:
            self.tag_edit.clear()
            # a label typed by its Chinese name is that label ("浓缩咖啡" confirms "espresso")
            self._edit_tags([label_for(text)], [])

    def remove_selected_tag(self) -> None:
        item = self.tag_list.currentItem()
        if item is not None:
            self._edit_tags([], [item.data(Qt.ItemDataRole.UserRole)])

    def _edit_tags(self, add: list[str], remove: list[str]) -> None:
        path, photo_id = self.library_path, self.row.id

        def done(_result: object) -> None:
            self.tags_changed.emit(photo_id)
            self.reload_details()

        run_task(lambda: data.set_tags(path, photo_id, add, remove), done, pool_name="write")

    def show_in_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(self.row.path)))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            self.close()
            return
        super().keyPressEvent(event)
