"""The photo library: one SQLite file holding photos, predictions, user tags, embeddings, albums.

Threads: a ``Library`` owns one sqlite3 connection and must be used from the thread that
opened it. Every thread (the pipeline's writer, each GUI worker) opens its own ``Library`` on
the same file; WAL mode lets readers run while the writer holds a transaction, and a 5 s busy
timeout absorbs the short moments when two writers meet.

Paths are stored as raw file-system bytes (``os.fsencode``) so names that are not valid UTF-8
survive the round trip; the API hands out ``str`` (``os.fsdecode``), which may contain lone
surrogates: use ``PhotoRow.display_path`` to show one.

Auto tags are the model's predictions; the ``tags`` table holds only the user's decisions
(``added`` or ``removed``), so re-tagging a photo replaces predictions without touching them,
and a user's decision always wins: a removed label never matches that photo, an added one
always does.

A photo that was indexed and later fails to decode keeps its previous predictions and
embedding; it gets status ``failed`` and the error text, so nothing already in the library
is lost and the failure is visible in the Failed album.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shlex
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from resnet_desktop.core.dates import sort_date

BUSY_TIMEOUT_MS = 5000
STATUSES = ("pending", "ok", "failed", "missing")
SORTS = ("taken", "added", "name", "confidence")
#: A first page is first looked for by walking the sort order for up to this many VM steps
#: (under 10 ms on the 2-core test machine, a few thousand photos), see Library._select.
PAGE_WALK_BUDGET = 150_000
PAGE_WALK_MAX_ROWS = 2000

PathLike = str | bytes | os.PathLike


class LibraryError(Exception):
    """The library file cannot be used (not a database, newer schema, failed migration)."""


class LibraryReadOnly(LibraryError):
    """The library can be read but not written (a read-only folder, file or mount)."""


#: Tables every library has from schema version 1 on: a file without them is someone else's.
_V1_TABLES = frozenset({"photos", "predictions", "tags", "embeddings", "albums", "album_photos"})


@dataclass(frozen=True, slots=True)
class PhotoRow:
    id: int
    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    width: int | None
    height: int | None
    taken_at: str | None
    camera: str | None
    added_at: str
    status: str
    error: str | None
    model: str | None
    top_label: str | None
    top_probability: float | None
    #: The person's own tags, in the order they were added (shown before any model label).
    user_tags: tuple[str, ...] = ()
    #: Set by core.search on a search result: the label or tag that matched, and the label's
    #: probability (None when a person's tag matched).
    match: str | None = None
    match_confidence: float | None = None
    #: True when the match is a taught label's open suggestion (core.teach), not a confirmed tag.
    match_suggested: bool = False

    @property
    def name(self) -> str:
        """File name for display (undecodable bytes shown as U+FFFD)."""
        return _display(os.path.basename(self.path))

    @property
    def folder(self) -> str:
        """Containing folder as a real path (usable with os functions)."""
        return os.path.dirname(self.path)

    @property
    def display_path(self) -> str:
        return _display(self.path)


@dataclass(frozen=True, slots=True)
class TagRow:
    tag: str
    source: str  # "auto" | "user"
    confidence: float | None


@dataclass(frozen=True, slots=True)
class AlbumRow:
    id: int
    name: str
    kind: str  # "manual" | "smart"
    rule: dict | None


@dataclass(frozen=True, slots=True)
class StoredPrediction:
    """A prediction read back from the library (same fields as classify.Prediction)."""

    rank: int
    class_index: int
    label: str
    probability: float


def _display(path: str) -> str:
    return os.fsencode(path).decode("utf-8", errors="replace")


def _encode(path: PathLike) -> bytes:
    return os.path.abspath(os.fsencode(path))


def _path_columns(raw: bytes) -> tuple[bytes, bytes, str]:
    """The photos table's path, folder and display name for a raw path."""
    return raw, os.path.dirname(raw), _display(os.fsdecode(os.path.basename(raw)))


def _now() -> str:
    """UTC timestamp in the one format the library stores (sorts and compares as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# --------------------------------------------------------------------------- schema


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the caller's transaction (executescript would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_to_v1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE photos (
            id            INTEGER PRIMARY KEY,
            path          BLOB    NOT NULL UNIQUE,
            folder        BLOB    NOT NULL,
            name          TEXT    NOT NULL,
            size          INTEGER NOT NULL DEFAULT 0,
            mtime_ns      INTEGER NOT NULL DEFAULT 0,
            content_hash  TEXT,
            width         INTEGER,
            height        INTEGER,
            taken_at      TEXT,
            sort_date     TEXT,
            camera        TEXT,
            added_at      TEXT    NOT NULL,
            indexed_at    TEXT,
            status        TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'ok', 'failed', 'missing')),
            error         TEXT,
            model         TEXT,
            top_label        TEXT,
            top_probability  REAL,
            best_probability REAL
        );
        CREATE INDEX photos_hash ON photos (content_hash);
        CREATE INDEX photos_status ON photos (status);
        CREATE INDEX photos_best ON photos (best_probability);
        CREATE INDEX photos_confidence ON photos (top_probability DESC, id);
        -- the grid's order, covering the columns the built-in albums filter on, so "all",
        -- "recent", "untagged" and "failed" read this index alone, already sorted
        CREATE INDEX photos_sort_date ON photos (sort_date, id, status, added_at, best_probability);
        CREATE INDEX photos_added ON photos (added_at, id);
        CREATE INDEX photos_folder ON photos (folder);

        CREATE TABLE predictions (
            photo_id     INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            rank         INTEGER NOT NULL,
            class_index  INTEGER NOT NULL,
            label        TEXT    NOT NULL,
            probability  REAL    NOT NULL,
            model        TEXT,
            hidden       INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (photo_id, rank)
        ) WITHOUT ROWID;
        CREATE INDEX predictions_class ON predictions (class_index, hidden, probability);

        CREATE TABLE tags (
            photo_id    INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            tag         TEXT    NOT NULL COLLATE NOCASE,
            source      TEXT    NOT NULL DEFAULT 'user',
            state       TEXT    NOT NULL CHECK (state IN ('added', 'removed')),
            created_at  TEXT    NOT NULL,
            PRIMARY KEY (photo_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX tags_tag ON tags (tag, state);

        CREATE TABLE embeddings (
            photo_id  INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            model     TEXT    NOT NULL,
            dim       INTEGER NOT NULL,
            vector    BLOB    NOT NULL,
            PRIMARY KEY (photo_id, model)
        );

        CREATE TABLE albums (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind        TEXT NOT NULL CHECK (kind IN ('manual', 'smart')),
            rule        TEXT,
            created_at  TEXT NOT NULL
        );
        CREATE TABLE album_photos (
            album_id  INTEGER NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
            photo_id  INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            added_at  TEXT    NOT NULL,
            PRIMARY KEY (album_id, photo_id)
        ) WITHOUT ROWID;
        CREATE INDEX album_photos_photo ON album_photos (photo_id);
        """,
    )


def _migrate_categories(db: sqlite3.Connection) -> None:
    """Per-photo category rows, so that a broad category ("Animals": 398 classes, most photos)
    is one index range instead of every matching prediction; and an index for the name sort."""
    _run_script(
        db,
        """
        CREATE TABLE photo_categories (
            category     TEXT    NOT NULL,
            photo_id     INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            probability  REAL    NOT NULL,   -- best label of the photo in the category the user kept
            PRIMARY KEY (category, photo_id)
        ) WITHOUT ROWID;
        CREATE INDEX photo_categories_photo ON photo_categories (photo_id);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX photos_name ON photos (name COLLATE NOCASE, id)
        """,
    )
    _fill_photo_categories(db)


