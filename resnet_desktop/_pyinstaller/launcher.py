"""Entry script of the PyInstaller bundle: the same ``resnet-desktop`` command as a pip install.

Kept outside the package so PyInstaller analyses it as a plain script; everything it does
lives in ``resnet_desktop.cli`` (``--self-test`` included).
"""

from resnet_desktop.cli import main

raise SystemExit(main())
