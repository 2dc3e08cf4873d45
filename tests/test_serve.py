"""`resnet-desktop serve`: the seed's /predict API, its errors, batching, the cache, the page.

Two kinds of test, both over real HTTP on loopback:
- the command as a person runs it (a subprocess on a free port, the real offline model);
- the service in-process with the deterministic ColourClassifier, where a test needs to see
  how requests were batched or to hold a slow connection open.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.fakes import ColourClassifier, make_photo

aiohttp = pytest.importorskip("aiohttp", reason="serve needs aiohttp (a dependency): pip install -e .")

ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RESNET_DESKTOP_DATA_DIR=str(home / "data"),
        RESNET_DESKTOP_CONFIG_DIR=str(home / "config"),
        TORCH_HOME=str(home / "torch"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONUNBUFFERED="1",
    )
    for name in ("RESNET_DESKTOP_WEIGHTS", "RESNET_DESKTOP_LIBRARY", "RESNET_DESKTOP_TOKEN"):
        env.pop(name, None)
    return env


class Server:
    """`resnet-desktop serve --port 0 ...` in a subprocess; knows the address it printed."""

    def __init__(self, home: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "resnet_desktop", "serve", "--port", "0", *args],
            env=_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            found = re.search(r"on (http://\S+)/", line)
            if found:
                self.url = found.group(1)
                # the rest of the banner
                self.lines += [self.proc.stdout.readline(), self.proc.stdout.readline()]
                return
        self.proc.kill()
        out, err = self.proc.communicate()
        raise AssertionError(f"serve did not start: {self.lines} {out} {err}")

    def stop(self) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


def _post(url: str, files: list[tuple[str, bytes]], **params) -> tuple[int, object]:
    async def go():
        form = aiohttp.FormData()
        for name, data in files:
            form.add_field("file", data, filename=name, content_type="application/octet-stream")
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{url}/predict", data=form, params=params) as response:
                return response.status, await response.json()

    return asyncio.run(go())


def _get(url: str, path: str, headers: dict | None = None) -> tuple[int, object]:
    async def go():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}{path}", headers=headers or {}) as response:
                return response.status, await response.json()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_photos):
    """The real command with the offline model, and a library that already knows camera.png."""
    home = tmp_path_factory.mktemp("serve-home")
    library = home / "library.sqlite3"
    folder = home / "indexed"
    folder.mkdir()
    shutil.copy(real_photos["camera"], folder / "camera.png")
    done = subprocess.run(
        [sys.executable, "-m", "resnet_desktop", "--library", str(library), "index", str(folder)],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    srv = Server(home, "--library", str(library))
    yield srv
    if srv.proc.poll() is None:
        srv.stop()


# -- the command, as a person runs it --------------------------------------------------------------


def test_predict_answers_the_seeds_json_for_a_real_photo(server, real_photos):
    assert "127.0.0.1" in server.url and "offline fallback" in "".join(server.lines)
    status, answer = _post(server.url, [("coffee.png", real_photos["coffee"].read_bytes())])
    assert status == 200
    assert [p["rank"] for p in answer] == [1, 2, 3]
    assert answer[0]["class"] == "espresso" and answer[0]["probability"] > 50
    for p in answer:
        assert set(p) >= {"rank", "class", "probability"}
        assert p["probability"] == round(p["probability"], 2)
    assert answer[0]["probability"] >= answer[1]["probability"] >= answer[2]["probability"]

    status, five = _post(server.url, [("coffee.png", real_photos["coffee"].read_bytes())], top_k=5)
    assert status == 200 and len(five) == 5 and five[:3] == answer

    status, chinese = _post(server.url, [("coffee.png", real_photos["coffee"].read_bytes())], lang="zh")
    assert status == 200 and chinese[0]["class"] == "espresso" and chinese[0]["name_zh"] == "浓缩咖啡"


def test_errors_are_json_and_name_the_problem(server, tmp_path):
    async def no_file():
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{server.url}/predict") as response:
                return response.status, await response.json()

    assert asyncio.run(no_file()) == (400, {"error": "No file uploaded"})

    status, answer = _post(server.url, [("notes.jpg", b"this is a text file, not a photo\n")])
    assert status == 415 and "not an image" in answer["error"]

    jpeg = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(jpeg, "JPEG")
    status, answer = _post(server.url, [("cut.jpg", jpeg.getvalue()[: len(jpeg.getvalue()) // 2])])
    assert status == 422 and "truncated" in answer["error"]

    bomb = io.BytesIO()
    Image.new("1", (20_000, 10_000)).save(bomb, "PNG")  # 200 megapixels in a few kB
    status, answer = _post(server.url, [("bomb.png", bomb.getvalue())])
    assert status == 413 and "decompression bomb" in answer["error"]

    status, answer = _post(server.url, [("empty.jpg", b"")])
    assert status == 400 and "empty" in answer["error"]

    status, answer = _post(server.url, [("x.png", b"x")], top_k=0)
    assert status == 400 and "top_k" in answer["error"]

    assert _get(server.url, "/nowhere")[0] == 404


def test_an_uploads_file_name_is_never_used_as_a_path(server, real_photos, tmp_path):
    target = tmp_path / "written-by-client.png"
    name = "../" * 12 + str(target).lstrip("/")
    status, answer = _post(server.url, [(name, real_photos["coffee"].read_bytes())])
    assert status == 200 and answer[0]["class"] == "espresso"
    assert not target.exists()


def test_several_files_in_one_request_each_get_an_answer(server, real_photos):
    status, answer = _post(
        server.url,
        [("coffee.png", real_photos["coffee"].read_bytes()), ("broken.jpg", b"not a photo")],
    )
    assert status == 200 and [a["file"] for a in answer] == ["coffee.png", "broken.jpg"]
    assert answer[0]["predictions"][0]["class"] == "espresso"
    assert "not an image" in answer[1]["error"]


def test_health_and_models_say_which_model_answers(server):
    status, health = _get(server.url, "/health")
    assert status == 200 and health["status"] == "ok"
    assert health["model"] == "efficientnet_lite0" and health["fallback"] is True
    status, models = _get(server.url, "/models")
    in_use = [m["name"] for m in models["models"] if m["in_use"]]
    assert status == 200 and in_use == ["efficientnet_lite0"]
    assert {m["name"]: m["weights"] for m in models["models"]}["resnet18"] == "missing"


def test_a_photo_the_library_knows_is_answered_from_the_library(server, real_photos):
    before = _get(server.url, "/health")[1]["stats"]
    status, answer = _post(server.url, [("any-name.png", real_photos["camera"].read_bytes())])
    after = _get(server.url, "/health")[1]["stats"]
    assert status == 200 and answer[0]["class"] == "tripod"
    assert after["library_hits"] == before["library_hits"] + 1
    assert after["model_calls"] == before["model_calls"]


def test_ctrl_c_stops_the_server_cleanly(tmp_path):
    srv = Server(tmp_path)
    code, out, err = srv.stop()
    assert code == 0 and "stopped" in out and "Traceback" not in err


def test_listening_beyond_loopback_warns_and_a_token_is_enforced(tmp_path, real_photos):
    srv = Server(tmp_path, "--host", "0.0.0.0")
    _code, _out, err = srv.stop()
    assert "no authentication" in err and "--token" in err

    srv = Server(tmp_path, "--token", "s3cret")
    try:
        url = srv.url
        status, answer = _post(url, [("coffee.png", real_photos["coffee"].read_bytes())])
        assert status == 401 and "token" in answer["error"]
        assert _get(url, "/health", {"Authorization": "Bearer s3cret"})[0] == 200
    finally:
        srv.stop()


def test_a_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "resnet_desktop", "serve", "--port", str(port)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


# -- in-process: batching, the cache and slow clients ----------------------------------------------


def _run_in_process(coro_factory, **engine_options):
    from aiohttp.test_utils import TestServer

    from resnet_desktop.serve import Engine, make_app

    classifier = ColourClassifier()
    engine = Engine(classifier, **engine_options)

    async def go():
        async with TestServer(make_app(engine), host="127.0.0.1") as srv:
            async with aiohttp.ClientSession() as session:
                return await coro_factory(srv, session)

    return asyncio.run(go()), engine, classifier


def _jpeg(colour, size=(320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


async def _predict(srv, session, data: bytes, name="p.jpg"):
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    async with session.post(srv.make_url("/predict"), data=form) as response:
        return response.status, await response.json()


def test_concurrent_requests_share_one_model_call():
    photos = [_jpeg((220, 20, 20)), _jpeg((20, 200, 20))]

    async def two_at_once(srv, session):
        return await asyncio.gather(*(_predict(srv, session, p) for p in photos))

    answers, engine, classifier = _run_in_process(two_at_once, batch_window_ms=500)
    assert [a[0] for a in answers] == [200, 200]
    assert answers[0][1][0]["class"] == "tabby" and answers[1][1][0]["class"] == "espresso"
    assert classifier.batches == [2]
    assert engine.stats.model_calls == 1 and engine.stats.largest_batch == 2


def test_identical_photos_are_answered_from_the_cache():
    photo = _jpeg((20, 20, 210))

    async def twice(srv, session):
        first = await _predict(srv, session, photo, "a.jpg")
        second = await _predict(srv, session, photo, "b-copy.jpg")
        return first, second

    (first, second), engine, classifier = _run_in_process(twice)
    assert first == second and first[1][0]["class"] == "sports car"
    assert classifier.batches == [1] and engine.stats.cache_hits == 1


def test_slow_and_aborted_uploads_do_not_stall_others(tmp_path):
    photo = make_photo(tmp_path / "ok.jpg", colour=(20, 200, 20)).read_bytes()

    async def scenario(srv, session):
        # A client that sends half an upload and then goes quiet, and one that aborts.
        slow_reader, slow_writer = await asyncio.open_connection(srv.host, srv.port)
        body_start = b'--b\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\n\r\n'
        slow_writer.write(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 10000000\r\n\r\n" + body_start + b"\xff\xd8" * 1000
        )
        await slow_writer.drain()
        _r, aborted = await asyncio.open_connection(srv.host, srv.port)
        aborted.write(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 5000000\r\n\r\n" + body_start + os.urandom(100_000)
        )
        await aborted.drain()
        aborted.close()
        started = time.monotonic()
        answer = await asyncio.wait_for(_predict(srv, session, photo), 20)
        waited = time.monotonic() - started
        slow_writer.close()
        return answer, waited

    (answer, waited), engine, _c = _run_in_process(scenario)
    assert answer[0] == 200 and answer[1][0]["class"] == "espresso"
    assert waited < 20  # answered while the slow client still held its connection open


def test_an_upload_over_the_limit_is_refused_without_reading_it_all():
    from aiohttp.test_utils import TestServer

    from resnet_desktop.serve import Engine, make_app

    engine = Engine(ColourClassifier())

    async def go():
        async with TestServer(make_app(engine, max_upload_bytes=100_000), host="127.0.0.1") as srv:
            async with aiohttp.ClientSession() as session:
                return await _predict(srv, session, os.urandom(10_000_000), "garbage.bin")

    status, answer = asyncio.run(go())
    assert status == 413 and "too large" in answer["error"]


# -- the page, in a real headless browser -----------------------------------------------------------


def _browser(lang: str):
    webdriver = pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("no headless Chromium here (Debian: apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--lang={lang}",
        "--window-size=900,800",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(driver_path), options=options)


@pytest.mark.parametrize(
    ("lang", "title", "first"), [("en-US", "Recognize a photo", "espresso"), ("zh-CN", "识别照片", None)]
)
def test_the_page_uploads_a_photo_and_shows_its_top3(server, real_photos, tmp_path, lang, title, first):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _browser(lang)
    try:
        browser.get(server.url + "/")
        assert browser.find_element(By.TAG_NAME, "h1").text == title
        WebDriverWait(browser, 20).until(lambda b: "EfficientNet" in b.find_element(By.ID, "model").text)
        browser.find_element(By.ID, "file").send_keys(str(real_photos["coffee"]))
        WebDriverWait(browser, 60).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, "li.prediction")) == 3
        )
        rows = browser.find_elements(By.CSS_SELECTOR, "li.prediction")
        if first:
            assert rows[0].find_element(By.CLASS_NAME, "name").text.startswith(first)
        assert "espresso" in rows[0].text
        assert re.fullmatch(r"\d+\.\d\d%", rows[0].find_element(By.CLASS_NAME, "probability").text)
        assert browser.execute_script("return document.getElementById('preview').naturalWidth") > 0
        browser.save_screenshot(str(tmp_path / f"page-{lang}.png"))
        shot = os.environ.get("RESNET_DESKTOP_SCREENSHOTS")
        if shot:
            browser.save_screenshot(str(Path(shot) / f"serve-page-{lang}.png"))
    finally:
        browser.quit()