def _fill_photo_categories(db: sqlite3.Connection) -> None:
    """(Re)build photo_categories from the predictions, inside the caller's transaction.

    Run by the migration and whenever categories.json differs from the one the rows were
    made with (a new version of the app may group classes differently).
    """
    from resnet_desktop.core import categories

    db.execute("CREATE TEMP TABLE IF NOT EXISTS category_classes (category TEXT, class_index INTEGER)")
    db.execute("DELETE FROM temp.category_classes")
    db.executemany(
        "INSERT INTO temp.category_classes VALUES (?, ?)",
        [(name, c) for name in categories.category_names() for c in categories.classes_in(name)],
    )
    db.execute("DELETE FROM photo_categories")
    db.execute(
        "INSERT INTO photo_categories (category, photo_id, probability) "
        "SELECT cc.category, p.photo_id, max(p.probability) FROM predictions p "
        "JOIN temp.category_classes cc ON cc.class_index = p.class_index "
        "WHERE p.hidden = 0 GROUP BY cc.category, p.photo_id"
    )
    db.execute("DROP TABLE temp.category_classes")
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('categories', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_categories_signature(),),
    )


@functools.lru_cache(maxsize=1)
def _categories_signature() -> str:
    from resnet_desktop.core import categories

    text = json.dumps({n: sorted(categories.classes_in(n)) for n in categories.category_names()})
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@functools.lru_cache(maxsize=4096)
def _category_cover(classes: frozenset[int]) -> tuple[tuple[str, ...], frozenset[int]]:
    """The categories wholly inside ``classes`` (largest first, without overlap) and the rest."""
    from resnet_desktop.core import categories

    rest = set(classes)
    cover: list[str] = []
    candidates = sorted(
        ((n, categories.classes_in(n)) for n in categories.category_names()), key=lambda c: -len(c[1])
    )
    for name, members in candidates:
        if members and members <= rest:
            cover.append(name)
            rest -= members
    return tuple(cover), frozenset(rest)


def classes_condition(
    classes: Iterable[int], min_confidence: float = 0.0, *, correlated: bool = False
) -> tuple[str, list]:
    """SQL over ``ph``: the photo has a label it kept among ``classes`` at ``min_confidence``.

    Whole categories inside ``classes`` are looked up in ``photo_categories`` (one row per
    photo and category), the remaining classes in the predictions. ``correlated`` asks for
    EXISTS lookups per photo, which a first page sorted by an index can stop early with;
    the default gathers the matching ids once, which is what a count or a rare label needs.
    """
    cover, rest = _category_cover(frozenset(int(c) for c in classes))
    parts: list[str] = []
    params: list[Any] = []
    if cover:
        names = ",".join("?" * len(cover))
        where = f"c.category IN ({names}) AND c.probability >= ?"
        if correlated:
            parts.append(f"EXISTS (SELECT 1 FROM photo_categories c WHERE {where} AND c.photo_id = ph.id)")
        else:
            parts.append(f"ph.id IN (SELECT c.photo_id FROM photo_categories c WHERE {where})")
        params += [*cover, float(min_confidence)]
    if rest:
        listed = ",".join(str(i) for i in sorted(rest))
        where = f"p.class_index IN ({listed}) AND p.probability >= ? AND p.hidden = 0"
        if correlated:
            parts.append(f"EXISTS (SELECT 1 FROM predictions p WHERE p.photo_id = ph.id AND {where})")
        else:
            parts.append(f"ph.id IN (SELECT p.photo_id FROM predictions p WHERE {where})")
        params.append(float(min_confidence))
    return " OR ".join(parts), params


def _migrate_add_sidecars(db: sqlite3.Connection) -> None:
    """XMP sidecars (core.xmp): the size and mtime of each photo's sidecar when it was last
    read or written, so `index` re-reads a sidecar that changed without re-running the model,
    and a digest of what was written, so an unchanged sidecar is not even parsed again."""
    _run_script(
        db,
        """
        CREATE TABLE sidecars (
            photo_id  INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
            size      INTEGER NOT NULL,
            mtime_ns  INTEGER NOT NULL,
            written   TEXT
        )
        """,
    )


def _migrate_similar(db: sqlite3.Connection) -> None:
    """Similar photos and duplicates (core.embeddings, core.duplicates): a generation counter
    that every change to the embeddings, or to which photos exist, bumps (so a cached matrix
    knows it is stale, across threads and processes), and a fingerprint per photo content."""
    bump = "BEGIN UPDATE generations SET value = value + 1 WHERE name = 'embeddings'; END"
    for statement in (
        "CREATE TABLE generations (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO generations (name, value) VALUES ('embeddings', 0)",
        f"CREATE TRIGGER embeddings_gen_insert AFTER INSERT ON embeddings {bump}",
        f"CREATE TRIGGER embeddings_gen_delete AFTER DELETE ON embeddings {bump}",
        f"CREATE TRIGGER embeddings_gen_update AFTER UPDATE ON embeddings {bump}",
        f"CREATE TRIGGER photos_gen_delete AFTER DELETE ON photos {bump}",
        "CREATE TRIGGER photos_gen_change AFTER UPDATE OF status, path, content_hash ON photos "
        "WHEN old.status IS NOT new.status OR old.path IS NOT new.path "
        f"OR old.content_hash IS NOT new.content_hash {bump}",
        "CREATE TABLE fingerprints (content_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "data BLOB NOT NULL, sharpness REAL) WITHOUT ROWID",
    ):
        db.execute(statement)


