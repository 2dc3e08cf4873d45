"""Start the desktop app: QApplication, translations, the main window, then the paths given."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from resnet_desktop import APP_NAME, __version__
from resnet_desktop.gui.i18n import install_translators


def run_app(paths: list[str], library: str | None = None, self_test: bool = False) -> int:
    """Show the window (fast: torch is imported later, in the indexing thread) and run the event loop.

    ``self_test`` opens the window, lets it load, and exits 0: a smoke test for packaged builds.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("ResNetDesktop")
    install_translators(app)

    from resnet_desktop.gui.main_window import MainWindow, app_icon

    app.setWindowIcon(app_icon())
    window = MainWindow(library_path=library)
    window.show()
    if paths:
        QTimer.singleShot(0, lambda: window.add_paths(paths))
    if self_test:
        QTimer.singleShot(1500, window.close)
        QTimer.singleShot(1600, app.quit)
    return app.exec()
