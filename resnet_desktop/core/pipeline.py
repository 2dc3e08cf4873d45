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
from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resnet_desktop.core.duplicates import fingerprint, store_fingerprint
from resnet_desktop.core.files import FileRefused, describe, read_regular
from resnet_desktop.core.imaging import MAX_FILE_BYTES, PhotoError, decode_photo, is_supported, make_thumbnail
from resnet_desktop.core.library import Library

if TYPE_CHECKING:
    from resnet_desktop.core.classify import Classifier
    from resnet_desktop.core.thumbs import ThumbCache

THUMBNAIL_SIDE = 256
#: New files are recorded (and announced to the GUI) this many at a time while the scan goes on.
SCAN_CHUNK = 500


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
    # every photo that could not be read: read in this run, or unchanged since an earlier
    # run failed on it (those are not read again, and are in failed_unchanged as well)
    failed: list[tuple[str, str]] = field(default_factory=list)
    failed_unchanged: list[str] = field(default_factory=list)
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


class _Plan:
    """What the scan found, one row id per file (``array('q')``: 8 bytes each, no objects).

    The jobs themselves are made a few at a time from the library (:meth:`jobs`), so the
    memory a run needs does not grow with the number of photos it sees.
    """

    def __init__(self) -> None:
        self.new = array("q")  # recorded as pending by this scan
        self.unfinished = array("q")  # pending from an interrupted run, or missing and back
        self.tagged = array("q")  # unchanged and tagged: skipped unless another model tagged them
        self.tagged_by = array("H")  # index into self.models, parallel to self.tagged
        self.models: list[str | None] = []
        self.changed: dict[int, tuple[int, int]] = {}  # photo id -> new (size, mtime_ns)
        self.seen = array("q")  # every known photo the scan found
        self.vanished: dict[str, int] = {}  # content hash -> id of a photo that is not where it was
        self._sorted: Any = None  # job_for's sorted job ids (numpy), made on first use
        self._retag_ids: Any = None

    def model_code(self, model: str | None) -> int:
        if model not in self.models:
            self.models.append(model)
        return self.models.index(model)

    def _retag(self, model: str) -> array:
        other = {code for code, name in enumerate(self.models) if name != model}
        return array("q", (i for i, code in zip(self.tagged, self.tagged_by, strict=True) if code in other))

    def count_jobs(self, model: str, summary: IndexSummary) -> int:
        """How many photos need work now that the model is known; counts the unchanged ones."""
        retag = len(self._retag(model))
        summary.unchanged += len(self.tagged) - retag
        return len(self.changed) + len(self.unfinished) + retag + len(self.new)

    def job_ids(self, model: str) -> set[int]:
        """Ids of every photo this run works on (made once, after the work is done)."""
        return {*self.changed, *self.unfinished, *self._retag(model), *self.new}

    def job_for(self, library: Library, model: str, photo_id: int) -> _Job | None:
        """The job of one photo if this run has one for it (a tile on screen, to tag first)."""
        if self._sorted is None:
            import numpy as np

            self._retag_ids = np.sort(np.frombuffer(self._retag(model), dtype=np.int64))
            ids = [np.frombuffer(a, dtype=np.int64) for a in (self.unfinished, self.new) if a]
            self._sorted = np.sort(np.concatenate(ids)) if ids else np.zeros(0, np.int64)
        retag = _in_sorted(self._retag_ids, photo_id)
        if not (retag or photo_id in self.changed or _in_sorted(self._sorted, photo_id)):
            return None
        row = library.get(photo_id)
        if row is None:
            return None
        size, mtime_ns = self.changed.get(photo_id, (row.size, row.mtime_ns))
        return _job(row.id, row.path, size, mtime_ns, retag)

    def jobs(self, library: Library, model: str) -> Iterator[_Job]:
        """Changed and unfinished photos, those another model tagged, then the new ones."""
        groups: list[tuple[Iterable[int], bool]] = [
            (list(self.changed), False),
            (self.unfinished, False),
            (self._retag(model), True),
            (self.new, False),
        ]
        for ids, retag in groups:
            for photo_id in ids:
                row = library.get(photo_id)
                if row is None:  # removed from the library meanwhile
                    continue
                size, mtime_ns = self.changed.get(photo_id, (row.size, row.mtime_ns))
                yield _job(row.id, row.path, size, mtime_ns, retag)