def _migrate_add_suggestions(db: sqlite3.Connection) -> None:
    """Labels a person teaches (core.teach): suggestions are their own rows, never tags."""
    _run_script(
        db,
        """
        CREATE TABLE suggestions (
            photo_id     INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
            label        TEXT    NOT NULL COLLATE NOCASE,
            probability  REAL    NOT NULL,
            model        TEXT    NOT NULL,
            state        TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'rejected')),
            created_at   TEXT    NOT NULL,
            PRIMARY KEY (label, photo_id)
        ) WITHOUT ROWID;
        CREATE INDEX suggestions_photo ON suggestions (photo_id, state);
        CREATE TABLE taught_labels (
            label       TEXT PRIMARY KEY COLLATE NOCASE,
            report      TEXT NOT NULL,
            trained_at  TEXT NOT NULL
        );
        CREATE TABLE teach_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    )


def _migrate_file_identity_and_claims(db: sqlite3.Connection) -> None:
    """A file's identity beyond size and mtime (a copy tool or ``touch -r`` keeps those), and
    the photos an indexing run is working on, so a second run leaves them alone."""
    _run_script(
        db,
        """
        ALTER TABLE photos ADD COLUMN ctime_ns INTEGER;
        ALTER TABLE photos ADD COLUMN inode INTEGER;
        CREATE TABLE index_claims (
            photo_id    INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
            owner       TEXT    NOT NULL,
            claimed_at  TEXT    NOT NULL
        );
        CREATE INDEX index_claims_owner ON index_claims (owner);
        """,
    )


#: MIGRATIONS[i] brings a database from version i to i + 1, inside one transaction.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_to_v1,
    _migrate_add_sidecars,
    _migrate_similar,
    _migrate_add_suggestions,
    _migrate_categories,
    _migrate_file_identity_and_claims,
]
SCHEMA_VERSION = len(MIGRATIONS)


# --------------------------------------------------------------------------- library


_PHOTO_COLUMNS = (
    "ph.id, ph.path, ph.size, ph.mtime_ns, ph.content_hash, ph.width, ph.height, ph.taken_at, "
    "ph.camera, ph.added_at, ph.status, ph.error, ph.model, ph.top_label, ph.top_probability, "
    "(SELECT group_concat(t.tag, char(31)) FROM (SELECT tag FROM tags WHERE photo_id = ph.id "
    "AND state = 'added' ORDER BY created_at, tag) t)"
)
_PHOTO_FROM = "photos ph"

_ORDER = {
    "taken": "ph.sort_date DESC, ph.id DESC",
    "added": "ph.added_at DESC, ph.id DESC",
    "name": "ph.name COLLATE NOCASE ASC, ph.id ASC",
    "confidence": "ph.top_probability DESC, ph.id ASC",  # NULL sorts last in DESC
}


def _row(r: Sequence[Any]) -> PhotoRow:
    return PhotoRow(r[0], os.fsdecode(r[1]), *r[2:15], tuple(r[15].split("\x1f")) if r[15] else ())


class Library:
    """One SQLite library file. Open one per thread; close it when done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._depth = 0
        existed = self.path.exists() and self.path.stat().st_size > 0
        #: True when the file or its folder cannot be written: reads work, writes raise
        #: LibraryReadOnly (a library on a read-only mount or a backup disk).
        self.read_only = existed and not _writable(self.path)
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.read_only:
                self._db = _connect_read_only(self.path)
            else:
                self._db = sqlite3.connect(
                    str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
                )
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open library {self.path}: {exc}") from exc
        try:
            self._migrate(existed)
        except BaseException:
            self._db.close()
            raise
        self._has_categories = (
            self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'photo_categories'").fetchone()
            is not None
        )
        self._has_identity = (  # an older schema has no ctime_ns/inode (tests that stop the ladder early)
            self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'index_claims'").fetchone() is not None
        )

    # ---------------------------------------------------------------- setup

    def _check(self, existed: bool) -> int:
        """Read the schema version without writing anything: a foreign file stays untouched."""
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{self.path} is not a ResNet Desktop library ({exc})") from exc
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"{self.path} has schema version {version}, newer than this program's "
                f"{SCHEMA_VERSION}; update ResNet Desktop to open it"
            )
        if version == 0 and existed and tables:
            raise LibraryError(f"{self.path} is an SQLite file but not a ResNet Desktop library")
        if version >= 1:
            names = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not _V1_TABLES <= names:
                raise LibraryError(f"{self.path} is not a ResNet Desktop library (its tables are not ours)")
        if self.read_only and version < SCHEMA_VERSION:
            raise LibraryReadOnly(
                f"{self.path} needs upgrading to schema {SCHEMA_VERSION} but is read-only; "
                "copy it somewhere writable first"
            )
        return version

    def _configure(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.read_only:
            return
        self._db.execute("PRAGMA journal_mode = WAL").fetchone()
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self, existed: bool) -> None:
        version = self._check(existed)
        self._configure()
        if version == SCHEMA_VERSION:
            self._check_categories()
            return
        if existed and version > 0:
            self._backup(version)
        while True:
            # Re-read the version inside the write lock: another thread or process may have
            # created or upgraded the file while this one waited.
            self._db.execute("BEGIN IMMEDIATE")
            step = self._db.execute("PRAGMA user_version").fetchone()[0]
            if step >= SCHEMA_VERSION:
                self._db.execute("COMMIT")
                return
            try:
                MIGRATIONS[step](self._db)
                self._db.execute(f"PRAGMA user_version = {step + 1}")
                self._db.execute("COMMIT")
            except Exception as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise LibraryError(
                    f"upgrading {self.path} from schema {step} to {step + 1} failed: {exc}; "
                    "the file was left as it was"
                ) from exc

    def _check_categories(self) -> None:
        """Rebuild the per-photo category rows when categories.json changed since they were made."""
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
            return  # an older schema (tests that stop the ladder early)
        query = "SELECT value FROM meta WHERE key = 'categories'"
        found = self._db.execute(query).fetchone()
        if found is not None and found[0] == _categories_signature():
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            found = self._db.execute(query).fetchone()
            if found is None or found[0] != _categories_signature():
                _fill_photo_categories(self._db)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def optimize(self) -> None:
        """Let SQLite refresh the statistics its query planner uses, where they are out of date.

        SQLite's advice for long-lived and bulk-writing connections; cheap when nothing changed.
        Run after indexing and when the app closes its library (what bench_library does too).
        """
        # Whole-index statistics: a sampled ANALYZE (analysis_limit) misjudged the status
        # index so badly that "Untagged" went from 0.3 ms to 60 ms. About 1 s at 100,000 photos,
        # in the indexing thread, and PRAGMA optimize repeats it only when a table grew a lot.
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
            self._db.execute("ANALYZE")  # never analysed: PRAGMA optimize alone may not start
        else:
            self._db.execute("PRAGMA optimize")

    def _backup(self, version: int) -> Path:
        """Copy the file to ``<file>.bak-v<version>`` (sqlite's backup API: consistent under WAL)."""
        from resnet_desktop.core.atomic import atomic_path

        target = backup_path(self.path, version)
        with atomic_path(target) as tmp:
            dest = sqlite3.connect(str(tmp))
            try:
                self._db.backup(dest)
            finally:
                dest.close()
        return target

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Library]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception. Nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        if self.read_only:
            raise LibraryReadOnly(
                f"the library {self.path} is read-only (its file or folder cannot be written); "
                "searching and browsing work, changes do not"
            )
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        self._db.execute("COMMIT")

    # ---------------------------------------------------------------- writes

    def add_pending(self, files: Iterable[tuple[PathLike, int, int]]) -> list[int]:
        """Record files as pending; returns the row id of every given path, in order.

        A path already in the library keeps its row untouched (its id is returned).
        """
        now = _now()
        ids: list[int] = []
        with self.transaction():
            for path, size, mtime_ns in files:
                raw = _encode(path)
                cur = self._db.execute(
                    "INSERT INTO photos (path, folder, name, size, mtime_ns, sort_date, added_at, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (path) DO NOTHING RETURNING id",
                    (
                        *_path_columns(raw),
                        int(size),
                        int(mtime_ns),
                        sort_date(None, mtime_ns),
                        now,
                    ),
                )
                found = cur.fetchone()
                if found is None:
                    found = self._db.execute("SELECT id FROM photos WHERE path = ?", (raw,)).fetchone()
                ids.append(found[0])
        return ids

    def get_by_path(self, path: PathLike) -> PhotoRow | None:
        r = self._db.execute(
            f"SELECT {_PHOTO_COLUMNS} FROM {_PHOTO_FROM} WHERE ph.path = ?", (_encode(path),)
        ).fetchone()
        return _row(r) if r else None

    def get(self, photo_id: int) -> PhotoRow | None:
        r = self._db.execute(
            f"SELECT {_PHOTO_COLUMNS} FROM {_PHOTO_FROM} WHERE ph.id = ?", (photo_id,)
        ).fetchone()
        return _row(r) if r else None

    def find_by_hash(self, content_hash: str) -> list[PhotoRow]:
        rows = self._db.execute(
            f"SELECT {_PHOTO_COLUMNS} FROM {_PHOTO_FROM} WHERE ph.content_hash = ? ORDER BY ph.id",
            (content_hash,),
        ).fetchall()
        return [_row(r) for r in rows]

    def save_result(
        self,
        photo_id: int,
        *,
        size: int,
        mtime_ns: int,
        content_hash: str | None,
        width: int | None,
        height: int | None,
        taken_at: str | None,
        camera: str | None,
        model: str | None,
        predictions: Sequence[Any],
        embedding: Any = None,
        ctime_ns: int | None = None,
        inode: int | None = None,
    ) -> None:
        """Store a classification: replaces the photo's predictions and embedding, status ok.

        ``predictions`` are classify.Prediction objects (anything with rank, class_index, label,
        probability). User tags are left alone.
        """
        rows = []
        for p in predictions:
            probability = float(p.probability)
            if not 0.0 <= probability <= 1.0 + 1e-6:
                raise ValueError(f"probability {probability} of {p.label!r} is outside 0..1")
            rows.append(
                (photo_id, int(p.rank), int(p.class_index), str(p.label), min(probability, 1.0), model)
            )
        identity = ", ctime_ns = ?, inode = ?" if self._has_identity else ""
        with self.transaction():
            cur = self._db.execute(
                "UPDATE photos SET size = ?, mtime_ns = ?, content_hash = ?, width = ?, height = ?, "
                "taken_at = ?, camera = ?, model = ?, sort_date = ?, indexed_at = ?, status = 'ok', "
                f"error = NULL{identity} WHERE id = ?",
                (
                    int(size),
                    int(mtime_ns),
                    content_hash,
                    width,
                    height,
                    taken_at,
                    camera,
                    model,
                    sort_date(taken_at, mtime_ns),
                    _now(),
                    *((ctime_ns, inode) if self._has_identity else ()),
                    photo_id,
                ),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no photo with id {photo_id}")
            self._db.execute("DELETE FROM predictions WHERE photo_id = ?", (photo_id,))
            self._db.executemany(
                "INSERT INTO predictions (photo_id, rank, class_index, label, probability, model) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._refresh_derived(photo_id)
            self._db.execute("DELETE FROM embeddings WHERE photo_id = ?", (photo_id,))
            if embedding is not None:
                import numpy as np

                vector = np.asarray(embedding, dtype=np.float16).ravel()
                self._db.execute(
                    "INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (?, ?, ?, ?)",
                    (photo_id, model or "", int(vector.size), vector.tobytes()),
                )

    def _refresh_derived(self, photo_id: int) -> None:
        """Recompute what is stored twice for speed: which predictions the user removed
        (``predictions.hidden``), the model's first guess and the best remaining probability
        (``photos.top_label``, ``top_probability``, ``best_probability``)."""
        self._db.execute(
            "UPDATE predictions SET hidden = EXISTS (SELECT 1 FROM tags t "
            "WHERE t.photo_id = predictions.photo_id AND t.tag = predictions.label AND t.state = 'removed') "
            "WHERE photo_id = ?",
            (photo_id,),
        )
        self._db.execute(
            "UPDATE photos SET "
            "top_label = (SELECT label FROM predictions WHERE photo_id = photos.id ORDER BY rank LIMIT 1), "
            "top_probability = (SELECT probability FROM predictions WHERE photo_id = photos.id "
            "ORDER BY rank LIMIT 1), "
            "best_probability = coalesce((SELECT max(probability) FROM predictions "
            "WHERE photo_id = photos.id AND hidden = 0), CASE WHEN model IS NULL THEN NULL ELSE 0 END) "
            "WHERE id = ?",
            (photo_id,),
        )
        if not self._has_categories:  # an older schema (tests that stop the ladder early)
            return
        from resnet_desktop.core import categories

        best: dict[str, float] = {}
        for class_index, probability in self._db.execute(
            "SELECT class_index, probability FROM predictions WHERE photo_id = ? AND hidden = 0", (photo_id,)
        ):
            for name in categories.categories_of(class_index):
                best[name] = max(best.get(name, 0.0), probability)
        self._db.execute("DELETE FROM photo_categories WHERE photo_id = ?", (photo_id,))
        self._db.executemany(
            "INSERT INTO photo_categories (category, photo_id, probability) VALUES (?, ?, ?)",
            [(name, photo_id, p) for name, p in best.items()],
        )

    def save_failure(
        self,
        photo_id: int,
        reason: str,
        *,
        size: int | None = None,
        mtime_ns: int | None = None,
        ctime_ns: int | None = None,
        inode: int | None = None,
    ) -> None:
        """Mark a photo failed with a reason; earlier predictions and tags are kept. The file's
        identity (change time, inode) as it was read is kept too, so a next run reads it again
        only when it changed or was replaced."""
        identity = ", ctime_ns = ?, inode = ?" if self._has_identity and ctime_ns is not None else ""
        with self.transaction():
            cur = self._db.execute(
                "UPDATE photos SET status = 'failed', error = ?, indexed_at = ?, "
                f"size = COALESCE(?, size), mtime_ns = COALESCE(?, mtime_ns){identity} WHERE id = ?",
                (str(reason), _now(), size, mtime_ns, *((ctime_ns, inode) if identity else ()), photo_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no photo with id {photo_id}")
            if mtime_ns is not None:
                self._db.execute(
                    "UPDATE photos SET sort_date = ? WHERE id = ? AND taken_at IS NULL",
                    (sort_date(None, mtime_ns), photo_id),
                )

    def move(self, photo_id: int, new_path: PathLike, size: int, mtime_ns: int) -> None:
        """The photo's file now lives at ``new_path``; tags, predictions and albums follow it.

        A missing photo found again becomes ok (or pending if it was never indexed). If another
        row already claims ``new_path`` it is merged into this one: its user tags and album
        memberships move over, then the row goes.
        """
        raw = _encode(new_path)
        with self.transaction():
            other = self._db.execute(
                "SELECT id FROM photos WHERE path = ? AND id != ?", (raw, photo_id)
            ).fetchone()
            if other is not None:
                self._db.execute(
                    "INSERT OR IGNORE INTO tags (photo_id, tag, source, state, created_at) "
                    "SELECT ?, tag, source, state, created_at FROM tags WHERE photo_id = ?",
                    (photo_id, other[0]),
                )
                self._db.execute(
                    "INSERT OR IGNORE INTO album_photos (album_id, photo_id, added_at) "
                    "SELECT album_id, ?, added_at FROM album_photos WHERE photo_id = ?",
                    (photo_id, other[0]),
                )
                self._db.execute("DELETE FROM photos WHERE id = ?", (other[0],))
                self._refresh_derived(photo_id)
            cur = self._db.execute(
                "UPDATE photos SET path = ?, folder = ?, name = ?, size = ?, mtime_ns = ?, "
                + ("ctime_ns = NULL, inode = NULL, " if self._has_identity else "")
                + "sort_date = CASE WHEN taken_at IS NULL THEN ? ELSE sort_date END, "
                "status = CASE WHEN status != 'missing' THEN status "
                "              WHEN indexed_at IS NULL THEN 'pending' "
                "              WHEN error IS NOT NULL THEN 'failed' ELSE 'ok' END "
                "WHERE id = ?",
                (
                    *_path_columns(raw),
                    int(size),
                    int(mtime_ns),
                    sort_date(None, mtime_ns),
                    photo_id,
                ),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no photo with id {photo_id}")

    def mark_missing(self, photo_ids: Iterable[int]) -> None:
        """The files are gone (or their drive is offline); every row and tag is kept."""
        with self.transaction():
            self._db.executemany(
                "UPDATE photos SET status = 'missing' WHERE id = ?", [(i,) for i in photo_ids]
            )

    def remove(self, photo_ids: Iterable[int]) -> None:
        """Forget photos: delete their rows (predictions, tags, albums cascade). Files are never touched."""
        with self.transaction():
            self._db.executemany("DELETE FROM photos WHERE id = ?", [(i,) for i in photo_ids])

    def set_user_tags(self, photo_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """Record the user's decisions. Removing stores a 'removed' mark, so the label stays
        excluded even when a later re-tag predicts it again."""
        now = _now()
        add = [t.strip() for t in add if t and t.strip()]
        remove = [t.strip() for t in remove if t and t.strip()]
        with self.transaction():
            if self._db.execute("SELECT 1 FROM photos WHERE id = ?", (photo_id,)).fetchone() is None:
                raise KeyError(f"no photo with id {photo_id}")
            for tag, state in [(t, "added") for t in add] + [(t, "removed") for t in remove]:
                self._db.execute(
                    "INSERT INTO tags (photo_id, tag, source, state, created_at) VALUES (?, ?, 'user', ?, ?) "
                    "ON CONFLICT (photo_id, tag) DO UPDATE SET state = excluded.state, "
                    "created_at = excluded.created_at, tag = excluded.tag",
                    (photo_id, tag, state, now),
                )
            self._refresh_derived(photo_id)

    def file_identities(self) -> dict[int, tuple[int, int]]:
        """photo id -> (ctime_ns, inode) as recorded when the file was last read (where known)."""
        rows = self._db.execute(
            "SELECT id, ctime_ns, inode FROM photos WHERE ctime_ns IS NOT NULL AND inode IS NOT NULL"
        )
        return {i: (c, n) for i, c, n in rows}

    def file_identity(self, photo_id: int) -> tuple[int, int] | None:
        """(ctime_ns, inode) of one photo as recorded when its file was last read; None if unknown."""
        found = self._db.execute(
            "SELECT ctime_ns, inode FROM photos WHERE id = ? AND ctime_ns IS NOT NULL AND inode IS NOT NULL",
            (photo_id,),
        ).fetchone()
        return (found[0], found[1]) if found else None

    # ---------------------------------------------------------------- claims

    def claim(self, photo_ids: Iterable[int], owner: str, is_alive: Callable[[str], bool]) -> set[int]:
        """Claim photos for an indexing run; returns those this ``owner`` got. A claim held by
        an owner that ``is_alive`` says is gone (a crashed run) is taken over."""
        wanted = list(photo_ids)
        now = _now()
        with self.transaction():
            owners = [r[0] for r in self._db.execute("SELECT DISTINCT owner FROM index_claims")]
            for dead in [o for o in owners if o != owner and not is_alive(o)]:
                self._db.execute("DELETE FROM index_claims WHERE owner = ?", (dead,))
            got: set[int] = set()
            for photo_id in wanted:
                cur = self._db.execute(
                    "INSERT INTO index_claims (photo_id, owner, claimed_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (photo_id) DO UPDATE SET claimed_at = excluded.claimed_at "
                    "WHERE index_claims.owner = excluded.owner RETURNING photo_id",
                    (photo_id, owner, now),
                )
                if cur.fetchone() is not None:
                    got.add(photo_id)
        return got

    def release(self, owner: str, photo_ids: Iterable[int] | None = None) -> None:
        """Drop ``owner``'s claims (all of them, or those on ``photo_ids``)."""
        with self.transaction():
            if photo_ids is None:
                self._db.execute("DELETE FROM index_claims WHERE owner = ?", (owner,))
            else:
                self._db.executemany(
                    "DELETE FROM index_claims WHERE owner = ? AND photo_id = ?",
                    [(owner, i) for i in photo_ids],
                )

    def import_tags(self, photo_id: int, tags: Iterable[str], source: str = "file") -> list[str]:
        """Add keywords found in a photo or its sidecar as the person's tags (they came from a
        person, in another program). A tag the person already decided on here, added or
        removed, is left as it is; returns the tags that were new."""
        now = _now()
        added: list[str] = []
        with self.transaction():
            for tag in dict.fromkeys(t.strip() for t in tags if t and t.strip()):
                cur = self._db.execute(
                    "INSERT INTO tags (photo_id, tag, source, state, created_at) "
                    "VALUES (?, ?, ?, 'added', ?) ON CONFLICT (photo_id, tag) DO NOTHING",
                    (photo_id, tag, source, now),
                )
                if cur.rowcount:
                    added.append(tag)
            if added:
                self._refresh_derived(photo_id)
        return added

    def sidecar_states(self) -> dict[int, tuple[int, int]]:
        """photo id -> (size, mtime_ns) of its XMP sidecar when last read or written."""
        return {i: (s, m) for i, s, m in self._db.execute("SELECT photo_id, size, mtime_ns FROM sidecars")}

    def sidecar_written(self, photo_id: int) -> tuple[int, int, str] | None:
        """(size, mtime_ns, digest of the content) of the sidecar as the app last wrote it."""
        r = self._db.execute(
            "SELECT size, mtime_ns, written FROM sidecars WHERE photo_id = ? AND written IS NOT NULL",
            (photo_id,),
        ).fetchone()
        return (r[0], r[1], r[2]) if r else None

    def set_sidecar_state(
        self, photo_id: int, state: tuple[int, int] | None, written: str | None = None
    ) -> None:
        """Record the sidecar's (size, mtime_ns) (None: it has none) and, after a write, the
        digest of what was written."""
        with self.transaction():
            if state is None:
                self._db.execute("DELETE FROM sidecars WHERE photo_id = ?", (photo_id,))
            else:
                self._db.execute(
                    "INSERT INTO sidecars (photo_id, size, mtime_ns, written) SELECT id, ?, ?, ? FROM photos "
                    "WHERE id = ? ON CONFLICT (photo_id) DO UPDATE SET size = excluded.size, "
                    "mtime_ns = excluded.mtime_ns, written = excluded.written",
                    (int(state[0]), int(state[1]), written, photo_id),
                )

    # ---------------------------------------------------------------- reads

    def _where(
        self, rule: dict | None, search: str | None, min_confidence: float, correlated: bool = False
    ) -> tuple[str, list]:
        from resnet_desktop.core import albums

        clauses: list[str] = []
        params: list[Any] = []
        if rule:
            sql, p = albums.compile_rule(rule, correlated=correlated)
            clauses.append(sql)
            params += p
        if search and search.strip():
            terms = split_terms(search)
            if len(terms) > albums.MAX_TERMS:
                raise ValueError(
                    f"a search may have at most {albums.MAX_TERMS} words; this one has {len(terms)}"
                )
            for term in terms:
                sql, p = albums.term_condition(term, min_confidence, correlated=correlated)
                clauses.append(sql)
                params += p
        return (" AND ".join(f"({c})" for c in clauses) or "1"), params

    def photos(
        self,
        *,
        rule: dict | None = None,
        search: str | None = None,
        sort: str = "taken",
        limit: int | None = None,
        offset: int = 0,
        min_confidence: float = 0.0,
    ) -> list[PhotoRow]:
        """Photos matching a rule and a search, sorted, one page at a time.

        One query: the rank-1 prediction is joined (``top_label`` is the model's first guess,
        shown even if the user later removed it; ``tags()`` gives the effective tags).
        """
        query = self._select(_PHOTO_COLUMNS, _PHOTO_FROM, rule, search, min_confidence, sort, limit, offset)
        return [_row(r) for r in query]

    def ids(
        self,
        *,
        rule: dict | None = None,
        search: str | None = None,
        sort: str = "taken",
        limit: int | None = None,
        offset: int = 0,
        min_confidence: float = 0.0,
    ) -> list[int]:
        """Like photos() but only the ids: cheap enough to list 100k rows for a lazy grid."""
        query = self._select("ph.id", "photos ph", rule, search, min_confidence, sort, limit, offset)
        return [r[0] for r in query]

    def paths(self, statuses: Iterable[str]) -> list[str]:
        """The paths of the photos in ``statuses`` (e.g. "pending"), without reading their rows."""
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        sql = f"SELECT path FROM photos WHERE status IN ({marks})"
        return [os.fsdecode(r[0]) for r in self._db.execute(sql, wanted)]

    def photos_among(
        self,
        photo_ids: Iterable[int],
        *,
        rule: dict | None = None,
        search: str | None = None,
        min_confidence: float = 0.0,
    ) -> list[PhotoRow]:
        """Those of ``photo_ids`` that match a rule and a search (any order): what a grid needs
        to merge the photos that just changed, without reading the whole album again."""
        wanted = sorted({int(i) for i in photo_ids})
        if not wanted:
            return []
        where, params = self._where(rule, search, min_confidence)
        rows: list[PhotoRow] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            listed = ",".join(str(i) for i in chunk)
            sql = f"SELECT {_PHOTO_COLUMNS} FROM {_PHOTO_FROM} WHERE ph.id IN ({listed}) AND ({where})"
            rows += [_row(r) for r in self._db.execute(sql, params)]
        return rows

    def _select(
        self,
        columns: str,
        source: str,
        rule: dict | None,
        search: str | None,
        min_confidence: float,
        sort: str,
        limit: int | None,
        offset: int,
    ) -> list:
        """One filtered, sorted, paged SELECT: what photos() and ids() share.

        A page of a label search can be found two ways: walk the photos in the sort order and
        look up each one's labels until the page is full (fast when many photos match), or
        gather every matching photo and sort them (fast when few do). Which one wins depends
        on how many match, which SQLite cannot know beforehand; so the walk is tried first
        with a budget of work, and a walk that runs out of it (few matches) is replaced by
        the gathering query.
        """
        order = self._order(sort)
        where, params = self._where(rule, search, min_confidence)
        if limit is not None and limit + offset <= PAGE_WALK_MAX_ROWS:
            walk, walk_params = self._where(rule, search, min_confidence, correlated=True)
            if walk != where:  # there are label terms
                sql = f"SELECT {columns} FROM {source} WHERE {walk} ORDER BY {order}"
                rows = self._within_budget(*self._page(sql, walk_params, limit, offset))
                if rows is not None:
                    return rows
        sql = f"SELECT {columns} FROM {source} WHERE {where} ORDER BY {order}"
        return self._run_query(*self._page(sql, params, limit, offset)).fetchall()

    def _within_budget(self, sql: str, params: list) -> list | None:
        """The query's rows, or None when it needs more than PAGE_WALK_BUDGET steps of SQLite's VM."""
        steps = [0]

        def tick() -> int:
            steps[0] += 1
            return 1 if steps[0] > PAGE_WALK_BUDGET // 1000 else 0

        self._db.set_progress_handler(tick, 1000)
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                raise _too_large(exc) or exc from None
            return None
        finally:
            self._db.set_progress_handler(None, 0)

    def _run_query(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        """Execute a rule's or a search's query; ValueError when it is too large for SQLite
        (a rule stored by an older version), so one such album cannot break the others."""
        try:
            return self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise _too_large(exc) or exc from None

    @staticmethod
    def _order(sort: str) -> str:
        try:
            return _ORDER[sort]
        except KeyError:
            raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}") from None

    @staticmethod
    def _page(sql: str, params: list, limit: int | None, offset: int) -> tuple[str, list]:
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, -1 if limit is None else int(limit), int(offset)]
        return sql, params

    def count(
        self, *, rule: dict | None = None, search: str | None = None, min_confidence: float = 0.0
    ) -> int:
        where, params = self._where(rule, search, min_confidence)
        category = self._single_category(rule, search, min_confidence)
        if category is not None:
            # A whole category ("Animals": 69% of photos): its rows in one index range, plus
            # the photos that match only through a person's tag, a small set.
            name, threshold = category
            # per-photo lookups for the few tagged photos; gathering would re-read the category
            where, params = self._where(rule, search, min_confidence, correlated=True)
            direct = self._db.execute(
                "SELECT count(*) FROM photo_categories WHERE category = ? AND probability >= ?",
                (name, threshold),
            ).fetchone()[0]
            tagged_only = self._db.execute(
                "SELECT count(*) FROM photos ph "
                "WHERE ph.id IN (SELECT photo_id FROM tags WHERE state = 'added') AND NOT EXISTS "
                "(SELECT 1 FROM photo_categories c WHERE c.category = ? AND c.photo_id = ph.id "
                f"AND c.probability >= ?) AND ({where})",
                [name, threshold, *params],
            ).fetchone()[0]
            return direct + tagged_only
        return self._run_query(f"SELECT count(*) FROM photos ph WHERE {where}", params).fetchone()[0]

    @staticmethod
    def _single_category(
        rule: dict | None, search: str | None, min_confidence: float
    ) -> tuple[str, float] | None:
        """(category, threshold) when the query is one term standing for exactly one category."""
        from resnet_desktop.core import albums

        terms = split_terms(search) if search and search.strip() else []
        if not rule and len(terms) == 1:
            term, threshold = terms[0], min_confidence
        elif (
            not terms
            and rule
            and set(rule) <= {"labels_any", "min_confidence"}
            and len(rule.get("labels_any") or []) == 1
        ):
            albums.validate_rule(rule)
            term, threshold = rule["labels_any"][0], float(rule.get("min_confidence", 0.0))
        else:
            return None
        cover, rest = _category_cover(albums.term_classes(term))
        return (cover[0], threshold) if len(cover) == 1 and not rest else None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """A read-only SELECT for core modules that explain results (core.search)."""
        return self._db.execute(sql, list(params)).fetchall()

    def predictions(self, photo_id: int) -> list[StoredPrediction]:
        rows = self._db.execute(
            "SELECT rank, class_index, label, probability FROM predictions WHERE photo_id = ? ORDER BY rank",
            (photo_id,),
        ).fetchall()
        return [StoredPrediction(*r) for r in rows]

    def embedding(self, photo_id: int) -> Any:
        """The stored embedding as float32 numpy array, or None."""
        r = self._db.execute(
            "SELECT vector FROM embeddings WHERE photo_id = ? LIMIT 1", (photo_id,)
        ).fetchone()
        if r is None:
            return None
        import numpy as np

        return np.frombuffer(r[0], dtype=np.float16).astype(np.float32)

    # --- embeddings and fingerprints (core.embeddings, core.duplicates) -------------------
    def generation(self, name: str = "embeddings") -> int:
        """A counter triggers bump on every change to embeddings or to which photos exist."""
        r = self._db.execute("SELECT value FROM generations WHERE name = ?", (name,)).fetchone()
        return int(r[0]) if r else 0

    def embedding_model_counts(self) -> dict[str, int]:
        """How many photos (not missing) have an embedding of each model."""
        rows = self._db.execute(
            "SELECT e.model, count(*) FROM embeddings e JOIN photos p ON p.id = e.photo_id "
            "WHERE p.status != 'missing' GROUP BY e.model"
        ).fetchall()
        return {m: n for m, n in rows if m}

    _EMBEDDINGS_OF = (
        "FROM embeddings e JOIN photos p ON p.id = e.photo_id WHERE e.model = ? AND p.status != 'missing'"
    )

    def embedding_shape(self, model: str) -> tuple[int, int]:
        """(rows, largest dimension) of one model's embeddings of photos not missing."""
        n, dim = self._db.execute(f"SELECT count(*), max(e.dim) {self._EMBEDDINGS_OF}", (model,)).fetchone()
        return int(n or 0), int(dim or 0)

    def iter_embeddings(self, model: str) -> Iterator[tuple[int, bytes]]:
        """(photo id, float16 bytes) of one model's embeddings, by photo id, photos not missing."""
        sql = f"SELECT e.photo_id, e.vector {self._EMBEDDINGS_OF} ORDER BY e.photo_id"
        yield from self._db.execute(sql, (model,))

    def ids_without_embedding(self, model: str) -> list[int]:
        """Photos tagged (status ok) with no embedding of ``model``, by id."""
        return [
            r[0]
            for r in self._db.execute(
                "SELECT p.id FROM photos p WHERE p.status = 'ok' AND NOT EXISTS "
                "(SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model = ?) ORDER BY p.id",
                (model,),
            )
        ]

    def store_embedding(self, photo_id: int, model: str, vector: bytes, dim: int) -> None:
        """Store (or replace) one photo's float16 embedding of ``model``; labels untouched."""
        self._db.execute(
            "INSERT INTO embeddings (photo_id, model, dim, vector) SELECT id, ?, ?, ? FROM photos "
            "WHERE id = ? ON CONFLICT (photo_id, model) DO UPDATE SET dim = excluded.dim, "
            "vector = excluded.vector",
            (model, int(dim), vector, photo_id),
        )

    def ids_without_fingerprint(self) -> list[int]:
        """Photos tagged (status ok) whose content has no fingerprint yet."""
        return [
            r[0]
            for r in self._db.execute(
                "SELECT p.id FROM photos p WHERE p.status = 'ok' AND p.content_hash IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.content_hash = p.content_hash)"
            )
        ]

    def store_fingerprint(self, content_hash: str, kind: str, data: bytes, sharpness: float) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO fingerprints (content_hash, kind, data, sharpness) VALUES (?, ?, ?, ?)",
            (content_hash, kind, data, float(sharpness)),
        )

    _FINGERPRINTS_OF = (
        "FROM photos p JOIN fingerprints f ON f.content_hash = p.content_hash "
        "WHERE p.status != 'missing' AND f.kind = ?"
    )

    def fingerprint_count(self, kind: str) -> int:
        return int(self._db.execute(f"SELECT count(*) {self._FINGERPRINTS_OF}", (kind,)).fetchone()[0])

    def iter_fingerprints(self, kind: str) -> Iterator[tuple[int, str, bytes, float | None]]:
        """(photo id, content hash, data, sharpness) of photos not missing, by photo id."""
        yield from self._db.execute(
            f"SELECT p.id, p.content_hash, f.data, f.sharpness {self._FINGERPRINTS_OF} ORDER BY p.id", (kind,)
        )

    def same_content_sets(self) -> list[list[int]]:
        """Photos (not missing) sharing a content hash with another: one sorted id list per hash."""
        rows = self._db.execute(
            "SELECT group_concat(id) FROM (SELECT id, content_hash FROM photos WHERE status != 'missing' "
            "AND content_hash IS NOT NULL ORDER BY id) GROUP BY content_hash HAVING count(*) > 1"
        ).fetchall()
        return [sorted(int(i) for i in r[0].split(",")) for r in rows]

    def user_tag_and_album_counts(self, photo_id: int) -> tuple[int, int]:
        """How many tags a person gave the photo, and how many manual albums it is in."""
        tags = self._db.execute(
            "SELECT count(*) FROM tags WHERE photo_id = ? AND source = 'user'", (photo_id,)
        ).fetchone()[0]
        albums = self._db.execute(
            "SELECT count(*) FROM album_photos WHERE photo_id = ?", (photo_id,)
        ).fetchone()[0]
        return int(tags), int(albums)

    def merge_tags_and_albums(self, keep_id: int, other_ids: Iterable[int]) -> None:
        """Give ``keep_id`` the person's tags and manual-album memberships of the others."""
        with self.transaction():
            for other in other_ids:
                if other == keep_id:
                    continue
                self._db.execute(
                    "INSERT OR IGNORE INTO tags (photo_id, tag, source, state, created_at) "
                    "SELECT ?, tag, source, state, created_at FROM tags "
                    "WHERE photo_id = ? AND source = 'user'",
                    (keep_id, other),
                )
                self._db.execute(
                    "INSERT OR IGNORE INTO album_photos (album_id, photo_id, added_at) "
                    "SELECT album_id, ?, added_at FROM album_photos WHERE photo_id = ?",
                    (keep_id, other),
                )
            self._refresh_derived(keep_id)

    def tags(self, photo_id: int) -> list[TagRow]:
        """Effective tags: predictions the user did not remove (by rank), then user-added tags."""
        decisions = {
            tag.lower(): (tag, state)
            for tag, state in self._db.execute(
                "SELECT tag, state FROM tags WHERE photo_id = ? ORDER BY created_at", (photo_id,)
            )
        }
        result: list[TagRow] = []
        seen: set[str] = set()
        for p in self.predictions(photo_id):
            key = p.label.lower()
            decision = decisions.get(key)
            if decision and decision[1] == "removed":
                continue
            source = "user" if decision else "auto"
            result.append(TagRow(p.label, source, p.probability))
            seen.add(key)
        for key, (tag, state) in decisions.items():
            if state == "added" and key not in seen:
                result.append(TagRow(tag, "user", None))
        return result

    def label_counts(self, limit: int = 20, min_confidence: float = 0.0) -> list[tuple[str, int]]:
        """Most frequent labels: photos per predicted label (any of the top-k) at or above the
        threshold, leaving out labels the user removed from a photo."""
        # Count over the covering (class_index, hidden, probability) index, then name the classes:
        # reading the label of every prediction would cost a table lookup per row.
        counts = self._db.execute(
            "SELECT class_index, count(*) FROM predictions WHERE hidden = 0 AND probability >= ? "
            "GROUP BY class_index",
            (float(min_confidence),),
        ).fetchall()
        name_of = "SELECT label FROM predictions WHERE class_index = ? LIMIT 1"
        named = [(self._db.execute(name_of, (c,)).fetchone()[0], n) for c, n in counts]
        named.sort(key=lambda item: (-item[1], item[0]))
        return named[: int(limit)]

    def user_tag_counts(self) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT min(tag), count(*) AS n FROM tags WHERE state = 'added' GROUP BY tag ORDER BY n DESC, tag"
        ).fetchall()
        return [(tag, n) for tag, n in rows]

    def folders(self) -> list[tuple[str, int]]:
        """Folders that directly contain photos, with their photo counts, sorted by path."""
        rows = self._db.execute(
            "SELECT folder, count(*) FROM photos GROUP BY folder ORDER BY folder"
        ).fetchall()
        return [(os.fsdecode(folder), n) for folder, n in rows]

    def stats(self) -> dict:
        by_status = dict.fromkeys(STATUSES, 0)
        by_status.update(self._db.execute("SELECT status, count(*) FROM photos GROUP BY status").fetchall())
        by_model = dict(
            self._db.execute(
                "SELECT model, count(*) FROM photos WHERE model IS NOT NULL GROUP BY model"
            ).fetchall()
        )
        return {
            "photos": sum(by_status.values()),
            "by_status": by_status,
            "by_model": by_model,
            "predictions": self._db.execute("SELECT count(*) FROM predictions").fetchone()[0],
            "user_tags": self._db.execute("SELECT count(*) FROM tags").fetchone()[0],
            "albums": self._db.execute("SELECT count(*) FROM albums").fetchone()[0],
            "schema_version": self._db.execute("PRAGMA user_version").fetchone()[0],
        }

    # ---------------------------------------------------------------- albums

    def albums(self) -> list[AlbumRow]:
        rows = self._db.execute(
            "SELECT id, name, kind, rule FROM albums ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [AlbumRow(i, n, k, json.loads(r) if r else None) for i, n, k, r in rows]

    def album(self, name: str) -> AlbumRow | None:
        r = self._db.execute("SELECT id, name, kind, rule FROM albums WHERE name = ?", (name,)).fetchone()
        return AlbumRow(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None) if r else None

    def create_album(self, name: str, rule: dict | None = None) -> int:
        """A manual album (rule None) or a smart one; ValueError for a bad rule or a taken name."""
        from resnet_desktop.core import albums

        name = (name or "").strip()
        if not name:
            raise ValueError("an album needs a name")
        if rule is not None:
            albums.validate_rule(rule)
        with self.transaction():
            if self.album(name) is not None:
                raise ValueError(f"an album named {name!r} exists already")
            if rule is not None:
                self.check_rule_runs(rule)
            cur = self._db.execute(
                "INSERT INTO albums (name, kind, rule, created_at) VALUES (?, ?, ?, ?)",
                (
                    name,
                    "manual" if rule is None else "smart",
                    None if rule is None else json.dumps(rule),
                    _now(),
                ),
            )
            return int(cur.lastrowid)

    def update_album(self, name: str, new_name: str, rule: dict) -> None:
        """Change a smart album's name and rule in place, in one transaction.

        ValueError (nothing changed) for a bad rule, an empty name, a name another album has,
        or a manual album; KeyError if there is no such album.
        """
        from resnet_desktop.core import albums

        new_name = (new_name or "").strip()
        if not new_name:
            raise ValueError("an album needs a name")
        albums.validate_rule(rule)
        with self.transaction():
            album = self.album(name)
            if album is None:
                raise KeyError(f"no album named {name!r}")
            if album.kind != "smart":
                raise ValueError(f"album {name!r} is a manual album; it has no rule")
            other = self.album(new_name)
            if other is not None and other.id != album.id:
                raise ValueError(f"an album named {new_name!r} exists already")
            self.check_rule_runs(rule)
            self._db.execute(
                "UPDATE albums SET name = ?, rule = ? WHERE id = ?", (new_name, json.dumps(rule), album.id)
            )

    def check_rule_runs(self, rule: dict) -> None:
        """ValueError when SQLite cannot run the rule's query (e.g. too large), so such a rule
        is never stored."""
        where, params = self._where(rule, None, 0.0)
        try:
            self._db.execute(f"SELECT 1 FROM photos ph WHERE {where} LIMIT 0", params).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"the rule cannot be run ({exc})") from None

    def delete_album(self, name: str) -> None:
        """Delete the album (and its memberships); the photos stay in the library."""
        with self.transaction():
            self._db.execute("DELETE FROM albums WHERE name = ?", (name,))

    def _manual_album_id(self, name: str) -> int:
        album = self.album(name)
        if album is None:
            raise KeyError(f"no album named {name!r}")
        if album.kind != "manual":
            raise ValueError(f"album {name!r} is a smart album; its photos follow its rule")
        return album.id

    def add_to_album(self, name: str, photo_ids: Iterable[int]) -> None:
        now = _now()
        with self.transaction():
            album_id = self._manual_album_id(name)
            self._db.executemany(
                "INSERT OR IGNORE INTO album_photos (album_id, photo_id, added_at) "
                "SELECT ?, id, ? FROM photos WHERE id = ?",
                [(album_id, now, i) for i in photo_ids],
            )

    def remove_from_album(self, name: str, photo_ids: Iterable[int]) -> None:
        with self.transaction():
            album_id = self._manual_album_id(name)
            self._db.executemany(
                "DELETE FROM album_photos WHERE album_id = ? AND photo_id = ?",
                [(album_id, i) for i in photo_ids],
            )

    def album_photos(self, name: str, *, sort: str = "taken", limit: int | None = None) -> list[PhotoRow]:
        """Photos of a saved album, manual or smart; KeyError if there is no such album."""
        album = self.album(name)
        if album is None:
            raise KeyError(f"no album named {name!r}")
        rule = {"album": album.name} if album.kind == "manual" else album.rule
        return self.photos(rule=rule, sort=sort, limit=limit)

    # ---------------------------------------------------------------- taught labels (core.teach)

    def user_tag_rows(self) -> list[tuple[int, str, str]]:
        """Every decision a person made on a tag: (photo id, tag, 'added' | 'removed')."""
        return self._db.execute("SELECT photo_id, tag, state FROM tags ORDER BY photo_id, tag").fetchall()

    def rejected_suggestions(self) -> list[tuple[int, str]]:
        return self._db.execute(
            "SELECT photo_id, label FROM suggestions WHERE state = 'rejected' ORDER BY label, photo_id"
        ).fetchall()

    def replace_suggestions(
        self, label: str, model: str, scored: Iterable[tuple[int, float]], report: str
    ) -> None:
        """A label's fresh training: its open suggestions and report replace the old ones.
        Rejections stay: a photo the person rejected is never suggested that label again."""
        now = _now()
        with self.transaction():
            self._db.execute("DELETE FROM suggestions WHERE label = ? AND state = 'open'", (label,))
            self._db.executemany(
                "INSERT OR IGNORE INTO suggestions (photo_id, label, probability, model, state, created_at) "
                "VALUES (?, ?, ?, ?, 'open', ?)",
                [(int(i), label, float(p), model, now) for i, p in scored],
            )
            self._db.execute(
                "INSERT INTO taught_labels (label, report, trained_at) VALUES (?, ?, ?) "
                "ON CONFLICT (label) DO UPDATE SET report = excluded.report, "
                "trained_at = excluded.trained_at, label = excluded.label",
                (label, report, now),
            )

    def forget_taught_labels(self, keep: Iterable[str]) -> None:
        """Drop reports and open suggestions of labels no longer taught (rejections stay)."""
        keep = {k.lower() for k in keep}
        with self.transaction():
            for (label,) in self._db.execute("SELECT label FROM taught_labels").fetchall():
                if label.lower() not in keep:
                    self._db.execute("DELETE FROM taught_labels WHERE label = ?", (label,))
                    self._db.execute("DELETE FROM suggestions WHERE label = ? AND state = 'open'", (label,))

    def taught_reports(self) -> list[tuple[str, str, str]]:
        """(label, report JSON, trained_at) of every taught label, by label."""
        return self._db.execute(
            "SELECT label, report, trained_at FROM taught_labels ORDER BY label COLLATE NOCASE"
        ).fetchall()

    def open_suggestions(
        self, label: str | None = None, photo_id: int | None = None, limit: int | None = None
    ) -> list[tuple[int, str, float]]:
        """(photo id, label, probability), best first, leaving out photos that carry the label
        as a person's tag (added or removed) and photos no longer on disk."""
        where = ["s.state = 'open'", "ph.status != 'missing'"]
        params: list[Any] = []
        if label is not None:
            where.append("s.label = ?")
            params.append(label)
        if photo_id is not None:
            where.append("s.photo_id = ?")
            params.append(photo_id)
        sql = (
            "SELECT s.photo_id, s.label, s.probability "
            "FROM suggestions s JOIN photos ph ON ph.id = s.photo_id "
            f"WHERE {' AND '.join(where)} AND NOT EXISTS (SELECT 1 FROM tags t "
            "WHERE t.photo_id = s.photo_id AND t.tag = s.label) ORDER BY s.probability DESC, s.photo_id"
        )
        return self._db.execute(*self._page(sql, params, limit, 0)).fetchall()

    def suggestion_counts(self) -> dict[str, int]:
        """Open suggestions per label, counted as open_suggestions() lists them."""
        rows = self._db.execute(
            "SELECT s.label, count(*) FROM suggestions s JOIN photos ph ON ph.id = s.photo_id "
            "WHERE s.state = 'open' AND ph.status != 'missing' AND NOT EXISTS (SELECT 1 FROM tags t "
            "WHERE t.photo_id = s.photo_id AND t.tag = s.label) GROUP BY s.label"
        ).fetchall()
        return dict(rows)

    def accept_suggestions(self, label: str, photo_ids: Iterable[int]) -> None:
        """The person confirms: the label becomes their tag on those photos."""
        with self.transaction():
            for photo_id in photo_ids:
                self.set_user_tags(photo_id, add=[label])
                self._db.execute(
                    "DELETE FROM suggestions WHERE label = ? AND photo_id = ?", (label, photo_id)
                )

    def reject_suggestions(self, label: str, photo_ids: Iterable[int], model: str = "") -> None:
        """The person says no: kept for good (never suggested again; a negative when training)."""
        now = _now()
        with self.transaction():
            self._db.executemany(
                "INSERT INTO suggestions (photo_id, label, probability, model, state, created_at) "
                "SELECT id, ?, 0, ?, 'rejected', ? FROM photos WHERE id = ? "
                "ON CONFLICT (label, photo_id) DO UPDATE SET state = 'rejected', "
                "created_at = excluded.created_at",
                [(label, model, now, int(i)) for i in photo_ids],
            )

    def teach_value(self, key: str) -> str | None:
        r = self._db.execute("SELECT value FROM teach_state WHERE key = ?", (key,)).fetchone()
        return r[0] if r else None

    def set_teach_value(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO teach_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _writable(path: Path) -> bool:
    """Whether SQLite could write the library: the file, and its folder (journal, WAL files)."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return False
    try:  # a read-only mount answers os.access as writable for root; statvfs knows
        return not os.statvfs(path.parent).f_flag & os.ST_RDONLY
    except (OSError, AttributeError):
        return True


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open without writing anything: mode=ro, or immutable when even WAL's shared-memory
    file cannot be made (a WAL library in a read-only folder)."""
    uri = "file:" + urllib.parse.quote(os.fspath(path.resolve()))
    for options in ("?mode=ro", "?mode=ro&immutable=1"):
        db = sqlite3.connect(uri + options, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
    raise sqlite3.OperationalError(f"cannot read {path}")


def _too_large(exc: sqlite3.OperationalError) -> ValueError | None:
    """The ValueError to raise for a query SQLite refuses as too large, else None."""
    if "too large" in str(exc) or "too many" in str(exc):
        return ValueError(f"this rule or search is too large to run ({exc})")
    return None


def split_terms(search: str) -> list[str]:
    """Whitespace-separated terms; double quotes keep a phrase together ("golden retriever"),
    and so do unquoted words that together name a label (tiger cat, sports car): a search for
    ``tiger cat`` means the tiger cat, not every photo with a tiger and a cat."""
    if '"' in search:
        try:
            terms = shlex.split(search)
        except ValueError:
            terms = search.replace('"', " ").split()
        return [t for t in (t.strip() for t in terms) if t]
    return _label_phrases(search.split())


#: The longest run of words tried as one label name ("Chesapeake Bay retriever": 3).
_PHRASE_WORDS = 4


def _label_phrases(words: list[str]) -> list[str]:
    """``words`` with each longest run that names a label (as a whole word of a class name)
    joined into one term."""
    from resnet_desktop.core.search import names_label

    terms: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_PHRASE_WORDS, len(words) - i), 1, -1):
            phrase = " ".join(words[i : i + n])
            if names_label(phrase):
                terms.append(phrase)
                i += n
                break
        else:
            terms.append(words[i])
            i += 1
    return terms


def backup_path(library_path: str | Path, version: int) -> Path:
    path = Path(library_path)
    return path.with_name(f"{path.name}.bak-v{version}")
