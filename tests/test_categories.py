"""Broad WordNet categories over the ImageNet classes."""

from __future__ import annotations

import json
import re

from resnet_desktop.core import categories
from resnet_desktop.core.resources import resource_path


def index(name: str) -> int:
    names = json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8"))
    return names.index(name)


def test_known_classes_land_in_the_expected_categories():
    assert index("tabby") in categories.classes_in("Cats")
    assert index("lion") in categories.classes_in("cats")  # wild cats count (documented choice)
    assert index("golden retriever") in categories.classes_in("Dogs")
    assert index("espresso") in categories.classes_in("Drinks")
    assert index("espresso") in categories.classes_in("Food")
    assert index("sports car") in categories.classes_in("Vehicles")
    assert index("sports car") in categories.classes_in("Cars & trucks")
    assert index("canoe") in categories.classes_in("Boats")
    assert index("airliner") in categories.classes_in("Aircraft")
    assert index("volcano") in categories.classes_in("Landscapes & nature")
    assert index("daisy") in categories.classes_in("Plants & flowers")
    assert index("violin") in categories.classes_in("Musical instruments")
    assert index("laptop") in categories.classes_in("Electronics & devices")
    assert index("bald eagle") in categories.classes_in("Birds")
    assert index("goldfish") in categories.classes_in("Fish")
    assert index("church") in categories.classes_in("Buildings & structures")
    assert "Dogs" in categories.categories_of(index("beagle"))
    assert "Animals" in categories.categories_of(index("beagle"))
    assert "Dogs" not in categories.categories_of(index("hotdog"))
    assert "Cats" not in categories.categories_of(index("catamaran"))


def test_every_dog_breed_is_a_dog_and_nothing_else_is():
    dogs = categories.classes_in("Dogs")
    assert set(range(151, 269)) == dogs  # ImageNet's 118 breeds, and no wolves or foxes
    assert dogs <= categories.classes_in("Animals")


def test_names_are_humane_and_consistent():
    names = categories.category_names()
    assert 20 <= len(names) <= 40
    for name in names:
        assert re.fullmatch(r"[A-Z][a-z]+( (&|[a-z]+) ?[a-z]*)*", name), name
        members = categories.classes_in(name)
        assert members and all(0 <= i < 1000 for i in members)


def test_categories_agree_with_the_class_names_and_nest():
    """Checked against facts outside categories.json: the breed words in ImageNet's own
    labels, and the nesting of narrow categories in broad ones."""
    names = json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8"))
    breed_words = ("terrier", "retriever", "spaniel", "hound", "setter", "poodle", "schnauzer", "sheepdog")
    breeds = {i for i, n in enumerate(names) if any(w in n.lower() for w in breed_words)}
    assert len(breeds) > 40 and breeds <= categories.classes_in("Dogs")
    trucks = {i for i, n in enumerate(names) if "truck" in n.lower()}
    assert trucks and trucks <= categories.classes_in("Cars & trucks")
    for narrow, broad in [
        ("Dogs", "Animals"), ("Cats", "Animals"), ("Birds", "Animals"), ("Fish", "Animals"),
        ("Cars & trucks", "Vehicles"), ("Boats", "Vehicles"), ("Aircraft", "Vehicles"),
    ]:  # fmt: skip
        assert categories.classes_in(narrow) <= categories.classes_in(broad), (narrow, broad)
    # a class's categories list the broad one before the narrow one
    beagle = categories.categories_of(names.index("beagle"))
    assert beagle.index("Animals") < beagle.index("Dogs")


def test_search_words_map_to_categories():
    assert categories.categories_for_term("dog") == ["Dogs"]
    assert categories.categories_for_term("Kitten") == ["Cats"]
    assert categories.categories_for_term("ca") == []
    assert categories.classes_for_term("dogs") == categories.classes_in("Dogs")
    assert categories.classes_for_term("nothing-like-this") == set()
