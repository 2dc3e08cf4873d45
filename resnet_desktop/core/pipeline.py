"""The indexing pipeline: scan -> decode pool -> batched inference -> one writer.

Why it is shaped like this (see docs/ARCHITECTURE.md):

* Decoding a camera photo costs more CPU than classifying it, so decoding runs in a small
  thread pool (Pillow releases the GIL) while the calling thread runs inference, which
  itself uses all cores. A bounded number of decodes in flight gives backpressure: memory
  stays flat however many photos are queued.
* Each file is read once: the same bytes give the content hash (moves, thumbnails), the
  model input and the thumbnail.
* Only the calling thread writes to the library, one transaction per batch. A crash or
  Ctrl-C loses at most the batch in flight, and photos recorded as ``pending`` are picked
  up by the next run, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resnet_desktop.core.duplicates import fingerprint, store_fingerprint
from resnet_desktop.core.files import FileRefused, describe, read_regular
from resnet_desktop.core.imaging import MAX_FILE_BYTES, PhotoError, decode_photo, is_supported, make_thumbnail
from resnet_desktop.core.library import Library, PhotoRow

if TYPE_CHECKING:
    from resnet_desktop.core.classify import Classifier
    from resnet_desktop.core.thumbs import ThumbCache

THUMBNAIL_SIDE = 256


@dataclass
class IndexProgress:
    total: int
    done: int
    failed: int
    rate: float
    eta_s: float | None
    current: str | None


@dataclass
class IndexSummary:
    indexed: int = 0
    unchanged: int = 0
    moved: int = 0
    retagged: int = 0
    missing: int = 0
    skipped_busy: int = 0  # photos another indexing run was tagging: left to it
    failed: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    elapsed_s: float = 0.0
    model: str | None = None
    # keywords in the photos and their XMP sidecars, read into the person's tags (core.xmp)
    tags_from_files: int = 0
    sidecars_reread: int = 0
    sidecar_problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Job:
    """One photo to process: a row already in the library (pending, changed or to re-tag)."""

    photo_id: int
    path: str
    size: int
    mtime_ns: int
    retag: bool = False
    ctime_ns: int | None = None
    inode: int | None = None


@dataclass
class _Decoded:
    job: _Job
    content_hash: str | None = None
    tensor: Any = None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None
    camera: str | None = None
    error: str | None = None
    moved_from: int | None = None
    fingerprint: tuple[bytes, float] | None = None  # core.duplicates: near copies


class _JobQueue:
    """Jobs in order, except that photos the caller wants first jump the queue."""

    def __init__(self, jobs: list[_Job], wanted_first: Callable[[], Collection[int]] | None) -> None:
        self._order = deque(jobs)
        self._by_id = {job.photo_id: job for job in jobs}
        self._taken: set[int] = set()
        self._wanted_first = wanted_first
        self._last_wanted: Collection[int] | None = None
        self._first: deque[int] = deque()

    def next(self) -> _Job | None:
        if self._wanted_first is not None:
            wanted = self._wanted_first()
            if wanted is not self._last_wanted:  # a new screenful: re-plan what goes first
                self._last_wanted = wanted
                self._first = deque(i for i in wanted if i in self._by_id and i not in self._taken)
        while self._first:
            photo_id = self._first.popleft()
            if photo_id not in self._taken:
                self._taken.add(photo_id)
                return self._by_id[photo_id]
        while self._order:
            job = self._order.popleft()
            if job.photo_id not in self._taken:
                self._taken.add(job.photo_id)
                return job
        return None


def scan(
    paths: Iterable[str | os.PathLike[str]], errors: list[tuple[str, str]] | None = None
) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) for every supported photo under ``paths``, each file once.

    A folder given twice, or nested in another given folder, is walked once: files are
    de-duplicated by their real path. Unreadable folders are reported through ``errors``.
    """
    seen: set[str] = set()
    for root in paths:
        root = os.path.abspath(os.fspath(root))
        if os.path.isfile(root):
            candidates: Iterable[str] = [root]
        elif os.path.isdir(root):
            candidates = _walk(root, errors)
        else:
            if errors is not None:
                what = describe(root)
                errors.append((root, what if what == "not found" else f"not a photo or folder ({what})"))
            continue
        for path in candidates:
            if not is_supported(path):
                continue
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            try:
                st = os.stat(path)
            except OSError as exc:
                if errors is not None:
                    errors.append((path, _os_reason(exc)))
                continue
            if stat.S_ISREG(st.st_mode):
                yield path, st


def _walk(root: str, errors: list[tuple[str, str]] | None) -> Iterator[str]:
    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append((exc.filename or root, _os_reason(exc)))

    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(folder, name)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found (deleted or moved since the scan)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return exc.strerror or str(exc)