def _job(photo_id: int, path: str, size: int, mtime_ns: int, retag: bool) -> _Job:
    """A job with the file's identity (change time, inode) as it is now, stored with the result:
    the next run compares them to tell a replaced file with the same size and mtime."""
    try:
        st = os.stat(path)
    except OSError:  # gone meanwhile: reading it fails and says why
        return _Job(photo_id, path, size, mtime_ns, retag)
    return _Job(photo_id, path, size, mtime_ns, retag, st.st_ctime_ns, st.st_ino)


#: Jobs are claimed for a run (``index_claims``) this many at a time, as they stream in.
CLAIM_CHUNK = 500


class _Claims:
    """The jobs this run may do: another run's claims (a second ``index``, the window) are
    left to it, as are photos another run finished since the scan.

    Claims are made a chunk at a time as the jobs stream from the library, so claiming keeps
    memory flat; the ids left to others are kept in an ``array('q')`` (8 bytes each).
    """

    def __init__(self, library: Library, owner: str, model: str, summary: IndexSummary) -> None:
        self._library = library
        self._owner = owner
        self._model = model
        self._summary = summary
        self.left = array("q")  # photo ids left to another run

    def stream(self, jobs: Iterable[_Job]) -> Iterator[_Job]:
        chunk: list[_Job] = []
        for job in jobs:
            chunk.append(job)
            if len(chunk) >= CLAIM_CHUNK:
                yield from self._mine(chunk)
                chunk = []
        if chunk:
            yield from self._mine(chunk)

    def one(self, job: _Job | None) -> _Job | None:
        """A job wanted first (a tile on screen), if this run may do it; one left to another
        run is counted when the stream reaches it."""
        if job is None or not self._library.claim([job.photo_id], self._owner, _owner_alive):
            return None
        return None if _done_by_another(self._library, job, self._model) else job

    def _mine(self, chunk: list[_Job]) -> Iterator[_Job]:
        got = self._library.claim([j.photo_id for j in chunk], self._owner, _owner_alive)
        for job in chunk:
            # checked as each job is handed out: another run may finish it meanwhile
            if job.photo_id in got and not _done_by_another(self._library, job, self._model):
                yield job
            else:
                self._summary.skipped_busy += 1
                self.left.append(job.photo_id)


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


def _in_sorted(values: Any, x: int) -> bool:
    i = int(values.searchsorted(x))
    return i < len(values) and int(values[i]) == x


class _JobQueue:
    """Jobs in order, except that photos the caller wants first jump the queue.

    The jobs come from an iterator (they are read from the library as needed); ``find``
    tells whether a wanted photo is one of this run's jobs, and gives it.
    """

    def __init__(
        self,
        jobs: Iterable[_Job],
        wanted_first: Callable[[], Collection[int]] | None,
        find: Callable[[int], _Job | None] | None = None,
    ) -> None:
        if find is None:  # a plain list of jobs
            jobs = list(jobs)
            by_id = {job.photo_id: job for job in jobs}
            find = by_id.get
        self._order = iter(jobs)
        self._find = find
        self._taken: set[int] = set()  # handed out (an int per photo: the one per-photo set left)
        self._wanted_first = wanted_first
        self._last_wanted: Collection[int] | None = None
        self._first: deque[int] = deque()

    def next(self) -> _Job | None:
        if self._wanted_first is not None:
            wanted = self._wanted_first()
            if wanted is not self._last_wanted:  # a new screenful: re-plan what goes first
                self._last_wanted = wanted
                self._first = deque(i for i in wanted if i not in self._taken)
        while self._first:
            photo_id = self._first.popleft()
            if photo_id in self._taken:
                continue
            job = self._find(photo_id)
            if job is not None:
                self._taken.add(photo_id)
                return job
        for job in self._order:
            if job.photo_id not in self._taken:
                self._taken.add(job.photo_id)
                return job
        return None


