"""Export a model to ONNX once and cache it, keyed by the weights file's hash.

ONNX Runtime runs ResNet-18 on a CPU faster than eager torch, and a pre-exported file
lets the packaged app run without torch at all. The cache file is
``<model>-<sha256[:12]>.onnx``: new weights give a new name, so a stale export is never
used. It goes next to the weights when they sit in torch's hub cache (a folder we manage)
and otherwise into ``<data dir>/models/``: we do not write into a user's own folder or a
pip package's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from resnet_desktop.core.atomic import atomic_path
from resnet_desktop.core.paths import data_dir
from resnet_desktop.core.weights import WeightsError, checkpoints_dir

_EXIT_WEIGHTS_ERROR = 3

INPUT_NAME = "input"
OUTPUT_NAMES = ("logits", "embedding")
OPSET = 17


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def cache_dirs(weights_path: Path) -> list[Path]:
    """Folders an export for ``weights_path`` may live in, preferred first."""
    folders = []
    weights_dir = weights_path.resolve().parent
    if weights_dir == checkpoints_dir().resolve() and _writable(weights_dir):
        folders.append(weights_dir)
    folders.append(data_dir() / "models")
    return folders


def cache_name(model: str, weights_sha256: str) -> str:
    return f"{model}-{weights_sha256[:12]}.onnx"


def find_cached(model: str, weights_path: Path, weights_sha256: str) -> Path | None:
    """An existing export for exactly these weights, or None."""
    for folder in cache_dirs(weights_path):
        candidate = folder / cache_name(model, weights_sha256)
        if candidate.is_file() and candidate.stat().st_size > 0:
            return candidate
    return None


def export(model: str, weights_path: Path, out_path: Path, *, isolated: bool = True) -> Path:
    """Export ``model`` with ``weights_path`` to ``out_path`` (atomic; batch axis dynamic).

    The graph has one input ("input", N x 3 x 224 x 224 float32) and two outputs, the
    logits and the pooled embedding (see models.with_embedding).

    ``isolated`` runs the export in a child process. Importing torch and tracing the model
    holds the GIL for long stretches (the desktop app's window would freeze for a few
    hundred milliseconds at a time) and leaves several hundred MB of torch in the process
    for good; a child process gives both back when it exits.
    """
    if isolated and not getattr(sys, "frozen", False):  # a frozen app has no torch to export with
        return _export_in_child(model, weights_path, out_path)
    import torch

    from resnet_desktop.core.models import build_torch_model, get_spec, with_embedding

    spec = get_spec(model)
    net = with_embedding(model, build_torch_model(model, weights_path))
    dummy = torch.zeros(1, 3, spec.input_size, spec.input_size)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out_path) as tmp:
        with warnings.catch_warnings():
            # The TorchScript exporter is deprecated but needs no extra packages (the
            # torch.export one needs onnxscript); its warnings are not the user's business.
            warnings.simplefilter("ignore")
            try:
                torch.onnx.export(
                    net,
                    (dummy,),
                    str(tmp),
                    dynamo=False,
                    input_names=[INPUT_NAME],
                    output_names=list(OUTPUT_NAMES),
                    dynamic_axes={name: {0: "batch"} for name in (INPUT_NAME, *OUTPUT_NAMES)},
                    opset_version=OPSET,
                )
            except (TypeError, NotImplementedError, RuntimeError):
                batch = torch.export.Dim("batch", min=1, max=1024)
                torch.onnx.export(
                    net,
                    (dummy,),
                    str(tmp),
                    dynamo=True,
                    external_data=False,
                    input_names=[INPUT_NAME],
                    output_names=list(OUTPUT_NAMES),
                    dynamic_shapes=({0: batch},),
                )
        os.chmod(tmp, 0o644)  # mkstemp made it private; an export is no secret
    return out_path


def export_cached(model: str, weights_path: Path, weights_sha256: str) -> Path:
    """The cached export for these weights, exporting it first when there is none.

    In the hub cache, which holds one weights file per model, older exports of the same
    model are removed: they belong to weights that were replaced.
    """
    found = find_cached(model, weights_path, weights_sha256)
    if found is not None:
        return found
    last_error: OSError | None = None
    for folder in cache_dirs(weights_path):
        target = folder / cache_name(model, weights_sha256)
        try:
            export(model, weights_path, target)
        except OSError as exc:  # folder not writable after all: try the next one
            last_error = exc
            continue
        stale_exports = folder.glob(f"{model}-*.onnx") if folder == checkpoints_dir().resolve() else []
        for stale in stale_exports:
            if stale != target and len(stale.stem) == len(model) + 13:
                try:
                    stale.unlink()
                except OSError:
                    pass
        return target
    raise OSError(f"cannot write the ONNX export for {model}: {last_error}")


def _export_in_child(model: str, weights_path: Path, out_path: Path) -> Path:
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    command = [
        sys.executable,
        "-m",
        "resnet_desktop.core.onnx_export",
        model,
        str(weights_path),
        str(out_path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode == _EXIT_WEIGHTS_ERROR:
        raise WeightsError(result.stderr.strip())
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        if "Permission denied" in result.stderr or "No space left" in result.stderr:
            raise OSError(detail)
        raise RuntimeError(f"exporting {model} from {weights_path} to ONNX failed: {detail}")
    return out_path


if __name__ == "__main__":
    # python -m resnet_desktop.core.onnx_export MODEL WEIGHTS OUT  (used by export(isolated=True))
    _model, _weights, _out = sys.argv[1:4]
    try:
        export(_model, Path(_weights), Path(_out), isolated=False)
    except WeightsError as _exc:
        print(_exc, file=sys.stderr)
        raise SystemExit(_EXIT_WEIGHTS_ERROR) from None
