"""The grid's item model, tested without a view."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QModelIndex, Qt

from resnet_desktop.core.library import PhotoRow
from resnet_desktop.gui.photo_model import (
    PHOTO_IDS_MIME,
    ConfidenceRole,
    ErrorRole,
    IdRole,
    LabelVisibleRole,
    PathRole,
    PhotoListModel,
    StatusRole,
    TopLabelRole,
    plan_merge,
)


def make_row(
    i: int, *, status: str = "ok", label: str | None = "tabby", p: float | None = 0.9, **kw
) -> PhotoRow:
    fields = dict(
        id=i,
        path=f"/photos/img_{i:03d}.jpg",
        size=1000 + i,
        mtime_ns=i,
        content_hash=f"h{i}",
        width=640,
        height=480,
        taken_at=None,
        camera=None,
        added_at="2024-01-01T00:00:00",
        status=status,
        error=None,
        model="resnet18",
        top_label=label,
        top_probability=p,
    )
    fields.update(kw)
    return PhotoRow(**fields)


@pytest.fixture
def model(qapp):
    m = PhotoListModel()
    m.reset_rows([make_row(i) for i in range(1, 6)])
    return m


def test_rows_and_roles(model):
    assert model.rowCount() == 5
    assert model.rowCount(model.index(0)) == 0  # a list: items have no children
    index = model.index(2)
    assert index.data(IdRole) == 3
    assert index.data(PathRole) == "/photos/img_003.jpg"
    assert index.data(Qt.ItemDataRole.DisplayRole) == "img_003.jpg"
    assert index.data(TopLabelRole) == "tabby"
    assert index.data(ConfidenceRole) == pytest.approx(0.9)
    assert index.data(StatusRole) == "ok"
    assert "tabby (90%)" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.data(QModelIndex(), IdRole) is None


def test_failed_row_exposes_its_reason(model):
    model.update_rows([make_row(2, status="failed", label=None, p=None, error="truncated JPEG")])
    index = model.index(1)
    assert index.data(StatusRole) == "failed"
    assert index.data(ErrorRole) == "truncated JPEG"
    assert "truncated JPEG" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_label_hidden_below_threshold(model):
    model.update_rows([make_row(1, p=0.1)])
    model.confidence_threshold = 0.2
    assert model.index(0).data(LabelVisibleRole) is False
    assert model.index(1).data(LabelVisibleRole) is True


def test_update_emits_data_changed_only_for_changed_rows(model, qtbot):
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, roles=(): changed.append((a.row(), b.row())))
    rows = model.rows()
    rows[3] = dataclasses.replace(rows[3], top_label="espresso", top_probability=0.7)
    model.update_rows(rows)  # four identical rows, one changed
    assert changed == [(3, 3)]
    assert model.index(3).data(TopLabelRole) == "espresso"


def test_merge_inserts_new_rows_and_keeps_existing_order(model):
    inserted: list[tuple[int, int]] = []
    resets: list[bool] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: resets.append(True))
    # the query now returns the rows in another order plus two new ones, one row gone
    new_rows = [
        make_row(7),
        make_row(5),
        make_row(4, label="espresso"),
        make_row(3),
        make_row(1),
        make_row(6),
    ]
    model.merge_rows(new_rows, keep_order=True)
    assert not resets
    assert model.ids() == [1, 3, 4, 5, 7, 6]  # 2 removed, survivors in place, new at the end
    assert inserted == [(4, 5)]
    assert model.index(model.row_of(4)).data(TopLabelRole) == "espresso"


def test_merge_without_keep_order_resorts(model):
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.merge_rows([make_row(i) for i in (5, 4, 3, 2, 1)], keep_order=False)
    assert resets and model.ids() == [5, 4, 3, 2, 1]


def test_drag_mime_carries_photo_ids(model):
    mime = model.mimeData([model.index(0), model.index(4)])
    assert bytes(mime.data(PHOTO_IDS_MIME)).decode() == "1,5"
    assert model.flags(model.index(0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_remove_ids(model):
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    model.remove_ids([2, 4])
    assert model.ids() == [1, 3, 5]
    assert sorted(removed) == [(1, 1), (3, 3)]
    assert model.row_of(5) == 2


def test_a_thumbnail_repaints_exactly_the_tiles_showing_it(model):
    repainted: list[int] = []
    model.dataChanged.connect(lambda a, b, roles=(): repainted.extend(range(a.row(), b.row() + 1)))
    rows = model.rows()
    # a pending photo gets its content hash when tagged; a copy of photo 1 shares its hash
    model.update_rows([dataclasses.replace(rows[2], content_hash="h1")])
    repainted.clear()
    model.refresh_hash("h1")
    assert sorted(repainted) == [0, 2]
    repainted.clear()
    model.refresh_hash("h3")  # nobody shows the old hash any more
    assert repainted == []
    model.remove_ids([1])
    repainted.clear()
    model.refresh_hash("h1")
    assert repainted == [1]  # row indices follow the removal


def test_a_merge_planned_in_a_worker_gives_the_same_grid(model):
    rows = model.rows()
    fresh = [
        dataclasses.replace(rows[0], top_label="espresso"),  # changed
        *rows[2:],  # row 2 (id 2) vanished
        make_row(9),  # new
    ]
    snapshot = model.snapshot()
    reference = PhotoListModel()
    reference.reset_rows(rows)
    reference.merge_rows(fresh)

    changed: list[int] = []
    model.dataChanged.connect(lambda a, b, roles=(): changed.extend(range(a.row(), b.row() + 1)))
    assert model.apply_merge(plan_merge(*snapshot, [r.id for r in fresh], fresh))
    assert model.ids() == reference.ids() == [1, 3, 4, 5, 9]
    assert changed == [0]
    assert model.row_of(9) == 4 and model.index(0).data(TopLabelRole) == "espresso"


def test_a_stale_merge_plan_is_refused(model):
    snapshot = model.snapshot()
    plan = plan_merge(*snapshot, model.ids()[:2], model.rows()[:2])
    model.remove_ids([5])  # the grid changed after the snapshot
    assert not model.apply_merge(plan)
    assert model.ids() == [1, 2, 3, 4]


def test_preview_of_a_photo_qt_cannot_read_comes_from_the_engine(qapp, tmp_path):
    """Qt has no HEIC reader; the viewer must still show an iPhone photo."""
    import pillow_heif
    from PIL import Image

    from resnet_desktop.gui.viewer import load_preview

    path = tmp_path / "IMG_0001.heic"
    pillow_heif.from_pillow(Image.new("RGB", (900, 600), (10, 120, 200))).save(path)
    image = load_preview(str(path), side=300)
    assert image is not None and (image.width(), image.height()) == (300, 200)
    assert image.pixelColor(150, 100).blue() > 150
    assert load_preview(str(tmp_path / "missing.jpg")) is None
