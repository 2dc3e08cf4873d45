"""Similar photos and duplicates, in three tiers a person can tell apart.

* ``exact``   the same bytes: the content hash the library already stores.
* ``near``    the same photo edited (re-saved, re-compressed, resized, slightly cropped,
              brightened, rotated by EXIF). Decided by a *spatial* check, not by the embedding:
              each photo has a fingerprint, its shown image (EXIF orientation applied) squeezed
              to 32x32 grey levels whatever its shape, and two photos are near copies when the
              normalised cross-correlation of their fingerprints, at the best of the four
              quarter turns, is at least :data:`NEAR_SPATIAL`, and their embeddings (when both
              have one) do not disagree completely (:data:`NEAR_MIN_COSINE`). Featureless
              photos (a blank scan, a clear sky, a black frame: a fingerprint that is only
              smooth shading, :func:`detail` < :data:`FLAT_DETAIL`) correlate with any other
              smooth shading, so they must also match grey level for grey level
              (:func:`flat_match`).
* ``similar`` different shots of one moment (a burst, two views a step apart): embeddings at
              least :data:`SIMILAR_COSINE` alike *and* fingerprints that line up once one is
              shifted by up to a quarter of the frame (:data:`SIMILAR_SPATIAL`), so photos of
              the same kind of thing from elsewhere (another patch of sky, another cat) are
              left out.

A photo is in one exact-or-near group: byte-identical copies are one member of the near-copy
search (one fingerprint per content). A set of copies is ``exact`` when all its photos have the
same bytes, ``near`` when an edited copy is among them; its byte-identical members then show a
distance of 0. One group per picture, so "keep this one, trash the others" covers every copy.

Why: a pooled embedding puts an edited copy (a 5% crop at JPEG quality 55, or a copy turned by
EXIF) further apart than two different shots of one scene; the fingerprints separate them by a
wide margin on the labelled set (tests/dupset.py; figures in benchmarks/bench_similar.py).

Candidates come from an inverted-file index (:class:`VectorIndex`): k-means cells over the
vectors, each vector compared only with the cells nearest to it, so the whole library costs
about 3 * n * sqrt(n) dot products instead of n^2 (about 3 s rather than minutes at 100,000).
Every candidate is then checked exactly.

Nothing here deletes a file: :func:`move_to_trash` sends files to the system trash (the
``send2trash`` package) only when a person confirmed it, and then forgets them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from resnet_desktop.core import embeddings as emb
from resnet_desktop.core.library import Library, PhotoRow

if TYPE_CHECKING:
    from PIL import Image

    from resnet_desktop.core.thumbs import ThumbCache

KINDS = ("exact", "near", "similar")
FINGERPRINT_KIND = "grey32"
FINGERPRINT_SIDE = 32
#: near copies: fingerprint correlation at the best quarter turn (labelled set: near >= 0.88,
#: other pairs <= 0.76, different photos <= 0.54)
NEAR_SPATIAL = 0.85
#: ...and embeddings not entirely unlike (an EXIF-turned copy scores about 0.5; unrelated ~0.2)
NEAR_MIN_COSINE = 0.35
#: similar shots: embeddings at least this alike...
SIMILAR_COSINE = 0.72
#: ...and fingerprints that match once shifted by up to a quarter frame (shots of one moment
#: >= 0.88; other parts of the same photo <= 0.61)
SIMILAR_SPATIAL = 0.75
SIMILAR_MAX_SHIFT = 8  # of 32 px
#: featureless photos: a fingerprint with less :func:`detail` than this (grey levels) is only
#: smooth shading (labelled set: blank scans, skies, black frames <= 1.9; photos >= 7.2)...
FLAT_DETAIL = 3.0
#: ...and is a near copy only of a fingerprint this close, mean grey levels (re-saved or
#: resized copies <= 0.2; two black frames a little differently exposed 3.9)
FLAT_MAX_DIFF = 2.0
#: fingerprints compared in the candidate search (the exact check uses all 32x32)
_COARSE_SIDE = 8
_EXACT_LIMIT = 6000  # up to this many vectors, one cell: the search is exact


class DuplicatesError(Exception):
    """A clear, one-line reason why a question cannot be answered (no embedding, no photo...)."""


class Cancelled(DuplicatesError):
    """The search was cancelled (its ``cancel`` event was set) before it finished."""


# --------------------------------------------------------------------------- fingerprints


def fingerprint(image: Image.Image) -> tuple[bytes, float]:
    """The 32x32 grey fingerprint of a shown image (orientation applied) and its sharpness.

    Sharpness is the mean absolute Laplacian of the image at 256 px: comparable between
    copies of one photo, whatever their resolution.
    """
    from PIL import Image as PILImage

    grey = image.convert("L")
    work = grey.copy()
    work.thumbnail((256, 256), PILImage.BILINEAR)
    a = np.asarray(work, dtype=np.float32)
    sharp = 0.0
    if a.shape[0] > 2 and a.shape[1] > 2:
        lap = 4 * a[1:-1, 1:-1] - a[:-2, 1:-1] - a[2:, 1:-1] - a[1:-1, :-2] - a[1:-1, 2:]
        sharp = float(np.abs(lap).mean())
    small = work.resize((FINGERPRINT_SIDE, FINGERPRINT_SIDE), PILImage.BOX)
    return np.asarray(small, dtype=np.uint8).tobytes(), sharp


def store_fingerprint(library: Library, content_hash: str, data: bytes, sharpness: float) -> None:
    library.store_fingerprint(content_hash, FINGERPRINT_KIND, data, sharpness)


def _fingerprint_of_row(row: PhotoRow, thumbs: ThumbCache | None) -> tuple[bytes, float] | None:
    """From the thumbnail cache when it has the photo, else from the file; None if unreadable."""
    import io

    from PIL import Image as PILImage

    from resnet_desktop.core.imaging import PhotoError, decode_photo

    if thumbs is not None and row.content_hash:
        data = thumbs.load_bytes(row.content_hash)
        if data:
            try:
                with PILImage.open(io.BytesIO(data)) as img:
                    return fingerprint(img)
            except Exception:
                pass  # a damaged thumbnail: read the photo instead
    try:
        return fingerprint(decode_photo(row.path, min_side=256).image)
    except (PhotoError, OSError):
        return None


@dataclass
class Progress:
    """What a long step is doing: ``stage`` is "fingerprints" or "comparing"."""

    stage: str
    done: int
    total: int


def ensure_fingerprints(
    library: Library,
    thumbs: ThumbCache | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Compute the fingerprints photos lack (normally made when they are tagged); returns how
    many were made. Unreadable photos are skipped (they simply are nobody's near copy)."""
    todo = library.ids_without_fingerprint()
    made: list[tuple[str, tuple[bytes, float]]] = []
    written = 0

    def flush() -> None:
        nonlocal made, written
        with library.transaction():
            for content_hash, fp in made:
                store_fingerprint(library, content_hash, *fp)
        written += len(made)
        made = []

    for n, photo_id in enumerate(todo):
        if cancel is not None and cancel.is_set():
            break
        row = library.get(photo_id)
        if row is None or not row.content_hash:
            continue
        fp = _fingerprint_of_row(row, thumbs)
        if fp is not None:
            made.append((row.content_hash, fp))
        if len(made) >= 64:
            flush()  # one transaction per 64 photos; what is done is kept if cancelled
        if on_progress is not None and (n % 16 == 15 or n == len(todo) - 1):
            on_progress(Progress("fingerprints", n + 1, len(todo)))
    if made:
        flush()
    return written


