"""Freedesktop integration: the menu entry, the icons and "Open With" for image files.

One place writes the ``.desktop`` file and lays out the hicolor icons, used twice:
- ``resnet-desktop --install-desktop-entry`` for the current user of a pip install
  (``$XDG_DATA_HOME/applications`` and ``$XDG_DATA_HOME/icons/hicolor``, via platformdirs);
- the Debian package (``/usr/share/applications``, ``/usr/share/icons/hicolor``).

No Qt here: the icons are PNGs rendered once from the SVG by ``tools/gen_icons.py`` and
committed under ``resources/icons/hicolor``.
"""

from __future__ import annotations

import mimetypes
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from resnet_desktop.core.imaging import SUPPORTED_EXTENSIONS
from resnet_desktop.core.messages import gettext as _
from resnet_desktop.core.resources import resource_path

APP_ID = "resnet-desktop"
DESKTOP_FILE = f"{APP_ID}.desktop"


def mime_types() -> list[str]:
    """The image types this installation reads (HEIC only with pillow-heif), plus folders."""
    types = {mimetypes.guess_type(f"x{ext}", strict=False)[0] for ext in SUPPORTED_EXTENSIONS}
    return sorted(t for t in types if t) + ["inode/directory"]


def _exec_arg(arg: str) -> str:
    """One argument of an Exec key, quoted the way the Desktop Entry spec asks."""
    if arg and not re.search(r'[\s"\'\\><~|&;$*?#()`%=]', arg):
        return arg
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg).replace("%", "%%") + '"'
    return quoted.replace("\\", "\\\\")  # the string escape of the key's value itself


def desktop_file(command: Sequence[str] = (APP_ID,)) -> str:
    """The ``.desktop`` entry; ``command`` starts the app (a name on PATH or absolute paths)."""
    program = " ".join(_exec_arg(a) for a in command)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=ResNet Desktop",
        "Name[zh_CN]=ResNet 相册",
        "GenericName=Photo Organizer",
        "GenericName[zh_CN]=照片管理器",
        "Comment=Tag, search and organize your photos offline",
        "Comment[zh_CN]=离线识别、搜索和整理你的照片",
        "Keywords=photo;picture;album;tag;search;classify;ImageNet;",
        "Keywords[zh_CN]=照片;图片;相册;标签;搜索;识别;",
        f"Exec={program} %F",
        f"TryExec={command[0]}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "StartupNotify=true",
        f"StartupWMClass={APP_ID}",
        "Categories=Graphics;Photography;Viewer;Qt;",
        "MimeType=" + ";".join(mime_types()) + ";",
    ]
    return "\n".join(lines) + "\n"


def icon_files() -> list[tuple[Path, str]]:
    """(source file, path under ``share/icons/hicolor``) for every icon size we ship."""
    hicolor = resource_path("icons", "hicolor")
    found = [(png, str(png.relative_to(hicolor))) for png in sorted(hicolor.glob("*/apps/*.png"))]
    found.append((resource_path("icons", f"{APP_ID}.svg"), f"scalable/apps/{APP_ID}.svg"))
    return found


def install(share: Path, command: Sequence[str] = (APP_ID,)) -> list[Path]:
    """Write the entry and icons under ``share`` (``.../share``); returns the files written."""
    written = []
    entry = share / "applications" / DESKTOP_FILE
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_file(command), encoding="utf-8")
    written.append(entry)
    for source, relative in icon_files():
        target = share / "icons" / "hicolor" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def uninstall(share: Path) -> list[Path]:
    removed = []
    for path in [share / "applications" / DESKTOP_FILE] + [
        share / "icons" / "hicolor" / rel for _src, rel in icon_files()
    ]:
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def user_share() -> Path:
    """``$XDG_DATA_HOME`` (``~/.local/share``): where a user's menu entries and icons live."""
    import platformdirs

    return Path(platformdirs.user_data_dir(appname=None, appauthor=False))


def this_program() -> list[str]:
    """The command that starts this installation: the frozen executable or the pip script."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name(APP_ID)
    found = script if script.exists() else shutil.which(APP_ID)
    return [str(found)] if found else [sys.executable, "-m", "resnet_desktop"]


def refresh_caches(share: Path) -> None:
    """Tell the desktop about the new entry and icons, where the usual tools exist."""
    for command in (
        ["update-desktop-database", "-q", str(share / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(share / "icons" / "hicolor")],
    ):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, capture_output=True)


def install_for_user() -> int:
    """``resnet-desktop --install-desktop-entry``."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        print("resnet-desktop: " + _("menu entries are installed this way on Linux only"), file=sys.stderr)
        return 2
    share = user_share()
    program = " ".join(this_program())
    written = install(share, this_program())
    refresh_caches(share)
    print(_("Installed the menu entry for ResNet Desktop ({program}):", program=program))
    print(f"  {written[0]}")
    print(_("  and {n} icons under {folder}", n=len(written) - 1, folder=share / "icons" / "hicolor"))
    print(_("It appears in your applications menu and in your file manager's Open With for photos."))
    return 0


def uninstall_for_user() -> int:
    share = user_share()
    removed = uninstall(share)
    refresh_caches(share)
    if removed:
        print(_("Removed {n} files of the ResNet Desktop menu entry.", n=len(removed)))
    else:
        print(_("Nothing to remove."))
    return 0


__all__ = [
    "APP_ID",
    "desktop_file",
    "icon_files",
    "install",
    "install_for_user",
    "mime_types",
    "uninstall",
    "uninstall_for_user",
]
