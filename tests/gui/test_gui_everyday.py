"""Issue 10, the path a person walks every day, walked as a person: the viewer's tag field and
arrow keys, resuming at start, thumbnails before tags, albums' menus and counts, messages."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from resnet_desktop.core.library import Library
from resnet_desktop.gui.photo_model import StatusRole, ThumbnailRole
from resnet_desktop.gui.settings import AppSettings
from tests.fakes import ColourClassifier, make_photo
from tests.gui.person import (
    GatedClassifier,
    answer_dialog,
    choose_in_combo,
    choose_in_menu,
    click_sidebar,
    click_tile,
    colour_folder,
    drop_files,
    make_window,
    new_album,
    open_viewer,
    right_click,
    sidebar_item,
    sidebar_text,
    status_text,
    tile_centre,
    tile_count,
    tile_data,
    tile_names,
    tile_texts,
    viewer_tags,
    wait_idle,
)

pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDrag.*Event:DeprecationWarning")

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)
SHOTS = (
    Path(os.environ.get("RESNET_DESKTOP_SCREENSHOTS", ""))
    if os.environ.get("RESNET_DESKTOP_SCREENSHOTS")
    else None
)


def screenshot(widget, name: str) -> None:
    """Saved where RESNET_DESKTOP_SCREENSHOTS points (to look at), else nowhere."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


class OpenedUrls(QObject):
    """Stands where the desktop's file manager would: records the URLs Qt asks it to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toLocalFile())


@pytest.fixture
def file_manager():
    catcher = OpenedUrls()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def opened_at_teardown():
    """Gates a test holds closed are opened when it ends, pass or fail: no worker is left waiting."""
    gates: list = []
    yield gates
    for gate in gates:
        if isinstance(gate, Turnstile):
            for _ in range(100):
                gate.tickets.release()
        else:
            gate.set()


def tagged_window(qtbot, tmp_path, counts: dict, *, sort_by_name=True):
    window = make_window(qtbot, ColourClassifier)
    if sort_by_name:
        choose_in_combo(qtbot, window.sort_combo, "Name")
    assert drop_files(window, [colour_folder(tmp_path / "photos", counts)])
    wait_idle(qtbot, window, sum(counts.values()))
    return window


# --- 3: Enter in "Add a tag…" ----------------------------------------------------------------
def test_enter_in_the_tag_field_adds_the_tag_and_opens_no_file_manager(qtbot, tmp_path, file_manager):
    window = tagged_window(qtbot, tmp_path, {GREEN: 1})
    viewer = open_viewer(qtbot, window, 0)
    qtbot.mouseClick(viewer.tag_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(viewer.tag_edit, "beach")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(t.startswith("beach") for t in viewer_tags(viewer)), timeout=5000)
    assert viewer.isVisible() and viewer.tag_edit.text() == ""
    assert file_manager.urls == []  # Enter did not also press "Show in Folder"
    qtbot.mouseClick(viewer.show_folder_button, Qt.MouseButton.LeftButton)
    assert file_manager.urls == [str(tmp_path / "photos")]  # the button itself still works


# --- 12: the viewer steps through the grid ----------------------------------------------------
def test_viewer_left_right_step_through_the_photos_and_escape_closes(qtbot, tmp_path):
    window = tagged_window(qtbot, tmp_path, {RED: 1, GREEN: 1, BLUE: 1})
    assert tile_names(window) == ["photo_00.jpg", "photo_01.jpg", "photo_02.jpg"]
    viewer = open_viewer(qtbot, window, 1)
    assert viewer.windowTitle() == "photo_01.jpg"
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.windowTitle() == "photo_02.jpg"
    qtbot.waitUntil(lambda: "photo_02.jpg" in viewer.path_label.text(), timeout=1000)
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # the last photo: stays
    assert viewer.windowTitle() == "photo_02.jpg"
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.windowTitle() == "photo_00.jpg"
    assert window.grid.currentIndex().row() == 0  # the grid follows
    qtbot.waitUntil(
        lambda: viewer.preview.pixmap() is not None and not viewer.preview.pixmap().isNull(), timeout=5000
    )
    screenshot(viewer, "viewer.png")

    # typing a tag, the arrows move the text cursor, not the photo
    qtbot.mouseClick(viewer.tag_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(viewer.tag_edit, "ab")
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Left)
    assert viewer.windowTitle() == "photo_00.jpg" and viewer.tag_edit.cursorPosition() == 1

    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


# --- 4: resume at start; "Tagging…" only while tagging -----------------------------------------
def test_pending_photos_resume_when_the_app_starts_again(qtbot, tmp_path, opened_at_teardown):
    folder = colour_folder(tmp_path / "photos", {RED: 12})
    classifier = GatedClassifier()
    opened_at_teardown.append(classifier.gate)
    window = make_window(qtbot, lambda: classifier, batch_size=4)
    assert drop_files(window, [folder])
    qtbot.waitUntil(lambda: classifier.entered.is_set() and tile_count(window) == 12, timeout=10000)
    pending = tile_data(window, StatusRole).index("pending")
    assert tile_texts(window, pending)[0] == "Tagging…"  # while a run is on
    qtbot.mouseClick(window.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
    classifier.gate.set()
    wait_idle(qtbot, window, summary="Stopped")
    qtbot.waitUntil(lambda: "ok" in tile_data(window, StatusRole), timeout=5000)
    still = tile_data(window, StatusRole).count("pending")
    assert 0 < still < 12
    pending = tile_data(window, StatusRole).index("pending")
    assert tile_texts(window, pending)[0] == "Not tagged yet"  # nothing runs: no "Tagging…"
    window.close()

    # the next start, with no photos given: the rest is tagged without being asked
    again = make_window(qtbot, ColourClassifier)
    wait_idle(qtbot, again, 12)
    assert status_text(again) == f"Tagged {still} photos"
    assert set(tile_data(again, StatusRole)) == {"ok"}
    with Library(again.library_path) as lib:
        assert lib.count(rule={"status": "pending"}) == 0


# --- 8: thumbnails before tags; the screen first -----------------------------------------------
class Turnstile(ColourClassifier):
    """A model that lets one batch through per ticket (the test decides when tagging moves)."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets = threading.Semaphore(0)

    def infer(self, batch, top_k: int = 3):
        assert self.tickets.acquire(timeout=20)
        return super().infer(batch, top_k)


