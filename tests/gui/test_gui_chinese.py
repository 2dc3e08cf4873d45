"""The window in Chinese: labels, albums, search, the viewer and the engine's messages; plurals."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel

from resnet_desktop.gui.i18n import install_translators, interface_language
from resnet_desktop.gui.photo_model import TopLabelRole
from tests.fakes import ColourClassifier, make_photo
from tests.gui.person import (
    click_sidebar,
    click_tile,
    colour_folder,
    drop_files,
    make_window,
    open_viewer,
    tile_data,
    tile_names,
    wait_idle,
)

# Qt marks the QPoint constructor of QDragEnterEvent deprecated but offers no other one.
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDrag.*Event:DeprecationWarning")

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def drop(window, paths) -> None:
    assert drop_files(window, paths)


def grid_labels(window) -> set:
    return set(tile_data(window, TopLabelRole))


@pytest.fixture
def chinese(qapp):
    translators = install_translators(qapp, QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    assert interface_language() == "zh"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


@pytest.fixture
def english(qapp):
    translators = install_translators(qapp, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def type_text(qtbot, widget, text: str) -> None:
    """Type as a person does: Latin letters as key clicks, Chinese committed by an input method."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def tooltips(window) -> list[str]:
    return tile_data(window, Qt.ItemDataRole.ToolTipRole)


def sidebar_texts(window) -> list[str]:
    return [item.text(0) for item in window.sidebar.items()]


@pytest.fixture
def tagged(qtbot, tmp_path):
    """red -> tabby, green -> espresso, blue -> sports car (tests.fakes.ColourClassifier), one broken."""

    def make():
        folder = colour_folder(tmp_path / "photos", {RED: 2, GREEN: 1, BLUE: 1})
        (folder / "broken.jpg").write_text("this is not a JPEG")
        window = make_window(qtbot, ColourClassifier)
        drop(window, [folder])
        wait_idle(qtbot, window, 5)
        return window

    return make


def test_labels_albums_and_status_are_chinese(qtbot, chinese, tagged):
    window = tagged()
    assert window.status_label.text() == "已为 4 张照片打标签 · 1 张无法读取（见“失败”）"
    qtbot.waitUntil(lambda: any(t.startswith("浓缩咖啡") for t in sidebar_texts(window)), timeout=5000)
    texts = sidebar_texts(window)
    assert "猫  (2)" in texts and "动物  (2)" in texts and "汽车与卡车  (1)" in texts
    assert "斑纹猫  (2)" in texts
    assert not [t for t in texts if re.search(r"tabby|espresso|sports car|Animals|Cats", t)]
    shown = tooltips(window)
    assert any("斑纹猫 (" in t for t in shown) and any("浓缩咖啡 (" in t for t in shown)
    assert not any("tabby" in t or "espresso" in t for t in shown)


@pytest.mark.parametrize(
    ("term", "labels"),
    [
        ("咖啡", {"espresso"}),
        ("猫", {"tabby"}),
        ("斑纹", {"tabby"}),
        ("动物", {"tabby"}),
        ("汽车", {"sports car"}),
        ("cat", {"tabby"}),
    ],
)
def test_search_in_either_language(qtbot, chinese, tagged, term, labels):
    window = tagged()
    type_text(qtbot, window.search_edit, term)
    qtbot.waitUntil(lambda: grid_labels(window) == labels, timeout=5000)


def test_failed_view_and_viewer_speak_chinese(qtbot, chinese, tagged):
    window = tagged()
    click_sidebar(qtbot, window, "失败")
    qtbot.waitUntil(lambda: tile_names(window) == ["broken.jpg"], timeout=5000)
    (tip,) = tooltips(window)
    assert "失败：不是图片" in tip and "not an image" not in tip

    click_sidebar(qtbot, window, "所有照片")
    type_text(qtbot, window.search_edit, "咖啡")
    qtbot.waitUntil(lambda: tile_data(window, TopLabelRole) == ["espresso"], timeout=5000)
    click_tile(qtbot, window, 0)
    viewer = open_viewer(qtbot, window, 0)
    qtbot.waitUntil(lambda: any(w.text() == "浓缩咖啡" for w in viewer.findChildren(QLabel)), timeout=5000)
    names = [w.text() for w in viewer.findChildren(QLabel) if w.text() in ("浓缩咖啡", "斑纹猫", "跑车")]
    assert names[:1] == ["浓缩咖啡"] and len(names) == 3
    # the model's label stays a label (above); Tags holds only the person's words (issue 10)
    assert "浓缩咖啡" not in [viewer.tag_list.item(i).text() for i in range(viewer.tag_list.count())]
    type_text(qtbot, viewer.tag_edit, "跑车")  # a person confirms a label by its Chinese name
    qtbot.keyClick(viewer.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "sports car" in viewer.tag_names(), timeout=5000)
    shown = [viewer.tag_list.item(i).text() for i in range(viewer.tag_list.count())]
    assert any(t.startswith("跑车") for t in shown) and not any("sports car" in t for t in shown)
    viewer.close()


def test_english_uses_plural_forms(qtbot, english, tmp_path):
    make_photo(tmp_path / "one" / "red.jpg", colour=RED)
    window = make_window(qtbot, ColourClassifier)
    drop(window, [tmp_path / "one"])
    wait_idle(qtbot, window, 1)
    assert window.status_label.text() == "Tagged 1 photo"
    assert tile_data(window, TopLabelRole) == ["tabby"]
    assert "tabby (" in tooltips(window)[0]


def test_smart_album_dialog_shows_chinese_names_and_keeps_english_rules(qtbot, chinese):
    from resnet_desktop.gui.rule_editor import RuleEditorDialog

    dialog = RuleEditorDialog(None, "猫", {"labels_any": ["tabby", "tiger cat"]}, known_labels=["tabby"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.labels_edit.text() == "斑纹猫、虎斑猫"
    dialog.labels_edit.end(False)
    type_text(qtbot, dialog.labels_edit, "，浓缩咖啡、小明")
    # the labels a person sees in Chinese are stored as ImageNet's English; their own tag as typed
    assert dialog.rule()["labels_any"] == ["tabby", "tiger cat", "espresso", "小明"]
