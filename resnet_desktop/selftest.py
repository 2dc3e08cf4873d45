"""``resnet-desktop --self-test``: prove an install (above all the frozen bundle) works.

It opens the main window offscreen when there is no display, then classifies the bundled
sample photo with the model the app would use, through the same code paths as the app
(``gui.main_window.MainWindow``, ``core.classify.load_classifier``, ``core.imaging.decode_photo``).
It prints the model, the backend, the top-3 and the time from process start to the window
being shown, and exits 0, or 1 with the reason.

The user's library, settings and caches are not touched: the user directories point to a
temporary folder for the duration. Inside the bundle it also checks that torch was never
imported (the bundle is meant to run on onnxruntime alone).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

SAMPLE = ("samples", "coffee.jpg")
_IMPORTED_AT = time.perf_counter()


def _started_at(pid: int | str) -> float:
    """Seconds after boot at which process ``pid`` started (Linux /proc, 10 ms resolution)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of proc(5); fields[0] is field 3


def seconds_since_process_start() -> tuple[float, str]:
    """Seconds since the app was started, and what the figure is measured from.

    Linux gives the real process start, so the figure includes the bootloader and the
    interpreter start-up. A one-file bundle runs in a child of the bootloader that unpacked
    it; then the parent's start counts, unpacking included. Elsewhere the figure starts
    when this module was imported.
    """
    try:
        started = _started_at("self")
        if getattr(sys, "frozen", False):
            parent = os.getppid()
            if os.path.realpath(f"/proc/{parent}/exe") == os.path.realpath(sys.executable):
                started = _started_at(parent)
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started, "process start"
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED_AT, "self-test start"


_USER_DIR_VARS = ("RESNET_DESKTOP_DATA_DIR", "RESNET_DESKTOP_CONFIG_DIR", "RESNET_DESKTOP_LIBRARY")


def _prepare_environment(scratch: Path) -> dict[str, str | None]:
    """Offscreen Qt without a display; user dirs and library in ``scratch``.

    Returns the previous values of the user-dir variables so they can be restored.
    """
    saved = {name: os.environ.get(name) for name in _USER_DIR_VARS}
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["RESNET_DESKTOP_DATA_DIR"] = str(scratch / "data")
    os.environ["RESNET_DESKTOP_CONFIG_DIR"] = str(scratch / "config")
    os.environ["RESNET_DESKTOP_LIBRARY"] = str(scratch / "data" / "library.sqlite3")
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def check_window() -> float:
    """Start the GUI the way ``gui.app.run_app`` does, show the main window, close it.

    Returns seconds from process start to the window being shown. Closing runs the
    window's own shutdown (worker pools joined, settings saved), which is checked too.
    """
    from PySide6.QtWidgets import QApplication

    from resnet_desktop import APP_NAME
    from resnet_desktop.gui.i18n import install_translators
    from resnet_desktop.gui.main_window import MainWindow, app_icon

    qapp = QApplication.instance() or QApplication(sys.argv[:1] or ["resnet-desktop"])
    qapp.setApplicationName(APP_NAME)
    install_translators(qapp)
    qapp.setWindowIcon(app_icon())
    window = MainWindow(library_path=os.environ["RESNET_DESKTOP_LIBRARY"])
    try:
        window.show()
        qapp.processEvents()
        shown_after, _ = seconds_since_process_start()
        if not window.isVisible():
            raise RuntimeError("the main window did not become visible")
        if app_icon().isNull():
            raise RuntimeError("the application icon did not load (SVG support missing?)")
    finally:
        window.close()
        qapp.processEvents()
    return shown_after


def check_classification() -> tuple[str, str, list[tuple[str, float]], str | None]:
    """Classify the bundled sample: (model, backend, top-3 (label, probability), notice)."""
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.core.imaging import decode_photo
    from resnet_desktop.core.resources import resource_path

    sample = resource_path(*SAMPLE)
    if not sample.is_file():
        raise RuntimeError(f"the sample photo {sample} is missing from this installation")
    classifier, notice = load_classifier()
    photo = decode_photo(sample, min_side=classifier.resize_side)
    (result,) = classifier.classify([photo.image], top_k=3)
    top = [(p.label, p.probability) for p in result.predictions]
    return classifier.model, classifier.backend, top, notice


def check_sidecars() -> str:
    """Build an XMP sidecar in memory and read its keywords back (exiv2 is inside the bundle)."""
    import exiv2

    from resnet_desktop.core import xmp

    content = xmp.Content(("self-test",), (xmp.Label("tabby", 0.9, "self-test", 1, 281),))
    packet = xmp.update_packet(None, content)
    found = xmp.keywords_in_sidecar(packet, Path("self-test.xmp"))
    if found != ["self-test"] or b"auto|Animals|Cats|tabby" not in packet:
        raise RuntimeError(f"an XMP sidecar did not round-trip (read back {found})")
    return f"libexiv2 {exiv2.version()} (python-exiv2 {exiv2.__version__})"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the self-test; 0 when the window and the classification work, 1 otherwise."""
    del argv  # no options: cli.py hands over on ``--self-test`` alone
    from resnet_desktop import __version__

    frozen = bool(getattr(sys, "frozen", False))
    print(f"ResNet Desktop {__version__} self-test ({'bundle' if frozen else 'Python install'})", flush=True)
    with tempfile.TemporaryDirectory(prefix="resnet-desktop-selftest-") as scratch:
        saved = _prepare_environment(Path(scratch))
        try:
            shown_after = check_window()
            _, since = seconds_since_process_start()
            print(f"window shown {shown_after * 1000:.0f} ms after {since}", flush=True)
            started = time.perf_counter()
            model, backend, top, notice = check_classification()
            took = time.perf_counter() - started
            if notice:
                print(f"note: {notice}")
            print(f"model: {model}  backend: {backend}  (loaded and classified in {took * 1000:.0f} ms)")
            print(f"sample: {'/'.join(SAMPLE)}")
            for rank, (label, probability) in enumerate(top, 1):
                print(f"  {rank}. {label}  {probability:.3f}")
            print(f"sidecars: XMP written and read back with {check_sidecars()}")
            if frozen and backend != "onnx":
                raise RuntimeError(f"the bundle used the {backend} backend; it should run onnxruntime")
            if frozen and "torch" in sys.modules:
                raise RuntimeError("torch was imported inside the bundle")
        except Exception as exc:  # the point is to report any failure as a clear message
            traceback.print_exc()
            print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            return 1
        finally:
            _restore_environment(saved)
    print("self-test passed", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
