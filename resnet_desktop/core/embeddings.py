"""The photos' stored embeddings as one matrix, and computing the ones that are missing.

Every photo the pipeline tags gets the model's pooled feature vector stored next to its
labels (``embeddings`` table, float16). Features that read them (similar photos, duplicates,
labels a person teaches) go through this module rather than SQL, so they share:

* :func:`load` -> :class:`EmbeddingMatrix`: one model's vectors, L2-normalised float16 rows,
  with their photo ids (sorted). Vectors of different models are never mixed: a matrix is
  always of one model. Photos whose file is missing are left out. The matrix is cached per
  (library file, model) in this process and reloaded only when the library's generation
  counter moved: a trigger bumps it on every insert, update or delete of an embedding and
  whenever a photo is removed or changes status, path or content, from any connection or
  process. Reading it costs one tiny query, so callers just call ``load`` every time.
* :func:`missing` / :func:`compute_missing`: photos that are tagged (status ok) but have no
  embedding of a given model (tagged before the model arrived, or by the other model) get one
  from the classifier, in batches, with progress and a cancel flag; labels are not touched.
* :func:`default_model`: the model a library's embeddings mostly come from.

No Qt here; numpy only. The GUI runs :func:`compute_missing` in a worker pool.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from resnet_desktop.core.library import Library

if TYPE_CHECKING:
    from resnet_desktop.core.classify import Classifier

#: Rows are stored (and cached) as float16: half the memory of float32 at 100,000 photos.
STORE_DTYPE = np.float16
GENERATION = "embeddings"


@dataclass(frozen=True)
class EmbeddingMatrix:
    """One model's embeddings: ``vectors[i]`` belongs to photo ``ids[i]``.

    ``vectors`` rows are L2-normalised (a dot product is the cosine similarity), read-only,
    float16; ``ids`` is sorted ascending (int64). ``generation`` is the library's counter
    when it was read.
    """

    model: str
    ids: np.ndarray
    vectors: np.ndarray
    generation: int

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def row_of(self, photo_id: int) -> int | None:
        """Row index of a photo, or None when it has no embedding of this model."""
        i = int(np.searchsorted(self.ids, photo_id))
        return i if i < self.ids.size and int(self.ids[i]) == photo_id else None

    def vector(self, photo_id: int) -> np.ndarray | None:
        """The photo's normalised vector as float32, or None."""
        row = self.row_of(photo_id)
        return None if row is None else self.vectors[row].astype(np.float32)

    def rows_of(self, photo_ids: Sequence[int]) -> np.ndarray:
        """Row indices of the given photos (those without an embedding are left out)."""
        ids = np.asarray(list(photo_ids), dtype=np.int64)
        if ids.size == 0 or self.ids.size == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.ids, ids), 0, self.ids.size - 1)
        return pos[self.ids[pos] == ids]


def generation(library: Library) -> int:
    """The library's embeddings generation: it changes whenever a loaded matrix would."""
    return library.generation(GENERATION)


_counts_cache: dict[str, tuple[int, dict[str, int]]] = {}


def model_counts(library: Library) -> dict[str, int]:
    """How many photos (not missing) have an embedding of each model (cached by generation)."""
    key = os.path.realpath(library.path)
    gen = generation(library)
    cached = _counts_cache.get(key)
    if cached is not None and cached[0] == gen:
        return dict(cached[1])
    counts = library.embedding_model_counts()
    _counts_cache[key] = (gen, counts)
    return dict(counts)


def default_model(library: Library, preferred: str | None = None) -> str | None:
    """The model to compare photos with: ``preferred`` (the model in use) when any photo has
    its embeddings, else the model most photos have embeddings of; None for no embeddings."""
    counts = model_counts(library)
    if preferred and counts.get(preferred):
        return preferred
    if not counts:
        return None
    return max(sorted(counts), key=lambda m: counts[m])


_cache: dict[tuple[str, str], EmbeddingMatrix] = {}
_cache_lock = threading.Lock()


def load(library: Library, model: str) -> EmbeddingMatrix:
    """One model's embeddings (cached in this process until the library's generation moves).

    Thread-safe; the returned matrix is immutable, so it may be shared between threads.
    """
    key = (os.path.realpath(library.path), model)
    gen = generation(library)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached.generation == gen:
            return cached
    matrix = _read(library, model, gen)
    with _cache_lock:
        _cache[key] = matrix
    return matrix


def clear_cache() -> None:
    """Forget every cached matrix (tests, or to give the memory back)."""
    with _cache_lock:
        _cache.clear()
        _counts_cache.clear()