def read_photo_bytes(path: str) -> bytes:
    """Read a photo file whole, turning OS errors into a :class:`PhotoError` with a reason.

    Only a regular file of at most MAX_FILE_BYTES is read: a FIFO or device named like a
    photo is refused without blocking on it (see core.files).
    """
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise PhotoError(exc.reason) from exc
    except OSError as exc:
        raise PhotoError(_os_reason(exc)) from exc


def _run_owner() -> str:
    """Who holds a claim: host, process and a token unique to this run."""
    import socket
    import uuid

    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _owner_alive(owner: str) -> bool:
    """Whether the run that wrote a claim may still be going (a kill -9 leaves claims behind)."""
    import socket

    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another machine's run on a shared library: cannot tell, leave it
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _done_by_another(library: Library, job: _Job, identities: dict[int, tuple[int, int]], model: str) -> bool:
    """The photo's row already holds what this job would write (another run got there first)."""
    row = library.get(job.photo_id)
    if row is None or row.size != job.size or row.mtime_ns != job.mtime_ns:
        return False
    return (
        row.status == "ok"
        and row.model == model
        and identities.get(job.photo_id) == (job.ctime_ns, job.inode)
    )


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Indexer:
    """Index folders and files into a library. One instance runs one job at a time."""

    def __init__(
        self,
        library_path: str | os.PathLike[str],
        classifier_factory: Callable[[], Classifier],
        *,
        decode_threads: int | None = None,
        batch_size: int = 16,
        thumbs: ThumbCache | None = None,
        top_k: int = 3,
        wanted_first: Callable[[], Collection[int]] | None = None,
    ) -> None:
        """``wanted_first()`` names photo ids to tag before the others (the GUI: the tiles on
        screen); it is called from the run's thread whenever work is handed out, so it must be
        cheap and thread-safe (returning an attribute the caller replaces whole is both)."""
        self.library_path = Path(library_path)
        self.wanted_first = wanted_first
        self._classifier_factory = classifier_factory
        self.decode_threads = max(1, decode_threads or (os.cpu_count() or 2))
        self.batch_size = max(1, batch_size)
        self.thumbs = thumbs
        self.top_k = top_k

    # -- the run ---------------------------------------------------------------------------

    def run(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        on_progress: Callable[[IndexProgress], None] | None = None,
        on_scanned: Callable[[list[int]], None] | None = None,
        on_photo_done: Callable[[list[int]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> IndexSummary:
        started = time.monotonic()
        cancel = cancel or threading.Event()
        summary = IndexSummary()
        self._moved_ids: set[int] = set()
        self._vanished_here: set[int] = set()
        library = Library(self.library_path)
        owner = _run_owner()
        try:
            # New photos are recorded (and shown) before the model loads, which can take
            # seconds; only then is it known which photos the model has already tagged.
            new_jobs, known, vanished = self._plan(library, paths, summary, on_scanned)
            classifier = self._classifier_factory()
            summary.model = classifier.model
            jobs = self._known_jobs(known, classifier.model, summary, library.file_identities()) + new_jobs
            # Another run on the same photos (a second `index`, the window) may be tagging some
            # of them now: leave those to it rather than classify everything twice.
            mine = library.claim([j.photo_id for j in jobs], owner, _owner_alive) if jobs else set()
            # A job planned before another run finished it is done already: leave it too.
            identities = library.file_identities()
            mine = {
                j.photo_id
                for j in jobs
                if j.photo_id in mine and not _done_by_another(library, j, identities, classifier.model)
            }
            summary.skipped_busy = len(jobs) - len(mine)
            jobs = [j for j in jobs if j.photo_id in mine]
            if not cancel.is_set():
                self._process(
                    library, classifier, jobs, vanished, summary, on_progress, on_photo_done, cancel
                )
            if not cancel.is_set():
                self._read_keywords(library, jobs, known, summary)
            if not cancel.is_set():
                missing = [i for i in self._vanished_here if i not in self._moved_ids]
                if missing:
                    with library.transaction():
                        library.mark_missing(missing)
                summary.missing = len(missing)
        except KeyboardInterrupt:
            # Every batch is its own transaction, so the library is consistent here; pending
            # rows are resumed by the next run.
            cancel.set()
            summary.cancelled = True
            raise
        finally:
            summary.cancelled = summary.cancelled or cancel.is_set()
            summary.elapsed_s = time.monotonic() - started
            try:
                library.release(owner)
            finally:
                library.close()
        return summary

    @staticmethod
    def _read_keywords(
        library: Library,
        jobs: list[_Job],
        known: list[tuple[PhotoRow, str, os.stat_result]],
        summary: IndexSummary,
    ) -> None:
        """Keywords of the photos just indexed (embedded and in sidecars), and of known photos
        whose sidecar alone changed, become the person's tags; the model does not run again."""
        from resnet_desktop.core import xmp

        report = xmp.reread_changed(
            library, [(row.id, path) for row, path, _ in known], embedded_for={job.photo_id for job in jobs}
        )
        summary.tags_from_files = report.tags_added
        summary.sidecars_reread = report.reread
        summary.sidecar_problems = report.problems

    def _plan(
        self,
        library: Library,
        paths: Sequence[str | os.PathLike[str]],
        summary: IndexSummary,
        on_scanned: Callable[[list[int]], None] | None,
    ) -> tuple[list[_Job], list[tuple[PhotoRow, str, os.stat_result]], dict[str, int]]:
        """Scan and record new files as pending.

        Returns the jobs for the new files, the photos the library knew already (with
        their path and current stat, for _known_jobs), and the photos under the scanned
        folders that were not found (content hash -> photo id): a new file with one of those
        hashes is a move.
        """
        new_files: list[tuple[str, int, int, int, int]] = []
        known: list[tuple[PhotoRow, str, os.stat_result]] = []
        seen_ids: set[int] = set()
        for path, st in scan(paths, summary.failed):
            row = library.get_by_path(path)
            if row is None:
                new_files.append((path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
            else:
                seen_ids.add(row.id)
                known.append((row, path, st))

        # Photos under the scanned folders that were not found are missing, unless a new
        # file turns out to have their content (a move). Photos marked missing by an
        # earlier run are move candidates too: a folder moved, then indexed at its new place.
        vanished: dict[str, int] = {}
        folders = {os.path.abspath(os.fspath(p)) for p in paths if os.path.isdir(p)}
        for folder in sorted(folders):
            for row in library.photos(rule={"folder": folder}):
                if row.id in seen_ids or row.status in ("pending", "missing"):
                    continue
                if not os.path.exists(row.path):
                    self._vanished_here.add(row.id)
                    if row.content_hash:
                        vanished[row.content_hash] = row.id
        if new_files:
            for row in library.photos(rule={"status": "missing"}):
                if row.content_hash:
                    vanished.setdefault(row.content_hash, row.id)

        new_jobs: list[_Job] = []
        if new_files:
            with library.transaction():
                ids = library.add_pending([(p, s, m) for p, s, m, _c, _n in new_files])
            new_jobs = [
                _Job(i, p, s, m, False, c, n) for i, (p, s, m, c, n) in zip(ids, new_files, strict=True)
            ]
            if on_scanned is not None:
                on_scanned(ids)
        return new_jobs, known, vanished

    @staticmethod
    def _known_jobs(
        known: list[tuple[PhotoRow, str, os.stat_result]],
        model: str,
        summary: IndexSummary,
        identities: dict[int, tuple[int, int]],
    ) -> list[_Job]:
        """Which photos already in the library need work: changed, unfinished, or tagged by another model.

        Size and mtime are not enough: copy tools and ``touch -r`` keep them on a different
        photo. The inode number and change time (which no tool can set) tell a replaced file,
        without reading any unchanged one; a chmod changes them too, and costs a re-tag.
        """
        jobs: list[_Job] = []
        for row, path, st in known:
            same_file = row.size == st.st_size and row.mtime_ns == st.st_mtime_ns
            identity = identities.get(row.id)
            if identity is not None and identity != (st.st_ctime_ns, st.st_ino):
                same_file = False
            if same_file and row.status == "ok" and row.model == model:
                summary.unchanged += 1
            elif same_file and row.status == "failed":
                summary.unchanged += 1
                summary.failed.append((path, row.error or "failed earlier"))
            else:
                retag = same_file and row.status == "ok"
                jobs.append(_Job(row.id, path, st.st_size, st.st_mtime_ns, retag, st.st_ctime_ns, st.st_ino))
        return jobs

    def _process(
        self,
        library: Library,
        classifier: Classifier,
        jobs: list[_Job],
        vanished: dict[str, int],
        summary: IndexSummary,
        on_progress: Callable[[IndexProgress], None] | None,
        on_photo_done: Callable[[list[int]], None] | None,
        cancel: threading.Event,
    ) -> None:
        total = len(jobs)
        done = failed = 0
        t0 = time.monotonic()

        def report(current: str | None) -> None:
            if on_progress is None:
                return
            elapsed = time.monotonic() - t0
            rate = done / elapsed if elapsed > 0 and done else 0.0
            eta = (total - done) / rate if rate > 0 else None
            on_progress(IndexProgress(total, done, failed, rate, eta, current))

        report(None)
        if not jobs:
            return
        claimed: dict[str, int] = dict(vanished)
        claim_lock = threading.Lock()

        def decode(job: _Job) -> _Decoded:
            if cancel.is_set():
                return _Decoded(job, error="cancelled")
            try:
                data = read_photo_bytes(job.path)
                digest = content_hash(data)
                with claim_lock:
                    moved_from = claimed.pop(digest, None)
                if moved_from is not None:
                    return _Decoded(job, content_hash=digest, moved_from=moved_from)
                photo = decode_photo(data, min_side=classifier.resize_side, name=job.path)
                if self.thumbs is not None and not self.thumbs.has(digest):
                    self.thumbs.save(digest, make_thumbnail(photo.image, THUMBNAIL_SIDE))
                return _Decoded(
                    job,
                    content_hash=digest,
                    tensor=classifier.preprocess(photo.image),
                    width=photo.width,
                    height=photo.height,
                    taken_at=photo.taken_at,
                    camera=photo.camera,
                    fingerprint=fingerprint(photo.image),
                )
            except PhotoError as exc:
                return _Decoded(job, error=exc.reason)
            except Exception as exc:  # a decoder bug must not stop the run; record it
                return _Decoded(job, error=f"unexpected error: {type(exc).__name__}: {exc}")

        max_in_flight = self.batch_size * 2 + self.decode_threads
        pending_jobs = _JobQueue(jobs, self.wanted_first)
        ready: list[_Decoded] = []
        in_flight: set[Future[_Decoded]] = set()
        order: dict[Future[_Decoded], int] = {}  # hand-out order: decoded photos are tagged in it

        def flush() -> None:
            """Classify and write the first batch of decoded photos, then tell the caller."""
            nonlocal ready, done, failed
            batch, ready = ready[: self.batch_size], ready[self.batch_size :]
            ids, n_failed = self._write_batch(library, classifier, batch, summary)
            done += len(batch)
            failed += n_failed
            report(batch[-1].job.path)
            if on_photo_done is not None and ids:
                on_photo_done(ids)

        with ThreadPoolExecutor(self.decode_threads, thread_name_prefix="decode") as pool:
            try:
                while True:
                    while len(in_flight) < max_in_flight and not cancel.is_set():
                        job = pending_jobs.next()
                        if job is None:
                            break
                        future = pool.submit(decode, job)
                        order[future] = len(order)
                        in_flight.add(future)
                    if not in_flight or cancel.is_set():
                        break
                    finished, in_flight = wait(in_flight, timeout=0.25, return_when=FIRST_COMPLETED)
                    ready.extend(f.result() for f in sorted(finished, key=order.pop))
                    if len(ready) >= self.batch_size or (not in_flight and ready):
                        flush()
                while ready and not cancel.is_set():
                    flush()
            finally:
                if cancel.is_set() or in_flight:
                    for future in in_flight:
                        future.cancel()

    def _write_batch(
        self, library: Library, classifier: Classifier, batch: list[_Decoded], summary: IndexSummary
    ) -> tuple[list[int], int]:
        """Classify the decoded photos of ``batch`` and write the whole batch in one transaction."""
        import numpy as np

        to_infer = [d for d in batch if d.error is None and d.moved_from is None]
        results = []
        if to_infer:
            results = classifier.infer(np.stack([d.tensor for d in to_infer]), top_k=self.top_k)
        by_job = {id(d): r for d, r in zip(to_infer, results, strict=True)}
        written: list[int] = []
        n_failed = 0
        with library.transaction():
            for item in batch:
                job = item.job
                if item.error is not None:
                    library.save_failure(job.photo_id, item.error, size=job.size, mtime_ns=job.mtime_ns)
                    summary.failed.append((job.path, item.error))
                    n_failed += 1
                    written.append(job.photo_id)
                elif item.moved_from is not None:
                    library.remove([job.photo_id])
                    library.move(item.moved_from, job.path, job.size, job.mtime_ns)
                    self._moved_ids.add(item.moved_from)
                    summary.moved += 1
                    written.append(item.moved_from)
                else:
                    result = by_job[id(item)]
                    library.save_result(
                        job.photo_id,
                        size=job.size,
                        mtime_ns=job.mtime_ns,
                        content_hash=item.content_hash,
                        width=item.width,
                        height=item.height,
                        taken_at=item.taken_at,
                        camera=item.camera,
                        model=classifier.model,
                        predictions=result.predictions,
                        embedding=result.embedding,
                        ctime_ns=job.ctime_ns,
                        inode=job.inode,
                    )
                    if item.fingerprint is not None and item.content_hash:
                        store_fingerprint(library, item.content_hash, *item.fingerprint)
                    if job.retag:
                        summary.retagged += 1
                    else:
                        summary.indexed += 1
                    written.append(job.photo_id)
        return written, n_failed
