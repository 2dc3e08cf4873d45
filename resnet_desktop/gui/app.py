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

    from resnet_desktop.core.messages import gettext, ngettext
    from resnet_desktop.gui.main_window import MainWindow, app_icon
    from resnet_desktop.gui.settings import AppSettings
    from resnet_desktop.gui.single_instance import InstanceServer, hand_over

    settings = AppSettings()
    library = library or settings.library_path
    instance = None
    if not self_test:
        instance = InstanceServer(library, app)
        if hand_over(library, paths) or (not instance.listen() and hand_over(library, paths)):
            print(
                ngettext(
                    "ResNet Desktop is already open on this library; gave it {n} photo or folder.",
                    "ResNet Desktop is already open on this library; gave it {n} photos or folders.",
                    len(paths),
                )
                if paths
                else gettext("ResNet Desktop is already open on this library; brought it to the front.")
            )
            return 0

    app.setWindowIcon(app_icon())
    window = MainWindow(settings, library_path=library)
    window.show()
    if instance is not None:
        instance.paths_received.connect(lambda received: _bring_in(window, received))
    if paths:
        QTimer.singleShot(0, lambda: window.add_paths(paths))
    if self_test:
        QTimer.singleShot(1500, window.close)
        QTimer.singleShot(1600, app.quit)
    _close_on_signals(window)
    return app.exec()


def _close_on_signals(window) -> None:
    """Ctrl-C (or a SIGTERM) in the terminal that started the window closes it the way the
    close button does: the tagging run stops after its batch, what is tagged stays, the rest
    resumes next time. Python runs a signal handler only between bytecodes, so a timer lets
    the interpreter in a few times a second while Qt's event loop runs."""
    import signal

    def close(_signum, _frame) -> None:
        QTimer.singleShot(0, window.close)

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(200)


def _bring_in(window, paths: list[str]) -> None:
    """Another start handed over its paths: add them and bring the window to the front."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    if paths:
        window.add_paths(paths)
