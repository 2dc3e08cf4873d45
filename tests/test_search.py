"""One search for the window and the terminal (core.search), run as a person runs the CLI.

A real library: real photos tagged by the offline model through `resnet-desktop index`, a
person's tags added with `resnet-desktop tag`, then searches read back from stdout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resnet_desktop.core import search
from resnet_desktop.core.models import class_names

REPO = Path(__file__).resolve().parents[1]


class Terminal:
    """Runs `python -m resnet_desktop ...` the way a person types it, with its own user dirs."""

    def __init__(self, home: Path, library: Path) -> None:
        self.library = library
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "RESNET_DESKTOP_DATA_DIR": str(home / "data"),
            "RESNET_DESKTOP_CONFIG_DIR": str(home / "config"),
            "TORCH_HOME": str(home / "torch"),
        }
        self.env.pop("RESNET_DESKTOP_LIBRARY", None)
        self.env.pop("RESNET_DESKTOP_WEIGHTS", None)

    def run(self, *args: object) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "resnet_desktop", *map(str, args)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def set_threshold(self, value: float) -> None:
        """What Settings writes when the person moves the confidence threshold."""
        config = Path(self.env["RESNET_DESKTOP_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.ini").write_text(f"[view]\nconfidence_threshold={value}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def terminal(tmp_path_factory, real_photos) -> Terminal:
    root = tmp_path_factory.mktemp("search")
    folder = root / "Photos"
    folder.mkdir()
    for name in ("chelsea", "coffee", "motorcycle_left", "astronaut", "rocket"):
        shutil.copy(real_photos[name], folder / real_photos[name].name)
    term = Terminal(root / "home", root / "library.sqlite3")
    # the form the README and the issue used: --library after the command
    done = term.run("index", folder, "--library", term.library)
    assert done.returncode == 0, done.stderr
    done = term.run("tag", folder / "astronaut.png", "+astronaut", "--library", term.library)
    assert done.returncode == 0, done.stderr
    done = term.run("tag", folder / "chelsea.png", "+chelsea", "--library", term.library)
    assert done.returncode == 0, done.stderr
    term.folder = folder
    return term


def lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def test_a_persons_tag_is_shown_first_and_found(terminal):
    done = terminal.run("search", "chelsea", "--library", terminal.library)
    assert done.returncode == 0, done.stderr
    first = lines(done.stdout)[0]
    assert first.startswith("chelsea ") and first.endswith("chelsea.png")  # the tag, not "tiger cat"

    done = terminal.run("search", "astronaut", "--json", "--library", terminal.library)
    (hit,) = json.loads(done.stdout)
    assert Path(hit["path"]).name == "astronaut.png"
    assert hit["tags"] == ["astronaut"] and hit["match"] == {
        "text": "astronaut",
        "kind": "tag",
        "probability": None,
    }
    # the model's 13% "bobsled" guess is below the threshold: not shown as a label
    assert hit["label"] is None

    done = terminal.run("albums", "show", "all", "--library", terminal.library)
    astronaut = next(line for line in lines(done.stdout) if line.endswith("astronaut.png"))
    assert astronaut.startswith("astronaut ") and "bobsled" not in astronaut
    chelsea = next(line for line in lines(done.stdout) if line.endswith("chelsea.png"))
    assert chelsea.startswith("chelsea, ")  # the person's tag, then the model's label

    done = terminal.run("tag", terminal.folder / "astronaut.png", "--library", terminal.library)
    assert lines(done.stdout)[0].split() == ["astronaut", "yours"]
    assert "bobsled" not in done.stdout


def test_each_result_says_what_matched_with_its_confidence_best_first(terminal):
    done = terminal.run("search", "vehicle", "--json", "--library", terminal.library)
    hits = json.loads(done.stdout)
    assert {Path(h["path"]).name for h in hits} == {"motorcycle_left.png", "rocket.jpg"}
    probabilities = [h["match"]["probability"] for h in hits]
    assert probabilities == sorted(probabilities, reverse=True) and all(p >= 20 for p in probabilities)
    assert {h["match"]["text"] for h in hits} <= set(class_names())
    # the tag a person gave outranks any label: "cat" finds chelsea through its labels, and
    # the line names the label that matched with its confidence
    done = terminal.run("search", "cat", "--library", terminal.library)
    (line, count) = lines(done.stdout)
    assert line.startswith("chelsea, ") and "cat " in line and "%" in line and count == "1 photo"


def test_words_that_name_a_label_are_one_search_for_that_label(terminal):
    """chelsea.png: tiger cat 38%, Egyptian cat 38%, tabby 17%. Typed without quotes, as a
    person types it, "Egyptian cat" is that label, not "Egyptian" and "cat" (which the tiger
    cat at 38% would answer); "tabby cat" is WordNet's name for the tabby."""
    done = terminal.run("search", "Egyptian", "cat", "--json", "--library", terminal.library)
    (hit,) = json.loads(done.stdout)
    assert hit["match"]["text"] == "Egyptian cat"
    done = terminal.run(
        "search", "tabby cat", "--min-confidence", "0.1", "--json", "--library", terminal.library
    )
    (hit,) = json.loads(done.stdout)
    assert hit["match"]["text"] == "tabby"


