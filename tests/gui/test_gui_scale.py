"""The grid while tagging a large library: it merges the photos that changed, not the album."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from resnet_desktop.gui.photo_model import TopLabelRole
from tests.fakes import ColourClassifier, make_photo
from tests.gui.test_gui_window import drop, make_window

RED = (200, 30, 30)


class OneBatchThenWait(ColourClassifier):
    """Tags the first batch, then holds the run until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.calls = 0

    def infer(self, batch: np.ndarray, top_k: int = 3):
        self.calls += 1
        if self.calls > 1:
            self.gate.wait(10)
        return super().infer(batch, top_k)


def test_photos_matching_the_search_appear_while_tagging_goes_on(qtbot, tmp_path):
    folder = tmp_path / "drop"
    for i in range(8):
        make_photo(folder / f"red{i}.jpg", RED)
    classifier = OneBatchThenWait()
    window = make_window(qtbot, lambda: classifier, batch_size=4)
    QTest.keyClicks(window.search_edit, "tabby")  # red photos are tabby cats to the stand-in model
    drop(window, [folder])

    def shown_labels() -> list[str]:
        m = window.model
        return [m.data(m.index(i), TopLabelRole) for i in range(m.rowCount())]

    try:
        # The first batch is tagged and the run is still going: its tabbies are on screen already.
        qtbot.waitUntil(lambda: "tabby" in shown_labels(), timeout=10000)
        assert window.indexer.running
        assert shown_labels() == ["tabby"] * 4  # the four still waiting are not tabbies yet
        assert window.grid.isVisible()
    finally:
        classifier.gate.set()
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=20000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 8, timeout=5000)
    names = sorted(window.model.data(window.model.index(i), Qt.ItemDataRole.DisplayRole) for i in range(8))
    assert names == [f"red{i}.jpg" for i in range(8)]


def test_changed_photos_merge_in_place_and_only_they_signal(qapp):
    from resnet_desktop.gui.photo_model import HashRole, PhotoListModel
    from tests.gui.test_gui_model import make_row

    model = PhotoListModel()
    model.reset_rows([make_row(i, status="pending", label=None, p=None) for i in range(1, 1001)])
    changed, inserted, removed, resets = [], [], [], []
    model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.row(), b.row())))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    model.modelReset.connect(lambda: resets.append(1))

    # Photos 10 and 11 were tagged and still match; 500 no longer matches; 2001 is new and matches.
    rows = [make_row(10, label="tabby"), make_row(11, label="tabby"), make_row(2001, content_hash="new")]
    model.apply_changes([10, 11, 500, 2001], rows)

    assert resets == [] and changed == [(9, 10)] and removed == [(499, 499)] and inserted == [(999, 999)]
    assert model.rowCount() == 1000
    assert model.data(model.index(9), TopLabelRole) == "tabby"
    assert model.row_of(2001) == 999 and model.data(model.index(999), HashRole) == "new"
    assert model.row_of(501) == 499  # rows after the removed one moved up
