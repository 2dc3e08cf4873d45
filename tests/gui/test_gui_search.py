"""The window as a person uses it: a person's tags on the grid and in the viewer, the one search
(same threshold and order as the CLI), WordNet words, an empty result, a new smart album, and
which EXIF date the viewer shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QDoubleSpinBox, QLabel, QListWidget, QMenu

from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from resnet_desktop.core.models import class_names
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier, make_photo
from tests.gui.person import shown_viewer

pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")

NAMES = class_names()


def labels(*pairs: tuple[str, float]) -> list[Prediction]:
    return [Prediction(rank + 1, NAMES.index(n), n, p) for rank, (n, p) in enumerate(pairs)]


@pytest.fixture
def library(tmp_path) -> Path:
    """Five tagged photos, the way the pipeline leaves them, and a person's tags on two."""
    path = tmp_path / "library.sqlite3"
    photos = {
        "astronaut.png": labels(("bobsled", 0.13), ("football helmet", 0.12), ("go-kart", 0.069)),
        "kitten.png": labels(("tabby", 0.80), ("tiger cat", 0.10), ("Egyptian cat", 0.05)),
        "garden.png": labels(("tiger cat", 0.30), ("pot", 0.25), ("daisy", 0.2)),
        "faint.png": labels(("whistle", 0.5), ("Egyptian cat", 0.1), ("rubber eraser", 0.05)),
        "scooter.png": labels(("moped", 0.58), ("crash helmet", 0.2), ("motor scooter", 0.1)),
        "pet.png": labels(("carton", 0.4), ("pillow", 0.2), ("quilt", 0.1)),
    }
    lib = Library(path)
    for i, (name, predictions) in enumerate(photos.items()):
        file = make_photo(tmp_path / "photos" / name, colour=(40 * i, 90, 160))
        (photo_id,) = lib.add_pending([(file, file.stat().st_size, file.stat().st_mtime_ns)])
        lib.save_result(
            photo_id,
            size=file.stat().st_size,
            mtime_ns=file.stat().st_mtime_ns,
            content_hash=f"hash{i}",
            width=320,
            height=240,
            taken_at=f"2024-0{i + 1}-01T10:00:00",
            camera=None,
            model="fake",
            predictions=predictions,
        )
        if name == "astronaut.png":
            lib.set_user_tags(photo_id, add=["astronaut"])
        if name == "pet.png":
            lib.set_user_tags(photo_id, add=["my cat"])
    lib.close()
    return path


def open_window(qtbot, library: Path, threshold: float = 0.2) -> MainWindow:
    settings = AppSettings()
    settings.confidence_threshold = threshold
    settings.library_path = str(library)
    window = MainWindow(settings, classifier_factory=ColourClassifier)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 6, timeout=10000)
    return window


def captions(window: MainWindow) -> dict[str, str]:
    """Each tile's caption as a screen reader reads it, by file name."""
    from PySide6.QtCore import Qt

    model = window.grid.model()
    return {
        model.index(i).data(Qt.ItemDataRole.DisplayRole): model.index(i).data(
            Qt.ItemDataRole.AccessibleTextRole
        )
        for i in range(model.rowCount())
    }


def search_for(qtbot, window: MainWindow, text: str, shown) -> None:
    """Type a search, then wait until the grid shows what it should (earlier queries, e.g. the
    rest of the first load, may still land before the search's own result)."""
    window.search_edit.clear()
    qtbot.keyClicks(window.search_edit, text)
    qtbot.waitUntil(lambda: shown([r.name for r in window.model.rows()]), timeout=10000)


def test_the_grid_shows_a_persons_tags_first(qtbot, library, tmp_path):
    window = open_window(qtbot, library)
    shown = captions(window)
    assert shown["astronaut.png"] == "astronaut"  # not "No confident label", not "bobsled 13%"
    assert shown["pet.png"] == "my cat, carton 40%"
    assert shown["kitten.png"] == "tabby 80%"
    window.grid.grab().save(str(tmp_path / "grid.png"))


def test_search_in_the_window_is_the_clis_search(qtbot, library):
    window = open_window(qtbot, library)
    # the person's tag first, then by the matching label's confidence; the 10% Egyptian cat
    # guess on "faint" is below the threshold
    search_for(qtbot, window, "cat", lambda names: names == ["pet.png", "kitten.png", "garden.png"])
    rows = window.model.rows()
    shown = captions(window)
    assert shown["garden.png"] == "tiger cat 30%"  # the label that matched, not the top label
    assert shown["pet.png"] == "my cat"

    from resnet_desktop.core import search

    lib = Library(library)
    try:  # what `resnet-desktop search cat` prints, in the same order
        assert [r.name for r in search.search(lib, "cat")] == [r.name for r in rows]
    finally:
        lib.close()


