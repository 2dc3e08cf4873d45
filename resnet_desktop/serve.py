"""`resnet-desktop serve`: the seed's recognition service, on the desktop engine.

The seed was a small Flask app: a page to upload a photo and ``POST /predict`` (multipart
field ``file``) answering ``[{"rank": 1, "class": "alp", "probability": 89.2}, ...]``. This
module keeps that API exactly and adds what its README only advised:

- **Batching** (its "多线程批处理"): requests are decoded in a small thread pool, then queued
  for one inference thread that takes everything waiting (up to ``max_batch``) as one model
  call, so 32 concurrent clients cost about what ``index`` costs for 32 photos.
- **A content-hash cache** (its "缓存机制"): identical bytes are answered from memory, and,
  with ``--library``, from the labels the library already stored for the same file content.
- Uploads are decoded from memory; nothing is ever written to disk (the seed joined the
  client's file name onto its upload folder, which let a client write anywhere).

aiohttp was chosen over Flask because one asyncio process serves many slow or concurrent
clients without a thread each (a slow upload costs a coroutine, not a worker), which is what
lets requests meet in one batch; it also gives the tests and the load benchmark a real
HTTP client from the same well-kept package.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
import signal
import sys
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resnet_desktop import __version__
from resnet_desktop.core.classify import Prediction, prediction_json
from resnet_desktop.core.imaging import PhotoError, decode_photo
from resnet_desktop.core.messages import gettext as _
from resnet_desktop.core.messages import translate
from resnet_desktop.core.pipeline import content_hash

#: Largest upload accepted, per file; larger ones answer 413 without being read further.
MAX_UPLOAD_BYTES = 50_000_000
#: At most this many files in one request.
MAX_FILES = 64
NO_FILE = "No file uploaded"  # the seed's exact message


class UploadError(Exception):
    """A request problem the client can fix: answered as JSON with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _photo_error_status(exc: PhotoError) -> int:
    if exc.reason.startswith("not an image"):
        return 415
    if exc.reason.startswith("decompression bomb"):
        return 413
    return 422


@dataclass
class Stats:
    requests: int = 0
    images: int = 0
    model_calls: int = 0
    largest_batch: int = 0
    cache_hits: int = 0
    library_hits: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "images": self.images,
            "model_calls": self.model_calls,
            "largest_batch": self.largest_batch,
            "cache_hits": self.cache_hits,
            "library_hits": self.library_hits,
            "errors": self.errors,
            "uptime_s": round(time.monotonic() - self.started, 1),
        }


class _LibraryLookup:
    """Labels the library already stored for the same file content, made by the same model.

    The library is opened on its own thread (one connection, one thread) and only read.
    """

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.model = model
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="serve-library")
        self._library: Any = None

    def _lookup(self, digest: str, top_k: int) -> list[Prediction] | None:
        from resnet_desktop.core.library import Library

        if self._library is None:
            self._library = Library(self.path)
        for row in self._library.find_by_hash(digest):
            if row.status != "ok" or row.model != self.model:
                continue
            stored = self._library.predictions(row.id)
            if len(stored) >= top_k:
                return [Prediction(p.rank, p.class_index, p.label, p.probability) for p in stored[:top_k]]
        return None

    async def lookup(self, digest: str, top_k: int) -> list[Prediction] | None:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._lookup, digest, top_k)

    def close(self) -> None:
        def close_library() -> None:
            if self._library is not None:
                self._library.close()

        self._executor.submit(close_library).result()
        self._executor.shutdown()


