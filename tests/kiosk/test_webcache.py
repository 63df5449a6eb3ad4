"""WebCache in front of a real Starlette file server and websocket (as Flet's web app is)."""

from __future__ import annotations

import gzip
import threading
import time
import warnings
from pathlib import Path

import anyio
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from kiosk.ui.webcache import IMMUTABLE, REVALIDATE, WebCache, warm_paths, web_tag

with warnings.catch_warnings():  # Starlette now prefers httpx2 for its test client
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

INDEX = (
    '<html><script>\nflet.canvasKitBaseUrl="/canvaskit/";\nflet.entrypointBaseUrl="/";\n'
    'flet.assetBase="/";\n</script>\n<script src="python.js"></script>\n'
    '<script src="flutter_bootstrap.js" async></script></html>\n'
)
ENGINE = b"(function engine(){ return 42; })();\n" * 5000


@pytest.fixture
def web(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "main.dart.js").write_bytes(ENGINE)
    (tmp_path / "canvaskit").mkdir()
    (tmp_path / "canvaskit" / "skwasm.wasm").write_bytes(b"\0asm" + bytes(200_000))
    (tmp_path / "icon.png").write_bytes(bytes(range(256)) * 40)
    return tmp_path


class SpaFiles(StaticFiles):
    """As Flet's FletStaticFiles: a path with no extension is answered with the start page."""

    def lookup_path(self, path: str):  # type: ignore[no-untyped-def]
        full, st = super().lookup_path(path)
        if st is None and "." not in path.rsplit("/", 1)[-1]:
            return super().lookup_path("index.html")
        return full, st


@pytest.fixture
def client(web: Path):
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_bytes(await ws.receive_bytes())
        await ws.close()

    inner = Starlette(
        routes=[WebSocketRoute("/ws", echo), Mount("/", SpaFiles(directory=web, html=True))]
    )
    cache = WebCache(inner, "t1", warm_paths(web))
    with TestClient(cache) as c:
        c.cache = cache
        deadline = time.monotonic() + 10
        while not (cache.warmed and cache.warmed.done()):  # start-up gzipping, in the background
            assert time.monotonic() < deadline, "start-up gzipping never finished"
            time.sleep(0.05)
        yield c


GZ = {"Accept-Encoding": "gzip, deflate, br"}


def test_versioned_files_come_gzipped_once_and_are_cached_for_good(client):
    r = client.get("/_v/t1/main.dart.js", headers=GZ)
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == IMMUTABLE
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.content == ENGINE  # (the client unpacks it)
    assert int(r.headers["content-length"]) < len(ENGINE) / 10
    assert gzip.decompress(client.cache._gzipped["/main.dart.js"].body) == ENGINE
    again = client.get("/_v/t1/main.dart.js", headers={**GZ, "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_start_page_revalidates_and_points_at_the_versioned_files(client):
    r = client.get("/", headers=GZ)
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == REVALIDATE
    page = r.text
    assert 'flet.canvasKitBaseUrl="/_v/t1/canvaskit/"' in page
    assert 'flet.entrypointBaseUrl="/_v/t1/"' in page
    assert 'flet.assetBase="/_v/t1/"' in page
    assert '<script src="_v/t1/flutter_bootstrap.js" async>' in page
    assert '<script src="_v/t1/python.js">' in page
    assert client.get("/", headers={**GZ, "If-None-Match": r.headers["etag"]}).status_code == 304
    # A client that cannot unpack gzip gets the same page, plain, and can revalidate too.
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == page and plain.headers["cache-control"] == REVALIDATE
    etag = plain.headers["etag"]
    assert (
        client.get("/", headers={"Accept-Encoding": "identity", "If-None-Match": etag}).status_code
        == 304
    )


def test_files_gzip_cannot_shrink_are_sent_as_they_are_and_still_revalidate(client, web):
    r = client.get("/icon.png", headers=GZ)
    assert "content-encoding" not in r.headers
    assert r.content == (web / "icon.png").read_bytes()
    assert r.headers["cache-control"] == REVALIDATE
    again = client.get("/icon.png", headers={**GZ, "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_gzip_refused_ranges_heads_and_missing_files_pass_through(client):
    assert (
        "content-encoding"
        not in client.get("/main.dart.js", headers={"Accept-Encoding": "gzip;q=0"}).headers
    )
    part = client.get("/main.dart.js", headers={**GZ, "Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == ENGINE[:10]
    head = client.head("/_v/t1/main.dart.js", headers=GZ)
    assert head.status_code == 200 and head.headers["cache-control"] == IMMUTABLE
    missing = client.get("/_v/t1/nothing.js", headers=GZ)
    assert missing.status_code == 404 and "cache-control" not in missing.headers
    assert client.post("/", headers=GZ).status_code == 405


def test_the_websocket_is_untouched(client):
    with client.websocket_connect("/ws", headers=GZ) as ws:
        ws.send_bytes(b"\x93tap")
        assert ws.receive_bytes() == b"\x93tap"


def test_start_up_gzips_the_web_client_and_unknown_paths_cannot_grow_the_cache(client):
    assert {"/", "/main.dart.js", "/canvaskit/skwasm.wasm"} <= set(client.cache._gzipped)
    for i in range(400):  # any unknown route is answered with the start page
        assert client.get(f"/no-such-page-{i}", headers=GZ).status_code == 200
    assert len(client.cache._gzipped) <= 256


def test_the_tag_changes_when_the_web_client_does(web):
    before = web_tag(web)
    assert before == web_tag(web)
    (web / "main.dart.js").write_bytes(ENGINE + b"//new\n")
    assert web_tag(web) != before


def test_stopping_the_server_lets_start_up_gzipping_finish_the_file_in_hand_then_stops(web):
    """A full run once failed on a ResourceWarning: the hub stopped while start-up gzipping
    was reading the engine, the read was cancelled as its file was being opened, and the
    open file was left for the garbage collector. Now the stop waits for the file in hand
    (it is finished and kept) and starts no other; nothing is cancelled."""
    started = threading.Event()
    asked: list[str] = []

    async def slow_files(scope, receive, send) -> None:  # a file server on a slow disk
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        asked.append(scope["path"])
        headers = [(b"etag", b'"e1"'), (b"content-type", b"text/javascript")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        started.set()
        await anyio.sleep(1)
        await send({"type": "http.response.body", "body": ENGINE})

    cache = WebCache(slow_files, "t1", ("/main.dart.js", "/other.js"))
    with TestClient(cache):
        assert started.wait(10), "start-up gzipping never began"
    assert cache.warmed is not None and cache.warmed.done() and not cache.warmed.cancelled()
    assert asked == ["/main.dart.js"] and "/main.dart.js" in cache._gzipped
