"""A library with clustered embeddings, as a person's photos of a few subjects would give."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from tests.fakes import record_result

SUBJECTS = ("boat", "garden", "receipt", "street", "cat", "sky")


def clustered_library(
    path: Path, per_subject: int = 40, dim: int = 64, model: str = "m1", seed: int = 0, spread: float = 1.0
) -> tuple[Library, dict[str, list[int]], dict[int, str]]:
    """-> (library, subject -> photo ids, photo id -> file path). Files need not exist."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(SUBJECTS), dim))
    lib = Library(path)
    files = [
        (str(path.parent / "photos" / f"{s}_{i:03d}.jpg"), 1000 + i, 1)
        for s in SUBJECTS
        for i in range(per_subject)
    ]
    ids = lib.add_pending(files)
    by_subject: dict[str, list[int]] = {s: [] for s in SUBJECTS}
    with lib.transaction():
        for n, photo_id in enumerate(ids):
            k = n // per_subject
            by_subject[SUBJECTS[k]].append(photo_id)
            store_embedding(lib, photo_id, centres[k] + spread * rng.normal(size=dim), model)
    return lib, by_subject, {i: f for i, (f, _s, _m) in zip(ids, files, strict=True)}


def store_embedding(lib: Library, photo_id: int, vector, model: str) -> None:
    record_result(
        lib,
        photo_id,
        [Prediction(rank=1, class_index=409, label="analog clock", probability=0.2)],
        model=model,
        embedding=np.asarray(vector, dtype=np.float32),
        size=1000,
        mtime_ns=1,
        width=640,
        height=480,
    )


def tag(lib: Library, ids, label: str) -> None:
    with lib.transaction():
        for photo_id in ids:
            lib.set_user_tags(photo_id, add=[label])
