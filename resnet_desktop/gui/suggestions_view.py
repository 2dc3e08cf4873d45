"""Labels a person teaches, in the window: the review queue and the background learner.

The sidebar's "Suggestions" section lists every taught label; choosing one shows this view
in place of the grid: how good the label is (measured on the person's own photos), and its
suggested photos, best first, as tiles reading "boat 87%". Y accepts (the label becomes the
person's tag), N rejects (kept for good, and a negative the next time it learns), arrows move
on; both act on every selected photo at once. Learning runs in the "teach" pool and can be
cancelled; it starts by itself when tags, rejections, photos or the model changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from resnet_desktop.core.teach import MIN_MEASURED, ROUGH_BELOW
from resnet_desktop.gui import data, tasks
from resnet_desktop.gui.delegate import PhotoDelegate
from resnet_desktop.gui.photo_model import PhotoListModel

# Learning waits this long after the last change, so a burst of Y/N presses trains once.
LEARN_DELAY_MS = 2500


class LabelWords(QObject):
    """How a taught label is described to a person, in the interface language."""

    def quality_text(self, report: Any) -> str:
        """'finds about 8 of 10, with 1 wrong in 10', translated (core.teach.quality_words' twin)."""
        if report.recall is None:
            return self.tr("not measured")
        found = round(report.recall * 10)
        text = (
            self.tr("finds about %1 of 10").replace("%1", str(found))
            if found
            else self.tr("finds fewer than 1 in 10")
        )
        if report.precision is None:
            return text
        wrong = round((1.0 - report.precision) * 10)
        if wrong:
            return text + self.tr(", with %1 wrong in 10").replace("%1", str(wrong))
        return text + self.tr(", with fewer than 1 wrong in 10")

    def describe(self, report: Any) -> str:
        """What a person needs to know about a taught label, in a sentence or two."""
        status = report.status
        if status == "ready" and report.recall is None:
            pictures = report.pictures or 0
            return self.tr(
                "Not enough different pictures to measure how good it is yet (%n of %1): "
                "its suggestions are a first guess.",
                "",
                pictures,
            ).replace("%1", str(MIN_MEASURED))
        if status == "ready":
            text = self.tr("Measured on your photos, it %1.").replace("%1", self.quality_text(report))
            if (report.pictures or 0) < ROUGH_BELOW:
                pictures = report.pictures or 0
                text += " " + self.tr(
                    "A rough estimate: its examples show only %n different picture(s).",
                    "",
                    pictures,
                )
            return text
        if status == "weak":
            return self.tr(
                "Too unsure to suggest anything yet (%1). Tag more photos with it, "
                "or remove it where it is wrong.",
            ).replace("%1", self.quality_text(report))
        if status == "needs_examples":
            needed = report.needed  # (a plain name: pyside6-lupdate misses attribute counts)
            text = self.tr("Needs %n more example(s) before it can be learned.", "", needed)
            missing = report.tagged - report.examples
            if missing > 0:
                text += " " + self.tr(
                    "%n of its photos are not tagged by the current model yet (File > Re-tag Library).",
                    "",
                    missing,
                )
            return text
        if status == "needs_variety":
            pictures = report.pictures or 1
            return self.tr(
                "Its examples are near copies of %n picture(s): tag a few different photos with it.",
                "",
                pictures,
            )
        if status == "everywhere":
            return self.tr("It is on nearly every photo, so there is nothing to tell it apart from.")
        if status == "no_embeddings":
            return self.tr("No photo has been tagged yet, so there is nothing to learn from.")
        return self.tr("Not learned: only the labels with the most examples are learned at a time.")

    def sidebar_title(self, report: Any, count: int) -> str:
        if report.status == "ready":
            return f"{report.label}  ({count})"
        if report.status == "needs_examples":
            needed = report.needed
            short = self.tr("%n more needed", "", needed)
        elif report.status in ("weak", "needs_variety"):
            short = self.tr("unsure")
        elif report.status == "everywhere":
            short = self.tr("on every photo")
        else:
            short = self.tr("not learned")
        return f"{report.label}  · {short}"


def quality_text(report: Any) -> str:
    """'finds about 8 of 10, with 1 wrong in 10', translated (core.teach.quality_words' twin)."""
    return LabelWords().quality_text(report)


def describe(report: Any) -> str:
    """What a person needs to know about a taught label, in a sentence or two."""
    return LabelWords().describe(report)


def sidebar_title(report: Any, count: int) -> str:
    return LabelWords().sidebar_title(report, count)


class TeachController(QObject):
    """Learns the taught labels in the background when something changed; cancellable."""

    started = Signal()
    finished = Signal(object)  # data.LearnResult, or None when nothing had changed
    failed = Signal(str)

    def __init__(self, library_path: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library_path = library_path
        self._cancel = threading.Event()
        self.running = False
        self._again = False
        self._closing = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.start)

    def request(self, delay_ms: int | None = None) -> None:
        """Learn soon (each request pushes the start back: one run after a burst of changes)."""
        if not self._closing:
            self._timer.start(LEARN_DELAY_MS if delay_ms is None else delay_ms)

    def start(self) -> None:
        if self._closing:
            return
        if self.running:
            self._again = True
            return
        self.running = True
        self._cancel = threading.Event()
        path, cancel = self._library_path(), self._cancel
        self.started.emit()
        tasks.run_task(lambda: data.learn_if_stale(path, cancel), self._done, self._error, pool_name="teach")

    def cancel(self) -> None:
        self._timer.stop()
        self._again = False
        self._cancel.set()

    def shutdown(self) -> None:
        self._closing = True
        self.cancel()

    def _done(self, result: Any) -> None:
        self.running = False
        if self._closing:
            return
        self.finished.emit(result)
        if self._again:
            self._again = False
            self.start()

    def _error(self, message: str) -> None:
        self.running = False
        if not self._closing:
            self.failed.emit(message)


class SuggestionGrid(QListView):
    """The queue's tiles: Y accepts, N rejects (the selection, or the current photo), Space opens."""

    decided = Signal(bool)  # True: accept
    open_requested = Signal(object)  # QModelIndex

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("suggestionGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(True)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Y:
            self.decided.emit(True)
            return
        if event.key() == Qt.Key.Key_N:
            self.decided.emit(False)
            return
        if event.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class SuggestionsView(QWidget):
    """One taught label's quality and its review queue."""

    changed = Signal()  # a review was saved
    open_requested = Signal(object)  # PhotoRow

    def __init__(self, library_path: Callable[[], str], thumbnails: Any, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsView")
        self._library_path = library_path
        self.label: str | None = None
        self.report: Any = None
        self._loading = 0

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.quality = QLabel()
        self.quality.setObjectName("suggestionQuality")
        self.quality.setWordWrap(True)
        self.learning = QLabel()
        self.learning.setObjectName("learningStatus")
        self.cancel_button = QPushButton(self.tr("Stop Learning"))
        self.cancel_button.setObjectName("cancelLearning")
        self.cancel_button.hide()
        self.hint = QLabel(
            self.tr("Y accepts, N rejects, arrows move on; select several photos to decide on all of them.")
        )
        self.hint.setStyleSheet("color: palette(placeholder-text)")

        self.model = PhotoListModel(self)
        self.model.thumbnail_provider = thumbnails.pixmap_for
        thumbnails.loaded.connect(self.model.refresh_hash)
        self.grid = SuggestionGrid()
        self.delegate = PhotoDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)
        self.grid.setModel(self.model)
        self.grid.decided.connect(self.decide)
        self.grid.open_requested.connect(
            lambda index: self.open_requested.emit(self.model.row_at(index.row()))
        )
        self.empty = QLabel()
        self.empty.setObjectName("suggestionsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text); font-size: 15px")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.grid)
        self.pages.addWidget(self.empty)

        self.accept_button = QPushButton(self.tr("Accept (Y)"))
        self.accept_button.setObjectName("acceptSuggestion")
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.reject_button = QPushButton(self.tr("Reject (N)"))
        self.reject_button.setObjectName("rejectSuggestion")
        self.reject_button.clicked.connect(lambda: self.decide(False))

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.learning)
        top.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.quality)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.set_tile_size(160)

    def set_tile_size(self, side: int) -> None:
        from PySide6.QtCore import QSize
        from PySide6.QtWidgets import QStyleOptionViewItem

        self.delegate.set_tile_size(side)
        option = QStyleOptionViewItem()
        option.initFrom(self.grid)
        hint = self.delegate.sizeHint(option, self.model.index(0))
        self.grid.setGridSize(QSize(hint.width() + 4, hint.height() + 4))

    # --- loading --------------------------------------------------------------------------
    def show_label(self, label: str) -> None:
        if label != self.label:
            self.model.reset_rows([])
        self.label = label
        self.title.setText(label)
        self.reload()

    def reload(self) -> None:
        if self.label is None:
            return
        self._loading += 1
        path, label = self._library_path(), self.label
        tasks.run_task(lambda: data.suggestion_queue(path, label), lambda q: self._on_queue(label, q))

    def _on_queue(self, label: str, queue: data.SuggestionQueue) -> None:
        self._loading -= 1
        if label != self.label:
            return
        self.report = queue.report
        keep = max(0, self.grid.currentIndex().row())
        self.model.reset_rows(queue.rows)
        if queue.report is None:
            self.quality.setText(self.tr("This label is no longer taught: no photo carries it."))
        else:
            self.quality.setText(describe(queue.report))
        if queue.rows:
            self.pages.setCurrentWidget(self.grid)
            self.grid.setCurrentIndex(self.model.index(min(keep, len(queue.rows) - 1)))
            self.grid.setFocus()
        else:
            ready = queue.report is not None and queue.report.status == "ready"
            self.empty.setText(
                self.tr("Nothing to review: no other photo looks like it.")
                if ready
                else self.tr("No suggestions for this label.")
            )
            self.pages.setCurrentWidget(self.empty)
        self.accept_button.setEnabled(bool(queue.rows))
        self.reject_button.setEnabled(bool(queue.rows))

    def set_learning(self, learning: bool, text: str | None = None) -> None:
        """Show learning in progress (with Stop Learning) or done. Done with ``text`` None (there
        was nothing new to learn) puts back what the line said before learning started."""
        if learning:
            self._said_before = self.learning.text()
        elif text is None:
            text = getattr(self, "_said_before", "")
        if text is not None:
            self.learning.setText(text)
        self.cancel_button.setVisible(learning)

    # --- review ---------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        return [self.model.row_at(r).id for r in rows]

    def decide(self, accept: bool) -> None:
        ids = self.selected_ids()
        if not ids or self.label is None:
            return
        first = min(self.model.row_of(i) for i in ids)
        self.model.remove_ids(ids)
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(min(first, self.model.rowCount() - 1)))
        else:
            self.empty.setText(self.tr("All reviewed."))
            self.pages.setCurrentWidget(self.empty)
        path, label = self._library_path(), self.label
        tasks.run_task(
            lambda: data.review_suggestions(path, label, ids, accept),
            lambda _r: self.changed.emit(),
            lambda message: self.quality.setText(self.tr("Could not save: %1").replace("%1", message)),
            pool_name="write",
        )
