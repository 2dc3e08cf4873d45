"""Entry script of the PyInstaller bundle: the same ``resnet-desktop`` command as a pip install.

Kept apart from the package's ``__main__`` so PyInstaller analyses it as a plain script;
everything it does lives in ``resnet_desktop.cli`` (``--self-test`` included). The
``__main__`` guard keeps a stray import of this module from starting the app.
"""

if __name__ == "__main__":
    from resnet_desktop.cli import main

    raise SystemExit(main())