def visible_rows(window) -> list[int]:
    area = window.grid.viewport().rect()
    model = window.grid.model()
    return [r for r in range(model.rowCount()) if window.grid.visualRect(model.index(r, 0)).intersects(area)]


def test_thumbnails_show_before_tagging_and_the_screen_is_tagged_first(qtbot, tmp_path, opened_at_teardown):
    folder = tmp_path / "photos"
    for i in range(48):
        make_photo(folder / f"photo_{i:02d}.jpg", colour=(40 + i * 4, 90, 160 - i * 2))
    model_loaded = threading.Event()
    classifier = Turnstile()
    opened_at_teardown.extend([model_loaded, classifier])

    def load_model():  # a model takes a while to load; the photos are on screen meanwhile
        assert model_loaded.wait(20)
        return classifier

    window = make_window(qtbot, load_model, batch_size=4)
    choose_in_combo(qtbot, window.sort_combo, "Name")
    assert drop_files(window, [folder])
    qtbot.waitUntil(
        lambda: tile_count(window) == 48 and window.grid.verticalScrollBar().maximum() > 0, timeout=10000
    )
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # to the last photos
    qtbot.waitUntil(lambda: 47 in visible_rows(window), timeout=5000)
    on_screen = visible_rows(window)
    assert 4 <= len(on_screen) < 48 and 0 not in on_screen

    # nothing is tagged yet, and the tiles on screen show their photos
    qtbot.waitUntil(
        lambda: all(window.grid.model().index(r, 0).data(ThumbnailRole) is not None for r in on_screen),
        timeout=10000,
    )
    assert set(tile_data(window, StatusRole)) == {"pending"}
    screenshot(window, "grid-before-tagging.png")

    model_loaded.set()
    classifier.tickets.release()  # one batch
    qtbot.waitUntil(lambda: tile_data(window, StatusRole).count("ok") == 4, timeout=10000)
    tagged = [r for r, status in enumerate(tile_data(window, StatusRole)) if status == "ok"]
    assert set(tagged) <= set(on_screen)  # the first photos tagged are the ones on screen
    for _ in range(20):
        classifier.tickets.release()
    wait_idle(qtbot, window, 48)


