"""Optional INT8 models: ONNX Runtime static quantization, calibrated on the user's own photos.

INT8 runs the models two to three times faster on CPUs with VNNI, but its answers are not
exactly fp32's. So it is off by default, and it exists only together with a measurement of
how often it agrees with fp32 on real photos: half of the sample calibrates the
quantization, the other half is held out and both models classify it. The numbers are
saved beside the model and shown whenever INT8 is listed or used.

The INT8 file is derived from the fp32 ONNX file the classifier runs (``<stem>.int8.onnx``
in ``<data dir>/models``), so new weights, which give a new fp32 export, need a new
quantization. Quantizing needs the ``onnx`` package (a dependency of a normal install;
the packaged app does not have it and runs fp32).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from resnet_desktop.core.atomic import atomic_path, atomic_write
from resnet_desktop.core.paths import data_dir

if TYPE_CHECKING:
    from PIL import Image

    from resnet_desktop.core.classify import Classifier

INT8_SUFFIX = "+int8"
MIN_PHOTOS = 8


class Cancelled(Exception):
    """Making the INT8 model was cancelled; nothing was written."""


@dataclass
class Int8Report:
    """How the INT8 model compares with fp32 on photos it was not calibrated on."""

    model: str  # the fp32 model's name, e.g. "resnet18"
    calibration_photos: int
    evaluation_photos: int
    top1_agreement: float  # INT8's top label == fp32's top label
    top1_in_fp32_top3: float  # INT8's top label is among fp32's top 3
    speedup: float  # INT8 images/s over fp32 images/s, batch 16, measured here
    created: str

    def summary(self) -> str:
        return (
            f"on {self.evaluation_photos} of your photos it agrees with fp32 on the top label for "
            f"{self.top1_agreement:.0%} (its top label is in fp32's top 3 for {self.top1_in_fp32_top3:.0%}); "
            f"{self.speedup:.1f}x faster"
        )


def int8_path(fp32_onnx: Path) -> Path:
    return data_dir() / "models" / f"{fp32_onnx.stem}.int8.onnx"


def report_path(fp32_onnx: Path) -> Path:
    return data_dir() / "models" / f"{fp32_onnx.stem}.int8.json"


def load_report(fp32_onnx: Path) -> Int8Report | None:
    """The saved comparison for this fp32 export, or None when it has no INT8 model."""
    try:
        data = json.loads(report_path(fp32_onnx).read_text(encoding="utf-8"))
        report = Int8Report(**data)
    except (OSError, ValueError, TypeError):
        return None
    return report if int8_path(fp32_onnx).is_file() else None


def quantize(
    classifier: Classifier,
    images: Sequence[Image.Image],
    *,
    progress: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Int8Report:
    """Make the INT8 model for ``classifier`` (an fp32 ONNX classifier) from real photos.

    The first half of ``images`` calibrates; the second half is held out for the comparison,
    so pass different photos in each half (make_int8 takes a shuffled sample; a photo and a
    copy of it in different halves would flatter the figures). ``cancel`` stops the work
    between photos (Cancelled; nothing is written).
    """
    cancel = cancel or threading.Event()
    if classifier.backend != "onnx" or classifier.onnx_path is None:
        raise ValueError("INT8 models are made from the ONNX Runtime backend; use --backend onnx")
    if len(images) < MIN_PHOTOS:
        raise ValueError(
            f"at least {MIN_PHOTOS} photos are needed (half calibrate, half check); got {len(images)}"
        )
    say = progress or (lambda _message: None)
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    tensors = np.stack([classifier.preprocess(image) for image in images])
    half = len(tensors) // 2
    calibration, held_out = tensors[:half], tensors[half:]

    class Photos(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter([{"input": calibration[i : i + 1]} for i in range(len(calibration))])

        def get_next(self) -> dict[str, np.ndarray] | None:
            if cancel.is_set():
                raise Cancelled("making the INT8 model was cancelled")
            return next(self._batches, None)

    target = int8_path(classifier.onnx_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        prepared = Path(work) / "prepared.onnx"
        quantized = Path(work) / "int8.onnx"
        say(f"calibrating on {len(calibration)} photos")
        quant_pre_process(str(classifier.onnx_path), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(quantized),
            Photos(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )
        if cancel.is_set():
            raise Cancelled("making the INT8 model was cancelled")
        say(f"comparing with fp32 on {len(held_out)} other photos")
        from resnet_desktop.core.classify import _onnx_runner

        int8_run = _onnx_runner(quantized, None)
        fp32_logits, _ = classifier.forward(held_out)
        int8_logits, _ = int8_run(held_out)
        fp32_top3 = np.argsort(-fp32_logits, axis=1)[:, :3]
        int8_top1 = np.asarray(int8_logits).argmax(axis=1)
        report = Int8Report(
            model=classifier.model,
            calibration_photos=len(calibration),
            evaluation_photos=len(held_out),
            top1_agreement=float(np.mean(int8_top1 == fp32_top3[:, 0])),
            top1_in_fp32_top3=float(np.mean([t in row for t, row in zip(int8_top1, fp32_top3, strict=True)])),
            speedup=_speed(int8_run, held_out) / _speed(classifier.forward, held_out),
            created=time.strftime("%Y-%m-%dT%H:%M:%S"),
        )
        with atomic_path(target) as tmp:
            shutil.copyfile(quantized, tmp)
    with atomic_write(report_path(classifier.onnx_path)) as handle:
        handle.write(json.dumps(asdict(report), indent=2).encode("utf-8"))
    return report


def make_int8(
    classifier: Classifier,
    paths: Sequence[str],
    *,
    max_photos: int = 64,
    progress: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Int8Report:
    """quantize() on a spread of ``paths`` (the same sample each time), skipping unreadable ones."""
    import random

    from resnet_desktop.core.imaging import PhotoError, decode_photo

    paths = list(paths)
    random.Random(0).shuffle(paths)
    images = []
    for path in paths:
        if cancel is not None and cancel.is_set():
            raise Cancelled("making the INT8 model was cancelled")
        if len(images) >= max_photos:
            break
        try:
            images.append(decode_photo(path, min_side=classifier.resize_side).image)
        except PhotoError:
            continue
    return quantize(classifier, images, progress=progress, cancel=cancel)


def _speed(run: Callable[[np.ndarray], object], tensors: np.ndarray, rounds: int = 3) -> float:
    """Images per second for batches of 16 built from ``tensors``."""
    batch = np.resize(tensors, (16, *tensors.shape[1:])).astype(np.float32)
    run(batch)
    start = time.perf_counter()
    for _ in range(rounds):
        run(batch)
    return 16 * rounds / (time.perf_counter() - start)