def _read(library: Library, model: str, gen: int) -> EmbeddingMatrix:
    """Fill one preallocated float16 matrix row by row (no list of blobs, no second copy)."""
    n, dim = library.embedding_shape(model)
    if not n or not dim:
        empty = np.zeros((0, 0), dtype=STORE_DTYPE)
        return EmbeddingMatrix(model, np.zeros(0, dtype=np.int64), empty, gen)
    ids = np.zeros(n, dtype=np.int64)
    vectors = np.zeros((n, dim), dtype=STORE_DTYPE)
    i = 0
    for photo_id, blob in library.iter_embeddings(model):
        if i >= n or len(blob) != dim * 2:
            continue  # a malformed row cannot be compared; skip it rather than fail the view
        ids[i] = photo_id
        vectors[i] = np.frombuffer(blob, dtype=STORE_DTYPE)
        i += 1
    ids, vectors = ids[:i].copy(), vectors[:i] if i == n else vectors[:i].copy()
    _normalise_inplace(vectors)
    vectors.setflags(write=False)
    ids.setflags(write=False)
    return EmbeddingMatrix(model, ids, vectors, gen)


def _normalise_inplace(vectors: np.ndarray, block: int = 8192) -> None:
    """L2-normalise float16 rows in float32 blocks (no full float32 copy of the matrix)."""
    for start in range(0, vectors.shape[0], block):
        part = vectors[start : start + block].astype(np.float32)
        norms = np.linalg.norm(part, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vectors[start : start + block] = (part / norms).astype(STORE_DTYPE)


def normalise(vector: Any) -> np.ndarray:
    """A float32 copy of ``vector`` with unit length (zero stays zero)."""
    v = np.asarray(vector, dtype=np.float32).ravel()
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


# --------------------------------------------------------------------------- missing ones


def missing(library: Library, model: str) -> list[int]:
    """Photos tagged (status ok) that have no embedding of ``model``, by id."""
    return library.ids_without_embedding(model)


def store(library: Library, photo_id: int, model: str, vector: Any) -> None:
    """Store (or replace) one photo's embedding of ``model``; its labels are not touched."""
    v = np.asarray(vector, dtype=STORE_DTYPE).ravel()
    with library.transaction():
        library.store_embedding(photo_id, model, v.tobytes(), int(v.size))


@dataclass
class EmbedProgress:
    total: int
    done: int
    failed: int


@dataclass
class EmbedSummary:
    model: str
    computed: int = 0
    failed: list[tuple[str, str]] | None = None
    cancelled: bool = False
    elapsed_s: float = 0.0


def compute_missing(
    library_path: str | Path,
    classifier: Classifier,
    *,
    photo_ids: Sequence[int] | None = None,
    batch_size: int = 16,
    on_progress: Callable[[EmbedProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> EmbedSummary:
    """Give every tagged photo lacking an embedding of ``classifier.model`` one.

    Opens its own connection (call it from a worker thread). ``photo_ids`` limits the work to
    those photos. Each file is decoded as the pipeline does; a photo that cannot be read is
    reported in ``failed`` and keeps its status (its labels are still good). Progress is
    reported after each batch; ``cancel`` stops between batches, keeping what was stored.
    """
    from resnet_desktop.core.imaging import PhotoError, decode_photo
    from resnet_desktop.core.pipeline import read_photo_bytes

    started = time.monotonic()
    cancel = cancel or threading.Event()
    model = classifier.model
    summary = EmbedSummary(model=model, failed=[])
    with Library(library_path) as library:
        todo = missing(library, model)
        if photo_ids is not None:
            wanted = set(photo_ids)
            todo = [i for i in todo if i in wanted]
        total = len(todo)
        done = 0
        if on_progress is not None:
            on_progress(EmbedProgress(total, 0, 0))
        for start in range(0, total, max(1, batch_size)):
            if cancel.is_set():
                summary.cancelled = True
                break
            tensors, ids = [], []
            for photo_id in todo[start : start + batch_size]:
                row = library.get(photo_id)
                if row is None:
                    continue
                try:
                    photo = decode_photo(
                        read_photo_bytes(row.path), min_side=classifier.resize_side, name=row.path
                    )
                    tensors.append(classifier.preprocess(photo.image))
                    ids.append(photo_id)
                except PhotoError as exc:
                    summary.failed.append((row.display_path, exc.reason))
            if tensors:
                results = classifier.infer(np.stack(tensors), top_k=1)
                with library.transaction():
                    for photo_id, result in zip(ids, results, strict=True):
                        if result.embedding is not None:
                            store(library, photo_id, model, result.embedding)
                            summary.computed += 1
            done = min(total, start + batch_size)
            if on_progress is not None:
                on_progress(EmbedProgress(total, done, len(summary.failed)))
    summary.elapsed_s = time.monotonic() - started
    return summary