def scan(
    paths: Iterable[str | os.PathLike[str]], errors: list[tuple[str, str]] | None = None
) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) for every supported photo under ``paths``, each file once.

    A folder given twice, or nested in another given folder, is walked once. Memory does
    not grow with the number of files: the roots are de-duplicated up front, and only
    symbolic links to files (which could name a file a second time) are remembered.
    Unreadable folders are reported through ``errors``.
    """
    roots = _distinct_roots(paths, errors)
    folders = [real for real, _root, is_dir in roots if is_dir]
    linked: set[str] = set()  # real paths of files reached through a symbolic link
    for real_root, root, is_dir in roots:
        candidates: Iterable[str] = _walk(root, errors) if is_dir else [root]
        for path in candidates:
            if not is_supported(path):
                continue
            if os.path.islink(path) or not is_dir:
                real = os.path.realpath(path)
                if real in linked or (os.path.islink(path) and _under(real, folders)):
                    continue  # the walk of a given folder reaches (or reached) the file itself
                if not is_dir and _under(real, [f for f in folders if f != real_root]):
                    continue  # a file given on its own that a given folder holds anyway
                linked.add(real)
            try:
                st = os.stat(path)
            except OSError as exc:
                if errors is not None:
                    errors.append((path, _os_reason(exc)))
                continue
            if stat.S_ISREG(st.st_mode):
                yield path, st


def _distinct_roots(
    paths: Iterable[str | os.PathLike[str]], errors: list[tuple[str, str]] | None
) -> list[tuple[str, str, bool]]:
    """(real path, path, is a folder) of each given root, without folders inside other given folders."""
    roots: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for given in paths:
        root = os.path.abspath(os.fspath(given))
        if not (os.path.isfile(root) or os.path.isdir(root)):
            if errors is not None:
                what = describe(root)
                errors.append((root, what if what == "not found" else f"not a photo or folder ({what})"))
            continue
        real = os.path.realpath(root)
        if real not in seen:
            seen.add(real)
            roots.append((real, root, os.path.isdir(root)))
    folders = [real for real, _root, is_dir in roots if is_dir]
    return [
        (real, root, is_dir)
        for real, root, is_dir in roots
        if not (is_dir and _under(real, [f for f in folders if f != real]))
    ]


def _under(real: str, folders: list[str]) -> bool:
    """Whether ``real`` lies inside one of ``folders`` (all real, absolute paths)."""
    return any(real.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _walk(root: str, errors: list[tuple[str, str]] | None) -> Iterator[str]:
    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append((exc.filename or root, _os_reason(exc)))

    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(folder, name)


#: Why an indexing run could not read a photo its scan had found.
VANISHED_SINCE_SCAN = "file not found (deleted or moved since the scan)"


def _os_reason(exc: OSError, missing: str = "file not found") -> str:
    if isinstance(exc, FileNotFoundError):
        return missing
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return exc.strerror or str(exc)


def read_photo_bytes(path: str, missing: str = "file not found") -> bytes:
    """Read a photo file whole, turning OS errors into a :class:`PhotoError` with a reason.

    Only a regular file of at most MAX_FILE_BYTES is read: a FIFO or device named like a
    photo is refused without blocking on it (see core.files). ``missing`` is the reason when
    the file is not there, in the words of the caller (an index run: VANISHED_SINCE_SCAN).
    """
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise PhotoError(exc.reason) from exc
    except OSError as exc:
        raise PhotoError(_os_reason(exc, missing)) from exc


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


def _done_by_another(library: Library, job: _Job, model: str) -> bool:
    """The photo's row already holds what this job would write (another run got there first)."""
    row = library.get(job.photo_id)
    if row is None or row.size != job.size or row.mtime_ns != job.mtime_ns:
        return False
    return (
        row.status == "ok"
        and row.model == model
        and library.file_identity(job.photo_id) == (job.ctime_ns, job.inode)
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
            plan = self._plan(library, paths, summary, on_scanned)
            classifier = self._classifier_factory()
            summary.model = classifier.model
            total = plan.count_jobs(classifier.model, summary)
            # Another run on the same photos (a second `index`, the window) may be tagging some
            # of them now: jobs are claimed a chunk at a time as they stream from the library,
            # and those another run holds (or finished since the scan) are left to it.
            claims = _Claims(library, owner, classifier.model, summary)
            if not cancel.is_set():
                self._process(
                    library,
                    classifier,
                    claims.stream(plan.jobs(library, classifier.model)),
                    total,
                    plan.vanished,
                    summary,
                    on_progress,
                    on_photo_done,
                    cancel,
                    lambda photo_id: claims.one(plan.job_for(library, classifier.model, photo_id)),
                )
            if not cancel.is_set():
                self._read_keywords(library, plan, classifier.model, summary, claims.left)
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
            if not summary.cancelled and (
                summary.indexed or summary.retagged or summary.moved or summary.missing
            ):
                try:
                    library.optimize()  # the query planner's statistics follow the library's growth
                except Exception:  # noqa: BLE001 - statistics are an optimisation, never a failure
                    pass
            summary.elapsed_s = time.monotonic() - started
            try:
                library.release(owner)
            finally:
                library.close()
        return summary

    @staticmethod
    def _read_keywords(
        library: Library, plan: _Plan, model: str, summary: IndexSummary, left: Iterable[int] = ()
    ) -> None:
        """Keywords of the photos just indexed (embedded and in sidecars), and of known photos
        whose sidecar alone changed, become the person's tags; the model does not run again.
        Photos ``left`` to another run are that run's to read."""
        from resnet_desktop.core import xmp

        def known() -> Iterator[tuple[int, str]]:
            for photo_id in plan.seen:
                row = library.get(photo_id)
                if row is not None:
                    yield row.id, row.path

        report = xmp.reread_changed(library, known(), embedded_for=plan.job_ids(model).difference(left))
        summary.tags_from_files = report.tags_added
        summary.sidecars_reread = report.reread
        summary.sidecar_problems = report.problems

    def _plan(
        self,
        library: Library,
        paths: Sequence[str | os.PathLike[str]],
        summary: IndexSummary,
        on_scanned: Callable[[list[int]], None] | None,
    ) -> _Plan:
        """Scan, recording new files as pending (and announcing them) a chunk at a time.

        What is kept about each file is one row id in an array (8 bytes), so a run over
        100,000 photos holds no more than a run over 1,000 besides those arrays; the rest
        (paths, sizes, dates) stays in the library and is read back a chunk at a time.
        Also finds the photos under the scanned folders that were not found (content hash
        -> photo id): a new file with one of those hashes is a move.
        """
        plan = _Plan()
        chunk: list[tuple[str, int, int]] = []

        def record_new() -> None:
            with library.transaction():
                ids = library.add_pending(chunk)
            plan.new.extend(ids)
            chunk.clear()
            if on_scanned is not None:
                on_scanned(ids)

        for path, st in scan(paths, summary.failed):
            row = library.get_by_path(path)
            if row is None:
                chunk.append((path, st.st_size, st.st_mtime_ns))
                if len(chunk) >= SCAN_CHUNK:
                    record_new()
                continue
            plan.seen.append(row.id)
            same_file = row.size == st.st_size and row.mtime_ns == st.st_mtime_ns
            if same_file:
                # Size and mtime are not enough: copy tools and ``touch -r`` keep them on a
                # different photo. The inode number and change time (which no tool can set)
                # tell a replaced file without reading any unchanged one; a chmod changes the
                # change time too, and costs a re-tag.
                identity = library.file_identity(row.id)
                same_file = identity is None or identity == (st.st_ctime_ns, st.st_ino)
            if not same_file:
                plan.changed[row.id] = (st.st_size, st.st_mtime_ns)
            elif row.status == "ok":
                plan.tagged.append(row.id)
                plan.tagged_by.append(plan.model_code(row.model))
            elif row.status == "failed":  # reading it again would fail again: counted once, as failed
                summary.failed.append((path, row.error or "failed earlier"))
                summary.failed_unchanged.append(path)
            else:  # pending (an interrupted run) or missing and back in place
                plan.unfinished.append(row.id)
        if chunk:
            record_new()

        # Photos under the scanned folders that were not found are missing, unless a new
        # file turns out to have their content (a move). Photos marked missing by an
        # earlier run are move candidates too: a folder moved, then indexed at its new place.
        import numpy as np

        seen = np.sort(np.frombuffer(plan.seen, dtype=np.int64)) if plan.seen else np.zeros(0, np.int64)
        folders = {os.path.abspath(os.fspath(p)) for p in paths if os.path.isdir(p)}
        for folder in sorted(folders):
            known = np.asarray(library.ids(rule={"folder": folder, "status": ["ok", "failed"]}), np.int64)
            for photo_id in known[~np.isin(known, seen, assume_unique=True)].tolist():
                row = library.get(photo_id)
                if row is not None and not os.path.exists(row.path):
                    self._vanished_here.add(row.id)
                    if row.content_hash:
                        plan.vanished[row.content_hash] = row.id
        if plan.new:
            for row in library.photos(rule={"status": "missing"}):
                if row.content_hash:
                    plan.vanished.setdefault(row.content_hash, row.id)
        return plan

    def _process(
        self,
        library: Library,
        classifier: Classifier,
        jobs: Iterator[_Job],
        total: int,
        vanished: dict[str, int],
        summary: IndexSummary,
        on_progress: Callable[[IndexProgress], None] | None,
        on_photo_done: Callable[[list[int]], None] | None,
        cancel: threading.Event,
        find_job: Callable[[int], _Job | None] | None = None,
    ) -> None:
        done = failed = 0
        t0 = time.monotonic()

        def report(current: str | None) -> None:
            if on_progress is None:
                return
            elapsed = time.monotonic() - t0
            rate = done / elapsed if elapsed > 0 and done else 0.0
            mine = total - summary.skipped_busy  # less what was left to another run
            eta = (mine - done) / rate if rate > 0 else None
            on_progress(IndexProgress(mine, done, failed, rate, eta, current))

        report(None)
        if not total:
            return
        claimed: dict[str, int] = dict(vanished)
        claim_lock = threading.Lock()

        def decode(job: _Job) -> _Decoded:
            if cancel.is_set():
                return _Decoded(job, error="cancelled")
            try:
                data = read_photo_bytes(job.path, VANISHED_SINCE_SCAN)
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
        pending_jobs = _JobQueue(jobs, self.wanted_first, find_job)
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
                    # Decoded photos waiting for inference count as in flight: when decoding
                    # outpaces inference (small photos), nothing piles up.
                    while len(in_flight) + len(ready) < max_in_flight and not cancel.is_set():
                        job = pending_jobs.next()
                        if job is None:
                            break
                        future = pool.submit(decode, job)
                        order[future] = len(order)
                        in_flight.add(future)
                    if cancel.is_set() or not (in_flight or ready):
                        break
                    if in_flight:
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
                    library.save_failure(
                        job.photo_id,
                        item.error,
                        size=job.size,
                        mtime_ns=job.mtime_ns,
                        ctime_ns=job.ctime_ns,
                        inode=job.inode,
                    )
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
