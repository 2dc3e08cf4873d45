"""Similar photos and duplicates: the engine (core.embeddings, core.duplicates) on the labelled
set of real photos and their edits (tests/dupset.py), and on libraries built in the test."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from resnet_desktop.core import duplicates
from resnet_desktop.core import embeddings as emb
from resnet_desktop.core.library import Library
from resnet_desktop.core.pipeline import Indexer
from tests import dupset
from tests.fakes import ColourClassifier, make_photo


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """The quick labelled set, tagged by the offline EfficientNet-Lite0 into a library."""
    from resnet_desktop.core.classify import load_classifier

    root = tmp_path_factory.mktemp("dupset")
    items = dupset.build(root / "set", quick=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TORCH_HOME", str(root / "torch"))
        classifier, _ = load_classifier("efficientnet_lite0", backend="torch", threads=2)
    library = root / "lib.sqlite3"
    summary = Indexer(library, lambda: classifier).run([root / "set"])
    assert summary.indexed == len(items) and not summary.failed
    return items, library


def test_tiers_on_the_labelled_set(labelled):
    items, library = labelled
    with Library(library) as lib:
        groups = duplicates.find_groups(lib, include_similar=True)
    found = dupset.found_kinds(groups)
    by_path = {str(i.path): i for i in items}
    wrong = []
    for a, b in itertools.combinations(sorted(by_path), 2):
        truth = dupset.truth(by_path[a], by_path[b])
        got = found.get((a, b), "different")
        if truth != got:
            wrong.append(f"{Path(a).name} ~ {Path(b).name}: {truth}, found {got}")
    # every edit (5% crop at quality 55, EXIF turn, half size...) is found as near, every burst
    # as similar, and the other corner of the same star field is in no group; blank scans,
    # skies and black frames are nobody's copy but their own copies
    assert wrong == []
    assert {g.kind for g in groups} == {"exact", "near", "similar"}


def test_each_photo_is_in_one_group_of_copies(labelled):
    _, library = labelled
    with Library(library) as lib:
        groups = duplicates.find_groups(lib)
    seen = [m.photo.name for g in groups for m in g.members]
    assert sorted(seen) == sorted(set(seen))  # nobody twice
    by_name = {m.photo.name: g for g in groups for m in g.members}
    # chelsea.png has a byte copy and edited copies: one near group holds them all, and the
    # byte copy is 0 from the original (whichever of the two is kept)
    chelsea = by_name["chelsea.png"]
    assert chelsea.kind == "near" and by_name["chelsea-copy.png"] is chelsea
    assert {"chelsea-resaved.jpg", "chelsea-crop5-q55.jpg", "chelsea-rotated.jpg"} <= _names(chelsea)
    twins = {m.photo.name: m.distance for m in chelsea.members if m.photo.name.startswith("chelsea")}
    if chelsea.keep.photo.name in ("chelsea.png", "chelsea-copy.png"):
        assert {twins["chelsea.png"], twins["chelsea-copy.png"]} == {0.0}
    # a byte copy with no edited copy stays an exact group of its own
    brick = by_name["brick.jpg"]
    assert brick.kind == "exact" and _names(brick) == {"brick.jpg", "brick-copy.jpg"}


def test_without_similar_only_copies_are_grouped(labelled):
    _, library = labelled
    with Library(library) as lib:
        kinds = {g.kind for g in duplicates.find_groups(lib)}
    assert kinds == {"exact", "near"}


def test_keep_suggestion_prefers_a_persons_tags_then_pixels(labelled):
    _, library = labelled
    with Library(library) as lib:
        half = lib.get_by_path(next(p for p in _paths(lib) if p.endswith("coffee-half.png")))
        lib.set_user_tags(half.id, add=["breakfast"])
        groups = duplicates.find_groups(lib)
        coffee = next(g for g in groups if g.kind == "near" and "coffee-half.png" in _names(g))
        assert coffee.keep.photo.id == half.id and "has your tags or albums" in coffee.keep_reasons
        lib.set_user_tags(half.id, remove=["breakfast"])
        lib._db.execute("DELETE FROM tags WHERE photo_id = ?", (half.id,))
        coffee = next(
            g for g in duplicates.find_groups(lib) if g.kind == "near" and "coffee-half.png" in _names(g)
        )
        assert coffee.keep.photo.width == 600 and any(r.startswith("largest") for r in coffee.keep_reasons)
        assert all(0.0 <= m.distance < 0.15 for m in coffee.others)


def _paths(lib):
    return [r.path for r in lib.photos()]


def _names(group) -> set[str]:
    return {m.photo.name for m in group.members}


def test_similar_is_best_first_without_the_photo_itself(labelled):
    _, library = labelled
    with Library(library) as lib:
        chelsea = lib.get_by_path(next(p for p in _paths(lib) if p.endswith("/chelsea.png")))
        matches = duplicates.similar(lib, chelsea.id, limit=8)
    names = [m.photo.name for m in matches]
    assert "chelsea.png" not in names and len(matches) == 8
    assert names[0] == "chelsea-copy.png" and matches[0].similarity == pytest.approx(1.0, abs=1e-3)
    sims = [m.similarity for m in matches]
    assert sims == sorted(sims, reverse=True)
    assert sum(n.startswith("chelsea") for n in names[:6]) == 6  # its edits come before anything else


# --------------------------------------------------------------------------- embeddings module


def _tagged_library(tmp_path: Path, n: int = 4, model: str = "fake-colour") -> Path:
    folder = tmp_path / "photos"
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (120, 120, 120), (200, 200, 30)]
    for i in range(n):
        make_photo(folder / f"p{i}.png", colour=colours[i % len(colours)])
    library = tmp_path / "lib.sqlite3"
    Indexer(library, lambda: ColourClassifier(model)).run([folder])
    return library


def test_matrix_is_cached_until_the_library_changes(tmp_path):
    library = _tagged_library(tmp_path)
    with Library(library) as lib:
        first = emb.load(lib, "fake-colour")
        assert len(first) == 4 and first.vectors.dtype == np.float16
        assert np.allclose(np.linalg.norm(first.vectors.astype(np.float32), axis=1), 1.0, atol=1e-3)
        assert emb.load(lib, "fake-colour") is first
        # another connection (another thread or process) forgets a photo: the cache notices
        with Library(library) as other:
            other.remove([int(first.ids[0])])
        second = emb.load(lib, "fake-colour")
        assert second is not first and len(second) == 3 and first.ids[0] not in second.ids


def test_models_are_never_mixed_and_missing_ones_are_computed(tmp_path):
    library = _tagged_library(tmp_path)
    with Library(library) as lib:
        ids = [r.id for r in lib.photos()]
        labels_before = {i: lib.predictions(i) for i in ids}
        assert emb.missing(lib, "fake-other") == sorted(ids)
        assert len(emb.load(lib, "fake-other")) == 0
        with pytest.raises(duplicates.DuplicatesError, match="no fake-other embedding yet"):
            duplicates.similar(lib, ids[0], model="fake-other")
    progress = []
    summary = emb.compute_missing(
        library, ColourClassifier("fake-other"), batch_size=3, on_progress=progress.append
    )
    assert summary.computed == 4 and not summary.failed
    assert [(p.done, p.total) for p in progress] == [(0, 4), (3, 4), (4, 4)]
    with Library(library) as lib:
        assert emb.missing(lib, "fake-other") == []
        assert emb.model_counts(lib) == {"fake-colour": 4, "fake-other": 4}
        assert {i: lib.predictions(i) for i in ids} == labels_before  # labels untouched
        assert len(duplicates.similar(lib, ids[0], model="fake-other")) == 3


def test_bad_input_gets_a_reason(tmp_path):
    library = _tagged_library(tmp_path, n=1)
    with Library(library) as lib:
        only = lib.photos()[0]
        assert duplicates.similar(lib, only.id) == []  # nobody else to compare with
        assert duplicates.find_groups(lib, include_similar=True) == []
        with pytest.raises(duplicates.DuplicatesError, match="not in the library"):
            duplicates.similar(lib, 999)
        (pending,) = lib.add_pending([(tmp_path / "new.jpg", 1, 1)])
        with pytest.raises(duplicates.DuplicatesError, match="not been tagged yet"):
            duplicates.similar(lib, pending)
    with Library(tmp_path / "empty.sqlite3") as lib:
        assert duplicates.find_groups(lib) == []


def test_index_search_matches_brute_force_above_one_cell():
    rng = np.random.default_rng(1)
    n, d = 9000, 64
    centres = rng.standard_normal((60, d))
    x = centres[rng.integers(0, 60, n)] + 0.8 * rng.standard_normal((n, d))
    x[1::500] = x[0::500] + 0.01 * rng.standard_normal((18, d))  # planted near pairs
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float16)
    index = duplicates.VectorIndex(x)
    assert len(index.centroids) > 1
    agree = 0
    for q in range(0, n, 450):
        exact = set(np.argsort(-(x.astype(np.float32) @ x[q].astype(np.float32)))[:10].tolist())
        agree += len(exact & set(index.search(x[q], 10)[0].tolist()))
    assert agree >= 0.97 * 10 * len(range(0, n, 450))
    pairs = index.pairs(0.99)
    assert {(i, i + 1) for i in range(0, n, 500)} <= set(pairs)


# --------------------------------------------------------------------------- acting on a group


def test_move_to_trash_uses_the_trash_and_merges_onto_the_kept_one(tmp_path, temporary_trash):
    library = _tagged_library(tmp_path, n=3)
    with Library(library) as lib:
        keep, copy, _ = lib.photos(sort="name")
        lib.set_user_tags(copy.id, add=["holiday"])
        lib.create_album("Trip")
        lib.add_to_album("Trip", [copy.id])
        duplicates.merge_onto(lib, keep.id, [copy.id])
        assert "holiday" in {t.tag for t in lib.tags(keep.id)}
        assert {r.id for r in lib.album_photos("Trip")} == {keep.id, copy.id}
        failed = duplicates.move_to_trash(lib, [copy.id])
        assert failed == []
        assert not Path(copy.path).exists() and Path(keep.path).exists()
        trashed = list((temporary_trash / "files").iterdir())
        assert [p.name for p in trashed] == [Path(copy.path).name]
        assert lib.get(copy.id) is None and lib.get(keep.id) is not None


def test_photos_tagged_before_fingerprints_get_them_when_needed(tmp_path, real_photos):
    from PIL import Image

    from resnet_desktop.core.thumbs import ThumbCache

    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "coffee.png").write_bytes(real_photos["coffee"].read_bytes())
    (folder / "chelsea.png").write_bytes(real_photos["chelsea"].read_bytes())
    with Image.open(real_photos["coffee"]) as img:
        img.resize((300, 200)).save(folder / "coffee-small.jpg", quality=70)
    library = tmp_path / "lib.sqlite3"
    thumbs = ThumbCache(tmp_path / "thumbs")
    Indexer(library, lambda: ColourClassifier(), thumbs=thumbs).run([folder])
    with Library(library) as lib:
        lib._db.execute("DELETE FROM fingerprints")  # as in a library tagged before this feature
        (folder / "chelsea.png").unlink()  # its thumbnail is enough
        progress: list[duplicates.Progress] = []
        groups = duplicates.find_groups(lib, thumbs=thumbs, on_progress=progress.append)
        assert [(p.done, p.total) for p in progress if p.stage == "fingerprints"] == [(3, 3)]
        assert lib._db.execute("SELECT count(*) FROM fingerprints").fetchone()[0] == 3
    assert [sorted(m.photo.name for m in g.members) for g in groups] == [["coffee-small.jpg", "coffee.png"]]


def test_featureless_photos_are_not_near_copies_of_each_other(tmp_path):
    """Blank scans, clear skies and black frames have fingerprints of smooth shading only, which
    correlate with any other smooth shading; only their real copies are grouped."""
    folder = tmp_path / "flat"
    folder.mkdir()
    dupset.flat_photos(folder)
    library = tmp_path / "lib.sqlite3"
    Indexer(library, lambda: ColourClassifier()).run([folder])
    with Library(library) as lib:
        groups = duplicates.find_groups(lib, include_similar=True)
    assert sorted((g.kind, sorted(_names(g))) for g in groups) == [
        ("near", ["scan-a-resaved.jpg", "scan-a.png"]),
        ("near", ["sky-a-half.png", "sky-a.jpg"]),
    ]


def test_a_flat_fingerprint_needs_the_same_grey_levels():
    ramp = np.tile(np.linspace(120, 200, 32), (32, 1)).astype(np.uint8)
    brighter = np.clip(ramp.astype(int) + 12, 0, 255).astype(np.uint8)
    assert duplicates.detail(np.stack([ramp]))[0] < duplicates.FLAT_DETAIL
    # the correlation alone calls them the same (it ignores level and contrast)...
    assert duplicates.spatial_similarity(ramp, brighter)[0] > 0.99
    # ...the flat test does not, but accepts the same ramp turned a quarter
    assert not duplicates.flat_match(ramp, brighter)
    assert duplicates.flat_match(ramp, np.rot90(ramp))
    photo = np.random.default_rng(0).integers(0, 255, (32, 32)).astype(np.uint8)
    assert duplicates.detail(np.stack([photo]))[0] > 7
