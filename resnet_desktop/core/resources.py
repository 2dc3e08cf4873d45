"""Find the project's data files the same way from a checkout, a wheel and a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """Directory holding the contents of the repository's top-level ``resources/``.

    In a PyInstaller bundle it is ``<bundle>/resnet_desktop/resources`` (build.spec lays
    datas out like the package); installed, it is the package ``resnet_desktop.resources``
    (pyproject maps the top-level folder onto it); in a checkout it is ``resources/``.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resnet_desktop" / "resources"
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if (checkout / "__init__.py").is_file():
        return checkout
    import resnet_desktop.resources as package

    return Path(package.__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
