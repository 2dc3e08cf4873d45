"""Write resources/categories.json: broad, humane categories over the 1000 ImageNet classes.

ImageNet's classes are WordNet 3.0 noun synsets (a class's wnid ``n02084071`` is the synset
offset ``02084071``), so a class belongs to a category when one of the category's WordNet
ancestor synsets is among the class's hypernyms. The WordNet database is Debian's
``wordnet-base`` (``/usr/share/wordnet/data.noun``, parsed here: no nltk), the class wnids in
model output order come from timm's ``imagenet_synsets.txt`` (read from the timm wheel or a
plain text file). Both are needed only to run this generator; the app reads the JSON.

Run from the repository root::

    apt-get install wordnet-base
    pip download --no-deps -d /tmp/timm timm
    python tools/gen_categories.py --synsets /tmp/timm/timm-*.whl
"""

from __future__ import annotations

import argparse
import glob
import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (keywords a search term may equal, WordNet ancestor offsets, extra class names,
# excluded class names). Extras and exclusions fix the few places where WordNet's taxonomy and
# a person's idea of the category part ways (a "menu" is not food you can photograph; an ear of
# corn is a vegetable although WordNet files it under plants).
CATEGORIES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "Animals": (["animal", "animals", "wildlife"], ["00015388"], [], []),
    "Dogs": (["dog", "dogs", "puppy"], ["02084071"], [], []),
    # All felines: house cats and wild cats. The model often confuses a pet tabby with a
    # lynx or a tiger, so "cat" finding both is what a person searching their photos wants.
    "Cats": (["cat", "cats", "kitten"], ["02120997"], [], []),
    "Birds": (["bird", "birds"], ["01503061"], [], []),
    "Fish": (["fish", "fishes"], ["02512053"], [], []),
    "Reptiles & amphibians": (
        ["reptile", "reptiles", "amphibian", "amphibians"],
        ["01661091", "01627424"],
        [],
        [],
    ),
    "Insects & spiders": (
        ["insect", "insects", "bug", "bugs", "spider", "spiders"],
        ["02159955", "01769347"],
        [],
        [],
    ),
    "Food": (
        ["food", "meal", "dish"],
        ["00021265", "07555863", "07566340"],
        ["corn", "ear"],
        ["menu", "hay"],
    ),
    "Fruit & vegetables": (
        ["fruit", "fruits", "vegetable", "vegetables"],
        ["07705931", "07707451"],
        ["corn", "ear"],
        [],
    ),
    "Drinks": (["drink", "drinks", "beverage", "beverages"], ["07881800"], [], []),
    # WordNet files buses under "public transport", not "vehicle"; a person does not.
    "Vehicles": (
        ["vehicle", "vehicles", "transport"],
        ["04524313"],
        ["minibus", "school bus", "trolleybus"],
        [],
    ),
    "Cars & trucks": (
        ["car", "cars", "truck", "trucks", "bus"],
        ["02958343", "04490091", "02924116"],
        [],
        [],
    ),
    "Boats": (["boat", "boats", "ship", "ships"], ["04530566", "02858304"], [], []),
    "Aircraft": (
        ["aircraft", "plane", "airplane", "aeroplane", "spacecraft"],
        ["02686568", "04264914"],
        [],
        [],
    ),
    "Buildings & structures": (
        ["building", "buildings", "structure", "structures", "architecture"],
        ["04341686"],
        [],
        ["coil", "honeycomb", "plate rack", "home theater", "brass"],
    ),
    "Landscapes & nature": (["landscape", "landscapes", "nature", "scenery"], ["09287968"], ["rapeseed"], []),
    "Plants & flowers": (
        ["plant", "plants", "flower", "flowers"],
        ["00017222", "13086908"],
        ["pot"],
        [],
    ),
    "Mushrooms": (["mushroom", "mushrooms", "fungus", "fungi"], ["12992868", "07734744"], [], []),
    "Furniture": (["furniture"], ["03405725"], [], ["table lamp"]),
    "Clothing": (
        ["clothing", "clothes", "fashion", "shoe", "shoes"],
        ["03051540", "03380867"],
        [],
        ["seat belt"],
    ),
    "Musical instruments": (["music", "instrument", "instruments", "musical"], ["03800933"], [], []),
    "Electronics & devices": (
        ["electronics", "electronic", "device", "devices", "gadget", "gadgets", "computer"],
        ["03278248", "03082979", "04401088", "03926148", "02942699", "03277771"],
        ["remote control", "loudspeaker", "microphone", "projector", "television", "screen"],
        ["slide rule", "web site", "crossword puzzle"],
    ),
    "Household appliances": (["appliance", "appliances", "kitchen"], ["03528263"], [], []),
    "Sports": (
        ["sport", "sports", "ball", "game", "games"],
        ["04285146", "03414162"],
        ["ski", "snorkel", "puck", "racket", "scoreboard", "ballplayer"],
        ["jigsaw puzzle", "crossword puzzle"],
    ),
    "Tools": (["tool", "tools"], ["04451818"], [], []),
    # ImageNet has only three person classes; when ResNet sees a portrait it usually names
    # what the person wears, so those clothing classes point to people too.
    "People": (
        ["people", "person", "persons", "portrait", "human"],
        ["00007846"],
        [
            "suit",
            "bow tie",
            "Windsor tie",
            "wig",
            "lipstick",
            "bikini",
            "swimming trunks",
            "jersey",
            "sweatshirt",
            "lab coat",
            "military uniform",
            "academic gown",
            "mortarboard",
            "gown",
            "kimono",
            "abaya",
            "cardigan",
            "sunglasses",
            "sunglass",
            "bathing cap",
            "maillot",
            "miniskirt",
        ],
        [],
    ),
}