# --- 12: albums ------------------------------------------------------------------------------
def test_plain_album_context_menu_delete_counts_and_empty_invitation(qtbot, tmp_path, file_manager):
    window = tagged_window(qtbot, tmp_path, {RED: 2, BLUE: 1})
    new_album(qtbot, window, "Favourites")
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (0)", timeout=5000)
    click_sidebar(qtbot, window, "All Photos")
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=5000)

    # two photos selected, right click, Add to Album ▸ Favourites
    click_tile(qtbot, window, 0)
    click_tile(qtbot, window, 1, Qt.KeyboardModifier.ControlModifier)
    menu = choose_in_menu(["Add to Album", "Favourites"])
    right_click(window.grid.viewport(), tile_centre(window, 1))
    assert menu.texts == ["Open", "Show in Folder", "Find Similar", "Add to Album", "Remove from Library…"]
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (2)", timeout=5000)

    # right click Show in Folder
    menu = choose_in_menu(["Show in Folder"])
    right_click(window.grid.viewport(), tile_centre(window, 2))
    assert file_manager.urls == [str(tmp_path / "photos")]

    # inside the album the menu offers Remove from Album
    click_sidebar(qtbot, window, "Favourites")
    qtbot.waitUntil(lambda: tile_names(window) == ["photo_00.jpg", "photo_01.jpg"], timeout=5000)
    shot = None if SHOTS is None else str(SHOTS / "album-context-menu.png")
    menu = choose_in_menu(["Remove from Album “Favourites”"], screenshot=shot)
    right_click(window.grid.viewport(), tile_centre(window, 0))
    assert menu.texts == [
        "Open",
        "Show in Folder",
        "Find Similar",
        "Add to Album",
        "Remove from Album “Favourites”",
        "Remove from Library…",
    ]
    qtbot.waitUntil(lambda: tile_names(window) == ["photo_01.jpg"], timeout=5000)
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (1)", timeout=5000)

    # Delete inside the album offers to take the photo out of the album, not the library
    click_tile(qtbot, window, 0)
    box = answer_dialog("Remove from Album", kind=QMessageBox)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert box.texts == ["Remove 1 photo from the album “Favourites”? It stays in the library."]
    qtbot.waitUntil(lambda: window.no_match.isVisible(), timeout=5000)
    assert window.no_match.text().startswith("“Favourites” is empty.")
    screenshot(window, "empty-album.png")
    qtbot.waitUntil(lambda: sidebar_text(window, "Favourites") == "Favourites  (0)", timeout=5000)
    assert sidebar_text(window, "All Photos") == "All Photos  (3)"  # still in the library

    # the context menu's Open opens the photo
    click_sidebar(qtbot, window, "All Photos")
    qtbot.waitUntil(lambda: tile_count(window) == 3, timeout=5000)
    menu = choose_in_menu(["Open"])
    right_click(window.grid.viewport(), tile_centre(window, 2))
    from resnet_desktop.gui.viewer import PhotoViewer

    viewers = [w for w in QApplication.topLevelWidgets() if isinstance(w, PhotoViewer) and w.isVisible()]
    assert [v.windowTitle() for v in viewers] == ["photo_02.jpg"]
    viewers[0].close()


# --- 13: messages ------------------------------------------------------------------------------
def test_failed_tile_shows_which_file_and_why(qtbot, tmp_path):
    folder = tmp_path / "mixed"
    make_photo(folder / "good.jpg", colour=RED)
    (folder / "holiday-042.jpg").write_text("this is not a JPEG")
    window = make_window(qtbot, ColourClassifier)
    assert drop_files(window, [folder])
    wait_idle(qtbot, window, 2)
    click_sidebar(qtbot, window, "Failed")
    qtbot.waitUntil(lambda: tile_names(window) == ["holiday-042.jpg"], timeout=5000)
    texts = tile_texts(window, 0)
    assert texts[0].startswith("Failed: ") and len(texts[0]) > len("Failed: ")
    assert "holiday-042.jpg" in texts
    screenshot(window, "failed-tile.png")


def test_counts_are_said_in_words_with_plural_forms(qtbot, tmp_path):
    window = tagged_window(qtbot, tmp_path, {RED: 1}, sort_by_name=False)
    assert status_text(window) == "Tagged 1 photo"
    more = tmp_path / "more"
    make_photo(more / "x.jpg", colour=BLUE)
    make_photo(more / "y.jpg", colour=GREEN)
    assert drop_files(window, [more])
    wait_idle(qtbot, window, 3, summary="Tagged 2")
    assert status_text(window) == "Tagged 2 photos"


