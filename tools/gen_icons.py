"""Render resources/icons/resnet-desktop.svg to the hicolor PNG sizes desktops look for.

The PNGs are committed (resources/icons/hicolor/<N>x<N>/apps/resnet-desktop.png) so neither a
pip install nor the Debian package needs Qt to lay out icons. Run from the repository root
after changing the SVG: ``QT_QPA_PLATFORM=offscreen python tools/gen_icons.py``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    _app = QGuiApplication([])
    svg = ROOT / "resources" / "icons" / "resnet-desktop.svg"
    renderer = QSvgRenderer(str(svg))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        out = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "resnet-desktop.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
