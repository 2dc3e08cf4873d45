"""The main window: sidebar, search, the photo grid, progress in the status bar.

Everything slow happens elsewhere: indexing in an IndexThread (core.pipeline), library
queries and writes in the run_task pools, thumbnails in their own pool. The window only
reacts to signals, so scrolling and searching stay smooth while tagging runs.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from resnet_desktop import APP_NAME
from resnet_desktop.core.resources import resource_path
from resnet_desktop.gui import data, similar_view, tasks
from resnet_desktop.gui.data import ALL_PHOTOS, ViewSource
from resnet_desktop.gui.delegate import PhotoDelegate
from resnet_desktop.gui.i18n import engine_text, label_text
from resnet_desktop.gui.indexing import IndexController, IndexSettings
from resnet_desktop.gui.photo_menu import PhotoActions, photo_menu
from resnet_desktop.gui.photo_model import IdRole, PhotoListModel, plan_merge
from resnet_desktop.gui.settings import MODEL_AUTO, AppSettings
from resnet_desktop.gui.sidebar import Sidebar
from resnet_desktop.gui.sidecars import SidecarWriter
from resnet_desktop.gui.suggestions_view import SuggestionsView, TeachController
from resnet_desktop.gui.thumbnails import ThumbnailProvider
from resnet_desktop.gui.widgets import ElidedLabel, VisibleRows

SEARCH_DEBOUNCE_MS = 150
REFRESH_DURING_RUN_MS = 400
FIRST_SCREEN_ROWS = 400


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "resnet-desktop.svg")))


class EmptyState(QWidget):
    """First run: an inviting target for a drop, with the same actions as the File menu."""

    def __init__(self, on_add_folder: Callable[[], None], on_add_photos: Callable[[], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(icon)
        title = QLabel(self.tr("Drop photos here"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        hint = QLabel(
            self.tr(
                "Drag photos or folders onto this window. Every photo is tagged on this "
                "computer; nothing is uploaded."
            )
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(placeholder-text)")
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_folder_button = QPushButton(self.tr("Add Folder…"))
        self.add_folder_button.clicked.connect(on_add_folder)
        self.add_photos_button = QPushButton(self.tr("Add Photos…"))
        self.add_photos_button.clicked.connect(on_add_photos)
        buttons.addWidget(self.add_folder_button)
        buttons.addWidget(self.add_photos_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(3)


class PhotoGrid(QListView):
    """Icon-mode list view; Space opens the current photo, Delete asks to remove it."""

    open_requested = Signal(object)  # QModelIndex
    delete_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index))
        self._kept: tuple[int | None, list[int]] = (None, [])

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        """A refresh that re-lists the view (a model reset) keeps the person's current photo and
        selection: they are remembered by photo id and put back where those photos now are."""
        super().setModel(model)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)

    def _remember_selection(self) -> None:
        model, current = self.model(), self.currentIndex()
        selected = [model.id_at(i.row()) for i in self.selectionModel().selectedIndexes()]
        self._kept = (model.id_at(current.row()) if current.isValid() else None, selected)

    def _restore_selection(self) -> None:
        from PySide6.QtCore import QItemSelectionModel

        model, (current, selected) = self.model(), self._kept
        self._kept = (None, [])
        flags = QItemSelectionModel.SelectionFlag.Select
        for photo_id in selected:
            row = model.row_of(photo_id)
            if row is not None:
                self.selectionModel().select(model.index(row), flags)
        row = model.row_of(current) if current is not None else None
        if row is not None:
            keep = QItemSelectionModel.SelectionFlag.NoUpdate
            self.selectionModel().setCurrentIndex(model.index(row), keep)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectionModel().hasSelection():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


class ProgressPanel(QWidget):
    """Status-bar progress: done/total, photos per second, time left, and Cancel."""

    def __init__(self, on_cancel: Callable[[], None]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)  # a gap after the status text, which is elided before it
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(on_cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)

    def show_starting(self) -> None:
        self.label.setText(self.tr("Preparing…"))
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, progress: Any) -> None:
        total = max(0, progress.total)
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(progress.done)
        parts = [self.tr("Tagging %1 of %2").replace("%1", str(progress.done)).replace("%2", str(total))]
        if progress.rate > 0:
            parts.append(self.tr("%1 photos/s").replace("%1", f"{progress.rate:.1f}"))
        if progress.eta_s is not None and progress.done < total:
            parts.append(self.tr("about %1 left").replace("%1", format_duration(progress.eta_s)))
        self.label.setText(" · ".join(parts))

    def show_cancelling(self) -> None:
        self.label.setText(self.tr("Stopping…"))
        self.cancel_button.setEnabled(False)


def format_duration(seconds: float) -> str:
    translate = QCoreApplication.translate
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return translate("ProgressPanel", "%1 s").replace("%1", str(seconds))
    if seconds < 3600:
        text = translate("ProgressPanel", "%1 min %2 s")
        return text.replace("%1", str(seconds // 60)).replace("%2", f"{seconds % 60:02d}")
    text = translate("ProgressPanel", "%1 h %2 min")
    return text.replace("%1", str(seconds // 3600)).replace("%2", f"{seconds % 3600 // 60:02d}")


class MainWindow(QMainWindow):
    #: The grid shows a new query result (tests wait on it).
    grid_refreshed = Signal()
    #: The classifier loaded in the worker (a notice string, maybe empty).
    model_notice = Signal(str)

    def __init__(
        self,
        settings: AppSettings | None = None,
        *,
        library_path: str | None = None,
        classifier_factory: Callable[[], Any] | None = None,
        batch_size: int = 16,
    ) -> None:
        super().__init__()
        self._tasks_generation = tasks.restart()
        self.settings = settings or AppSettings()
        self.library_path = str(library_path or self.settings.library_path)
        os.makedirs(os.path.dirname(os.path.abspath(self.library_path)), exist_ok=True)
        self._injected_factory = classifier_factory
        self._classifier: Any = None
        self._classifier_lock = threading.Lock()
        self.batch_size = batch_size
        self.source: ViewSource = ALL_PHOTOS
        self._generation = 0
        self._query_in_flight = False
        self._query_dirty = False
        self._pending_reset = True
        self._total_in_library: int | None = None
        self._viewers: list[Any] = []
        self._closing = False
        self.last_summary: Any = None
        self._spell_done = self._spell_failed = 0  # photos tagged / failed since tagging began

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1200, 780)

        self.model = PhotoListModel(self)
        self.model.confidence_threshold = self.settings.confidence_threshold
        self.thumbnails = ThumbnailProvider(self._make_thumb_cache(), self)
        self.model.thumbnail_provider = self.thumbnails.pixmap_for
        self.model.fetcher = self._fetch_rows
        self.thumbnails.loaded.connect(self.model.refresh_hash)
        self.thumbnails.loaded_unhashed.connect(lambda: self.grid.viewport().update())
        self._album_names: list[str] = []
        self._sidebar_asked = self._sidebar_shown = 0  # sidebar reads asked for, and the newest shown

        self.indexer = IndexController(self._make_indexer, self)
        self.indexer.started.connect(self._on_index_started)
        self.indexer.started.connect(lambda: self._set_tagging(True))
        self.indexer.progress.connect(self._on_progress)
        self.indexer.scanned.connect(lambda ids: self._photos_changed(ids, 50))
        self.indexer.photos_done.connect(lambda ids: self._photos_changed(ids, REFRESH_DURING_RUN_MS))
        self.indexer.finished.connect(self._on_index_finished)
        self.indexer.error.connect(self._on_index_error)
        self.model_notice.connect(self._on_model_notice)
        self.sidecars = SidecarWriter(self.settings, lambda: self.library_path, self)
        self.sidecars.message.connect(lambda text: self.status_label.setText(text))
        self.indexer.photos_done.connect(self.sidecars.photos_changed)

        self._build_ui()
        self._build_menus()
        self.similar = similar_view.install(self)  # Find Similar, the Duplicates view

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(lambda: self.refresh(reset=True))
        self._refresh_timer = QTimer(self, singleShot=True)
        self._refresh_timer.timeout.connect(self._merge_changes)
        self._changed_ids: set[int] = set()  # photos tagging changed since the grid last looked
        self._changes_in_flight = False
        self._sidebar_timer = QTimer(self, singleShot=True, interval=800)
        self._sidebar_timer.timeout.connect(self.refresh_sidebar)

        self._library_ready = False
        self._paths_waiting: list[str] = []
        self._open_library()

    # --- construction ---------------------------------------------------------------------
    def _build_ui(self) -> None:
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        self.addToolBar(toolbar)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search labels, e.g. cat, car, beach"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(280)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        toolbar.addWidget(self.search_edit)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(self.tr(" Sort: ")))
        self.sort_combo = QComboBox()
        for key, title in (
            ("taken", self.tr("Date taken")),
            ("added", self.tr("Date added")),
            ("name", self.tr("Name")),
            ("confidence", self.tr("Confidence")),
        ):
            self.sort_combo.addItem(title, key)
        self.sort_combo.setCurrentIndex(max(0, self.sort_combo.findData(self.settings.sort)))
        self.sort_combo.currentIndexChanged.connect(self._on_sort_changed)
        toolbar.addWidget(self.sort_combo)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(QLabel(self.tr("Size ")))
        self.zoom_slider = QSlider(Qt.Orientation.Horizontal)
        self.zoom_slider.setRange(64, 320)
        self.zoom_slider.setValue(self.settings.zoom)
        self.zoom_slider.setMaximumWidth(160)
        self.zoom_slider.valueChanged.connect(self.set_zoom)
        toolbar.addWidget(self.zoom_slider)

        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(180)
        self.sidebar.source_selected.connect(self.set_source)
        self.sidebar.photos_dropped.connect(self._add_to_album)
        self.sidebar.delete_album_requested.connect(self._delete_album)
        self.sidebar.edit_album_requested.connect(self._edit_smart_album)

        self.grid = PhotoGrid()
        self.delegate = PhotoDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)
        self.grid.setModel(self.model)
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.delete_requested.connect(self.delete_selected)
        self.grid.customContextMenuRequested.connect(self._grid_context_menu)
        self.visible_rows = VisibleRows(self.grid, IdRole)
        self.set_zoom(self.settings.zoom)

        self.empty_state = EmptyState(self.add_folder_dialog, self.add_photos_dialog)
        self.no_match = QLabel(self.tr("No photos match."))
        self.no_match.setWordWrap(True)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setStyleSheet("color: palette(placeholder-text); font-size: 16px")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.no_match)
        self.suggestions_view = SuggestionsView(lambda: self.library_path, self.thumbnails)
        self.suggestions_view.changed.connect(self._after_write)
        self.suggestions_view.open_requested.connect(self._open_row)
        self.stack.addWidget(self.suggestions_view)
        self.teacher = TeachController(lambda: self.library_path, self)
        self.teacher.started.connect(
            lambda: self.suggestions_view.set_learning(True, self.tr("Learning your labels…"))
        )
        self.teacher.finished.connect(self._on_learned)
        self.teacher.failed.connect(lambda m: self.suggestions_view.set_learning(False, m))
        self.suggestions_view.cancel_button.clicked.connect(self.teacher.cancel)

        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 970])
        self.setCentralWidget(splitter)

        self.status_label = ElidedLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.progress_panel = ProgressPanel(self.cancel_indexing)
        self.statusBar().addPermanentWidget(self.progress_panel)
        self.progress_panel.hide()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.add_photos_action = QAction(self.tr("Add &Photos…"), self)
        self.add_photos_action.setShortcut(QKeySequence.StandardKey.Open)
        self.add_photos_action.triggered.connect(self.add_photos_dialog)
        file_menu.addAction(self.add_photos_action)
        self.add_folder_action = QAction(self.tr("Add &Folder…"), self)
        self.add_folder_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.add_folder_action.triggered.connect(self.add_folder_dialog)
        file_menu.addAction(self.add_folder_action)
        self.retag_action = QAction(self.tr("&Re-tag Library"), self)
        self.retag_action.setStatusTip(
            self.tr(
                "Check every photo again: changed photos and photos tagged by another model are re-tagged"
            )
        )
        self.retag_action.triggered.connect(self.retag_library)
        file_menu.addAction(self.retag_action)
        file_menu.addSeparator()
        settings_action = QAction(self.tr("&Settings…"), self)
        # Preferences is Ctrl+, on macOS and nothing on Linux and Windows: Ctrl+, everywhere
        settings_action.setShortcuts(
            [*QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences), QKeySequence("Ctrl+,")]
        )
        settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        album_menu = self.menuBar().addMenu(self.tr("&Albums"))
        new_smart = QAction(self.tr("New &Smart Album…"), self)
        new_smart.triggered.connect(lambda: self._edit_smart_album(None))
        album_menu.addAction(new_smart)
        new_album = QAction(self.tr("New &Album…"), self)
        new_album.triggered.connect(self._new_manual_album)
        album_menu.addAction(new_album)

        photo_menu = self.menuBar().addMenu(self.tr("&Photo"))
        open_action = QAction(self.tr("&Open"), self)
        open_action.triggered.connect(lambda: self.open_viewer(self.grid.currentIndex()))
        photo_menu.addAction(open_action)
        delete_action = QAction(self.tr("&Remove from Library…"), self)
        delete_action.triggered.connect(self.delete_selected)
        photo_menu.addAction(delete_action)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.search_edit.setFocus)

    # --- indexing -------------------------------------------------------------------------
    def _make_thumb_cache(self) -> Any:
        from resnet_desktop.core import paths

        try:
            from resnet_desktop.core.thumbs import ThumbCache
        except ImportError:  # thumbnails then come from the originals (slower, same result)
            return None
        return ThumbCache(paths.thumbnail_dir())

    def _classifier_factory(self, chosen: IndexSettings | None = None) -> Any:
        """Called by the Indexer in its worker thread: torch loads there, never in the GUI thread.
        ``chosen`` is the settings snapshot taken when the run started (read now if not given,
        which only the GUI thread may do)."""
        chosen = chosen or self._index_settings()
        with self._classifier_lock:
            if self._classifier is None:
                if self._injected_factory is not None:
                    made = (
                        self._injected_factory()
                    )  # a classifier, or (classifier, notice) as load_classifier
                    self._classifier, notice = made if isinstance(made, tuple) else (made, None)
                    if notice:
                        self.model_notice.emit(notice)
                else:
                    from resnet_desktop.core.classify import load_classifier
                    from resnet_desktop.core.weights import WeightsError

                    model = chosen.model
                    try:
                        precision = "int8" if chosen.int8 else "fp32"
                        self._classifier, notice = load_classifier(model, precision=precision)
                    except WeightsError as exc:
                        if not chosen.int8:
                            raise
                        # the INT8 model belongs to other weights now: tag with the normal one
                        self._classifier, notice = load_classifier(model)
                        notice = f"{exc} {notice or ''}".strip()
                    if notice:
                        self.model_notice.emit(notice)
            return self._classifier

    def _index_settings(self) -> IndexSettings:
        return IndexSettings(
            None if self.settings.model == MODEL_AUTO else self.settings.model,
            self.settings.int8,
            self.settings.decode_threads,
        )

    def _make_indexer(self) -> Any:
        """GUI thread: snapshot the settings; the returned builder runs in the worker thread."""
        chosen = self._index_settings()
        library, batch_size, thumbs = self.library_path, self.batch_size, self.thumbnails.thumbs

        def build() -> Any:
            from resnet_desktop.core.pipeline import Indexer

            return Indexer(
                library,
                lambda: self._classifier_factory(chosen),
                decode_threads=chosen.decode_threads,
                batch_size=batch_size,
                thumbs=thumbs,
                wanted_first=lambda: self.visible_rows.ids,  # the tiles on screen are tagged first
            )

        return build

    def _open_library(self) -> None:
        """Create or migrate the library in the write pool, then load the grid and sidebar.

        Opening it once before any reader avoids two threads racing to create a new file.
        Photos dropped meanwhile wait, and are added with those a stopped run left pending.
        """
        self._library_ready = False
        library = self.library_path

        def ready(pending: list[str]) -> None:
            self._library_ready = True
            self.refresh(reset=True)
            self.refresh_sidebar()
            self.teacher.request(0)
            # Photos a stopped run left pending are tagged now, with whatever was asked for.
            waiting, self._paths_waiting = self._paths_waiting, []
            self.add_paths(waiting + pending)

        def failed(message: str) -> None:
            self.status_label.setText(
                self.tr("Could not open the library: %1").replace("%1", engine_text(message))
            )

        tasks.run_task(lambda: data.open_library(library), ready, failed, pool_name="write")

    def add_paths(self, paths: list[str]) -> None:
        paths = [os.path.abspath(p) for p in paths if p]
        if not paths:
            return
        if not self._library_ready:
            self._paths_waiting.extend(paths)
            return
        self.indexer.add(paths)

    def retag_library(self) -> None:
        """Run every photo through the pipeline again: unchanged ones tagged by the model in
        use are skipped at once, the rest (e.g. tagged by the offline model before ResNet-18
        arrived, or edited since) are tagged again. A person's tags stay."""
        if self._library_ready:
            tasks.run_task(
                lambda: data.library_paths(self.library_path), self.add_paths, self._on_write_error
            )

    def cancel_indexing(self) -> None:
        if self.indexer.running:
            self.progress_panel.show_cancelling()
        self.indexer.cancel()

    def _on_index_started(self) -> None:
        self.progress_panel.show_starting()
        self.status_label.setText("")

    def _on_progress(self, progress: Any) -> None:
        if not self._closing:
            self.progress_panel.show_progress(progress)

    def _on_index_finished(self, boxed: list) -> None:
        summary = boxed[0]
        self.last_summary = summary
        if summary is not None:  # one message for all the runs of a busy spell (queued drops)
            self._spell_done += summary.indexed + summary.retagged
            self._spell_failed += len(summary.failed)
        if self.indexer.running:
            return  # the next queued run started
        self._set_tagging(False)
        self.progress_panel.hide()
        if summary is not None:
            done, failed = self._spell_done, self._spell_failed
            text = self.tr("Tagged %n photo(s)", "", done)
            if summary.cancelled:
                text = self.tr("Stopped; %n photo(s) tagged, the rest resume next time", "", done)
            if failed:
                text += " · " + self.tr("%n could not be read (see Failed)", "", failed)
            self.status_label.setText(text)
        self._spell_done = self._spell_failed = 0
        self.refresh(reset=False)
        self.refresh_sidebar()
        self.teacher.request()

    def _set_tagging(self, running: bool) -> None:
        """Pending tiles say "Tagging…" only while a run is on."""
        self.delegate.tagging = running
        self.grid.viewport().update()

    def _on_index_error(self, message: str) -> None:
        self._set_tagging(False)
        self.progress_panel.hide()
        self.status_label.setText(self.tr("Tagging stopped: %1").replace("%1", engine_text(message)))

    def _on_model_notice(self, notice: str) -> None:
        """The engine's notice speaks to a terminal; the window says it in its own terms."""
        from resnet_desktop.core.models import FALLBACK_MODEL

        classifier = self._classifier
        if classifier is not None and str(classifier.model).startswith(FALLBACK_MODEL):
            text = self.tr(
                "Tagging with the offline EfficientNet-Lite0: the ResNet-18 weights are not installed. "
                "Settings (Ctrl+,) can download or import them."
            )
        else:
            text = engine_text(notice)
        self.status_label.setText(text, detail=engine_text(notice))

    # --- the grid -------------------------------------------------------------------------
    def set_source(self, source: ViewSource) -> None:
        self.source = source
        if source.kind == "suggestions":
            self.stack.setCurrentWidget(self.suggestions_view)
            self.suggestions_view.show_label(source.key)
            return
        self.refresh(reset=True)

    def set_zoom(self, side: int) -> None:
        self.delegate.set_tile_size(side)
        hint = self.delegate.sizeHint(_option_for(self.grid), self.model.index(0))
        self.grid.setGridSize(QSize(hint.width() + 4, hint.height() + 4))
        self.settings.zoom = side

    def _on_sort_changed(self) -> None:
        self.settings.sort = self.sort_combo.currentData()
        self.refresh(reset=True)

    def current_query(self) -> tuple[dict | None, str | None, str]:
        rule = data.combined_rule(self.source)
        search = self.search_edit.text().strip() or None
        return rule, search, self.sort_combo.currentData()

    def _photos_changed(self, ids: list[int], delay_ms: int) -> None:
        """Tagging recorded or tagged these photos: merge just them into the grid, soon."""
        self._changed_ids.update(ids)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(delay_ms)
        if not self._sidebar_timer.isActive():
            self._sidebar_timer.start()

    def _merge_changes(self) -> None:
        """Read the rows of the photos that changed (not the whole album) and merge them."""
        if self._closing or not self._library_ready or not self._changed_ids:
            return
        if self._query_in_flight or self._changes_in_flight or self._pending_reset:
            self._refresh_timer.start(REFRESH_DURING_RUN_MS)  # after the full query lands
            return
        ids, self._changed_ids = sorted(self._changed_ids), set()
        rule, search, _sort = self.current_query()
        library, threshold, generation = (
            self.library_path,
            self.settings.confidence_threshold,
            self._generation,
        )
        self._changes_in_flight = True

        def done(rows: list[Any]) -> None:
            self._changes_in_flight = False
            if self._closing or generation != self._generation:
                return  # the view changed meanwhile; its own query read these photos
            self.model.apply_changes(ids, rows)
            if self.model.rowCount():
                self.stack.setCurrentWidget(self.grid)
            self.grid_refreshed.emit()

        def failed(message: str) -> None:
            self._changes_in_flight = False
            self._on_query_error(message)

        run_query_task(
            lambda: data.rows_among(library, ids, rule, search, threshold if search else 0.0), done, failed
        )

    def refresh(self, reset: bool = False) -> None:
        """Re-run the grid's query off the GUI thread; ``reset`` re-sorts, otherwise tiles stay put."""
        if self._closing or not self._library_ready:
            self._pending_reset = self._pending_reset or reset
            return
        self._pending_reset = self._pending_reset or reset
        if self._query_in_flight:
            self._query_dirty = True
            return
        self._query_in_flight = True
        self._query_dirty = False
        self._changed_ids.clear()  # this query reads them as they are now
        self._generation += 1
        generation = self._generation
        rule, search, sort = self.current_query()
        library, threshold = self.library_path, self.settings.confidence_threshold
        # The view's ids (cheap) with its first screen's rows; the grid fetches the rest as
        # they come on screen. A refresh reads again only the rows the grid holds.
        first = FIRST_SCREEN_ROWS if self._pending_reset else 0
        limit = FIRST_SCREEN_ROWS if self._pending_reset else None  # then every id, appended
        snapshot = None if self._pending_reset else self.model.snapshot()
        held = [] if self._pending_reset else self.model.cached_ids()

        def query() -> data.QueryResult:
            result = data.query_ids(
                library, rule, search, sort, threshold if search else 0.0, read=held, first=first, limit=limit
            )
            if snapshot is not None:
                plan = plan_merge(*snapshot, result.ids, result.rows)
                # photos new to the view come with their rows too, as a first screen does
                fresh = plan.fresh[:FIRST_SCREEN_ROWS]
                extra = data.fetch_rows(library, fresh, search, threshold if search else 0.0) if fresh else []
                result.plan = dataclasses.replace(plan, rows=plan.rows + extra)
            result.generation = generation
            return result

        run_query_task(query, self._on_query_result, self._on_query_error)

    def _on_query_result(self, result: data.QueryResult) -> None:
        self._query_in_flight = False
        if self._closing:
            return
        if self._query_dirty:
            self.refresh()
            return
        if self._pending_reset:
            self.model.reset_ids(result.ids, result.rows, result.index_of)
        elif result.plan is None or not self.model.apply_merge(result.plan):
            # the grid changed meanwhile: plan again against it (O(ids)), with every row read
            rows = result.plan.rows if result.plan is not None else result.rows
            self.model.apply_merge(plan_merge(*self.model.snapshot(), result.ids, rows))
        self._pending_reset = False
        if self.similar.showing_duplicates():
            return  # the Duplicates view is on screen; the grid was kept up to date behind it
        if result.partial:  # the first screen is up: list every id of the view, appended in order
            self.stack.setCurrentWidget(self.grid)
            self.refresh()
            return
        self._total_in_library = result.total_in_library
        if self.source.kind == "suggestions":
            pass  # the review queue stays in front
        elif result.total_in_library == 0 and not self.indexer.running:
            self.stack.setCurrentWidget(self.empty_state)
        elif not result.ids and result.total_in_library > 0:
            self.no_match.setText(self._no_match_text(result.suggestions))
            self.stack.setCurrentWidget(self.no_match)
        else:
            self.stack.setCurrentWidget(self.grid)
        self.grid_refreshed.emit()

    def _no_match_text(self, suggestions: list[str]) -> str:
        """An empty album invites a drag; a search says what it searched and offers the nearest labels."""
        search = self.search_edit.text().strip()
        if self.source.kind == "manual" and not search:
            return self.tr(
                "“%1” is empty.\nSelect photos in All Photos and drag them onto “%1” in the sidebar,\n"
                "or right-click them and choose Add to Album."
            ).replace("%1", self.source.title)
        if not search:
            return self.tr("No photos match.")
        text = self.tr("No photos match “%1”.").replace("%1", search)
        if suggestions:
            text += "\n" + self.tr("Nearest labels: %1").replace(
                "%1", ", ".join(label_text(s) for s in suggestions)
            )
        return text

    def _fetch_rows(self, ids: list[int], on_rows: Callable[[list[Any]], None]) -> None:
        """The grid's model asks for the rows coming on screen (see PhotoListModel)."""
        if self._closing:
            return
        _rule, search, _sort = self.current_query()
        library, threshold = self.library_path, self.settings.confidence_threshold if search else 0.0
        tasks.run_task(
            lambda: data.fetch_rows(library, ids, search, threshold),
            lambda rows: None if self._closing else on_rows(rows),
            self._on_query_error,
            pool_name="read",
            priority=2,  # what is on screen comes before a refresh of the album
        )

    def _on_query_error(self, message: str) -> None:
        self._query_in_flight = False
        self.status_label.setText(
            self.tr("Could not read the library: %1").replace("%1", engine_text(message))
        )

    def refresh_sidebar(self) -> None:
        if self._closing or not self._library_ready:
            return
        library, threshold = self.library_path, self.settings.confidence_threshold
        # two reads may finish out of order in the read pool: an older one never replaces a newer
        self._sidebar_asked += 1
        asked = self._sidebar_asked
        tasks.run_task(
            lambda: data.sidebar_data(library, threshold),
            lambda result: self._on_sidebar_data(result, asked),
            lambda message: self.status_label.setText(engine_text(message)),
        )

    def _on_sidebar_data(self, sidebar_data: data.SidebarData, asked: int) -> None:
        if asked < self._sidebar_shown:
            return
        self._sidebar_shown = asked
        if not self._closing:
            self.known_labels = [label for label, _n in sidebar_data.labels]
            self.sidebar.min_confidence = self.settings.confidence_threshold
            self._album_names = [a.name for a in sidebar_data.albums if a.kind != "smart"]
            self.sidebar.populate(sidebar_data)

    # --- photos ---------------------------------------------------------------------------
    def open_viewer(self, index) -> None:
        if index.isValid():
            self.model.when_loaded(self.model.id_at(index.row()), self._open_row)

    def _open_row(self, row: Any) -> None:
        from resnet_desktop.gui.viewer import PhotoViewer

        viewer = PhotoViewer(self.library_path, row, self)
        viewer.tags_changed.connect(lambda _id: self._after_write())
        viewer.tags_changed.connect(lambda photo_id: self.sidecars.photos_changed([photo_id]))
        viewer.delete_requested.connect(lambda pid, v=viewer: self._delete_from_viewer(pid, v))
        viewer.find_similar_requested.connect(self.similar.find_similar)  # the photo shown now
        viewer.step_requested.connect(lambda step, v=viewer: self._step_viewer(v, step))
        viewer.finished.connect(lambda _r, v=viewer: self._viewers.remove(v) if v in self._viewers else None)
        self._viewers.append(viewer)
        viewer.show()
        viewer.raise_()
        viewer.activateWindow()  # the keys (arrows, Escape) go to the photo just opened

    def _step_viewer(self, viewer, step: int) -> None:
        """Left/Right in the viewer: the previous/next photo of the grid, which follows along."""
        row = self.model.row_of(viewer.row.id)
        if row is None or not 0 <= row + step < self.model.rowCount():
            return
        index = self.model.index(row + step)
        self.grid.setCurrentIndex(index)
        self.model.when_loaded(self.model.id_at(index.row()), viewer.show_photo)

    def selected_ids(self) -> list[int]:
        return [self.model.id_at(i.row()) for i in self.grid.selectionModel().selectedIndexes()]

    def delete_selected(self) -> None:
        """Delete: inside a plain album, take the photos out of it; elsewhere, out of the library."""
        if self.source.kind == "manual":
            self.remove_from_album(self.selected_ids(), confirm=True)
        else:
            self.remove_photos(self.selected_ids())

    def _grid_context_menu(self, pos) -> None:
        index = self.grid.indexAt(pos)
        if not index.isValid():
            return
        if not self.grid.selectionModel().isSelected(index):
            self.grid.setCurrentIndex(index)  # a right click on an unselected tile acts on that tile
        ids = self.selected_ids()
        actions = PhotoActions(
            open=lambda: self.open_viewer(index),
            show_in_folder=lambda: self.model.when_loaded(
                self.model.id_at(index.row()), lambda row: self.show_in_folder(row.path)
            ),
            add_to_album=lambda name: self._add_to_album(name, ids),
            new_album=lambda: self._new_manual_album(ids),
            remove_from_album=lambda: self.remove_from_album(ids),
            remove_from_library=lambda: self.remove_photos(ids),
        )
        album = self.source.key if self.source.kind == "manual" else None
        menu = photo_menu(self.grid, self._album_names, album, actions)
        after_open = menu.actions()[2] if len(menu.actions()) > 2 else None  # after Open, Show in Folder
        similar_view.add_find_similar(menu, self.similar, self.model.id_at(index.row()), after_open)
        menu.exec(self.grid.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def remove_from_album(self, ids: list[int], *, confirm: bool = False) -> bool:
        if not ids or self.source.kind != "manual":
            return False
        name = self.source.key
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Remove from Album"),
                self.tr(
                    "Remove %n photo(s) from the album “%1”? They stay in the library.", "", len(ids)
                ).replace("%1", name),
                QMessageBox.StandardButton.Cancel,
                self,
            )
            remove = box.addButton(self.tr("Remove from Album"), QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(remove)
            box.exec()
            if box.clickedButton() is not remove:
                return False
        self.model.remove_ids(ids)
        library = self.library_path
        self._write(lambda: data.remove_from_album(library, name, ids))
        return True

    def _delete_from_viewer(self, photo_id: int, viewer) -> None:
        if self.remove_photos([photo_id]):
            viewer.close()

    def remove_photos(self, ids: list[int], *, confirm: bool = True) -> bool:
        if not ids:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Remove from Library"),
                self.tr("Remove %n photo(s) from the library? The files stay on disk.", "", len(ids)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.model.remove_ids(ids)
        library = self.library_path
        self._write(lambda: data.remove_photos(library, ids))
        return True

    def _write(self, fn: Callable[[], object]) -> None:
        """Run a library write in the one-thread write pool, then refresh what it changed."""
        tasks.run_task(fn, lambda _r: self._after_write(), self._on_write_error, pool_name="write")

    def _after_write(self) -> None:
        self.refresh(reset=False)
        self.refresh_sidebar()
        self.teacher.request()

    def _on_learned(self, result: Any) -> None:
        """Taught labels were (re)learned in the background: show the new suggestions."""
        if result is None:
            self.suggestions_view.set_learning(False)
            return
        text = self.tr("Learned %n label(s).", "", sum(r.status == "ready" for r in result.reports))
        if result.cancelled:
            text = self.tr("Stopped learning; it resumes after the next change.")
        self.suggestions_view.set_learning(False, text)
        self.suggestions_view.reload()
        self.refresh_sidebar()

    def _on_write_error(self, message: str) -> None:
        self.status_label.setText(self.tr("Could not save: %1").replace("%1", engine_text(message)))
        self._after_write()

    # --- albums ---------------------------------------------------------------------------
    def _add_to_album(self, name: str, ids: list[int]) -> None:
        library = self.library_path
        self._write(lambda: data.add_to_album(library, name, ids))

    def _new_manual_album(self, ids: list[int] | None = None) -> None:
        """Albums > New Album…, or the grid's Add to Album > New Album… with ``ids``."""
        name, ok = QInputDialog.getText(self, self.tr("New Album"), self.tr("Album name:"))
        if ok and name.strip():
            self.create_album(name.strip(), None, select=not ids, photo_ids=ids)

    def create_album(
        self, name: str, rule: dict | None, *, select: bool = True, photo_ids: list[int] | None = None
    ) -> None:
        library = self.library_path

        def make() -> None:
            data.create_album(library, name, rule)
            if photo_ids:
                data.add_to_album(library, name, photo_ids)

        def done(_r: object) -> None:
            if select:
                self.sidebar.select_next("smart" if rule else "manual", name)
            self._after_write()

        tasks.run_task(make, done, self._on_write_error, pool_name="write")

    def _edit_smart_album(self, album: Any) -> None:
        from resnet_desktop.gui.rule_editor import RuleEditorDialog

        dialog = RuleEditorDialog(
            self,
            getattr(album, "name", ""),
            getattr(album, "rule", None),
            getattr(self, "known_labels", None),
            threshold=self.settings.confidence_threshold,
        )
        accepted = dialog.exec() == RuleEditorDialog.DialogCode.Accepted
        # read in the GUI thread: the write runs in a worker, which must not touch widgets
        name, rule = dialog.album_name(), dialog.rule()
        dialog.deleteLater()
        if not accepted:
            return
        library, old = self.library_path, getattr(album, "name", None)
        name, rule = dialog.album_name(), dialog.rule()

        def replace() -> None:  # in place, one transaction: a refused edit loses nothing
            if old:
                data.update_album(library, old, name, rule)
            else:
                data.create_album(library, name, rule)

        def done(_r: object) -> None:
            self.sidebar.select_next("smart", name)
            self._after_write()

        tasks.run_task(replace, done, self._on_write_error, pool_name="write")

    def _delete_album(self, name: str) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Delete Album"),
            self.tr("Delete the album “%1”? Its photos stay in the library.").replace("%1", name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        library = self.library_path
        self._write(lambda: data.delete_album(library, name))

    # --- dialogs --------------------------------------------------------------------------
    def add_photos_dialog(self) -> None:
        from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS

        patterns = " ".join(f"*{ext}" for ext in sorted(SUPPORTED_EXTENSIONS))
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add Photos"), "", self.tr("Photos (%1)").replace("%1", patterns)
        )
        self.add_paths(files)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add Folder"))
        if folder:
            self.add_paths([folder])

    def open_settings(self) -> Any:
        from resnet_desktop.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.weights_changed.connect(self._on_weights_changed)
        sidecars_were_on = self.settings.xmp_sidecars
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(sidecars_were_on)
        return dialog

    def _forget_classifier(self) -> None:
        if not self.indexer.running:
            with self._classifier_lock:
                self._classifier = None

    def _on_weights_changed(self) -> None:
        self._forget_classifier()
        self.status_label.setText(
            self.tr("New model weights are ready. File > Re-tag Library tags your photos with them.")
        )

    def apply_settings(self, sidecars_were_on: bool = True) -> None:
        if self.settings.xmp_sidecars and not sidecars_were_on:
            self.sidecars.write_all()
        self.model.confidence_threshold = self.settings.confidence_threshold
        self.model.repaint_all()
        self._forget_classifier()
        if os.path.abspath(self.settings.library_path) != os.path.abspath(self.library_path):
            if self.indexer.running:
                self.status_label.setText(self.tr("The new library file is used after tagging finishes."))
            self.library_path = self.settings.library_path
            os.makedirs(os.path.dirname(os.path.abspath(self.library_path)), exist_ok=True)
            self._open_library()
            return
        self.refresh(reset=True)
        self.refresh_sidebar()

    # --- drag and drop from the file manager ----------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    # --- shutdown -------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        """Stop tagging (what is written stays written), join every worker, save settings."""
        self._closing = True
        for timer in (self._search_timer, self._refresh_timer, self._sidebar_timer):
            timer.stop()
        for viewer in list(self._viewers):
            viewer.close()
        retry = getattr(self, "_close_retry", False)
        stopped = self.indexer.shutdown(50, grace_ms=0) if retry else self.indexer.shutdown(1000)
        self.sidecars.stop()
        self.teacher.shutdown()
        drained = tasks.shutdown(50 if retry else 3000, generation=self._tasks_generation)
        if not (stopped and drained):
            # A worker is still inside a step it cannot leave (a long inference, a slow disk):
            # destroying its thread would crash. Stay open, say so, and try again shortly.
            event.ignore()
            self._close_retry = True
            self.status_label.setText(self.tr("Finishing the work in progress before closing…"))
            QTimer.singleShot(200, self.close)
            return
        self.settings.sync()
        super().closeEvent(event)

    def show_in_folder(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


def run_query_task(fn, on_done, on_error) -> None:
    tasks.run_task(fn, on_done, on_error, pool_name="read", priority=1)


def _option_for(view: QListView):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(view)
    return option
