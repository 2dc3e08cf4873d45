"""Turn the PyInstaller folder into a Debian package with Debian's own ``dpkg-deb``.

``python -m resnet_desktop.build --deb`` (or ``python -m resnet_desktop.build_deb`` on a folder
already built) makes ``dist/resnet-desktop_<version>_<arch>.deb``, which installs:

    /opt/resnet-desktop/                    the bundle, as built
    /usr/bin/resnet-desktop                 a link to /opt/resnet-desktop/resnet-desktop
    /usr/share/applications/resnet-desktop.desktop
    /usr/share/icons/hicolor/*/apps/resnet-desktop.{png,svg}
    /usr/share/doc/resnet-desktop/copyright

and nothing else: no maintainer scripts (the desktop database and icon cache are refreshed by
the dpkg triggers of desktop-file-utils and the icon themes). ``Depends`` names the system
libraries the bundle's Qt needs that a desktop usually has but a minimal system may not (the
xcb libraries of the X11 platform plugin, fontconfig, EGL/GL, D-Bus), and the glibc the build
machine's wheels require.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from resnet_desktop import __version__, desktop_entry

PACKAGE = "resnet-desktop"
INSTALL_DIR = Path("opt") / PACKAGE
#: Libraries Qt's xcb platform plugin and the bundle's Qt load from the system (Debian names).
DEPENDS = (
    "libc6 (>= 2.34)",
    "libfontconfig1",
    "libfreetype6",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-xfixes0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libdbus-1-3",
    "libglib2.0-0",
)
#: What must never ship: build and test leftovers, caches.
UNWANTED_PARTS = ("__pycache__", ".pytest_cache", "tests", ".git")
UNWANTED_SUFFIXES = (".pyc", ".pth", ".log")


class DebError(Exception):
    """The package cannot be made; the message says why."""


def architecture() -> str:
    if shutil.which("dpkg") is None:
        raise DebError("dpkg is not installed here: build the .deb on Debian or Ubuntu")
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _control(arch: str, installed_kb: int) -> str:
    return "\n".join(
        [
            f"Package: {PACKAGE}",
            f"Version: {__version__}",
            f"Architecture: {arch}",
            "Maintainer: ResNet Desktop developers <maintainers@resnet-desktop.invalid>",
            f"Installed-Size: {installed_kb}",
            "Depends: " + ", ".join(DEPENDS),
            "Section: graphics",
            "Priority: optional",
            "Homepage: https://github.com/resnet-desktop/resnet-desktop",
            "Description: offline photo organizer that tags photos with ImageNet labels",
            " Drag photos or folders onto the window; a ResNet-18 (or the offline",
            " EfficientNet-Lite0) tags each with its top labels in the background. Browse",
            " them in an album grid, smart albums and search. Nothing leaves the computer,",
            " and photo files are never modified.",
            "",
        ]
    )


def _copyright() -> str:
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {PACKAGE}\n\nFiles: *\nLicense: MIT\n"
        " The bundled Python, Qt (LGPLv3), onnxruntime (MIT), numpy and Pillow keep their\n"
        " own licenses, shipped beside them under /opt/resnet-desktop/_internal.\n"
    )


def check_bundle(bundle: Path) -> Path:
    executable = bundle / PACKAGE
    if not executable.is_file():
        raise DebError(
            f"{bundle} holds no {PACKAGE} executable: build it first (python -m resnet_desktop.build)"
        )
    unwanted = [
        p
        for p in bundle.rglob("*")
        if any(part in UNWANTED_PARTS for part in p.relative_to(bundle).parts)
        or p.suffix in UNWANTED_SUFFIXES
    ]
    if unwanted:
        raise DebError(f"the bundle holds build or test leftovers, e.g. {unwanted[0]}; rebuild it cleanly")
    return executable


def stage(bundle: Path, root: Path) -> None:
    """Lay out the package's files under ``root`` as they will be installed."""
    check_bundle(bundle)
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"/{INSTALL_DIR}/{PACKAGE}", root / "usr" / "bin" / PACKAGE)
    desktop_entry.install(root / "usr" / "share", [PACKAGE])
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(), encoding="utf-8")
    for path in root.rglob("*"):  # files 644 (executables 755), folders 755, whatever the umask
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if os.access(path, os.X_OK) else 0o644)


def build_deb(bundle: Path, out_dir: Path, compression: str = "zstd") -> Path:
    """Make ``<out_dir>/resnet-desktop_<version>_<arch>.deb`` from a built bundle folder.

    zstd: fast to make (seconds, not the minutes xz takes on two cores for 290 MB) and read by
    the dpkg of every system the bundle runs on (Debian 12 and Ubuntu 22.04 onwards; the
    PySide6 wheels need their glibc 2.34 anyway). xz gives a smaller file for older dpkg.
    """
    if shutil.which("dpkg-deb") is None:
        raise DebError("dpkg-deb is not installed here: build the .deb on Debian or Ubuntu")
    arch = architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{__version__}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="resnet-desktop-deb-") as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root)
        size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        (root / "DEBIAN").mkdir(mode=0o755)
        (root / "DEBIAN" / "control").write_text(_control(arch, size_kb), encoding="utf-8")
        done = subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(target)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise DebError(f"dpkg-deb failed: {done.stderr.strip()}")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m resnet_desktop.build_deb",
        description="Make a .deb from the PyInstaller folder (first: python -m resnet_desktop.build).",
    )
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--bundle", type=Path, default=root / "dist" / "ResNet Desktop")
    parser.add_argument("--out", type=Path, default=root / "dist")
    parser.add_argument("--compression", choices=("zstd", "xz", "gzip"), default="zstd")
    args = parser.parse_args(argv)
    try:
        deb = build_deb(args.bundle, args.out, args.compression)
    except DebError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(f"built {deb}: {deb.stat().st_size / 1e6:.0f} MB")
    print(f"install it with: sudo apt install {deb if deb.is_absolute() else './' + str(deb)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
