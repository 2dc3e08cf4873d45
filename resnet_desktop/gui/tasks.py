"""One small helper for background work, with dedicated pools.

Why pools per purpose: thumbnail decoding must never queue behind a slow library query,
and writes go through a one-thread pool so they happen in the order the user made them
(the same split MusicBrainz Picard uses). Workers only emit signals; results reach the
GUI thread through a queued connection, never by touching widgets from a worker.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_pools: dict[str, QThreadPool] = {}
_stopping = threading.Event()
_lock = threading.Lock()

#: name -> max threads. "read": library queries; "thumbs": thumbnail and preview decoding;
#: "write": library writes, one at a time and in order; "download": weights downloads and
#: imports; "int8": Settings' INT8 check and calibration (loads a model: slow); "teach":
#: learning the labels a person taught.
POOL_SIZES = {"read": 2, "thumbs": 2, "write": 1, "download": 1, "int8": 1, "teach": 1}


def pool(name: str) -> QThreadPool:
    with _lock:
        existing = _pools.get(name)
        if existing is None:
            existing = QThreadPool()
            existing.setObjectName(f"resnet-{name}")  # its threads' name, in ps, gdb and tests
            existing.setMaxThreadCount(POOL_SIZES.get(name, 1))
            existing.setExpiryTimeout(2000)
            _pools[name] = existing
        return existing


class _Relay(QObject):
    """Carries a task's outcome back to the thread that created it (the GUI thread).

    Results travel inside a one-item list: PySide6 mis-counts references when ``None`` itself
    goes through an ``object`` signal across threads, which on Python 3.11 eventually frees
    ``None`` and aborts the interpreter.
    """

    succeeded = Signal(list)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        if _stopping.is_set():  # the app is closing: do not start new work
            return
        try:
            result = self._fn()
        except Exception as exc:  # reported to the caller, never raised into Qt
            traceback.print_exc()
            if not _stopping.is_set():
                self._relay.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        if not _stopping.is_set():
            self._relay.succeeded.emit([result])


_live_relays: set[_Relay] = set()


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    *,
    pool_name: str = "read",
    priority: int = 0,
) -> None:
    """Run ``fn()`` in the named pool; ``on_done(result)`` / ``on_error(message)`` run in the GUI thread.

    After :func:`shutdown` nothing starts: a task would not run anyway, and starting it would
    wake a pool thread that then outlives the window until Qt's idle expiry.
    """
    if _stopping.is_set():
        return
    relay = _Relay()
    _live_relays.add(relay)

    def finished(boxed: list) -> None:
        _live_relays.discard(relay)
        if on_done is not None:
            on_done(boxed[0])

    def errored(message: str) -> None:
        _live_relays.discard(relay)
        if on_error is not None:
            on_error(message)

    relay.succeeded.connect(finished)
    relay.failed.connect(errored)
    pool(pool_name).start(_Task(fn, relay), priority)


_generation = 0  # bumped by restart(): which window (or test) owns the pools now


def shutdown(timeout_ms: int = 3000, generation: int | None = None) -> bool:
    """Stop starting queued tasks and wait for running ones; True when every pool drained.

    ``generation`` (what :func:`restart` returned to the caller) makes a late shutdown from an
    older window, one whose close was deferred until its worker finished, a no-op once a newer
    window owns the pools: it must not stop the newer window's work.
    """
    if generation is not None and generation != _generation:
        return True
    _stopping.set()
    drained = True
    with _lock:
        pools = list(_pools.values())
    for p in pools:
        p.clear()
        drained = p.waitForDone(timeout_ms) and drained
    # Qt's own pool: QImage conversions and smooth scaling of large images run there, and its
    # idle threads would otherwise linger for 30 s after the window closed.
    QThreadPool.globalInstance().waitForDone(timeout_ms)
    _live_relays.clear()
    return drained


def restart() -> int:
    """Allow work again after :func:`shutdown` (a second window in the same process, tests).

    Returns the new generation, for the caller's own :func:`shutdown` later."""
    global _generation
    _generation += 1
    _stopping.clear()
    return _generation