class Engine:
    """Decode, batch, infer and cache; the HTTP layer only parses requests and writes JSON."""

    def __init__(
        self,
        classifier: Any,
        *,
        library: Path | None = None,
        max_batch: int = 16,
        batch_window_ms: float = 5.0,
        cache_size: int = 1024,
        decode_threads: int = 2,
    ) -> None:
        self.classifier = classifier
        self.max_batch = max_batch
        self.batch_window = batch_window_ms / 1000.0
        self.cache_size = cache_size
        self.stats = Stats()
        self._cache: OrderedDict[tuple[str, int], list[Prediction]] = OrderedDict()
        self._decoders = ThreadPoolExecutor(decode_threads, thread_name_prefix="serve-decode")
        self._inference = ThreadPoolExecutor(1, thread_name_prefix="serve-infer")
        self._library = _LibraryLookup(library, classifier.model) if library else None
        self._queue: asyncio.Queue | None = None
        self._batcher: asyncio.Task | None = None

    # -- lifecycle (inside the event loop) ---------------------------------------------------
    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._batcher = asyncio.create_task(self._run_batches())

    async def stop(self) -> None:
        if self._batcher is not None:
            self._batcher.cancel()
            try:
                await self._batcher
            except asyncio.CancelledError:
                pass
        self._decoders.shutdown(cancel_futures=True)
        self._inference.shutdown(cancel_futures=True)
        if self._library is not None:
            self._library.close()

    # -- one image ---------------------------------------------------------------------------
    def _decode(self, data: bytes, name: str) -> Any:
        photo = decode_photo(data, min_side=self.classifier.resize_side, name=name)
        return self.classifier.preprocess(photo.image)

    async def predict(self, data: bytes, top_k: int = 3, name: str = "upload") -> list[Prediction]:
        """Top-k of one uploaded file's bytes. Raises PhotoError for a file that is no photo."""
        self.stats.images += 1
        digest = content_hash(data)
        key = (digest, top_k)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.stats.cache_hits += 1
            return cached
        if self._library is not None:
            stored = await self._library.lookup(digest, top_k)
            if stored is not None:
                self.stats.library_hits += 1
                self._remember(key, stored)
                return stored
        loop = asyncio.get_running_loop()
        tensor = await loop.run_in_executor(self._decoders, self._decode, data, name)
        future: asyncio.Future = loop.create_future()
        assert self._queue is not None, "Engine.start() was not called"
        await self._queue.put((tensor, top_k, future))
        predictions = await future
        self._remember(key, predictions)
        return predictions

    def _remember(self, key: tuple[str, int], predictions: list[Prediction]) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = predictions
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    # -- batching ----------------------------------------------------------------------------
    async def _run_batches(self) -> None:
        import numpy as np

        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            items = [await self._queue.get()]
            deadline = loop.time() + self.batch_window
            while len(items) < self.max_batch:
                if not self._queue.empty():
                    items.append(self._queue.get_nowait())
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    items.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            items = [item for item in items if not item[2].cancelled()]  # the client went away
            if not items:
                continue
            batch = np.stack([tensor for tensor, _k, _f in items])
            top_k = max(k for _t, k, _f in items)
            self.stats.model_calls += 1
            self.stats.largest_batch = max(self.stats.largest_batch, len(items))
            try:
                results = await loop.run_in_executor(self._inference, self.classifier.infer, batch, top_k)
            except Exception as exc:  # noqa: BLE001 - every waiting client gets the error
                for _t, _k, future in items:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_t, k, future), result in zip(items, results, strict=True):
                if not future.done():
                    future.set_result(result.predictions[:k])

    # -- what /health and /models say ----------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        from resnet_desktop.core.models import FALLBACK_MODEL, model_title

        return {
            "model": self.classifier.model,
            "title": model_title(self.classifier.model),
            "backend": self.classifier.backend,
            "fallback": self.classifier.model.split("+")[0] == FALLBACK_MODEL,
        }


# -- HTTP ----------------------------------------------------------------------------------------


def _json(data: Any, status: int = 200):
    from aiohttp import web

    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


