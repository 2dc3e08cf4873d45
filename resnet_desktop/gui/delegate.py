"""Paints one grid tile: thumbnail, top label and confidence, or why the photo failed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from resnet_desktop.gui.i18n import engine_text, label_text
from resnet_desktop.gui.photo_model import CaptionRole, ErrorRole, StatusRole, SuggestedRole, ThumbnailRole

TEXT_LINES = 2


class PhotoDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tile = 160
        self.tagging = False  # a run is on: pending tiles say "Tagging…", else "Not tagged yet"
        self._placeholders: dict[tuple[int, int, str], QPixmap] = {}

    def set_tile_size(self, side: int) -> None:
        self.tile = side
        self._placeholders.clear()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        text_h = QFontMetrics(option.font).height() * TEXT_LINES + 6
        return QSize(self.tile + 12, self.tile + 12 + text_h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight).lighter(160))
            painter.drawRoundedRect(rect, 6, 6)

        image_rect = QRect(rect.left() + 3, rect.top() + 3, rect.width() - 6, self.tile)
        status = index.data(StatusRole)
        pixmap = index.data(ThumbnailRole)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(image_rect.center())
            painter.drawPixmap(target, pixmap)
        else:
            self._placeholder(painter, image_rect, status)

        text_rect = QRect(
            rect.left() + 4,
            image_rect.bottom() + 4,
            rect.width() - 8,
            rect.bottom() - image_rect.bottom() - 4,
        )
        fm = QFontMetrics(option.font)
        first_line = QRect(text_rect.left(), text_rect.top(), text_rect.width(), fm.height())
        second_line = first_line.translated(0, fm.height())
        if status == "failed":
            # which file, and why (the full reason is in the tooltip)
            reason = engine_text(index.data(ErrorRole))
            note = QCoreApplication.translate("PhotoDelegate", "Failed: %1").replace("%1", reason)
            painter.setPen(QColor("#c62828"))
            painter.drawText(
                first_line,
                Qt.AlignmentFlag.AlignLeft,
                fm.elidedText(note, Qt.TextElideMode.ElideRight, first_line.width()),
            )
            name = index.data(Qt.ItemDataRole.DisplayRole) or ""
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                second_line,
                Qt.AlignmentFlag.AlignLeft,
                fm.elidedText(name, Qt.TextElideMode.ElideMiddle, second_line.width()),
            )
        elif status == "pending":
            if self.tagging:
                note = QCoreApplication.translate("PhotoDelegate", "Tagging…")
            else:
                note = QCoreApplication.translate("PhotoDelegate", "Not tagged yet")
            self._note_and_name(painter, palette, fm, (first_line, second_line), index, note)
        else:
            # The person's tags first, then one model label above the threshold (or the
            # label a search matched) with its confidence, in the window's language.
            tags, label, confidence = index.data(CaptionRole) or ((), None, None)
            tags = [label_text(t) for t in tags]
            label = label_text(label) if label else None
            if label and index.data(SuggestedRole):  # a taught label's guess, not confirmed
                label = QCoreApplication.translate("PhotoDelegate", "Suggested: %1").replace("%1", label)
            confidence = confidence or 0.0
            bold = QFont(option.font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            if tags:
                painter.drawText(
                    first_line,
                    Qt.AlignmentFlag.AlignLeft,
                    QFontMetrics(bold).elidedText(
                        ", ".join(tags), Qt.TextElideMode.ElideRight, first_line.width()
                    ),
                )
                painter.setFont(option.font)
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                second = (
                    f"{label}  {round(confidence * 100)}%"
                    if label
                    else index.data(Qt.ItemDataRole.DisplayRole) or ""
                )
                painter.drawText(
                    second_line,
                    Qt.AlignmentFlag.AlignLeft,
                    fm.elidedText(second, Qt.TextElideMode.ElideMiddle, second_line.width()),
                )
            elif label:
                pct = f"{round(confidence * 100)}%"
                pct_w = QFontMetrics(bold).horizontalAdvance(pct) + 6
                label_rect = first_line.adjusted(0, 0, -pct_w, 0)
                painter.drawText(
                    label_rect,
                    Qt.AlignmentFlag.AlignLeft,
                    QFontMetrics(bold).elidedText(label, Qt.TextElideMode.ElideRight, label_rect.width()),
                )
                painter.setFont(option.font)
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(first_line, Qt.AlignmentFlag.AlignRight, pct)
                bar = QRect(second_line.left(), second_line.top() + 3, second_line.width(), 3)
                painter.fillRect(bar, palette.color(QPalette.ColorRole.Midlight))
                bar.setWidth(max(1, int(bar.width() * confidence)))
                painter.fillRect(bar, palette.color(QPalette.ColorRole.Highlight))
                name_line = second_line.translated(0, 6)
                if name_line.bottom() <= rect.bottom():
                    painter.drawText(
                        name_line,
                        Qt.AlignmentFlag.AlignLeft,
                        fm.elidedText(
                            index.data(Qt.ItemDataRole.DisplayRole) or "",
                            Qt.TextElideMode.ElideMiddle,
                            name_line.width(),
                        ),
                    )
            else:
                painter.setFont(option.font)
                note = QCoreApplication.translate("PhotoDelegate", "No confident label")
                self._note_and_name(painter, palette, fm, (first_line, second_line), index, note)
        painter.restore()

    @staticmethod
    def _note_and_name(
        painter: QPainter,
        palette: QPalette,
        fm: QFontMetrics,
        lines: tuple[QRect, QRect],
        index,
        note: str,
    ) -> None:
        """A muted note ("Tagging…", "No confident label") above the file name."""
        first_line, second_line = lines
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(first_line, Qt.AlignmentFlag.AlignLeft, note)
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(
            second_line,
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(name, Qt.TextElideMode.ElideMiddle, second_line.width()),
        )

    def _placeholder(self, painter: QPainter, rect: QRect, status: str | None) -> None:
        """A tile without its thumbnail yet: drawn once per size and kind, then blitted.

        While tagging runs most visible tiles are placeholders and repaint often; drawing
        rounded rects and large text for each one every time is what made the grid stall.
        """
        kind = "failed" if status == "failed" else "waiting"
        key = (rect.width(), rect.height(), kind)
        pixmap = self._placeholders.get(key)
        if pixmap is None:
            pixmap = QPixmap(rect.size())
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            local = QRect(0, 0, rect.width(), rect.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#fdecea") if kind == "failed" else QColor(0, 0, 0, 18))
            p.drawRoundedRect(local, 4, 4)
            p.setPen(QPen(QColor("#c62828") if kind == "failed" else QColor(0, 0, 0, 70)))
            font = painter.font()
            font.setPointSizeF(max(10.0, rect.height() / 6))
            p.setFont(font)
            p.drawText(local, Qt.AlignmentFlag.AlignCenter, "!" if kind == "failed" else "…")
            p.end()
            self._placeholders[key] = pixmap
        painter.drawPixmap(rect.topLeft(), pixmap)