def test_wordnet_words_and_an_empty_search(qtbot, library):
    window = open_window(qtbot, library)
    search_for(qtbot, window, "motorcycle", lambda names: names == ["scooter.png"])
    assert captions(window)["scooter.png"] == "moped 58%"

    search_for(qtbot, window, "motorcyle", lambda names: names == [])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.no_match, timeout=5000)
    text = window.no_match.text()
    assert "“motorcyle”" in text and "motorcycle" in text.split("\n")[1]


def test_a_new_smart_album_starts_at_the_threshold(qtbot, library):
    window = open_window(qtbot, library, threshold=0.25)
    seen: dict[str, object] = {}

    def fill_in() -> None:
        from resnet_desktop.gui.rule_editor import RuleEditorDialog

        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RuleEditorDialog))
        seen["confidence"] = dialog.findChild(QDoubleSpinBox).text()
        qtbot.keyClicks(dialog.name_edit, "Cats and wheels")
        qtbot.keyClicks(dialog.labels_edit, "cat, vehicle")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), _left())

    QTimer.singleShot(0, fill_in)
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Albums")
    next(a for a in menu.actions() if a.text() == "New &Smart Album…").trigger()
    assert seen["confidence"] == "25 %"
    qtbot.waitUntil(lambda: window.sidebar.item_for("smart", "Cats and wheels") is not None, timeout=10000)
    item = window.sidebar.item_for("smart", "Cats and wheels")
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), _left(), pos=rect.center())
    # "my cat" is the person's tag; the astronaut's 6.9% "go-kart" and the 10% "Egyptian cat"
    # guess on "faint" are below the 25% the album started at
    expected = {"kitten.png", "garden.png", "scooter.png", "pet.png"}
    qtbot.waitUntil(lambda: {r.name for r in window.model.rows()} == expected, timeout=10000)


def double_click(qtbot, window: MainWindow, index) -> None:
    """A person's double-click on a tile: press, release, then the double-click."""
    window.grid.scrollTo(index)
    centre = window.grid.visualRect(index).center()
    qtbot.mouseClick(window.grid.viewport(), _left(), pos=centre)
    qtbot.mouseDClick(window.grid.viewport(), _left(), pos=centre)


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_viewer_shows_your_tags_first_and_only_yours_under_tags(qtbot, library, tmp_path):
    window = open_window(qtbot, library)
    row = window.model.row_of(next(r.id for r in window.model.rows() if r.name == "astronaut.png"))
    index = window.model.index(row)
    window.grid.scrollTo(index)
    double_click(qtbot, window, index)
    viewer = shown_viewer(qtbot, "astronaut.png")
    tags = viewer.findChild(QListWidget)
    qtbot.waitUntil(lambda: tags.count() == 1, timeout=5000)
    assert tags.item(0).text() == "astronaut"  # the model's 13% "bobsled" is not a tag
    yours = viewer.findChild(QLabel, "yourTags")
    assert yours.isVisible() and yours.text() == "astronaut"
    # the model's labels stay in Labels, greyed out below the 20% threshold
    bobsled = next(w for w in viewer.findChildren(QLabel) if w.text() == "bobsled")
    assert not bobsled.isEnabled()
    # it is the first thing in the side panel, above the model's labels
    panel = yours.parentWidget().layout()
    assert panel.itemAt(0).widget() is yours
    viewer.grab().save(str(tmp_path / "viewer.png"))


def test_the_viewer_says_which_exif_date_it_shows(qtbot, tmp_path):
    """Photos carrying only EXIF DateTime (no DateTimeOriginal): dropped, tagged, opened."""
    folder = tmp_path / "trip"
    folder.mkdir()
    with_datetime = folder / "edited.jpg"
    exif = Image.Exif()
    exif[0x0132] = "2024:07:03 10:11:12"  # IFD0 DateTime only, as many editors leave it
    Image.new("RGB", (320, 240), (200, 30, 30)).save(with_datetime, exif=exif)
    no_date = make_photo(folder / "plain.jpg", (30, 200, 30))

    window = MainWindow(AppSettings(), classifier_factory=ColourClassifier)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    from tests.gui.test_gui_window import drop, wait_idle

    drop(window, [folder])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: [r.status for r in window.model.rows()] == ["ok", "ok"], timeout=10000)
    by_name = {r.name: r for r in window.model.rows()}
    assert by_name["edited.jpg"].taken_at == "2024-07-03T10:11:12"  # sorts by the EXIF date
    assert by_name["plain.jpg"].taken_at is None

    def open_photo(name: str):
        index = window.model.index(window.model.row_of(by_name[name].id))
        double_click(qtbot, window, index)
        viewer = shown_viewer(qtbot, name)
        date = viewer.findChild(QLabel, "takenDate")
        qtbot.waitUntil(lambda: "(" in date.text(), timeout=5000)
        return viewer, date.text()

    viewer, text = open_photo("edited.jpg")
    assert text == "2024-07-03 10:11:12 (EXIF DateTime)"
    viewer.close()
    viewer, text = open_photo("plain.jpg")
    assert "file date" in text and no_date.exists()
    viewer.close()
