"""The PySide6 desktop application over :mod:`resnet_desktop.core`."""