async def _read_uploads(request, max_bytes: int) -> list[tuple[str, bytes]]:
    """The ``file`` fields of a multipart request, each read with a size limit."""
    if not request.content_type.startswith("multipart/"):
        raise UploadError(400, NO_FILE)
    reader = await request.multipart()
    files: list[tuple[str, bytes]] = []
    async for part in reader:
        if part.name != "file":
            await part.release()
            continue
        if len(files) >= MAX_FILES:
            raise UploadError(413, f"too many files in one request (at most {MAX_FILES})")
        chunks, size = [], 0
        while chunk := await part.read_chunk(256 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise UploadError(413, f"file too large: over the limit of {max_bytes / 1e6:g} MB")
            chunks.append(chunk)
        files.append((part.filename or "", b"".join(chunks)))
    if not files or all(not data and not name for name, data in files):
        raise UploadError(400, NO_FILE)
    return files


def _client_language(request) -> str | None:
    """ "zh" when the client asks for Chinese (``?lang=zh`` or its Accept-Language), else None."""
    wanted = request.query.get("lang") or request.headers.get("Accept-Language", "")
    first = wanted.split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else None


def _answer(p: Prediction, lang: str | None) -> dict[str, Any]:
    """The seed's JSON, with the Chinese name beside ``class`` for a Chinese-speaking client."""
    from resnet_desktop.core.names import display_name

    answer: dict[str, Any] = prediction_json(p)
    if lang == "zh":
        answer["name_zh"] = display_name(p.label, "zh")
    return answer


def _top_k(request) -> int:
    raw = request.query.get("top_k", "3")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise UploadError(400, "top_k must be a whole number from 1 to 1000")
    return int(raw)


def make_app(engine: Engine, *, token: str | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES):
    """The aiohttp application: ``/``, ``POST /predict``, ``GET /health``, ``GET /models``."""
    from aiohttp import web

    @web.middleware
    async def errors_as_json(request, handler):
        try:
            if token and request.path != "/" and not _authorized(request, token):
                raise UploadError(401, "missing or wrong token (send 'Authorization: Bearer TOKEN')")
            return await handler(request)
        except UploadError as exc:
            engine.stats.errors += 1
            return _json({"error": exc.message}, exc.status)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return _json({"error": exc.reason}, exc.status)

    async def index(_request):
        from resnet_desktop.core.resources import resource_path

        page = resource_path("web", "index.html").read_text(encoding="utf-8")
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def predict(request):
        engine.stats.requests += 1
        top_k = _top_k(request)
        lang = _client_language(request)
        uploads = await _read_uploads(request, max_upload_bytes)
        if len(uploads) == 1:
            name, data = uploads[0]
            return _json([_answer(p, lang) for p in await _predict_one(name, data, top_k)])
        answers = []
        for name, data in uploads:  # several files: one entry each, errors inline
            try:
                answers.append(
                    {
                        "file": name,
                        "predictions": [_answer(p, lang) for p in await _predict_one(name, data, top_k)],
                    }
                )
            except UploadError as exc:
                answers.append({"file": name, "error": exc.message})
        return _json(answers)

    async def _predict_one(name: str, data: bytes, top_k: int) -> list[Prediction]:
        if not data:
            raise UploadError(400, f"{name or 'the file'} is empty")
        try:
            return await engine.predict(data, top_k, name=name or "upload")
        except PhotoError as exc:
            raise UploadError(_photo_error_status(exc), exc.reason) from None

    async def health(_request):
        return _json(
            {"status": "ok", "version": __version__, **engine.describe(), "stats": engine.stats.as_dict()}
        )

    async def models(_request):
        from resnet_desktop.core.models import FALLBACK_MODEL, MODELS
        from resnet_desktop.core.weights import locate

        listing = []
        for name, spec in MODELS.items():
            info = locate(name)
            listing.append(
                {
                    "name": name,
                    "title": spec.title,
                    "in_use": engine.classifier.model.split("+")[0] == name,
                    "fallback": name == FALLBACK_MODEL,
                    "weights": "found" if info.usable else "missing",
                }
            )
        return _json({"in_use": engine.describe(), "models": listing})

    async def on_startup(_app):
        await engine.start()

    async def on_cleanup(_app):
        await engine.stop()

    # The limit aiohttp applies to request.post(); uploads are read part by part with our own.
    app = web.Application(middlewares=[errors_as_json], client_max_size=max_upload_bytes)
    app.router.add_get("/", index)
    app.router.add_post("/predict", predict)
    app.router.add_get("/health", health)
    app.router.add_get("/models", models)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


def _authorized(request, token: str) -> bool:
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    sent = sent or request.query.get("token", "")
    return secrets.compare_digest(sent.encode(), token.encode())


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- the command ---------------------------------------------------------------------------------


def serve(
    classifier: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    library: Path | None = None,
    token: str | None = None,
    batch_window_ms: float = 5.0,
    cache_size: int = 1024,
    out=sys.stdout,
) -> int:
    """Run until Ctrl-C (SIGINT) or SIGTERM; prints the address once it listens."""
    from aiohttp import web

    engine = Engine(classifier, library=library, batch_window_ms=batch_window_ms, cache_size=cache_size)
    app = make_app(engine, token=token)

    async def run() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown_host = f"[{bound[0]}]" if ":" in str(bound[0]) else bound[0]
        described = engine.describe()
        url = f"http://{shown_host}:{bound[1]}/"
        print(_("Serving ResNet Desktop {version} on {url}", version=__version__, url=url), file=out)
        title = translate(described["title"])
        print(_("model: {title}, {backend}", title=title, backend=described["backend"]), file=out)
        print(_("POST /predict with a photo in the form field 'file'; Ctrl-C stops."), file=out, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
                pass
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:  # where signal handlers are unavailable
        pass
    print(_("stopped"), file=out, flush=True)
    return 0


def address_warning(host: str, token: str | None) -> str | None:
    """What to tell a person who asks to listen beyond this computer."""
    if is_loopback(host):
        return None
    if token:
        return f"listening on {host}: reachable from other computers; requests need the token"
    return (
        f"listening on {host}: anyone who can reach this address can use the service, and there is "
        "no authentication. Pass --token (or set RESNET_DESKTOP_TOKEN) to require one."
    )


def token_from(args_token: str | None) -> str | None:
    return args_token or os.environ.get("RESNET_DESKTOP_TOKEN") or None


__all__ = [
    "Engine",
    "MAX_UPLOAD_BYTES",
    "address_warning",
    "is_loopback",
    "make_app",
    "prediction_json",
    "serve",
]
