"""Batched classification with ONNX Runtime or torch: images -> top-k labels + embedding.

Preprocessing contract (what ``Classifier.preprocess`` does, for every model):

1. the image is RGB (``imaging.decode_photo`` guarantees it; anything else is converted);
2. resize so the shorter side is ``spec.resize_side`` (256) with PIL's BILINEAR filter,
   which antialiases when shrinking; the longer side is ``int(256 * long / short)``;
3. center crop ``spec.input_size`` (224), offsets ``int(round((side - 224) / 2))``;
4. scale to [0, 1] and normalise ``(x - mean) / std`` per channel, float32, CHW.

For resnet18 this is exactly torchvision's ``ResNet18_Weights.IMAGENET1K_V1.transforms()``
on a PIL image (same size arithmetic, same PIL call, same float32 arithmetic), which
tests/test_classify.py checks by comparing logits. For EfficientNet-Lite0 mean 127/255 and
std 128/255 give its (x*255 - 127) / 128. The photo may come from a JPEG draft decode
(libjpeg's 1/2..1/8 scaling, shorter side still >= 256): the resize then starts from
slightly different pixels, which changes logits a little but not the top labels (tested).

``preprocess`` is thread-safe (no shared state), so the decode pool runs it; ``infer`` is
called from one thread with batches of N x 3 x 224 x 224.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from resnet_desktop.core import onnx_export
from resnet_desktop.core.models import FALLBACK_MODEL, ModelSpec, class_names, get_spec
from resnet_desktop.core.weights import (
    WeightsError,
    WeightsInfo,
    fallback_notice,
    locate,
    select_model,
    sha256_file,
)


@dataclass
class Prediction:
    rank: int  # 1 = most likely
    class_index: int
    label: str
    probability: float  # 0..1


def prediction_json(p: Prediction) -> dict[str, int | str | float]:
    """The seed's JSON for one prediction (classify --json, serve): probability in percent, 2 decimals."""
    return {"rank": p.rank, "class": p.label, "probability": round(p.probability * 100.0, 2)}


@dataclass
class Result:
    predictions: list[Prediction]
    embedding: np.ndarray | None  # float32, 512-d for resnet18, 1280-d for efficientnet_lite0


Runner = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def available_backends() -> list[str]:
    """Backends that can run here, preferred first, described for people.

    e.g. ["onnx (onnxruntime 1.32.0)", "torch 2.14.1 (cpu)"]. Imports torch (to ask about
    CUDA) when it is installed, so call it for diagnostics, not on a hot path.
    """
    from importlib.metadata import PackageNotFoundError, version

    found = []
    if importlib.util.find_spec("onnxruntime") is not None:
        try:
            found.append(f"onnx (onnxruntime {version('onnxruntime')})")
        except PackageNotFoundError:  # a frozen app may lack the metadata
            found.append("onnx (onnxruntime)")
    if importlib.util.find_spec("torch") is not None:
        try:
            import torch

            found.append(f"torch {torch.__version__} ({'cuda' if torch.cuda.is_available() else 'cpu'})")
        except Exception:  # a broken torch install is not a usable backend
            pass
    return found


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits.astype(np.float64)
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