@dataclass
class _Fingerprints:
    """Fingerprints of every photo not missing, one per *content*: byte-identical copies share
    one row, so near-copy detection sees an exact-copy set as one member."""

    photo_ids: np.ndarray  # (n,) int64, ascending
    rows: np.ndarray  # (n,) row in ``grids`` of each photo
    grids: np.ndarray  # (m, 32, 32) uint8, one per distinct content
    owners: np.ndarray  # (m,) the first photo id of each content (its representative)
    sharpness: dict[int, float]  # by photo id


def _load_fingerprints(library: Library) -> _Fingerprints:
    """Filled row by row into one preallocated array: no list of 100,000 blobs held at once."""
    n = library.fingerprint_count(FINGERPRINT_KIND)
    side = FINGERPRINT_SIDE
    photo_ids = np.zeros(n, dtype=np.int64)
    rows = np.zeros(n, dtype=np.int64)
    grids = np.zeros((n, side, side), dtype=np.uint8)
    owners = np.zeros(n, dtype=np.int64)
    row_of_hash: dict[str, int] = {}
    sharpness: dict[int, float] = {}
    i = 0
    for photo_id, content_hash, data, sharp in library.iter_fingerprints(FINGERPRINT_KIND):
        if i >= n or len(data) != side * side:
            continue
        row = row_of_hash.get(content_hash)
        if row is None:
            row = row_of_hash[content_hash] = len(row_of_hash)
            grids[row] = np.frombuffer(data, dtype=np.uint8).reshape(side, side)
            owners[row] = photo_id
        photo_ids[i], rows[i] = photo_id, row
        sharpness[photo_id] = sharp or 0.0
        i += 1
    m = len(row_of_hash)
    # views, not copies: the unused tail (1 KB per byte-identical copy) is cheaper than a second array
    return _Fingerprints(photo_ids[:i], rows[:i], grids[:m], owners[:m], sharpness)


