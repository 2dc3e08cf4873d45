"""Before Qt starts on X11: find the system libraries its xcb platform plugin needs and name
the packages that provide the missing ones.

Without them Qt aborts the process (exit 134) with "Could not load the Qt platform plugin
xcb", and names the library that *was* found (the plugin) rather than the ones that were not.
This reads the plugin's own list of needed libraries (ELF DT_NEEDED of libqxcb.so and
libQt6XcbQpa), asks the dynamic loader for each, and turns the missing ones into an
``apt install`` line. No Qt is imported here.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

#: soname -> Debian/Ubuntu package (what Qt 6's xcb plugin links against).
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
}
#: Used when the plugin file cannot be read (what PySide6 6.x's xcb plugin needs).
FALLBACK_NEEDED = tuple(n for n in DEBIAN_PACKAGES if n.startswith(("libxcb", "libX11", "libxkb")))

_DT_NEEDED, _DT_STRTAB, _PT_DYNAMIC = 1, 5, 2


def will_use_xcb(environ: dict[str, str] | None = None) -> bool:
    """True when Qt is about to pick the xcb (X11) platform on this system."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland":
        return False  # Qt picks its wayland plugin first
    return bool(env.get("DISPLAY"))


def elf_needed(path: str | Path) -> list[str]:
    """The DT_NEEDED entries (sonames) of a 64- or 32-bit little-endian ELF shared library."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF file")
    is64 = data[4] == 2
    if is64:
        phoff, phentsize, phnum = (
            struct.unpack_from("<Q", data, 0x20)[0],
            *struct.unpack_from("<HH", data, 0x36),
        )
        ph_fmt, dyn_fmt = "<IIQQQQQQ", "<qQ"
    else:
        phoff, phentsize, phnum = (
            struct.unpack_from("<I", data, 0x1C)[0],
            *struct.unpack_from("<HH", data, 0x2A),
        )
        ph_fmt, dyn_fmt = "<IIIIIIII", "<iI"
    segments = []  # (type, offset, vaddr, filesz)
    for i in range(phnum):
        fields = struct.unpack_from(ph_fmt, data, phoff + i * phentsize)
        if is64:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = fields[:6]
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz = fields[:5]
        segments.append((p_type, p_offset, p_vaddr, p_filesz))
    dynamic = next((s for s in segments if s[0] == _PT_DYNAMIC), None)
    if dynamic is None:
        return []
    entries = []
    size = struct.calcsize(dyn_fmt)
    for off in range(dynamic[1], dynamic[1] + dynamic[3], size):
        tag, value = struct.unpack_from(dyn_fmt, data, off)
        if tag == 0:
            break
        entries.append((tag, value))
    strtab_vaddr = next((v for t, v in entries if t == _DT_STRTAB), None)
    if strtab_vaddr is None:
        return []
    # the string table's address -> its file offset, through the load segment holding it
    strtab = next(
        (o + strtab_vaddr - va for t, o, va, sz in segments if t == 1 and va <= strtab_vaddr < va + sz),
        strtab_vaddr,
    )
    names = []
    for tag, value in entries:
        if tag == _DT_NEEDED:
            end = data.index(b"\0", strtab + value)
            names.append(data[strtab + value : end].decode("ascii", "replace"))
    return names


def _qt_files() -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = Path(list(spec.submodule_search_locations)[0]) / "Qt"
    return [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]]


def needed_system_libraries(files: Iterable[Path] | None = None) -> list[str]:
    """Sonames the xcb plugin needs from the system (Qt's own libraries left out)."""
    needed: list[str] = []
    readable = False
    for path in _qt_files() if files is None else files:
        try:
            names = elf_needed(path)
        except (OSError, ValueError, struct.error, IndexError):
            continue
        readable = True
        for name in names:
            if name.startswith(("libQt6", "libpyside", "libshiboken", "libicu")) or name in needed:
                continue
            needed.append(name)
    return needed if readable else list(FALLBACK_NEEDED)


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    needed: Iterable[str] | None = None, loads: Callable[[str], bool] = _loads
) -> list[str]:
    """The needed sonames the dynamic loader cannot load (missing, or missing a dependency)."""
    return [name for name in (needed_system_libraries() if needed is None else needed) if not loads(name)]


def problem(environ: dict[str, str] | None = None) -> str | None:
    """One message naming the missing libraries and the packages to install, or None."""
    if not will_use_xcb(environ):
        return None
    missing = missing_libraries()
    if not missing:
        return None
    packages = sorted({DEBIAN_PACKAGES[n] for n in missing if n in DEBIAN_PACKAGES})
    unknown = [n for n in missing if n not in DEBIAN_PACKAGES]
    text = (
        f"the window needs X11 libraries that are not installed here: {', '.join(missing)}. "
        f"On Debian or Ubuntu: sudo apt install {' '.join(packages)}"
        if packages
        else f"the window needs X11 libraries that are not installed here: {', '.join(missing)}"
    )
    if packages and unknown:
        text += f" (and find the package for {', '.join(unknown)})"
    return text + ". The command line works without them: see `resnet-desktop --help`."
