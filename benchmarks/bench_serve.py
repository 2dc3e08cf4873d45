"""Load and faults for `resnet-desktop serve`, on loopback only.

32 concurrent clients send 1920x1080 JPEGs to POST /predict for 30 s (bounded in count and
time); meanwhile a slow client trickles an upload, clients abort uploads half-way, and one
sends 10 MB of garbage. Prints throughput, p50/p99 latency, errors, the ratio to `index`'s
rate on the same photos (the goal is >= 0.8), and the server's memory over the run.

    python benchmarks/bench_serve.py              # 32 clients, 30 s
    python benchmarks/bench_serve.py --quick      # 8 clients, 8 s

The server runs with --cache-size 0 so every request reaches the model, as distinct uploads
would; the photos are distinct random textures, so nothing is easier than a real photo to decode.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_photos(folder: Path, count: int) -> list[Path]:
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        small = rng.integers(0, 255, size=(68, 120, 3), dtype=np.uint8)  # smooth-ish texture when upscaled
        img = Image.fromarray(small).resize((1920, 1080), Image.BILINEAR)
        path = folder / f"photo_{i:03d}.jpg"
        img.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def index_rate(folder: Path, library: Path) -> float:
    from resnet_desktop.core.classify import load_classifier
    from resnet_desktop.core.pipeline import Indexer

    classifier, _notice = load_classifier()
    summary = Indexer(library, lambda: classifier).run([folder])
    return summary.indexed / summary.elapsed_s


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def load(url: str, photos: list[bytes], clients: int, seconds: float, pid: int) -> dict:
    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []
    memory: list[float] = []
    deadline = time.monotonic() + seconds
    max_requests = 200_000  # a bound on the loop besides the time

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        i = n
        while time.monotonic() < deadline and len(latencies) + len(errors) < max_requests:
            form = aiohttp.FormData()
            form.add_field("file", photos[i % len(photos)], filename="p.jpg", content_type="image/jpeg")
            i += clients
            started = time.monotonic()
            try:
                async with session.post(f"{url}/predict", data=form) as response:
                    body = await response.json()
                    if response.status != 200 or not isinstance(body, list) or len(body) != 3:
                        errors.append(f"{response.status} {body}")
                        continue
            except Exception as exc:  # noqa: BLE001 - counted, not raised
                errors.append(repr(exc))
                continue
            latencies.append(time.monotonic() - started)

    async def sample_memory() -> None:
        while time.monotonic() < deadline:
            memory.append(rss_mb(pid))
            await asyncio.sleep(0.5)

    async def faults() -> dict:
        host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
        found = {}
        # a slow client: trickles 1 byte every 0.2 s for the whole run
        _r, slow = await asyncio.open_connection(host, int(port))
        slow.write(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b'Content-Length: 1000000\r\n\r\n--b\r\nContent-Disposition: form-data; name="file"; '
            b'filename="slow.jpg"\r\n\r\n'
        )
        aborted = 0
        garbage_status = None
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline - 0.5:
                slow.write(b"\xff")
                await slow.drain()
                if aborted < 20:  # aborted uploads
                    _r2, w = await asyncio.open_connection(host, int(port))
                    w.write(
                        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                        b"boundary=b\r\nContent-Length: 3000000\r\n\r\n--b\r\nContent-Disposition: "
                        b'form-data; name="file"; filename="a.jpg"\r\n\r\n' + os.urandom(200_000)
                    )
                    await w.drain()
                    w.close()
                    aborted += 1
                if garbage_status is None:
                    form = aiohttp.FormData()
                    form.add_field("file", os.urandom(10_000_000), filename="garbage.jpg")
                    async with session.post(f"{url}/predict", data=form) as response:
                        garbage_status = response.status
                await asyncio.sleep(0.2)
        slow.close()
        found["aborted_uploads"] = aborted
        found["garbage_10MB_status"] = garbage_status
        return found

    connector = aiohttp.TCPConnector(limit=clients + 4)
    timeout = aiohttp.ClientTimeout(total=60)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        results = await asyncio.gather(
            *(client(n, session) for n in range(clients)), sample_memory(), faults()
        )
    elapsed = time.monotonic() - started
    return {"latencies": latencies, "errors": errors, "memory": memory, "elapsed": elapsed, **results[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--quick", action="store_true", help="8 clients for 8 s, 24 photos")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.photos = 8, 8.0, 24

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "photos"
        folder.mkdir()
        paths = make_photos(folder, args.photos)
        photos = [p.read_bytes() for p in paths]
        rate = index_rate(folder, tmp / "library.sqlite3")

        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        server = subprocess.Popen(
            [sys.executable, "-m", "resnet_desktop", "serve", "--port", "0", "--cache-size", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url = None
            for _ in range(20):
                line = server.stdout.readline()
                found = re.search(r"on (http://\S+)/", line)
                if found:
                    url = found.group(1)
                    break
            if url is None:
                raise SystemExit("the server did not start")
            rss_start = rss_mb(server.pid)
            result = asyncio.run(load(url, photos, args.clients, args.seconds, server.pid))
            rss_end = rss_mb(server.pid)
        finally:
            server.send_signal(2)
            server.wait(timeout=30)

    lat = sorted(result["latencies"])
    served = len(lat) / result["elapsed"]
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else float("nan")
    memory = result["memory"]
    print(f"serve under load: {args.clients} clients, {result['elapsed']:.1f} s, 1920x1080 JPEGs, cache off")
    print(f"  requests ok        {len(lat)}   errors {len(result['errors'])}")
    print(f"  throughput         {served:.1f} photos/s")
    print(f"  index rate         {rate:.1f} photos/s on the same photos")
    print(f"  serve / index      {served / rate:.2f}   (goal >= 0.8)")
    print(f"  latency            p50 {p50:.0f} ms   p99 {p99:.0f} ms")
    print(
        f"  server RSS         start {rss_start:.0f} MB, peak {max(memory or [0]):.0f} MB,"
        f" end {rss_end:.0f} MB"
        f" (first half mean {np.mean(memory[: len(memory) // 2] or [0]):.0f},"
        f" second half mean {np.mean(memory[len(memory) // 2 :] or [0]):.0f})"
    )
    print(
        f"  faults meanwhile   a slow client for the whole run, {result['aborted_uploads']} aborted uploads,"
        f" 10 MB garbage -> HTTP {result['garbage_10MB_status']}"
    )
    if result["errors"]:
        print("  first errors:", result["errors"][:3])


if __name__ == "__main__":
    main()