def test_chinese_counts_use_the_chinese_plural_form(qtbot, qapp, tmp_path):
    from resnet_desktop.gui.i18n import install_translators

    translators = install_translators(qapp, QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    try:
        window = make_window(qtbot, ColourClassifier)
        assert drop_files(window, [colour_folder(tmp_path / "photos", {RED: 1})])
        qtbot.waitUntil(
            lambda: "1" in status_text(window) and not window.progress_panel.isVisible(), timeout=20000
        )
        assert status_text(window) == QCoreApplication.translate("MainWindow", "Tagged %n photo(s)", None, 1)
        assert status_text(window) == "已为 1 张照片打标签"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_ctrl_comma_opens_settings(qtbot):
    from resnet_desktop.gui.settings_dialog import SettingsDialog

    window = make_window(qtbot, ColourClassifier)
    dialog = answer_dialog("Cancel", kind=SettingsDialog)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert dialog.seen is not None and dialog.seen.windowTitle() == "Settings"


def test_settings_says_no_internet_in_words_and_points_at_import(qtbot, monkeypatch):
    """Offline, the download fails the way it does on a machine without a network: the
    server's name cannot be looked up."""
    import socket

    from resnet_desktop.gui.settings_dialog import SettingsDialog

    def no_network(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "internet" in dialog.weights_label.text(), timeout=60000)
    text = dialog.weights_label.text()
    assert "no internet connection" in text and "Import File…" in text
    assert "Errno" not in text and "WeightsError" not in text and "resnet-desktop models" not in text
    assert dialog.import_button.isVisible() and dialog.import_button.isEnabled()


def test_model_notice_fits_the_status_bar_in_whole_words_beside_the_progress(
    qtbot, tmp_path, opened_at_teardown
):
    from resnet_desktop.core.models import FALLBACK_MODEL

    notice = (
        "ResNet-18 weights not found; using the offline EfficientNet-Lite0. "
        "Run `resnet-desktop models download resnet18`."
    )
    classifier = GatedClassifier()
    classifier.model = FALLBACK_MODEL
    opened_at_teardown.append(classifier.gate)
    window = make_window(qtbot, lambda: (classifier, notice), batch_size=4)
    window.resize(760, 600)
    assert drop_files(window, [colour_folder(tmp_path / "photos", {RED: 12})])
    qtbot.waitUntil(lambda: classifier.entered.is_set(), timeout=10000)
    qtbot.waitUntil(lambda: status_text(window).startswith("Tagging with the offline"), timeout=5000)
    qtbot.waitUntil(lambda: window.progress_panel.label.text().startswith("Tagging 0 of 12"), timeout=5000)
    label = window.status_label
    shown, full = label.displayed_text(), label.text()
    assert "Settings (Ctrl+,)" in full and "resnet-desktop models" not in full
    assert shown != full and shown.endswith("…")  # too long for 760 px: shortened...
    assert full.startswith(shown[:-1]) and full[len(shown) - 1] in " .,;:"  # ...after a whole word
    assert label.toolTip() == notice  # the whole story on hover
    bar = window.statusBar()
    text_end = label.mapTo(bar, label.contentsRect().topLeft()).x() + label.fontMetrics().horizontalAdvance(
        shown
    )
    progress_start = window.progress_panel.label.mapTo(bar, window.progress_panel.label.rect().topLeft()).x()
    assert text_end + 8 <= progress_start  # a gap, not "resnet1Tagging"
    screenshot(window, "status-bar-notice.png")
    classifier.gate.set()
    wait_idle(qtbot, window, 12)


def test_folders_are_a_tree_sorted_by_name_with_counts_of_subfolders(qtbot, tmp_path):
    pics = tmp_path / "Pictures"
    make_photo(pics / "cover.jpg", colour=RED)
    make_photo(pics / "Trips" / "Rome" / "r1.jpg", colour=RED)
    make_photo(pics / "Trips" / "Rome" / "r2.jpg", colour=BLUE)
    make_photo(pics / "Trips" / "paris" / "p1.jpg", colour=GREEN)
    make_photo(pics / "Home" / "h1.jpg", colour=BLUE)
    window = make_window(qtbot, ColourClassifier)
    assert drop_files(window, [pics])
    wait_idle(qtbot, window, 5)
    # the sidebar shows the outcome of tagging (its automatic albums too) before we hold its items
    qtbot.waitUntil(
        lambda: (
            sidebar_text(window, "Pictures") == "Pictures  (5)"
            and sidebar_text(window, "Cats") == "Cats  (2)"
        ),
        timeout=5000,
    )
    top = sidebar_item(window, "Pictures")
    assert [top.child(i).text(0) for i in range(top.childCount())] == ["Home  (1)", "Trips  (3)"]
    trips = sidebar_item(window, "Trips")
    assert [trips.child(i).text(0) for i in range(trips.childCount())] == ["paris  (1)", "Rome  (2)"]
    screenshot(window.sidebar, "folder-tree.png")
    click_sidebar(qtbot, window, "Trips")  # a folder's view holds its subfolders' photos too
    qtbot.waitUntil(lambda: sorted(tile_names(window)) == ["p1.jpg", "r1.jpg", "r2.jpg"], timeout=5000)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Right)  # opens it
    # (the sidebar may have been rebuilt by a refresh meanwhile: look the folder up again)
    qtbot.waitUntil(lambda: sidebar_item(window, "Trips").isExpanded(), timeout=5000)
    screenshot(window, "grid-folder.png")

    # more photos arrive: the counts follow and the folder the person opened stays open
    make_photo(pics / "Trips" / "Rome" / "r3.jpg", colour=GREEN)
    assert drop_files(window, [pics / "Trips" / "Rome"])
    qtbot.waitUntil(lambda: sidebar_text(window, "Rome") == "Rome  (3)", timeout=20000)
    assert (
        sidebar_text(window, "Pictures") == "Pictures  (6)" and sidebar_text(window, "Trips") == "Trips  (4)"
    )
    assert sidebar_item(window, "Trips").isExpanded()
