"""A lazy grid's search: the ids in search()'s order, and the rows it reads say what matched."""

from __future__ import annotations

from resnet_desktop.core import search
from resnet_desktop.core.library import Library
from tests.test_library import ESPRESSO, TABBY, TIGER_CAT, add, preds


def test_search_ids_are_searchs_order_and_annotate_gives_its_matches(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    try:
        low = add(lib, tmp_path / "low.jpg", preds((TABBY, "tabby", 0.3)), taken_at="2024-01-03T00:00:00")
        high = add(
            lib, tmp_path / "high.jpg", preds((TIGER_CAT, "tiger cat", 0.95)), taken_at="2024-01-01T00:00:00"
        )
        mid = add(lib, tmp_path / "mid.jpg", preds((TABBY, "tabby", 0.6)), taken_at="2024-01-02T00:00:00")
        add(lib, tmp_path / "coffee.jpg", preds((ESPRESSO, "espresso", 0.9)))
        tagged = add(lib, tmp_path / "tagged.jpg", preds((ESPRESSO, "espresso", 0.9)))
        lib.set_user_tags(tagged, add=["cat"], remove=[])

        rows = search.search(lib, "cat", min_confidence=0.2)
        ids = search.search_ids(lib, "cat", min_confidence=0.2)
        assert ids == [r.id for r in rows] == [tagged, high, mid, low]  # a person's tag, then best label

        # the rows a grid reads later, a few at a time and in any order, say what search() says
        some = lib.photos_among([low, tagged])
        annotated = {
            r.id: (r.match, r.match_confidence) for r in search.annotate(lib, some, "cat", min_confidence=0.2)
        }
        expected = {r.id: (r.match, r.match_confidence) for r in rows if r.id in (low, tagged)}
        assert annotated == expected == {low: ("tabby", 0.3), tagged: ("cat", None)}
    finally:
        lib.close()


def test_sort_by_confidence_is_the_confidence_of_what_matched(tmp_path):
    """A search shows the matched label's confidence: sorting by confidence follows it, not the
    photo's top label (a tabby at 30% under a 95% tiger cat comes after a tabby at 60%)."""
    lib = Library(tmp_path / "lib.sqlite3")
    try:
        under = add(lib, tmp_path / "under.jpg", preds((TIGER_CAT, "tiger cat", 0.95), (TABBY, "tabby", 0.3)))
        top = add(lib, tmp_path / "top.jpg", preds((TABBY, "tabby", 0.6)))
        rows = search.search(lib, "tabby", min_confidence=0.2, sort="confidence", best_first=False)
        assert [(r.id, r.match_confidence) for r in rows] == [(top, 0.6), (under, 0.3)]
    finally:
        lib.close()
