"""Large libraries: indexing memory that does not grow with the number of files, cheap re-runs."""

from __future__ import annotations

import os
import time

from resnet_desktop.core import pipeline
from resnet_desktop.core.pipeline import Indexer, scan
from tests.fakes import ColourClassifier, make_photo

RED, GREEN = (220, 20, 20), (20, 220, 20)


class SlowClassifier(ColourClassifier):
    """Inference slower than decoding (small photos on a busy machine): records how many
    decoded photos were waiting each time a batch reached the model."""

    def __init__(self) -> None:
        super().__init__()
        self.preprocessed = 0
        self.inferred = 0
        self.waiting: list[int] = []

    def preprocess(self, image):
        with self.lock:
            self.preprocessed += 1
        return super().preprocess(image)

    def infer(self, batch, top_k: int = 3):
        with self.lock:
            self.waiting.append(self.preprocessed - self.inferred)
        time.sleep(0.01)  # the model is the slow stage
        self.inferred += len(batch)
        return super().infer(batch, top_k)


def test_decoded_photos_do_not_pile_up_when_inference_is_slower(tmp_path):
    folder = tmp_path / "many"
    for i in range(60):
        make_photo(folder / f"p{i:02d}.png", RED, size=(40, 30))
    classifier = SlowClassifier()
    indexer = Indexer(tmp_path / "lib.sqlite3", lambda: classifier, batch_size=2, decode_threads=2)
    summary = indexer.run([str(folder)])
    assert summary.indexed == 60
    # At most two batches and one photo per decode thread are ever decoded ahead of the model.
    assert max(classifier.waiting) <= 2 * 2 + 2


def test_a_file_reached_twice_through_a_link_is_scanned_once(tmp_path):
    folder = tmp_path / "Pictures"
    photo = make_photo(folder / "a.jpg", RED)
    make_photo(folder / "b.jpg", GREEN)
    outside = make_photo(tmp_path / "elsewhere" / "c.jpg", GREEN)
    os.symlink(photo, folder / "link-to-a.jpg")
    os.symlink(outside, folder / "link-to-c.jpg")
    os.symlink(outside, folder / "second-link-to-c.jpg")
    found = sorted(os.path.basename(p) for p, _st in scan([folder, photo, folder / "a.jpg"]))
    assert found == ["a.jpg", "b.jpg", "link-to-c.jpg"]


def test_an_unchanged_rerun_only_looks_at_each_file(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    for i in range(30):
        make_photo(folder / f"sub{i % 3}" / f"p{i:02d}.jpg", RED, size=(40, 30))
    lib_path = tmp_path / "lib.sqlite3"
    Indexer(lib_path, ColourClassifier, batch_size=4).run([str(folder)])

    opened = []
    monkeypatch.setattr(pipeline, "read_photo_bytes", lambda p: opened.append(p) or b"")
    announced = []
    summary = Indexer(lib_path, ColourClassifier, batch_size=4).run(
        [str(folder)], on_scanned=announced.append
    )
    assert (summary.unchanged, summary.indexed, summary.retagged, summary.missing) == (30, 0, 0, 0)
    assert opened == [] and announced == []
