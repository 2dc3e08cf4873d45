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


# --------------------------------------------------------------------------- queries


def _fill(lib, n: int, seed: int = 3) -> None:
    """Photos with three labels each, many of them animals, some tagged by a person."""
    import random

    from resnet_desktop.core.classify import Prediction
    from resnet_desktop.core.models import class_names

    rng = random.Random(seed)
    names = class_names()
    common = [281, 207, 817, 967, 1, 340, 504]  # tabby, golden retriever, sports car, espresso...
    files = [
        (f"/photos/{i % 7}/p{i:04d}.jpg", 1000 + i, 1_600_000_000_000_000_000 + i * 10**9) for i in range(n)
    ]
    with lib.transaction():
        ids = lib.add_pending(files)
        for photo_id in ids:
            classes = rng.sample(common, 2) + [rng.randrange(1000)]
            classes = list(dict.fromkeys(classes))
            probs = [0.6, 0.25, 0.1][: len(classes)]
            lib.save_result(
                photo_id,
                size=1,
                mtime_ns=1,
                content_hash=None,
                width=1,
                height=1,
                taken_at=f"20{10 + photo_id % 14}-01-{1 + photo_id % 28:02d}T10:00:00",
                camera=None,
                model="m",
                predictions=[
                    Prediction(r + 1, c, names[c], p)
                    for r, (c, p) in enumerate(zip(classes, probs, strict=True))
                ],
            )
            if rng.random() < 0.05:
                lib.set_user_tags(photo_id, add=["holiday"], remove=[names[classes[0]]])


QUERIES = [
    {"search": "animals"},
    {"search": "animals", "min_confidence": 0.3},
    {"search": "espresso"},
    {"search": "dog"},
    {"search": "holiday"},
    {"search": "golden retriever", "min_confidence": 0.5},
    {"rule": {"labels_any": ["animals"]}},
    {"rule": {"labels_any": ["vehicles"], "min_confidence": 0.2}},
    {"rule": {"labels_all": ["cat", "animals"], "date_from": "2015-01-01"}},
]


def test_every_way_of_answering_a_query_gives_the_same_photos(tmp_path, monkeypatch):
    """A page is found by walking the sort order or by gathering the matches, a count from
    the category rows or from the predictions: each must agree with the plain query."""
    from resnet_desktop.core import library as library_module
    from resnet_desktop.core.library import Library

    lib = Library(tmp_path / "lib.sqlite3")
    _fill(lib, 400)
    for query in QUERIES:
        everything = lib.ids(**query)  # no limit: the plain gathering query
        assert everything, query
        for sort in ("taken", "name", "confidence"):
            full = lib.ids(sort=sort, **query)
            walked = lib.ids(sort=sort, limit=25, offset=5, **query)
            monkeypatch.setattr(library_module, "PAGE_WALK_BUDGET", 0)  # the walk always gives up
            gathered = lib.ids(sort=sort, limit=25, offset=5, **query)
            monkeypatch.undo()
            assert walked == gathered == full[5:30], (query, sort)
        kw = {k: v for k, v in query.items() if k != "min_confidence"}
        where, params = lib._where(query.get("rule"), query.get("search"), query.get("min_confidence", 0.0))
        plain = lib._db.execute(f"SELECT count(*) FROM photos ph WHERE {where}", params).fetchone()[0]
        assert lib.count(min_confidence=query.get("min_confidence", 0.0), **kw) == plain == len(everything)
    lib.close()


def test_a_removed_label_leaves_its_category(tmp_path):
    from resnet_desktop.core.classify import Prediction
    from resnet_desktop.core.library import Library

    lib = Library(tmp_path / "lib.sqlite3")
    [photo] = lib.add_pending([("/p/cat.jpg", 1, 1)])
    lib.save_result(
        photo,
        size=1,
        mtime_ns=1,
        content_hash=None,
        width=1,
        height=1,
        taken_at=None,
        camera=None,
        model="m",
        predictions=[Prediction(1, 281, "tabby", 0.8), Prediction(2, 817, "sports car", 0.1)],
    )
    assert lib.count(search="animals") == 1 and lib.count(rule={"labels_any": ["vehicles"]}) == 1
    assert lib.count(search="animals", min_confidence=0.9) == 0
    lib.set_user_tags(photo, remove=["tabby"])
    assert lib.count(search="animals") == 0 and lib.ids(search="animals", limit=10) == []
    lib.set_user_tags(photo, add=["tabby"])  # a person's tag brings it back
    assert lib.count(search="animals") == 1 and lib.ids(search="animals", limit=10) == [photo]
    lib.close()


def test_a_library_from_before_the_category_rows_finds_categories_after_upgrading(tmp_path, monkeypatch):
    from resnet_desktop.core import library as library_module
    from resnet_desktop.core.library import Library

    path = tmp_path / "lib.sqlite3"
    with monkeypatch.context() as m:
        m.setattr(library_module, "MIGRATIONS", library_module.MIGRATIONS[:1])
        m.setattr(library_module, "SCHEMA_VERSION", 1)
        m.setattr(Library, "_refresh_derived", _refresh_derived_v1)
        old = Library(path)
        _fill(old, 60)
        old.close()
    lib = Library(path)
    where, params = lib._where(None, "animals", 0.0)
    from resnet_desktop.core import albums

    listed = ",".join(map(str, sorted(albums.term_classes("animals"))))
    by_predictions = lib._db.execute(
        f"SELECT count(DISTINCT photo_id) FROM predictions WHERE hidden = 0 AND class_index IN ({listed})"
    ).fetchone()[0]
    tagged = lib.count(search="holiday")
    assert by_predictions > 0
    assert by_predictions <= lib.count(search="animals") <= by_predictions + tagged
    lib.close()


def _refresh_derived_v1(self, photo_id):
    """What the first schema kept up to date (no category rows yet)."""
    self._db.execute(
        "UPDATE predictions SET hidden = EXISTS (SELECT 1 FROM tags t "
        "WHERE t.photo_id = predictions.photo_id "
        "AND t.tag = predictions.label AND t.state = 'removed') WHERE photo_id = ?",
        (photo_id,),
    )