class Classifier:
    """One loaded model. Build it with ``load_classifier``."""

    def __init__(
        self,
        spec: ModelSpec,
        backend: str,
        runner: Runner,
        *,
        weights_path: Path | None = None,
        onnx_path: Path | None = None,
        device: str = "cpu",
    ) -> None:
        self.spec = spec
        self.model = spec.name
        self.backend = backend
        self.input_size = spec.input_size
        self.resize_side = spec.resize_side
        self.weights_path = weights_path
        self.onnx_path = onnx_path
        self.device = device
        self.int8_report = None  # core.quantize.Int8Report when this runs an INT8 model
        self._runner = runner
        self._labels = class_names()
        self._mean = np.asarray(spec.mean, dtype=np.float32)
        self._std = np.asarray(spec.std, dtype=np.float32)

    def __repr__(self) -> str:
        return f"Classifier({self.model!r}, backend={self.backend!r}, device={self.device!r})"

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """PIL image -> (3, input_size, input_size) float32, see the module docstring."""
        if image.mode != "RGB":
            image = image.convert("RGB")
        w, h = image.size
        side = self.resize_side
        if w <= h:
            new_w, new_h = side, int(side * h / w)
        else:
            new_w, new_h = int(side * w / h), side
        if (new_w, new_h) != (w, h):
            image = image.resize((new_w, new_h), Image.Resampling.BILINEAR)
        crop = self.input_size
        top = int(round((new_h - crop) / 2.0))
        left = int(round((new_w - crop) / 2.0))
        image = image.crop((left, top, left + crop, top + crop))
        x = np.asarray(image, dtype=np.uint8).astype(np.float32) / np.float32(255.0)
        x = (x - self._mean) / self._std
        return np.ascontiguousarray(x.transpose(2, 0, 1))

    def forward(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw (logits, embeddings) for a (N, 3, H, W) float32 batch."""
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        if batch.ndim != 4 or batch.shape[1:] != (3, self.input_size, self.input_size):
            raise ValueError(
                f"expected a (N, 3, {self.input_size}, {self.input_size}) batch, got {batch.shape}"
            )
        logits, embedding = self._runner(batch)
        return np.asarray(logits, dtype=np.float32), np.asarray(embedding, dtype=np.float32)

    def infer(self, batch: np.ndarray, top_k: int = 3) -> list[Result]:
        """Top-k predictions (most likely first) and the embedding for each image of the batch."""
        if len(batch) == 0:
            return []
        logits, embeddings = self.forward(batch)
        probs = softmax(logits)
        k = max(1, min(top_k, probs.shape[1]))
        results = []
        for row, emb in zip(probs, embeddings, strict=True):
            top = np.argsort(-row, kind="stable")[:k]
            preds = [
                Prediction(
                    rank=r + 1, class_index=int(i), label=self._labels[int(i)], probability=float(row[i])
                )
                for r, i in enumerate(top)
            ]
            results.append(Result(predictions=preds, embedding=emb.copy()))
        return results

    def classify(self, images: Sequence[Image.Image], top_k: int = 3) -> list[Result]:
        if not images:
            return []
        return self.infer(np.stack([self.preprocess(im) for im in images]), top_k=top_k)


# --------------------------------------------------------------------------- backends


def _threads(threads: int | None) -> int:
    return max(1, threads or os.cpu_count() or 1)


def _onnx_runner(path: Path, threads: int | None) -> Runner:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = _threads(threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    outputs = [o.name for o in session.get_outputs()]
    if len(outputs) != 2:
        raise WeightsError(
            f"{path} is not a ResNet Desktop export (outputs {outputs}, expected logits and embedding)."
        )

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits, embedding = session.run(outputs, {input_name: batch})
        return logits, embedding

    return run


def _torch_runner(model: str, weights_path: Path, threads: int | None, device: str) -> tuple[Runner, str]:
    import torch

    from resnet_desktop.core.models import build_torch_model, with_embedding

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        torch.set_num_threads(_threads(threads))
    net = with_embedding(model, build_torch_model(model, weights_path)).to(device)
    net = net.to(memory_format=torch.channels_last)

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            x = torch.from_numpy(batch).to(device).contiguous(memory_format=torch.channels_last)
            logits, embedding = net(x)
            return logits.float().cpu().numpy(), embedding.float().cpu().numpy()

    return run, device


def _weights_hash(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise WeightsError(f"{path} cannot be read ({exc.strerror or exc}).") from exc


def _build(spec: ModelSpec, info: WeightsInfo, backend: str, threads: int | None, device: str) -> Classifier:
    assert info.path is not None
    path = info.path
    if path.suffix == ".onnx":  # pre-exported at packaging time: no torch needed
        if backend == "torch":
            raise WeightsError(
                f"{path} is an ONNX export; the torch backend needs the .pth weights. Use --backend onnx."
            )
        try:
            runner = _onnx_runner(path, threads)
        except WeightsError:
            raise
        except Exception as exc:
            raise WeightsError(
                f"{path} cannot be loaded by ONNX Runtime ({exc}). Reinstall the app."
            ) from exc
        return Classifier(spec, "onnx", runner, onnx_path=path)

    if backend == "onnx":
        digest = _weights_hash(path)
        cached = onnx_export.find_cached(spec.name, path, digest)
        if cached is not None:
            try:
                return Classifier(
                    spec, "onnx", _onnx_runner(cached, threads), weights_path=path, onnx_path=cached
                )
            except Exception:
                cached.unlink(missing_ok=True)  # a broken cache file (e.g. disk full): export again
        try:
            exported = onnx_export.export_cached(spec.name, path, digest)
        except WeightsError:
            raise
        except ImportError as exc:
            raise WeightsError(
                f"Exporting {path} to ONNX needs torch, which is not installed ({exc})."
            ) from exc
        except RuntimeError as exc:  # the exporting child process failed
            raise WeightsError(f"{exc}. Try --backend torch, or reinstall torch.") from exc
        return Classifier(
            spec, "onnx", _onnx_runner(exported, threads), weights_path=path, onnx_path=exported
        )

    runner, used_device = _torch_runner(spec.name, path, threads, device)
    return Classifier(spec, "torch", runner, weights_path=path, device=used_device)


def load_classifier(
    model: str | None = None,
    weights: str | Path | None = None,
    backend: str = "auto",
    threads: int | None = None,
    *,
    device: str = "auto",
    precision: str = "fp32",
) -> tuple[Classifier, str | None]:
    """Load the model to use (see weights.select_model) on the best backend.

    ``precision="int8"`` runs the model's INT8 version (core.quantize), which must have
    been made first; its predictions are recorded as "<model>+int8".

    ``backend``: "auto" (ONNX Runtime when installed, else torch), "onnx" or "torch".
    ``device`` applies to torch ("auto" uses CUDA when available). A pre-exported bundled
    ONNX file, or a cached export of the weights, is used without importing torch.
    Returns the classifier and select_model's notice (None when the preferred model loaded).
    """
    if backend not in ("auto", "onnx", "torch"):
        raise ValueError(f"unknown backend {backend!r}; use auto, onnx or torch")
    if precision not in ("fp32", "int8"):
        raise ValueError(f"unknown precision {precision!r}; use fp32 or int8")
    classifier, notice = _load_fp32(model, weights, backend, threads, device)
    if precision == "int8":
        classifier = _int8_version(classifier, threads)
    return classifier, notice


def _load_fp32(
    model: str | None, weights: str | Path | None, backend: str, threads: int | None, device: str
) -> tuple[Classifier, str | None]:
    if backend == "auto":
        backend = "onnx" if importlib.util.find_spec("onnxruntime") is not None else "torch"
    spec, info, notice = select_model(model, weights, allow_onnx=backend != "torch")
    try:
        return _build(spec, info, backend, threads, device), notice
    except WeightsError as exc:
        # Weights we found ourselves turned out broken: fall back rather than refuse to work.
        if info.source in ("explicit", "environment") or spec.name == FALLBACK_MODEL:
            raise
        fallback_spec = get_spec(FALLBACK_MODEL)
        fallback = locate(FALLBACK_MODEL, allow_onnx=backend != "torch")
        if not fallback.usable:
            raise
        broken = WeightsInfo(spec.name, info.path, info.source, str(exc))
        return _build(fallback_spec, fallback, backend, threads, device), fallback_notice(broken)


def _int8_version(fp32: Classifier, threads: int | None) -> Classifier:
    from resnet_desktop.core import quantize

    if fp32.backend != "onnx" or fp32.onnx_path is None:
        raise WeightsError("INT8 models run on ONNX Runtime; leave out --backend torch.")
    report = quantize.load_report(fp32.onnx_path)
    if report is None:
        raise WeightsError(
            f"There is no INT8 version of {fp32.model} yet. Make one from your own photos with "
            "`resnet-desktop models quantize`; it reports how often it agrees with fp32."
        )
    path = quantize.int8_path(fp32.onnx_path)
    runner = _onnx_runner(path, threads)
    classifier = Classifier(fp32.spec, "onnx", runner, weights_path=fp32.weights_path, onnx_path=path)
    classifier.model = fp32.model + quantize.INT8_SUFFIX
    classifier.int8_report = report
    return classifier


__all__ = ["Classifier", "Prediction", "Result", "available_backends", "load_classifier", "softmax"]