def test_the_cli_uses_the_persons_threshold_from_settings(terminal):
    strict = Terminal(Path(terminal.env["RESNET_DESKTOP_CONFIG_DIR"]).parent / "strict", terminal.library)
    strict.set_threshold(0.9)
    done = strict.run("search", "cat", "--library", terminal.library)
    assert done.returncode == 0
    assert "No photos match 'cat'" in done.stdout and "90%" in done.stdout
    strict.set_threshold(0.05)
    done = strict.run("search", "cat", "--json", "--library", terminal.library)
    assert [Path(h["path"]).name for h in json.loads(done.stdout)] == ["chelsea.png"]
    # an explicit option still wins
    done = strict.run("search", "cat", "--min-confidence", "0.95", "--library", terminal.library)
    assert "No photos match" in done.stdout


def test_wordnet_words_above_the_classes_find_photos(terminal):
    # The model calls the motorcycle photo "moped"; in WordNet a moped is a motorbike, which
    # is a motorcycle.
    for word in ("motorcycle", "motorbike", "motor vehicle", "wheeled vehicle"):
        done = terminal.run("search", f'"{word}"', "--json", "--library", terminal.library)
        assert [Path(h["path"]).name for h in json.loads(done.stdout)] == ["motorcycle_left.png"], word
    done = terminal.run("search", "feline", "--json", "--library", terminal.library)
    assert [Path(h["path"]).name for h in json.loads(done.stdout)] == ["chelsea.png"]


def test_an_empty_result_says_what_was_searched_and_offers_the_nearest_labels(terminal):
    done = terminal.run("search", "motorcyle", "--library", terminal.library)
    assert done.returncode == 0
    assert "No photos match 'motorcyle'" in done.stdout
    nearest = done.stdout.split("Nearest labels:")[1]
    assert "motorcycle" in nearest


def test_albums_list_shows_the_windows_automatic_albums_and_show_opens_them(terminal):
    done = terminal.run("albums", "list", "--library", terminal.library)
    rows = {line.split()[0]: line.split() for line in lines(done.stdout)[1:]}
    assert rows["Cats"][1:] == ["category", "1"] and rows["Vehicles"][1:] == ["category", "2"]
    assert rows["espresso"][1:] == ["label", "1"]
    done = terminal.run("albums", "show", "cats", "--json", "--library", terminal.library)
    assert done.returncode == 0, done.stderr
    assert [Path(h["path"]).name for h in json.loads(done.stdout)] == ["chelsea.png"]
    done = terminal.run("albums", "show", "nothing-like-this", "--library", terminal.library)
    assert done.returncode == 2 and "albums list" in done.stderr


def test_a_new_smart_album_starts_at_the_threshold(terminal):
    rule = json.dumps({"labels_any": ["cat", "vehicle"]})
    done = terminal.run("albums", "create", "Cats and wheels", "--rule", rule, "--library", terminal.library)
    assert done.returncode == 0 and "20%" in done.stdout
    done = terminal.run("albums", "show", "Cats and wheels", "--json", "--library", terminal.library)
    # the astronaut's 6.9% "go-kart" no longer counts as a vehicle
    assert {Path(h["path"]).name for h in json.loads(done.stdout)} == {
        "chelsea.png",
        "motorcycle_left.png",
        "rocket.jpg",
    }


@pytest.mark.parametrize(
    "args",
    [
        ("search", "cat"),
        ("albums",),
        ("albums", "list"),
        ("albums", "show", "all"),
        ("tag", "{folder}/chelsea.png"),
        ("index", "{folder}"),
    ],
)
def test_library_is_accepted_before_or_after_every_command(terminal, args):
    args = [a.format(folder=terminal.folder) for a in args]
    before = terminal.run("--library", terminal.library, *args)
    after = terminal.run(*args, "--library", terminal.library)
    assert before.returncode == after.returncode == 0, (before.stderr, after.stderr)
    timing = re.compile(r"in \d+\.\d s")  # index's summary ends with its duration
    assert timing.sub("", before.stdout) == timing.sub("", after.stdout)
    assert "unrecognized" not in after.stderr
    # and a library named after the command is the one used (not the default one)
    assert not (Path(terminal.env["RESNET_DESKTOP_DATA_DIR"]) / "library.sqlite3").exists()


def test_models_quantize_takes_library_after_the_command_too(terminal):
    done = terminal.run("models", "quantize", "--library", terminal.library, "--max", "0")
    assert "unrecognized" not in done.stderr


# ---------------------------------------------------------------- core.search without a CLI


def test_expand_term_is_the_one_place_words_get_their_classes():
    names = class_names()
    moped = names.index("moped")
    assert moped in search.expand_term("motorcycle") and moped in search.expand_term("Motorcycles")
    assert {names[i] for i in search.expand_term("feline")} >= {"tabby", "tiger cat", "lion"}
    # a category keyword keeps the curated category (WordNet's "food" sense includes a menu)
    assert names.index("menu") not in search.expand_term("food")
    assert search.expand_term("zzzq") == frozenset()


def test_default_threshold_reads_what_settings_wrote(tmp_path, monkeypatch):
    monkeypatch.setenv("RESNET_DESKTOP_CONFIG_DIR", str(tmp_path))
    assert search.default_threshold() == search.DEFAULT_THRESHOLD
    (tmp_path / "settings.ini").write_text("[view]\nconfidence_threshold=0.45\n")
    assert search.default_threshold() == 0.45
    (tmp_path / "settings.ini").write_text("[view]\nconfidence_threshold=lots\n")
    assert search.default_threshold() == search.DEFAULT_THRESHOLD
