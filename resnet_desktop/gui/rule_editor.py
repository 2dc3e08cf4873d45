"""Dialog to create or edit a smart album: a name and a rule (core.albums JSON)."""

from __future__ import annotations

import re

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

#: The rule keys this dialog shows; any other key of an edited rule is kept as it was.
SHOWN_KEYS = frozenset({"labels_any", "labels_all", "min_confidence", "date_from", "date_to", "folder"})


def _split(text: str) -> list[str]:
    """Labels separated by commas, Chinese ones (，、) included."""
    return [part.strip() for part in re.split(r"[,，、]", text) if part.strip()]


class RuleEditorDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        name: str = "",
        rule: dict | None = None,
        known_labels: list[str] | None = None,
        threshold: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Smart Album"))
        rule = dict(rule or {})
        self._kept = {key: value for key, value in rule.items() if key not in SHOWN_KEYS}
        form = QFormLayout(self)

        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText(self.tr("e.g. Cats of 2024"))
        form.addRow(self.tr("Name:"), self.name_edit)

        self.match_combo = QComboBox()
        self.match_combo.addItem(self.tr("any of these labels"), "any")
        self.match_combo.addItem(self.tr("all of these labels"), "all")
        labels = rule.get("labels_all") or rule.get("labels_any") or []
        if rule.get("labels_all"):
            self.match_combo.setCurrentIndex(1)
        from resnet_desktop.gui.i18n import interface_language, label_text

        # shown as the window names them; rule() stores the English labels again
        separator = "、" if interface_language() == "zh" else ", "
        self.labels_edit = QLineEdit(separator.join(map(label_text, labels)))
        self.labels_edit.setPlaceholderText(self.tr("tabby, Egyptian cat, Persian cat"))
        if known_labels:
            from PySide6.QtWidgets import QCompleter

            # offer the names as the window shows them; the search understands either language
            shown = list(dict.fromkeys([*map(label_text, known_labels), *known_labels]))
            self.labels_edit.setCompleter(QCompleter(shown, self))
        form.addRow(self.tr("Photos with:"), self.match_combo)
        form.addRow(self.tr("Labels:"), self.labels_edit)

        self.confidence = QDoubleSpinBox()
        self.confidence.setRange(0, 100)
        self.confidence.setSuffix(" %")
        self.confidence.setDecimals(0)
        # A new album starts at the person's threshold: below it labels are hidden everywhere
        # else, and a 0% album would collect every photo with a faint guess of the label.
        default = threshold if not rule else 0.0
        self.confidence.setValue(round(float(rule.get("min_confidence", default)) * 100))
        form.addRow(self.tr("Minimum confidence:"), self.confidence)

        self.use_dates = QCheckBox(self.tr("Taken between"))
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()
        self.date_from.setDate(
            QDate.fromString(rule.get("date_from", ""), "yyyy-MM-dd")
            if rule.get("date_from")
            else today.addYears(-1)
        )
        self.date_to.setDate(
            QDate.fromString(rule.get("date_to", ""), "yyyy-MM-dd") if rule.get("date_to") else today
        )
        self.use_dates.setChecked(bool(rule.get("date_from") or rule.get("date_to")))
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        form.addRow(self.use_dates, dates)

        self.folder_edit = QLineEdit(rule.get("folder", ""))
        self.folder_edit.setPlaceholderText(self.tr("any folder"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit)
        folder_row.addWidget(browse)
        form.addRow(self.tr("In folder:"), folder_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.name_edit.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name_edit.text().strip()))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def album_name(self) -> str:
        return self.name_edit.text().strip()

    def rule(self) -> dict:
        rule: dict = dict(self._kept)  # camera, status, ...: not shown here, never dropped
        from resnet_desktop.core.names import label_for

        labels = [label_for(label) for label in _split(self.labels_edit.text())]
        if labels:
            rule["labels_all" if self.match_combo.currentData() == "all" else "labels_any"] = labels
        if self.confidence.value() > 0:
            rule["min_confidence"] = round(self.confidence.value() / 100.0, 4)
        if self.use_dates.isChecked():
            rule["date_from"] = self.date_from.date().toString("yyyy-MM-dd")
            rule["date_to"] = self.date_to.date().toString("yyyy-MM-dd")
        if self.folder_edit.text().strip():
            rule["folder"] = self.folder_edit.text().strip()
        return rule
