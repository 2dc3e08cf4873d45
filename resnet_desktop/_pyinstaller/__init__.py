"""Build-time support for the PyInstaller bundle (used by build.spec; not shipped in it).

``pyi_rth_resnet_desktop.py`` (runtime hook) and ``launcher.py`` (entry script) are
files PyInstaller runs inside the frozen app; ``spec_support`` holds the spec's logic
so it can be unit-tested without running PyInstaller.
"""
