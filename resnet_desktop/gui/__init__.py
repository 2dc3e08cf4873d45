"""The PySide6 desktop application over :mod:`resnet_desktop.core`."""

from resnet_desktop.gui._compat import make_none_immortal

make_none_immortal()
