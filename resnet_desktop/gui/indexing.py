"""Runs core.pipeline.Indexer in a QThread and re-emits its callbacks as Qt signals.

The indexer's callbacks fire in the worker thread; signals of a QObject that lives in
the GUI thread are delivered there through queued connections, so the GUI reacts to
progress without ever sharing a widget with the worker. Cancel is a threading.Event the
pipeline checks between items, so stopping takes at most one batch.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


@dataclass(frozen=True)
class IndexSettings:
    """What an indexing run needs from the settings, read in the GUI thread when it starts:
    the worker never touches the shared QSettings."""

    model: str | None  # None: automatic
    int8: bool
    decode_threads: int


class IndexThread(QThread):
    progress = Signal(object)  # core.pipeline.IndexProgress
    scanned = Signal(list)  # new photo ids recorded as pending
    photos_done = Signal(list)  # photo ids written (tagged or failed)
    summary_ready = Signal(object)  # core.pipeline.IndexSummary
    error = Signal(str)  # the run itself failed (library or model could not open)

    def __init__(
        self, make_indexer: Callable[[], Any], paths: list[str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._make_indexer = make_indexer
        self.paths = list(paths)
        self.cancel_event = threading.Event()

    def run(self) -> None:
        _lower_cpu_priority()
        try:
            indexer = self._make_indexer()
            summary = indexer.run(
                self.paths,
                on_progress=self.progress.emit,
                on_scanned=lambda ids: self.scanned.emit(list(ids)),
                on_photo_done=lambda ids: self.photos_done.emit(list(ids)),
                cancel=self.cancel_event,
            )
        except Exception as exc:  # shown once in the status bar, never a dialog storm
            traceback.print_exc()
            self.error.emit(str(exc) or type(exc).__name__)
            return
        self.summary_ready.emit(summary)


def _lower_cpu_priority() -> None:
    """Tagging is background work: let the GUI thread win the CPU whenever it needs it.

    On Linux a nice value belongs to a thread and is inherited by the threads it creates,
    so the decode pool and ONNX Runtime's workers started from here run nicer too.
    (QThread.LowPriority, set at start, does the same on Windows and macOS.)
    """
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


class IndexController(QObject):
    """Queues add requests and runs them one after another, one worker thread at a time."""

    started = Signal()
    progress = Signal(object)
    scanned = Signal(list)
    photos_done = Signal(list)
    finished = Signal(list)  # [IndexSummary], or [None] after an error (never a bare None: see tasks.py)
    error = Signal(str)

    def __init__(self, make_indexer: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_indexer = make_indexer
        self._queue: list[list[str]] = []
        self._thread: IndexThread | None = None
        self._closing = False

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def thread(self) -> IndexThread | None:
        return self._thread

    def add(self, paths: list[str]) -> None:
        if not paths or self._closing:
            return
        self._queue.append(list(paths))
        if self._thread is None:
            self._start_next()

    def cancel(self) -> None:
        """Stop the current run and drop queued ones; what is tagged stays tagged."""
        self._queue.clear()
        if self._thread is not None:
            self._thread.cancel_event.set()

    def shutdown(self, timeout_ms: int = 1000, grace_ms: int = 5000) -> bool:
        """Cancel and join the worker; True when no worker is left running."""
        self._closing = True
        self.cancel()
        thread = self._thread
        if thread is None:
            return True
        stopped = thread.wait(timeout_ms)
        if not stopped and grace_ms > 0:  # a batch in inference: give it a little longer
            stopped = thread.wait(grace_ms)
        return stopped

    def _start_next(self) -> None:
        if not self._queue or self._closing:
            return
        paths = [p for group in self._queue for p in group]
        self._queue.clear()
        # make_indexer runs here, in the GUI thread, so it reads the settings once; what it
        # returns (which builds the Indexer from that snapshot) runs in the worker thread.
        thread = IndexThread(self._make_indexer(), paths, self)
        thread.progress.connect(self.progress)
        thread.scanned.connect(self.scanned)
        thread.photos_done.connect(self.photos_done)
        thread.summary_ready.connect(self._on_summary)
        thread.error.connect(self._on_error)
        thread.finished.connect(lambda t=thread: self._on_thread_finished(t))
        self._thread = thread
        self._last_summary: Any = None
        thread.start(QThread.Priority.LowPriority)
        self.started.emit()

    def _on_summary(self, summary: Any) -> None:
        self._last_summary = summary

    def _on_error(self, message: str) -> None:
        self.error.emit(message)

    def _on_thread_finished(self, thread: IndexThread) -> None:
        if thread is not self._thread:
            return
        self._thread = None
        thread.deleteLater()
        self.finished.emit([self._last_summary])
        if not self._closing:
            self._start_next()