def _quadratic_basis(side: int = FINGERPRINT_SIDE) -> np.ndarray:
    """Orthonormal basis (side*side, 6) of smooth shading: 1, x, y, x^2, y^2, xy."""
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float64)
    x, y = (xx - (side - 1) / 2) / (side / 2), (yy - (side - 1) / 2) / (side / 2)
    basis = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y]).reshape(6, -1).T
    q, _ = np.linalg.qr(basis)
    return q.astype(np.float32)


_SHADING = _quadratic_basis()


def detail(grids: np.ndarray, block: int = 1024) -> np.ndarray:
    """How much each fingerprint holds beyond smooth shading: the standard deviation, in grey
    levels, of what is left once the best-fitting quadratic surface is taken away. A blank
    page, a clear sky or a black frame scores under 2; photos with anything in them score 7+."""
    out = np.zeros(grids.shape[0], dtype=np.float32)
    for start in range(0, grids.shape[0], block):
        flat = grids[start : start + block].reshape(-1, FINGERPRINT_SIDE**2).astype(np.float32)
        left = flat - (flat @ _SHADING) @ _SHADING.T
        out[start : start + block] = left.std(axis=1)
    return out


def flat_match(a: np.ndarray, b: np.ndarray) -> bool:
    """The stricter test for featureless photos, whose correlation says nothing (smooth shading
    correlates with any other smooth shading): the same grey level everywhere, within
    :data:`FLAT_MAX_DIFF` on average, at one of the four quarter turns."""
    a = a.astype(np.float32)
    return any(float(np.abs(a - np.rot90(b, k).astype(np.float32)).mean()) <= FLAT_MAX_DIFF for k in range(4))


