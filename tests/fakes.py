"""Test doubles and photo makers shared by the pipeline, CLI and GUI tests."""

from __future__ import annotations

import os
import threading
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from resnet_desktop.core.classify import Prediction, Result
from resnet_desktop.core.models import class_names


class ColourClassifier:
    """A deterministic stand-in for a Classifier: the label follows the photo's mean colour.

    It keeps the pipeline tests about the pipeline (scan, moves, resume, failures) and fast;
    the real models are exercised in test_classify.py and the end-to-end tests.
    """

    backend = "fake"
    input_size = 8
    resize_side = 32

    def __init__(self, model: str = "fake-colour") -> None:
        self.model = model
        self.names = class_names()
        self.batches: list[int] = []
        self.lock = threading.Lock()

    def preprocess(self, image: Image.Image) -> np.ndarray:
        small = image.convert("RGB").resize((8, 8), Image.BILINEAR)
        return np.asarray(small, dtype=np.float32).transpose(2, 0, 1) / 255.0

    def infer(self, batch: np.ndarray, top_k: int = 3) -> list[Result]:
        with self.lock:
            self.batches.append(len(batch))
        results = []
        for x in batch:
            r, g, b = (float(c) for c in x.reshape(3, -1).mean(axis=1))
            # red -> 'tabby' (281), green -> 'espresso' (967), blue -> 'sports car' (817)
            scores = {281: r, 967: g, 817: b}
            order = sorted(scores, key=lambda i: -scores[i])[:top_k]
            total = sum(scores.values()) or 1.0
            preds = [
                Prediction(rank=k + 1, class_index=i, label=self.names[i], probability=scores[i] / total)
                for k, i in enumerate(order)
            ]
            results.append(Result(predictions=preds, embedding=np.full(4, r, dtype=np.float32)))
        return results

    def classify(self, images, top_k: int = 3) -> list[Result]:
        return self.infer(np.stack([self.preprocess(i) for i in images]), top_k=top_k)


def make_photo(path: Path, colour=(200, 30, 30), size=(320, 240), fmt: str | None = None, **save_kw) -> Path:
    """A small photo with some texture (so JPEG sizes differ) in one dominant colour."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(zlib.crc32(os.fsencode(path.name) + bytes(colour)))
    base = np.array(colour, dtype=np.int16)
    noise = rng.integers(-20, 20, size=(size[1], size[0], 3))
    pixels = np.clip(base + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, format=fmt, **save_kw)
    return path


def record_result(
    lib,
    photo_id: int,
    predictions=(),
    *,
    model: str = "m",
    content_hash: str | None = None,
    embedding=None,
    size: int = 1,
    mtime_ns: int = 2,
    width: int | None = None,
    height: int | None = None,
) -> None:
    """``Library.save_result`` with the file facts a test does not look at."""
    lib.save_result(
        photo_id,
        size=size,
        mtime_ns=mtime_ns,
        content_hash=content_hash,
        width=width,
        height=height,
        taken_at=None,
        camera=None,
        model=model,
        predictions=list(predictions),
        embedding=embedding,
    )
