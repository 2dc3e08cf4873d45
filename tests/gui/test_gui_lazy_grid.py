"""A lazy grid (issue 12): the window lists a view's ids and reads only the rows on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from resnet_desktop.gui.photo_model import CACHE_ROWS, FETCH_MARGIN, PhotoListModel, TopLabelRole
from tests.fakes import ColourClassifier
from tests.gui.person import make_window
from tests.gui.test_gui_model import make_row

PHOTOS = 6000


@pytest.fixture
def big_library(tmp_path):
    """A library of 6,000 photos that failed to decode (no files needed, nothing to resume)."""
    from resnet_desktop.core import paths
    from resnet_desktop.core.library import Library

    lib = Library(paths.default_library_path())
    try:
        with lib.transaction():
            files = [(f"/photos/IMG_{i:05d}.jpg", 1000 + i, i) for i in range(PHOTOS)]
            for photo_id, (_p, size, mtime) in zip(lib.add_pending(files), files, strict=True):
                lib.save_failure(photo_id, "truncated JPEG", size=size, mtime_ns=mtime)
    finally:
        lib.close()


def on_screen(window) -> list[str | None]:
    """The names the tiles on screen show (None: a tile still waiting for its row)."""
    model = window.grid.model()
    return [
        model.index(window.model.row_of(i)).data(Qt.ItemDataRole.DisplayRole) for i in window.visible_rows.ids
    ]


def test_a_large_library_shows_its_first_screen_and_reads_rows_as_they_come_on_screen(qtbot, big_library):
    from resnet_desktop.gui.settings import AppSettings

    settings = AppSettings()
    settings.sort = "name"
    window = make_window(qtbot, ColourClassifier, settings=settings)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.grid.model().rowCount() == PHOTOS, timeout=10000)
    qtbot.waitUntil(lambda: on_screen(window) and None not in on_screen(window), timeout=10000)
    assert on_screen(window)[0] == "IMG_00000.jpg"
    assert window.model.cached_count() < 1000  # the first screen and a margin, not 6,000 rows

    last = f"IMG_{PHOTOS - 1:05d}.jpg"

    def at_the_end() -> bool:  # End on the scroll bar, again while the grid lays out its tiles
        QTest.keyClick(window.grid.verticalScrollBar(), Qt.Key.Key_End)
        return on_screen(window)[-1:] == [last]

    qtbot.waitUntil(at_the_end, timeout=10000)
    assert None not in on_screen(window)
    assert window.model.cached_count() < 2000

    QTest.keyClick(window.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert len(window.grid.selectionModel().selectedIndexes()) == PHOTOS


class Fetches:
    """A stand-in for the window's read pool: records each request, answers when told."""

    def __init__(self, rows) -> None:
        self.rows = {r.id: r for r in rows}
        self.asked: list[tuple[list[int], object]] = []

    def __call__(self, ids, on_rows) -> None:
        self.asked.append((list(ids), on_rows))

    def answer(self, n: int = -1) -> None:
        ids, on_rows = self.asked[n]
        on_rows([self.rows[i] for i in ids])


def test_rows_not_loaded_are_placeholders_fetched_in_one_request_and_the_cache_stays_bounded(qtbot):
    rows = [make_row(i, label=f"label{i}") for i in range(1, 2001)]
    fetches = Fetches(rows)
    model = PhotoListModel(cache_rows=1000)
    model.fetcher = fetches
    model.reset_ids([r.id for r in rows], rows[:100])
    assert model.rowCount() == 2000 and model.cached_count() == 100
    assert model.data(model.index(5), TopLabelRole) == "label6"

    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _r=(): changed.append((a.row(), b.row())))
    # a screen of tiles around row 1000 is painted: placeholders, one coalesced fetch
    assert [model.data(model.index(i), TopLabelRole) for i in range(1000, 1040)] == [None] * 40
    qtbot.waitUntil(lambda: len(fetches.asked) == 1)
    asked = fetches.asked[0][0]
    assert asked == [r.id for r in rows[1000 - FETCH_MARGIN : 1040 + FETCH_MARGIN]]
    fetches.answer()
    assert changed == [(1000 - FETCH_MARGIN, 1039 + FETCH_MARGIN)]
    assert model.data(model.index(1020), TopLabelRole) == "label1021"
    for n, start in enumerate((300, 600, 1300, 1700), start=2):  # more rows than the cache keeps
        model.data(model.index(start), TopLabelRole)
        qtbot.waitUntil(lambda n=n: len(fetches.asked) == n)
        fetches.answer()
    assert model.cached_count() == 1000
    assert model.data(model.index(1700), TopLabelRole) == "label1701"  # the last read is kept
    assert 6 not in model.cached_ids()  # the first read was let go

    # a fetch answered after the view was reset (a new search) is dropped
    model.data(model.index(1500), TopLabelRole)
    qtbot.waitUntil(lambda: len(fetches.asked) == 6)
    model.reset_ids([r.id for r in rows[1400:1600]], [])
    fetches.answer()
    assert model.cached_count() == 0

    # when_loaded: now for a loaded row, after the fetch otherwise
    got = []
    model.when_loaded(1501, got.append)
    qtbot.waitUntil(lambda: len(fetches.asked) == 7)
    assert got == []
    fetches.answer()
    assert [r.id for r in got] == [1501]
    assert CACHE_ROWS >= 1000  # the window's grid keeps several screens
