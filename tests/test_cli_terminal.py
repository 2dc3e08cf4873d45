"""The CLI in a real terminal (a pseudo-terminal of a given width) and in a pipe, Ctrl-C, and the
first start on a system without the X11 libraries Qt needs."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.fakes import make_photo

REPO = Path(__file__).resolve().parents[1]
CTRL_S, CTRL_Q = b"\x13", b"\x11"  # what a terminal sends for Ctrl-S (pause output) and Ctrl-Q

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def index_cmd(library: Path, folder: Path, *extra: str) -> list[str]:
    # --model names the offline model, so no "weights not found" note is printed first
    return [
        sys.executable,
        "-m",
        "resnet_desktop",
        "index",
        str(folder),
        "--library",
        str(library),
        "--model",
        "efficientnet_lite0",
        *extra,
    ]


def open_terminal(columns: int) -> tuple[int, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    return master, slave


def read_all(master: int, proc: subprocess.Popen, timeout: float = 300) -> bytes:
    """Everything the program writes to the terminal until it exits."""
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            import select

            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        except OSError:  # the program exited and closed the terminal
            break
    return out


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "photos"
    for i in range(24):
        make_photo(folder / f"p{i:03d}.jpg", (200, 40 + i, 40), size=(640, 480))
    return folder


def test_progress_bar_fits_an_80_column_terminal(tmp_path, photos):
    master, slave = open_terminal(80)
    proc = subprocess.Popen(
        index_cmd(tmp_path / "lib.sqlite3", photos, "--batch-size", "2"),
        env=env(),
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    screen = read_all(master, proc).decode("utf-8", "replace")
    os.close(master)
    assert proc.wait(60) == 0, screen
    # Every redraw of the progress line fits, so it stays one line (the header above it is a
    # plain line holding the library's path, which may wrap once like any long path).
    segments = [s for line in screen.replace("\r\n", "\n").split("\n") for s in line.split("\r")]
    bars = [s for s in segments if "/24" in s]
    assert len(bars) >= 1 and max(len(s) for s in bars) <= 79, max(bars, key=len)
    assert bars and bars[-1].split()[1] == "24/24" and "photos/s" in bars[-1]
    assert "Indexed 24" in screen
    # the bar redraws one line in place: one line break for the bar, at the end
    assert screen.count("\n") <= 6, screen


def test_a_narrow_terminal_still_gets_one_line(tmp_path, photos):
    master, slave = open_terminal(40)
    proc = subprocess.Popen(
        index_cmd(tmp_path / "lib.sqlite3", photos), env=env(), stdin=slave, stdout=slave, stderr=slave
    )
    os.close(slave)
    screen = read_all(master, proc).decode("utf-8", "replace")
    os.close(master)
    assert proc.wait(60) == 0, screen
    progress = [s for s in screen.replace("\r\n", "\n").split("\r") if "/24" in s]
    assert progress and all(len(s.split("\n")[0]) <= 40 for s in progress)


def test_output_to_a_pipe_gets_only_the_summary(tmp_path, photos):
    done = subprocess.run(
        index_cmd(tmp_path / "lib.sqlite3", photos, "--batch-size", "2"),
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress lines in a log
    assert done.stdout.startswith("Indexed 24, unchanged 0") and len(done.stdout.splitlines()) == 2


def test_ctrl_c_during_index_keeps_the_library_consistent(tmp_path):
    """Deterministic: the person presses Ctrl-S (the terminal stops taking output) before the
    run starts, so the program stops at its first progress line, after its first batch is
    saved and long before the last. Then Ctrl-C, and Ctrl-Q to let the terminal go on."""
    folder = tmp_path / "many"
    for i in range(80):
        make_photo(folder / f"p{i:03d}.jpg", (200, 40 + i, 40), size=(800, 600))
    lib = tmp_path / "lib.sqlite3"
    master, slave = open_terminal(80)
    os.write(master, CTRL_S)
    proc = subprocess.Popen(
        index_cmd(lib, folder, "--batch-size", "4"),
        env=env(),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)

    def ok_count() -> int:
        try:
            with sqlite3.connect(f"file:{lib}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 240
    while ok_count() == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the program ended although its terminal was paused"
    proc.send_signal(signal.SIGINT)
    os.write(master, CTRL_Q)
    screen = read_all(master, proc, timeout=60).decode("utf-8", "replace")
    out = proc.stdout.read().decode()
    os.close(master)
    assert proc.wait(60) == 130, screen
    assert "Run the same command again" in screen and "Traceback" not in screen
    assert out == ""  # no summary: the run did not finish

    with sqlite3.connect(lib) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        done_before = db.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0]
        pending = db.execute("SELECT count(*) FROM photos WHERE status = 'pending'").fetchone()[0]
    assert 1 <= done_before < 80 and done_before + pending == 80

    result = subprocess.run(index_cmd(lib, folder), env=env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"Indexed {80 - done_before}, unchanged {done_before}" in result.stdout


# ---------------------------------------------------------------- the first start without xcb libraries

SIMULATE_MISSING = """
import ctypes, sys
real = ctypes.CDLL
class Loader(real):
    def __init__(self, name, *args, **kwargs):
        if name in {missing!r}:
            raise OSError(name + ": cannot open shared object file: No such file or directory")
        super().__init__(name, *args, **kwargs)
ctypes.CDLL = Loader
from resnet_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_first_start_names_the_missing_xcb_libraries_and_their_packages(tmp_path):
    """A desktop without libxcb-icccm4 and libxcb-keysyms1 (simulated: the loader refuses
    them): instead of Qt's abort (exit 134), one line saying what to install."""
    script = SIMULATE_MISSING.format(missing={"libxcb-icccm.so.4", "libxcb-keysyms.so.1"})
    run_env = {**env(), "DISPLAY": ":0", "RESNET_DESKTOP_CONFIG_DIR": str(tmp_path)}
    run_env.pop("QT_QPA_PLATFORM", None)
    run_env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=run_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert "libxcb-icccm.so.4" in line and "libxcb-keysyms.so.1" in line
    assert line.split("sudo apt install ")[1].startswith("libxcb-icccm4 libxcb-keysyms1")


def test_the_xcb_check_reads_what_the_plugin_really_needs():
    from resnet_desktop.gui import xcb

    needed = xcb.needed_system_libraries()
    assert {"libxcb.so.1", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"} <= set(needed)
    assert not any(n.startswith("libQt6") for n in needed)
    assert xcb.missing_libraries(["libc.so.6", "libdefinitely-not-here.so.9"]) == [
        "libdefinitely-not-here.so.9"
    ]
    assert xcb.will_use_xcb({"DISPLAY": ":0"}) and not xcb.will_use_xcb(
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}
    )
    assert not xcb.will_use_xcb(
        {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}
    )
