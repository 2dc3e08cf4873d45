"""Small widgets and view helpers the window uses."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSizePolicy


def elide_words(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` if it fits in ``width`` pixels, else as many whole words as fit, then "…"."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    while words:
        words.pop()
        candidate = " ".join(words).rstrip(" ,;:·—-") + "…"
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate if words else ""
    return ""


class ElidedLabel(QLabel):
    """A one-line label that never cuts a word: it drops whole words and shows "…" instead,
    with the full text as its tooltip. ``text()`` stays the full text."""

    def __init__(self, text: str = "") -> None:
        self._detail = ""
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str, detail: str = "") -> None:  # noqa: N802 (Qt's name)
        """``detail``, when given, is the tooltip (else the full text, when it does not fit)."""
        self._detail = detail
        super().setText(text)
        self._update_tooltip()

    def displayed_text(self) -> str:
        """What is on screen at the label's current width."""
        return elide_words(self.text(), self.fontMetrics(), self.contentsRect().width())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        elided = self.displayed_text() != self.text()
        self.setToolTip(self._detail or (self.text() if elided else ""))

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), align, self.displayed_text())
        painter.end()


class VisibleRows(QObject):
    """The ids of the tiles a view shows right now, in display order (kept up to date on
    scrolling, resizing and model changes). Read from any thread: ``ids`` is replaced whole."""

    def __init__(self, view: QAbstractItemView, id_role: int) -> None:
        super().__init__(view)
        self.ids: tuple[int, ...] = ()
        self._view = view
        self._role = id_role
        view.verticalScrollBar().valueChanged.connect(self.update)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.update()
        return False

    def update(self, *_args) -> None:
        view = self._view
        area = view.viewport().rect()
        cell = view.gridSize()
        step_x = max(8, (cell.width() if cell.isValid() else 64) // 2)
        step_y = max(8, (cell.height() if cell.isValid() else 64) // 2)
        rows: dict[int, int] = {}
        for y in range(step_y // 2, area.height(), step_y):
            for x in range(step_x // 2, area.width(), step_x):
                index = view.indexAt(QPoint(x, y))
                if index.isValid() and index.row() not in rows:
                    rows[index.row()] = index.data(self._role)
        self.ids = tuple(rows[r] for r in sorted(rows))
