"""Installed like a desktop app: the menu entry, icons and "Open With", and one window per library."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from resnet_desktop import desktop_entry
from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
needs_validator = pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is Debian's desktop-file-utils (CI installs it)",
)


def _validate(path: Path) -> None:
    done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "share"),
        TMPDIR=str(tmp_path / "tmp"),
        **extra,
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


@needs_validator
def test_the_desktop_file_validates_and_opens_every_readable_type(tmp_path):
    path = tmp_path / "resnet-desktop.desktop"
    path.write_text(desktop_entry.desktop_file(), encoding="utf-8")
    _validate(path)
    keys = dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()[1:])
    assert keys["Exec"] == "resnet-desktop %F" and keys["Icon"] == "resnet-desktop"
    assert keys["Name[zh_CN]"] and keys["Comment[zh_CN]"] and keys["Terminal"] == "false"
    types = keys["MimeType"].rstrip(";").split(";")
    assert "inode/directory" in types
    import mimetypes

    for ext in SUPPORTED_EXTENSIONS:  # every file the app reads can be opened with it
        assert mimetypes.guess_type("x" + ext, strict=False)[0] in types, ext


@needs_validator
def test_an_exec_path_with_spaces_and_dollars_is_quoted_validly(tmp_path):
    path = tmp_path / "e.desktop"
    path.write_text(desktop_entry.desktop_file(["/home/a b/$venv/bin/resnet-desktop"]), encoding="utf-8")
    _validate(path)


def test_icons_come_at_the_usual_sizes_and_as_svg():
    found = {rel for _src, rel in desktop_entry.icon_files()}
    for size in (16, 24, 32, 48, 64, 128, 256):
        assert f"{size}x{size}/apps/resnet-desktop.png" in found
    assert "scalable/apps/resnet-desktop.svg" in found
    for src, rel in desktop_entry.icon_files():
        if rel.endswith(".png"):
            side = int(rel.split("x", 1)[0])
            with Image.open(src) as img:
                assert img.size == (side, side)
                # a drawn icon, not a blank square: several colours and transparent corners
                assert len(img.convert("RGBA").getcolors(1_000_000) or []) > 8
                assert img.convert("RGBA").getpixel((0, 0))[3] == 0


@needs_validator
def test_install_desktop_entry_for_the_user_and_uninstall_it(tmp_path):
    env = _env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "resnet_desktop", "--install-desktop-entry"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "applications menu" in done.stdout
    entry = tmp_path / "share" / "applications" / "resnet-desktop.desktop"
    _validate(entry)
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").rsplit(" %F", 1)[0].strip('"').split(" ")[0]
    assert Path(program).is_file() and os.access(program, os.X_OK), exec_line
    assert (tmp_path / "share/icons/hicolor/48x48/apps/resnet-desktop.png").is_file()
    assert (tmp_path / "share/icons/hicolor/scalable/apps/resnet-desktop.svg").is_file()

    done = subprocess.run(
        [sys.executable, "-m", "resnet_desktop", "--uninstall-desktop-entry"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and not entry.exists()
    assert not list((tmp_path / "share" / "icons").rglob("resnet-desktop.*"))


# -- one window per library --------------------------------------------------------------------------


def _library_paths(library: Path) -> set[str]:
    if not library.exists():
        return set()
    with sqlite3.connect(f"file:{library}?mode=ro", uri=True) as db:
        try:
            return {os.fsdecode(bytes(p)) for (p,) in db.execute("SELECT path FROM photos")}
        except sqlite3.OperationalError:  # not created yet
            return set()


def _start_first(tmp_path: Path, library: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "resnet_desktop", "--library", str(library)],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _second_start(tmp_path: Path, library: Path, *paths: Path) -> subprocess.CompletedProcess:
    """Start the app again (as a file manager's Open With does), until a window answers."""
    deadline = time.monotonic() + 60
    while True:
        done = subprocess.run(
            [sys.executable, "-m", "resnet_desktop", "--library", str(library), *map(str, paths)],
            env=_env(tmp_path), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if "already open" in done.stdout or time.monotonic() > deadline:
            return done
        time.sleep(0.5)  # the first window is still starting: this start opened a second one


def _wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_a_second_start_hands_its_photo_to_the_running_window(tmp_path, real_photos):
    library = tmp_path / "library.sqlite3"
    photo = tmp_path / "Pictures" / "coffee.png"
    photo.parent.mkdir()
    shutil.copy(real_photos["coffee"], photo)
    first = _start_first(tmp_path, library)
    try:
        assert _wait_for(lambda: library.exists()), first.stderr
        done = _second_start(tmp_path, library, photo)
        assert done.returncode == 0, done.stderr
        assert "already open on this library; gave it 1 photo or folder" in done.stdout
        assert _wait_for(lambda: str(photo) in _library_paths(library)), "the first window did not add it"
        assert first.poll() is None  # still running, one window
    finally:
        first.terminate()
        first.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Unix socket files")
def test_a_stale_socket_from_a_crashed_run_does_not_block_the_next_start(tmp_path):
    from resnet_desktop.gui.single_instance import server_name

    library = tmp_path / "library.sqlite3"
    (tmp_path / "tmp").mkdir()
    stale = tmp_path / "tmp" / server_name(library)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(stale))  # bound and never listened on: what a killed process leaves behind
    dead.close()
    assert stale.exists()

    first = _start_first(tmp_path, library)
    try:
        assert _wait_for(lambda: library.exists()), first.stderr
        done = _second_start(tmp_path, library)
        assert done.returncode == 0 and "already open" in done.stdout, done.stdout + done.stderr
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_in_the_terminal_closes_the_window_cleanly(tmp_path, real_photos, signal_name):
    """Ctrl-C where the window was started from closes it as its close button does, while it
    tags: exit 0, no traceback, the library intact (what was tagged stays)."""
    import signal

    folder = tmp_path / "Pictures"
    folder.mkdir()
    for name in ("coffee", "chelsea", "camera", "rocket"):
        shutil.copy(real_photos[name], folder / real_photos[name].name)
    library = tmp_path / "library.sqlite3"
    window = subprocess.Popen(
        [sys.executable, "-m", "resnet_desktop", "--library", str(library), str(folder)],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert _wait_for(lambda: len(_library_paths(library)) == 4), window.stderr
        window.send_signal(getattr(signal, signal_name))
        out, err = window.communicate(timeout=60)
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
    assert window.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    with sqlite3.connect(library) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM photos").fetchone() == (4,)