def read_wnids(source: Path) -> list[str]:
    """The 1000 class wnids in model output order, from the timm wheel or a text file."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            text = wheel.read("timm/data/_info/imagenet_synsets.txt").decode("ascii")
    else:
        text = source.read_text(encoding="ascii")
    wnids = [line.strip() for line in text.splitlines() if line.strip()]
    if len(wnids) != 1000:
        raise SystemExit(f"{source}: expected 1000 wnids, found {len(wnids)}")
    return wnids


def read_wordnet(data_noun: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Parse WordNet's data.noun: offset -> hypernym offsets (@ and @i), offset -> lemmas."""
    hypernyms: dict[str, list[str]] = {}
    lemmas: dict[str, list[str]] = {}
    with data_noun.open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):  # licence header
                continue
            fields = line.split(" ")
            offset = fields[0]
            word_count = int(fields[3], 16)
            lemmas[offset] = [fields[4 + 2 * i].replace("_", " ") for i in range(word_count)]
            i = 4 + 2 * word_count
            pointer_count = int(fields[i])
            i += 1
            parents = []
            for _ in range(pointer_count):
                symbol, target, pos = fields[i], fields[i + 1], fields[i + 2]
                i += 4
                if symbol in ("@", "@i") and pos == "n":
                    parents.append(target)
            hypernyms[offset] = parents
    return hypernyms, lemmas


def ancestors(offset: str, hypernyms: dict[str, list[str]]) -> set[str]:
    seen = {offset}
    stack = [offset]
    while stack:
        for parent in hypernyms.get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--synsets", required=True, help="timm wheel (glob allowed) or imagenet_synsets.txt")
    parser.add_argument("--wordnet", default="/usr/share/wordnet/data.noun", type=Path)
    parser.add_argument("--out", default=ROOT / "resources" / "categories.json", type=Path)
    args = parser.parse_args()

    matches = sorted(glob.glob(args.synsets)) or [args.synsets]
    wnids = read_wnids(Path(matches[-1]))
    names = json.loads((ROOT / "resources" / "imagenet_classes.json").read_text(encoding="utf-8"))
    hypernyms, lemmas = read_wordnet(args.wordnet)

    # The wnid list and the class names must describe the same classes in the same order;
    # torchvision's names are WordNet lemmas apart from a few disambiguated ones ("crane bird").
    agree = sum(
        1
        for wnid, name in zip(wnids, names, strict=True)
        if name.lower() in {lemma.lower() for lemma in lemmas.get(wnid[1:], [])}
    )
    if agree < 990:
        raise SystemExit(f"class order mismatch: only {agree}/1000 names agree with the wnids")

    index_of = {name: i for i, name in enumerate(names)}
    closure = [ancestors(wnid[1:], hypernyms) for wnid in wnids]
    categories: dict[str, list[int]] = {}
    keywords: dict[str, list[str]] = {}
    for category, (words, roots, extra, exclude) in CATEGORIES.items():
        for offset in roots:
            if offset not in hypernyms:
                raise SystemExit(f"{category}: synset {offset} not in WordNet")
        members = {i for i, anc in enumerate(closure) if anc & set(roots)}
        for name in extra:
            members.add(index_of[name])
        for name in exclude:
            members.discard(index_of[name])
        if not members:
            raise SystemExit(f"{category}: no classes")
        categories[category] = sorted(members)
        keywords[category] = sorted({w.lower() for w in words})

    by_class: dict[str, list[str]] = {}
    for category, members in categories.items():
        for i in members:
            by_class.setdefault(str(i), []).append(category)
    document = {
        "about": "Broad categories for the 1000 ImageNet classes, from WordNet 3.0 hypernyms. "
        "Generated by tools/gen_categories.py; do not edit by hand.",
        "categories": categories,
        "keywords": keywords,
        "by_class": dict(sorted(by_class.items(), key=lambda kv: int(kv[0]))),
    }
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for category, members in categories.items():
        print(f"{category:28s} {len(members):4d}")
    print(f"{len(by_class)} of 1000 classes have a category; wrote {args.out}")


if __name__ == "__main__":
    main()
