"""A labelled set for the similar/duplicates tiers, made from the photos in the scikit-image and
matplotlib wheels and edits of them (used by tests/test_duplicates.py and
benchmarks/bench_similar.py).

Every file gets a *content* id (the photo it shows: edits share their original's) and a
*scene* id (the moment: different shots of one scene share it). Truth per pair:

* exact   the same bytes (a plain copy);
* near    same content, different bytes: re-saved, re-compressed at JPEG quality 55 after a 5%
          crop, resized to half, brightened, rotated by an EXIF orientation tag, a 3% crop;
* similar same scene, different content: the two motorcycle stereo views (a step apart) and
          "bursts" cut from one large photo with the frame moved by 15% between shots;
* anything else is different, including the hard ones: photos of the same kind of thing
  (two portraits, three ground textures, two halves of one star field, two cells of a slide),
  and flat, featureless photos (:func:`flat_photos`: two nearly blank document scans, two blue
  skies, two black frames) whose 32x32 fingerprints are all smooth shading.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageEnhance


def _wheel_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed: pip install -e '.[test]'")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


def source(name: str) -> Path:
    if name == "grace_hopper.jpg":
        return _wheel_file("matplotlib", "mpl-data", "sample_data", name)
    return _wheel_file("skimage", "data", name)


#: Photos that get edited copies (near) and a plain copy (exact).
EDITED = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png", "grace_hopper.jpg")
#: Photos that appear alone: hard negatives of the same kind as others (textures, coins/moon).
ALONE = ("brick.png", "grass.png", "gravel.png", "coins.png", "moon.png", "horse.png", "color.png")


@dataclass(frozen=True)
class Item:
    path: Path
    content: str
    scene: str


def _rgb(path: Path) -> Image.Image:
    with Image.open(path) as img:
        img.load()
        if img.mode in ("RGBA", "LA", "P"):
            back = Image.new("RGB", img.size, "white")
            back.paste(img.convert("RGBA"), mask=img.convert("RGBA").split()[-1])
            return back
        return img.convert("RGB")


def _crop(img: Image.Image, fraction: float) -> Image.Image:
    """Cut ``fraction`` of each dimension off, split between the sides (a slight crop)."""
    w, h = img.size
    dx, dy = int(w * fraction / 2), int(h * fraction / 2)
    return img.crop((dx, dy, w - dx, h - dy))


def _window(img: Image.Image, x0: float, y0: float, size: float) -> Image.Image:
    w, h = img.size
    return img.crop((int(x0 * w), int(y0 * h), int((x0 + size) * w), int((y0 + size) * h)))


def flat_photos(folder: Path) -> list[Item]:
    """Featureless photos, drawn here (no wheel has any): different photos whose fingerprints are
    nothing but smooth shading, as real ones are (scanner light fall-off, a sky's gradient, a
    lens's vignetting), plus a re-saved copy of one scan (a near copy that must still be found).
    """
    import numpy as np

    rng = np.random.default_rng(13)
    h, w = 480, 640
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = (xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)
    items: list[Item] = []

    def save(name: str, rgb: np.ndarray, content: str, **kw: object) -> Image.Image:
        img = Image.fromarray(np.clip(rgb + rng.normal(0, 2.0, rgb.shape), 0, 255).astype(np.uint8))
        img.save(folder / name, **kw)
        items.append(Item(folder / name, content, content))
        return img

    def grey(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[:, :, None], 3, axis=2)

    # nearly blank pages (the back of a sheet): white paper, the scanner's light falling off
    # to one side, a page number at the foot of one
    for name, falloff, number in (("scan-a", 9.0, False), ("scan-b", 6.0, True)):
        page = 247 - falloff * (cx + 1) / 2 - 3 * cy**2
        if number:
            page[440:452, 312:328] = 90
        img = save(f"{name}.png", grey(page), name)
        if name == "scan-a":  # scanned again as a JPEG: the same page
            img.save(folder / "scan-a-resaved.jpg", quality=80)
            items.append(Item(folder / "scan-a-resaved.jpg", name, name))
    # two clear skies: lighter towards the horizon
    skies = (("sky-a", (70, 130, 210), (170, 205, 240)), ("sky-b", (40, 100, 190), (150, 190, 235)))
    for name, top, bottom in skies:
        t = (yy / h)[:, :, None]
        img = save(f"{name}.jpg", (1 - t) * np.array(top) + t * np.array(bottom), name, quality=90)
        if name == "sky-a":  # the same sky at half size
            img.resize((w // 2, h // 2), Image.LANCZOS).save(folder / "sky-a-half.png")
            items.append(Item(folder / "sky-a-half.png", name, name))
    # two black frames (lens cap on): a little vignetting and sensor noise
    for name, level in (("black-a", 10.0), ("black-b", 14.0)):
        save(f"{name}.jpg", grey(level - 6 * (cx**2 + cy**2)), name, quality=90)
    return items


def build(folder: Path, *, quick: bool = False) -> list[Item]:
    """Write the set into ``folder``; returns every file with its labels."""
    folder.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []

    def add(path: Path, content: str, scene: str | None = None) -> None:
        items.append(Item(path, content, scene or content))

    edited = EDITED[:3] if quick else EDITED
    for name in edited:
        stem = name.rsplit(".", 1)[0]
        src = source(name)
        original = folder / name
        shutil.copy(src, original)
        add(original, stem)
        copy = folder / f"{stem}-copy{original.suffix}"
        shutil.copy(src, copy)
        add(copy, stem)
        img = _rgb(src)
        img.save(folder / f"{stem}-resaved.jpg", quality=92)
        add(folder / f"{stem}-resaved.jpg", stem)
        _crop(img, 0.05).save(folder / f"{stem}-crop5-q55.jpg", quality=55)
        add(folder / f"{stem}-crop5-q55.jpg", stem)
        img.resize((img.width // 2, img.height // 2), Image.LANCZOS).save(folder / f"{stem}-half.png")
        add(folder / f"{stem}-half.png", stem)
        ImageEnhance.Brightness(img).enhance(1.3).save(folder / f"{stem}-bright.jpg", quality=85)
        add(folder / f"{stem}-bright.jpg", stem)
        exif = Image.Exif()
        exif[0x0112] = 6  # shown rotated 90 degrees clockwise; the pixels are the original's
        img.save(folder / f"{stem}-rotated.jpg", quality=90, exif=exif.tobytes())
        add(folder / f"{stem}-rotated.jpg", stem)
        if not quick:
            _crop(img, 0.03).save(folder / f"{stem}-crop3.jpg", quality=80)
            add(folder / f"{stem}-crop3.jpg", stem)

    # Different shots of one moment: a stereo pair, and bursts where the frame moves 15%.
    for side in ("left", "right"):
        shutil.copy(source(f"motorcycle_{side}.png"), folder / f"motorcycle_{side}.png")
        add(folder / f"motorcycle_{side}.png", f"motorcycle_{side}", "motorcycle")
    bursts = {"hubble_deep_field.jpg": (0.0, 0.0), "retina.jpg": (0.1, 0.1), "ihc.png": (0.05, 0.2)}
    for name, (x0, y0) in itertools.islice(bursts.items(), 2 if quick else None):
        stem = name.rsplit(".", 1)[0]
        img = _rgb(source(name))
        for shot, dx in enumerate((0.0, 0.15)):
            path = folder / f"{stem}-burst{shot + 1}.jpg"
            _window(img, x0 + dx, y0, 0.6).save(path, quality=90)
            add(path, f"{stem}-burst{shot + 1}", f"{stem}-burst")
        # the other corner of the same photo: the same kind of thing, not the same moment
        path = folder / f"{stem}-elsewhere.jpg"
        _window(img, 0.6 - x0 if x0 < 0.3 else 0.0, 1.0 - 0.4 - y0 / 2, 0.4).save(path, quality=90)
        add(path, f"{stem}-elsewhere")

    for name in ALONE[:4] if quick else ALONE:
        stem = name.rsplit(".", 1)[0]
        path = folder / f"{stem}.jpg"
        _rgb(source(name)).save(path, quality=90)
        add(path, stem)
        if name == ALONE[0]:  # a plain copy and nothing else: a group of exact copies alone
            shutil.copy(path, folder / f"{stem}-copy.jpg")
            add(folder / f"{stem}-copy.jpg", stem)
    items.extend(flat_photos(folder))
    return items


def truth(a: Item, b: Item) -> str:
    """The tier a pair belongs to: exact, near, similar or different."""
    if a.content == b.content:
        return "exact" if a.path.read_bytes() == b.path.read_bytes() else "near"
    if a.scene == b.scene:
        return "similar"
    return "different"


def found_kinds(groups) -> dict[tuple[str, str], str]:
    """What core.duplicates said of each pair of paths (sorted) that share a group: the group's
    kind, except that two byte-identical members (same content hash) of any group are exact.
    A pair in a near group and a similar group is near."""
    rank = {"exact": 0, "near": 1, "similar": 2}
    found: dict[tuple[str, str], str] = {}
    for g in groups:
        photos = sorted((m.photo for m in g.members), key=lambda p: p.path)
        for a, b in itertools.combinations(photos, 2):
            kind = "exact" if a.content_hash and a.content_hash == b.content_hash else g.kind
            if rank[kind] < rank.get(found.get((a.path, b.path), ""), 9):
                found[(a.path, b.path)] = kind
    return found
