"""How long writing XMP sidecars takes for a library of 10,000 photos.

Fills a fresh library (in a temporary folder) with N photos through the public API: a tiny
JPEG file each (sidecar writing never reads the photo), 3 predictions, a person's tag on a
fifth of them, and, for a tenth, an existing sidecar another program wrote (rating, title,
keywords) that must be updated rather than replaced. Then it times, as `xmp write` does them:

1. the first write (creates N sidecars; a tenth are updates of other programs' files);
2. a second write with nothing changed (the content and each file's size and mtime match
   what was last written: no sidecar is opened);
3. a write after every photo got a new tag (each sidecar parsed and updated in place; the
   tenth that hold another program's data are flushed to disk (fsync) before the rename);
4. reading every sidecar's keywords back into the library (`xmp read`, sidecars only).

    python benchmarks/bench_xmp.py            # 10,000 photos
    python benchmarks/bench_xmp.py --quick    # 1,000 photos
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from resnet_desktop.core import xmp  # noqa: E402
from resnet_desktop.core.classify import Prediction  # noqa: E402
from resnet_desktop.core.library import Library  # noqa: E402
from resnet_desktop.core.models import class_names  # noqa: E402

OTHER = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmp:Rating="3"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">A title</rdf:li></rdf:Alt></dc:title>
<dc:subject><rdf:Bag><rdf:li>family</rdf:li><rdf:li>summer</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def fill(lib: Library, folder: Path, n: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    names = class_names()
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 80, 40)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    files = []
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"IMG_{i:05d}.jpg"
        path.write_bytes(jpeg)
        if i % 10 == 0:
            Path(f"{path}.xmp").write_text(OTHER, encoding="utf-8")
        st = path.stat()
        files.append((str(path), st.st_size, st.st_mtime_ns))
    with lib.transaction():
        ids = lib.add_pending(files)
        for photo_id, (_path, size, mtime) in zip(ids, files, strict=True):
            classes = rng.sample(range(1000), 3)
            probs = sorted((rng.random() for _ in classes), reverse=True)
            total = sum(probs) * 1.2
            preds = [
                Prediction(k + 1, c, names[c], p / total)
                for k, (c, p) in enumerate(zip(classes, probs, strict=True))
            ]
            lib.save_result(
                photo_id, size=size, mtime_ns=mtime, content_hash=f"{photo_id:032x}", width=16, height=16,
                taken_at=None, camera=None, model="resnet18", embedding=None,
                predictions=preds,
            )  # fmt: skip
            if photo_id % 5 == 0:
                lib.set_user_tags(photo_id, add=["Holiday 2024"])
    return ids


def timed(label: str, n: int, fn) -> object:
    """Wall time, and this process's CPU time: on a shared machine the wall time includes
    waiting for the CPU and the disk; the CPU time is what the work itself cost."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<40} {took:7.2f} s  {n / took:7.0f} photos/s  {took / n * 1000:6.2f} ms/photo"
        f"  (CPU {cpu / n * 1000:.2f} ms/photo)",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 photos")
    args = parser.parse_args()
    n = 1000 if args.quick else args.photos
    with tempfile.TemporaryDirectory(prefix="bench-xmp-") as tmp:
        folder = Path(tmp) / "Photos"
        folder.mkdir()
        lib = Library(Path(tmp) / "lib.sqlite3")
        started = time.perf_counter()
        ids = fill(lib, folder, n)
        print(f"library of {n} photos made in {time.perf_counter() - started:.1f} s ({os.cpu_count()} cores)")
        first = timed("write sidecars, first time", n, lambda: xmp.write_sidecars(lib, ids))
        assert first.written == n and not first.problems, first
        again = timed("write again, nothing changed", n, lambda: xmp.write_sidecars(lib, ids))
        assert again.unchanged == n, again
        with lib.transaction():
            for photo_id in ids:
                lib.set_user_tags(photo_id, add=["Archive"])
        update = timed("write after a new tag on every photo", n, lambda: xmp.write_sidecars(lib, ids))
        assert update.written == n, update
        read = timed("read keywords of every sidecar", n, lambda: xmp.read_keywords(lib, ids, embedded=False))
        assert read.read == n and not read.problems, read
        size = sum(p.stat().st_size for p in folder.rglob("*.xmp"))
        print(f"sidecars on disk: {size / n / 1024:.1f} KiB each")
        lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