def _zero_mean_unit(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` (n, ...) flattened, minus their mean, divided by their norm (float32)."""
    flat = x.reshape(x.shape[0], -1).astype(np.float32)
    flat -= flat.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return flat / norms


def spatial_similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """Correlation of two fingerprints at the best quarter turn of ``b``: (score, turns)."""
    va = _zero_mean_unit(a[None])[0]
    scores = [float(va @ _zero_mean_unit(np.rot90(b, k)[None])[0]) for k in range(4)]
    best = int(np.argmax(scores))
    return scores[best], best


def shifted_similarity(a: np.ndarray, b: np.ndarray, max_shift: int = SIMILAR_MAX_SHIFT) -> float:
    """Best correlation of the overlapping parts of ``a`` and ``b`` shifted by up to ``max_shift``
    pixels either way (the frame moved between two shots)."""
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    s = a.shape[0]
    best = -1.0
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            pa = a[max(0, dy) : s + min(0, dy), max(0, dx) : s + min(0, dx)].ravel()
            pb = b[max(0, -dy) : s + min(0, -dy), max(0, -dx) : s + min(0, -dx)].ravel()
            pa = pa - pa.mean()
            pb = pb - pb.mean()
            den = float(np.sqrt((pa @ pa) * (pb @ pb)))
            if den > 0:
                best = max(best, float(pa @ pb) / den)
    return best


# --------------------------------------------------------------------------- the index


class VectorIndex:
    """Inverted-file index over unit vectors (rows of ``vectors``, any float dtype).

    Up to 6,000 vectors it is one cell and every search is exact. Above, k-means puts the
    vectors in about sqrt(n) cells; a search visits the ``nprobe`` cells whose centres are
    nearest. The vectors are not copied (a float16 matrix stays float16 in memory); each cell
    is converted to float32 only while it is compared.
    """

    def __init__(self, vectors: np.ndarray, *, seed: int = 0) -> None:
        self.vectors = vectors
        n = vectors.shape[0]
        if n <= _EXACT_LIMIT:
            self.centroids = np.zeros((1, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
            self.assign = np.zeros(n, dtype=np.int64)
        else:
            self.centroids = _kmeans(vectors, int(np.sqrt(n)), seed)
            self.assign = self.top_cells(vectors, 1)[:, 0]
        order = np.argsort(self.assign, kind="stable")
        bounds = np.searchsorted(self.assign[order], np.arange(len(self.centroids) + 1))
        self.members = [order[bounds[c] : bounds[c + 1]] for c in range(len(self.centroids))]

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def top_cells(self, queries: np.ndarray, nprobe: int, block: int = 8192) -> np.ndarray:
        """(len(queries), nprobe) cell numbers, nearest first."""
        ncell = len(self.centroids)
        nprobe = min(nprobe, ncell)
        if ncell == 1:
            return np.zeros((queries.shape[0], 1), dtype=np.int64)
        out = np.empty((queries.shape[0], nprobe), dtype=np.int64)
        for start in range(0, queries.shape[0], block):
            sims = queries[start : start + block].astype(np.float32) @ self.centroids.T
            # a few passes of argmax cost far less than a partial sort of every row
            for k in range(nprobe):
                best = np.argmax(sims, axis=1)
                out[start : start + block, k] = best
                if k + 1 < nprobe:
                    sims[np.arange(sims.shape[0]), best] = -np.inf
        return out

    def search(self, query: np.ndarray, k: int, nprobe: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` rows most similar to ``query``: (rows, similarities), best first."""
        q = np.asarray(query, dtype=np.float32).ravel()
        cells = self.top_cells(q[None], nprobe)[0]
        rows = np.concatenate([self.members[c] for c in cells]) if len(cells) else np.zeros(0, np.int64)
        if rows.size == 0:
            return rows, np.zeros(0, np.float32)
        sims = self.vectors[rows].astype(np.float32) @ q
        k = min(k, rows.size)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return rows[top], sims[top]

    def pairs(
        self,
        threshold: float,
        *,
        queries: np.ndarray | None = None,
        owners: np.ndarray | None = None,
        nprobe: int = 3,
        cancel: threading.Event | None = None,
    ) -> dict[tuple[int, int], float]:
        """Every pair of rows (i < j) at least ``threshold`` alike: {(i, j): similarity}.

        ``queries`` (default: the vectors themselves) may be variants of the vectors, e.g. each
        one turned a quarter; ``owners[q]`` says which row query ``q`` stands for.
        """
        if queries is None:
            queries = self.vectors
            owners = np.arange(len(self), dtype=np.int64)
        assert owners is not None
        found: dict[tuple[int, int], float] = {}
        cells = self.top_cells(queries, nprobe)
        # every (query, cell) visit, grouped by cell
        visit_cell = cells.ravel()
        visit_query = np.repeat(np.arange(queries.shape[0]), cells.shape[1])
        order = np.argsort(visit_cell, kind="stable")
        visit_cell, visit_query = visit_cell[order], visit_query[order]
        bounds = np.searchsorted(visit_cell, np.arange(len(self.members) + 1))
        for c, members in enumerate(self.members):
            if cancel is not None and cancel.is_set():
                break
            asking = visit_query[bounds[c] : bounds[c + 1]]
            if members.size == 0 or asking.size == 0:
                continue
            block = self.vectors[members].astype(np.float32)
            for start in range(0, asking.size, 4096):
                q = asking[start : start + 4096]
                sims = queries[q].astype(np.float32) @ block.T
                qi, mj = np.nonzero(sims >= threshold)
                for a, b, s in zip(owners[q[qi]], members[mj], sims[qi, mj], strict=True):
                    if a == b:
                        continue
                    key = (int(a), int(b)) if a < b else (int(b), int(a))
                    if found.get(key, -2.0) < s:
                        found[key] = float(s)
        return found


def _kmeans(vectors: np.ndarray, k: int, seed: int, iterations: int = 6) -> np.ndarray:
    """Spherical k-means on a sample (at most 40 per centre): unit-length centroids, float32."""
    rng = np.random.default_rng(seed)
    n = vectors.shape[0]
    sample = vectors[np.sort(rng.choice(n, size=min(n, 40 * k), replace=False))].astype(np.float32)
    centroids = sample[rng.choice(sample.shape[0], size=k, replace=False)].copy()
    for _ in range(iterations):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        empty = np.linalg.norm(sums, axis=1) == 0
        sums[empty] = sample[rng.choice(sample.shape[0], size=int(empty.sum()))]
        centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    return centroids


_index_cache: dict[tuple[str, str, int], VectorIndex] = {}
_index_lock = threading.Lock()


def embedding_index(matrix: emb.EmbeddingMatrix, library: Library) -> VectorIndex:
    """The index over a loaded embedding matrix, cached for the matrix's generation."""
    key = (os.path.realpath(library.path), matrix.model, matrix.generation)
    with _index_lock:
        cached = _index_cache.get(key)
    if cached is not None and cached.vectors is matrix.vectors:
        return cached
    index = VectorIndex(matrix.vectors)
    with _index_lock:
        for old in [k for k in _index_cache if k[:2] == key[:2]]:
            del _index_cache[old]
        _index_cache[key] = index
    return index


# --------------------------------------------------------------------------- similar


@dataclass(frozen=True)
class Match:
    photo: PhotoRow
    similarity: float  # cosine similarity of the embeddings, 1.0 = identical


def similar(library: Library, photo_id: int, *, limit: int = 20, model: str | None = None) -> list[Match]:
    """Photos most like ``photo_id``, best first, without the photo itself (its copies are
    listed: they are the most similar photos there are). Only embeddings of one model are
    compared: ``model``, else the one that tagged the photo when the library has its
    embeddings, else the library's most common one.

    Raises DuplicatesError with a clear reason when the photo cannot be compared.
    """
    row = library.get(photo_id)
    if row is None:
        raise DuplicatesError("that photo is not in the library")
    model = model or emb.default_model(library, row.model)
    if model is None:
        raise DuplicatesError("no photo in the library has an embedding yet; tag some photos first")
    matrix = emb.load(library, model)
    query = matrix.vector(photo_id)
    if query is None:
        other = [m for m in emb.model_counts(library) if m != model]
        if row.status == "pending":
            why = "it has not been tagged yet"
        elif row.status == "failed":
            why = f"it could not be read ({row.error or 'failed'})"
        elif other:
            why = f"it has no {model} embedding yet (its photos were tagged by another model)"
        else:
            why = f"it has no {model} embedding yet"
        raise DuplicatesError(f"{row.display_path}: {why}")
    if len(matrix) <= 1:
        return []
    index = embedding_index(matrix, library)
    rows, sims = index.search(query, limit + 1)
    out: list[Match] = []
    for r, s in zip(rows, sims, strict=True):
        pid = int(matrix.ids[r])
        if pid == photo_id:
            continue
        photo = library.get(pid)
        if photo is not None:
            out.append(Match(photo, round(min(1.0, max(-1.0, float(s))), 4)))
        if len(out) >= limit:
            break
    return out


# --------------------------------------------------------------------------- duplicates


@dataclass
class Member:
    photo: PhotoRow
    distance: float  # 0 = the kept photo / identical; 1 - similarity to the kept one
    user_tags: int = 0
    albums: int = 0
    sharpness: float = 0.0


@dataclass
class Group:
    kind: str  # "exact" | "near" | "similar"
    members: list[Member]  # the suggested keeper first
    keep_reasons: list[str] = field(default_factory=list)

    @property
    def keep(self) -> Member:
        return self.members[0]

    @property
    def others(self) -> list[Member]:
        return self.members[1:]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return [sorted(v) for v in out.values() if len(v) > 1]


def find_groups(
    library: Library,
    *,
    include_similar: bool = False,
    model: str | None = None,
    thumbs: ThumbCache | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[Group]:
    """Every group of copies in the library: exact, then near, then (asked for) similar.

    Photos with a missing file are left out. Fingerprints a photo lacks are made first (from
    the thumbnail cache, else the file). A photo is in at most one exact-or-near group; a
    similar group joins such groups and single photos of one moment. Raises :class:`Cancelled`
    when ``cancel`` is set before it finished.
    """
    ensure_fingerprints(library, thumbs, on_progress=on_progress, cancel=cancel)
    if cancel is not None and cancel.is_set():
        raise Cancelled("the search was cancelled")
    if on_progress is not None:
        on_progress(Progress("comparing", 0, 1))
    fps = _load_fingerprints(library)
    grids, owners = fps.grids, fps.owners
    flat = detail(grids) < FLAT_DETAIL
    model = model or emb.default_model(library)
    matrix = emb.load(library, model) if model else None

    def cosine(a: int, b: int) -> float | None:
        if matrix is None:
            return None
        va, vb = matrix.vector(a), matrix.vector(b)
        return None if va is None or vb is None else float(va @ vb)

    # exact: one content hash. Each such set is one member (its first photo) from here on.
    copies = _UnionFind()
    same_content = library.same_content_sets()
    owner_of: dict[int, int] = {}
    for members in same_content:
        for pid in members:
            copies.union(members[0], pid)
            owner_of[pid] = members[0]
    distance = _Distances(owner_of)

    # near: fingerprint candidates among distinct contents (all four quarter turns), checked
    # at full size; featureless photos must also pass the stricter flat test
    if len(grids) > 1:
        f = FINGERPRINT_SIDE // _COARSE_SIDE
        # summed in float32 without a float32 copy of every fingerprint (400 MB at 100,000)
        coarse = grids.reshape(-1, _COARSE_SIDE, f, _COARSE_SIDE, f).sum(axis=(2, 4), dtype=np.float32)
        index = VectorIndex(_zero_mean_unit(coarse))
        candidates: dict[tuple[int, int], float] = {}
        everyone = np.arange(len(grids), dtype=np.int64)
        for turns in range(4):
            turned = _zero_mean_unit(np.rot90(coarse, turns, axes=(1, 2)))
            # unturned copies are the common case: look a little wider for them
            found = index.pairs(
                NEAR_SPATIAL - 0.1,
                queries=turned,
                owners=everyone,
                nprobe=2 if turns == 0 else 1,
                cancel=cancel,
            )
            candidates.update(found)
        for k, (i, j) in enumerate(candidates):
            if k % 1024 == 0 and cancel is not None and cancel.is_set():
                break
            score, _turns = spatial_similarity(grids[i], grids[j])
            if score < NEAR_SPATIAL:
                continue
            if (flat[i] or flat[j]) and not flat_match(grids[i], grids[j]):
                continue
            a, b = int(owners[i]), int(owners[j])
            cos = cosine(a, b)
            if cos is not None and cos < NEAR_MIN_COSINE:
                continue
            copies.union(a, b)
            distance.add(a, b, round(1.0 - score, 4))

    # a set of copies is exact when it is all one content, near when an edited copy is in it
    # (byte-identical members of a near group show a distance of 0 to each other)
    groups: list[Group] = []
    hash_sets = {members[0]: members for members in same_content}
    for members in copies.groups():
        exact = members[0] in hash_sets and len(hash_sets[members[0]]) == len(members)
        groups.append(_make_group(library, "exact" if exact else "near", members, distance, fps.sharpness))

    if include_similar and matrix is not None and len(matrix) > 1:
        row_of_fp = {int(p): int(r) for p, r in zip(fps.photo_ids, fps.rows, strict=True)}
        index = embedding_index(matrix, library)
        moments = _UnionFind()
        found = index.pairs(SIMILAR_COSINE, nprobe=3, cancel=cancel)
        for (i, j), cos in found.items():
            a, b = int(matrix.ids[i]), int(matrix.ids[j])
            if copies.find(a) == copies.find(b):
                continue
            ra, rb = row_of_fp.get(a), row_of_fp.get(b)
            if ra is None or rb is None or flat[ra] or flat[rb]:
                continue  # featureless photos are never "one moment" on their shading alone
            if shifted_similarity(grids[ra], grids[rb]) < SIMILAR_SPATIAL:
                continue
            moments.union(copies.find(a), copies.find(b))
            distance.add(a, b, round(1.0 - cos, 4))
        for roots in moments.groups():
            members = sorted({m for m in (copies.parent or {}) if copies.find(m) in roots} | set(roots))
            groups.append(_make_group(library, "similar", members, distance, fps.sharpness))
    if cancel is not None and cancel.is_set():
        raise Cancelled("the search was cancelled")
    groups.sort(key=lambda g: (KINDS.index(g.kind), g.members[0].photo.display_path))
    return groups


def _make_group(library: Library, kind: str, ids: list[int], distance: _Distances, sharpness: dict) -> Group:
    members = []
    for pid in ids:
        row = library.get(pid)
        if row is None:
            continue
        user_tags, albums = library.user_tag_and_album_counts(pid)
        members.append(Member(row, 0.0, user_tags, albums, float(sharpness.get(pid, 0.0))))
    ordered, reasons = suggest_keep(members)
    keep_id = ordered[0].photo.id
    for m in ordered[1:]:
        m.distance = distance.get(keep_id, m.photo.id)
    return Group(kind, ordered, reasons)


class _Distances:
    """Distances of linked pairs, and each photo's smallest one, for members linked to the
    keeper only through another member. Byte-identical photos are one (``owner_of`` maps each
    to the first of its set): their distance is 0, and they share their distances to others."""

    def __init__(self, owner_of: dict[int, int] | None = None) -> None:
        self.owner_of = owner_of or {}
        self.pairs: dict[tuple[int, int], float] = {}
        self.nearest: dict[int, float] = {}

    def add(self, a: int, b: int, d: float) -> None:
        a, b = self.owner_of.get(a, a), self.owner_of.get(b, b)
        key = (min(a, b), max(a, b))
        if d < self.pairs.get(key, 2.0):
            self.pairs[key] = d
        for p in key:
            self.nearest[p] = min(d, self.nearest.get(p, 2.0))

    def get(self, a: int, b: int) -> float:
        a, b = self.owner_of.get(a, a), self.owner_of.get(b, b)
        if a == b:
            return 0.0
        found = self.pairs.get((min(a, b), max(a, b)))
        return found if found is not None else min(1.0, self.nearest.get(b, 1.0))


def _date_key(row: PhotoRow) -> str:
    return (row.taken_at or "").replace(":", "-", 2) or "9999"


def suggest_keep(members: list[Member]) -> tuple[list[Member], list[str]]:
    """Order a group keeper-first and say why: a person's tags or albums first, then the most
    pixels, then the largest file (the least compressed), then the sharpest, then the oldest."""

    def pixels(m: Member) -> int:
        return (m.photo.width or 0) * (m.photo.height or 0)

    def score(m: Member) -> tuple:
        return (
            -(m.user_tags + m.albums),
            -pixels(m),
            -m.photo.size,
            -round(m.sharpness, 1),
            _date_key(m.photo),
            m.photo.id,
        )

    ordered = sorted(members, key=score)
    keep = ordered[0]
    # byte-identical copies of the keeper are equal in every way: compare with the rest
    others = [m for m in ordered[1:] if m.photo.content_hash != keep.photo.content_hash] or ordered[1:]
    if not others:
        return ordered, []
    reasons: list[str] = []
    if keep.user_tags + keep.albums > max(o.user_tags + o.albums for o in others):
        reasons.append("has your tags or albums")
    if pixels(keep) > max(pixels(o) for o in others):
        reasons.append(f"largest ({keep.photo.width}x{keep.photo.height})")
    elif keep.photo.size > max(o.photo.size for o in others):
        reasons.append("largest file (least compressed)")
    if keep.sharpness > 1.05 * max(o.sharpness for o in others):
        reasons.append("sharpest")
    if keep.photo.taken_at and all(_date_key(keep.photo) < _date_key(o.photo) for o in others):
        reasons.append("oldest")
    if not reasons:
        reasons.append("first added")
    return ordered, reasons


# --------------------------------------------------------------------------- acting on a group


def merge_onto(library: Library, keep_id: int, other_ids: Iterable[int]) -> None:
    """Give the kept photo the person's tags and manual-album memberships of the others."""
    library.merge_tags_and_albums(keep_id, other_ids)


def move_to_trash(
    library: Library, photo_ids: Sequence[int], *, trash: Callable[[str], Any] | None = None
) -> list[tuple[str, str]]:
    """Send the photos' files to the system trash (recoverable) and forget them.

    Only call this after a person confirmed it, naming the files. Returns the files that could
    not be moved, with the reason; those stay in the library.
    """
    if trash is None:
        from send2trash import send2trash as trash
    failed: list[tuple[str, str]] = []
    trashed: list[int] = []
    for pid in photo_ids:
        row = library.get(pid)
        if row is None:
            continue
        try:
            if os.path.lexists(row.path):
                trash(row.path)
            trashed.append(pid)
        except Exception as exc:  # send2trash raises OSError subclasses and TrashPermissionError
            failed.append((row.display_path, str(exc) or type(exc).__name__))
    library.remove(trashed)
    return failed
