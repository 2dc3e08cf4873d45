"""Data files of ResNet Desktop (class names, categories, icons, translations).

This folder is installed as the package ``resnet_desktop.resources``; use
``resnet_desktop.core.resources.resource_path`` to find a file in it.
"""
