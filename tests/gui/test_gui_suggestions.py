"""Labels a person teaches, in the window: tag, see suggestions, accept with Y, reject with N."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from resnet_desktop.core import teach
from resnet_desktop.core.library import Library
from resnet_desktop.gui import suggestions_view
from resnet_desktop.gui.main_window import MainWindow
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier
from tests.gui import person
from tests.teach_helpers import clustered_library, tag


def sidebar_item(window: MainWindow, prefix: str):
    return next((i for i in window.sidebar.items() if i.text(0).startswith(prefix)), None)


def click_sidebar(qtbot, window: MainWindow, item) -> None:
    window.sidebar.scrollToItem(item)
    pos = window.sidebar.visualItemRect(item).center()
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def tile_names(view) -> list[str]:
    return [view.model.row_at(i).name for i in range(view.model.rowCount())]


def click_tile(qtbot, view, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.grid.visualRect(view.model.index(row))
    qtbot.mouseClick(view.grid.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def user_tags(path, name: str) -> list[str]:
    with Library(path) as lib:
        row = next(r for r in lib.photos() if r.name == name)
        return [t.tag for t in lib.tags(row.id) if t.source == "user"]


def test_teach_a_label_then_review_its_suggestions(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(suggestions_view, "LEARN_DELAY_MS", 100)
    path = tmp_path / "lib.sqlite3"
    lib, subjects, _files = clustered_library(path)
    tag(lib, subjects["boat"][:4], "boat")  # tagged on an earlier day
    lib.close()
    window = MainWindow(AppSettings(), library_path=str(path), classifier_factory=ColourClassifier)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 240, timeout=10000)
    # four examples are not enough: the sidebar says how many more are needed
    qtbot.waitUntil(lambda: sidebar_item(window, "boat") is not None, timeout=10000)
    assert sidebar_item(window, "boat").text(0) == "boat  · 1 more needed"

    # the fifth: open a boat photo with Space and type the tag
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "boat")  # finds the four tagged ones
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=5000)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.model.rowCount() == 240, timeout=5000)
    person.click_tile(qtbot, window, person.tile_row(window, "boat_010.jpg"))
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)
    viewer = person.shown_viewer(qtbot)
    qtbot.waitUntil(lambda: viewer.details is not None, timeout=5000)
    qtbot.keyClicks(viewer.tag_edit, "boat")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "boat" in viewer.tag_names(), timeout=5000)
    viewer.close()

    # it learns in the background; the Suggestions section then offers the other boats
    qtbot.waitUntil(lambda: sidebar_item(window, "boat  (") is not None, timeout=20000)
    click_sidebar(qtbot, window, sidebar_item(window, "boat  ("))
    view = window.suggestions_view
    qtbot.waitUntil(lambda: view.isVisible() and view.model.rowCount() > 0, timeout=10000)
    assert view.title.text() == "boat"
    # five examples: too few different pictures to measure it, and it says so
    assert view.quality.text().startswith("Not enough different pictures to measure how good it is yet")
    shown = tile_names(view)
    assert all(name.startswith("boat_") for name in shown[:20])
    assert "boat_010.jpg" not in shown and "boat_000.jpg" not in shown  # already tagged

    # Y accepts the current photo: it leaves the queue and becomes the person's tag
    first = shown[0]
    click_tile(qtbot, view, 0)
    qtbot.keyClick(view.grid, Qt.Key.Key_Y)
    assert first not in tile_names(view)
    qtbot.waitUntil(lambda: user_tags(path, first) == ["boat"], timeout=5000)

    # open a suggested photo: the viewer says what is suggested, with its probability
    second = tile_names(view)[0]
    qtbot.keyClick(view.grid, Qt.Key.Key_Space)
    viewer = person.shown_viewer(qtbot)
    suggested = viewer.findChild(QLabel, "suggestedLabel")
    qtbot.waitUntil(lambda: suggested.isVisible(), timeout=5000)
    assert suggested.text().startswith("Suggested: boat ") and suggested.text().endswith("%")
    viewer.close()
    window.grab().save(str(tmp_path.parent / "suggestions_window.png"))

    # N rejects it; select two more with Ctrl and reject both with the button
    qtbot.keyClick(view.grid, Qt.Key.Key_N)
    assert second not in tile_names(view)
    click_tile(qtbot, view, 0)
    click_tile(qtbot, view, 1, Qt.KeyboardModifier.ControlModifier)
    pair = tile_names(view)[:2]
    qtbot.mouseClick(view.reject_button, Qt.MouseButton.LeftButton)
    assert not set(pair) & set(tile_names(view))

    # after it learns again the rejected photos stay gone, and nothing became a tag
    def learned_again() -> bool:
        with Library(path) as lib:
            return not teach.is_stale(lib)

    qtbot.waitUntil(learned_again, timeout=20000)
    qtbot.waitUntil(lambda: not window.teacher.running and view.learning.text().startswith("Learned"))
    qtbot.waitUntil(lambda: not {first, second, *pair} & set(tile_names(view)), timeout=5000)
    assert user_tags(path, second) == [] and user_tags(path, pair[0]) == []
    assert view.model.rowCount() > 0

    # searching the taught label finds its suggestions too, marked as suggested on their tiles
    waiting = tile_names(view)
    click_sidebar(qtbot, window, sidebar_item(window, "All Photos"))
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "boat")
    grid = window.grid.model()
    qtbot.waitUntil(lambda: 0 < grid.rowCount() < 240, timeout=5000)
    qtbot.waitUntil(lambda: None not in person.tile_data(window, Qt.ItemDataRole.DisplayRole), timeout=5000)
    names = person.tile_names(window)
    painted = {name: " ".join(person.tile_texts(window, row)) for row, name in enumerate(names)}
    marked = {name for name, text in painted.items() if "Suggested: boat" in text}
    assert marked and marked <= set(waiting)  # only photos still waiting for review
    assert "Suggested" not in painted[first]  # accepted with Y: the person's tag now
    person.tile_centre(window, names.index(sorted(marked)[0]))  # scrolled to one of them
    window.grab().save(str(tmp_path.parent / "suggested_search.png"))


def test_stop_learning_keeps_what_was_learned_and_resumes_later(qtbot, tmp_path):
    path = tmp_path / "lib.sqlite3"
    lib, subjects, _files = clustered_library(path)
    tag(lib, subjects["boat"][:6], "boat")
    teach.learn(lib)
    every = [i for ids in subjects.values() for i in ids]
    with lib.transaction():  # many labels tagged since, e.g. from the command line
        for n in range(200):
            for k in range(5):
                lib.set_user_tags(every[(n * 7 + k * 31) % len(every)], add=[f"event {n:03d}"])
    lib.close()
    window = MainWindow(AppSettings(), library_path=str(path), classifier_factory=ColourClassifier)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: sidebar_item(window, "boat  (") is not None, timeout=10000)
    click_sidebar(qtbot, window, sidebar_item(window, "boat  ("))
    view = window.suggestions_view
    qtbot.waitUntil(lambda: view.cancel_button.isVisible(), timeout=10000)
    assert view.learning.text() == "Learning your labels…"
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.learning.text().startswith("Stopped learning"), timeout=20000)
    assert not view.cancel_button.isVisible()
    with Library(path) as lib:
        assert teach.is_stale(lib)  # the rest is learned after the next change
        learned = {r.label for r in teach.reports(lib)}
        assert "boat" in learned and len(learned) < 201
        assert "boat" in [t.tag for t in lib.tags(subjects["boat"][0]) if t.source == "user"]
