"""Settings across threads and closing while work cannot stop at once (issue 11, item 10)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from resnet_desktop.core.library import Library
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier, make_photo
from tests.gui.person import GatedClassifier


class RecordingSettings(QSettings):
    """The real INI settings, noting which thread reads them."""

    def __init__(self, path: str) -> None:
        super().__init__(path, QSettings.Format.IniFormat)
        self.readers: set[str] = set()

    def value(self, *args, **kwargs):
        self.readers.add(threading.current_thread().name)
        return super().value(*args, **kwargs)


def drop(window: MainWindow, folder) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    centre = window.rect().center()
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    event = QDropEvent(
        QPointF(centre),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)


def test_the_indexing_thread_never_reads_the_shared_settings(qtbot, tmp_path):
    for i in range(6):
        make_photo(tmp_path / "photos" / f"p{i}.jpg", (200, 20 * i, 30))
    settings = RecordingSettings(str(tmp_path / "settings.ini"))
    window = MainWindow(AppSettings(settings), classifier_factory=ColourClassifier, batch_size=2)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    drop(window, tmp_path / "photos")
    qtbot.waitUntil(lambda: window.last_summary is not None and not window.indexer.running, timeout=30000)
    with Library(window.library_path) as lib:
        assert lib.count(rule={"status": "ok"}) == 6
    assert settings.readers == {threading.main_thread().name}


def test_closing_while_a_batch_cannot_stop_waits_for_it_instead_of_pulling_the_thread_away(qtbot, tmp_path):
    for i in range(4):
        make_photo(tmp_path / "photos" / f"p{i}.jpg", (30, 20 * i, 200))
    classifier = GatedClassifier(wait_s=60)  # a batch far longer than closing waits for
    window = MainWindow(AppSettings(), classifier_factory=lambda: classifier, batch_size=2)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    drop(window, tmp_path / "photos")
    qtbot.waitUntil(classifier.entered.is_set, timeout=20000)
    thread = window.indexer.thread

    def worker_done() -> bool:
        try:
            return thread.isFinished()
        except RuntimeError:  # deleted: the controller deletes it only after it finished
            return True

    assert window.close() is False  # the batch is still in inference after every wait
    assert window.isVisible() and not worker_done()
    assert "before closing" in window.statusBar().findChild(type(window.status_label)).text()

    classifier.gate.set()  # the batch ends: the window finishes closing by itself
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert worker_done()  # the worker ended before the window went
