"""A light first load for the class's tablets: the web client's files gzipped and cached.

Flet serves its web client (about 14 MB: the Flutter engine and the app, compiled
to WebAssembly or JavaScript, and fonts) uncompressed and with no ``Cache-Control``,
so each tablet fetched it all, and fetched most of it again on every visit. This
ASGI middleware sits in front of Flet's web app and changes only the answers
that are static files (those Flet's file server gives an ``ETag``):

- **gzip.** A file is compressed once (in a worker thread, level 6), kept in
  memory and sent to every tablet that accepts gzip (``Vary: Accept-Encoding``);
  a file that gzip does not make 10% smaller (PNG, WOFF2) is sent as it is.
- **Versioned paths, cached for good.** Flet's file names carry no hash, so the
  start page is rewritten to fetch the engine, the app and its assets under
  ``/_v/<tag>/``, where ``<tag>`` is a hash of the web client's files. Those
  answers are ``immutable`` for a year: a second visit does not ask for them. A
  new Flet gives a new tag, so no tablet keeps an old engine.
- **Everything else revalidates.** The start page and the other unversioned files
  are ``no-cache``: the tablet asks every time, and an unchanged file costs a
  ``304 Not Modified`` of a few hundred bytes.

The websocket (``/ws``) and every other request pass through untouched.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["IMMUTABLE", "REVALIDATE", "WebCache", "warm_paths", "web_tag"]

logger = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
#: Compressed formats: gzip would only cost time.
_NOT_COMPRESSED = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff2")
_LEVEL = 6
#: The start page's settings that say where the engine, the app and assets are.
_BASES = re.compile(r'(flet\.(?:entrypointBaseUrl|assetBase|canvasKitBaseUrl)=")/(?!_v/)')
#: At most this many gzipped answers are kept (any unknown path is answered with
#: the start page, so hostile traffic must not grow the cache without end).
_MAX_KEPT = 256
#: Seconds the server's stop waits for start-up gzipping to finish the file in hand.
_STOP_WAIT = 10.0
_SCRIPTS = re.compile(r'(<script src=")(flutter_bootstrap\.js|python\.js)(")')


def web_tag(web_dir: Path) -> str:
    """A short hash of the web client's files (names, sizes, times): new Flet, new tag."""
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(web_dir)):
        dirs.sort()
        for name in sorted(files):
            st = (Path(root) / name).stat()
            rel = (Path(root) / name).relative_to(web_dir)
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:12]


#: What a tablet's browser may fetch first, whichever engine it runs (WebAssembly or
#: JavaScript); not Pyodide, which the kiosk does not use, nor debug symbols.
_WARM = (
    "*.js",
    "*.mjs",
    "*.wasm",
    "canvaskit/*.js",
    "canvaskit/*.wasm",
    "canvaskit/chromium/*.js",
    "canvaskit/chromium/*.wasm",
    "assets/FontManifest.json",
    "assets/fonts/*.otf",
    "assets/packages/**/*.ttf",
)


def warm_paths(web_dir: Path) -> tuple[str, ...]:
    """The start page and the web client's files that are worth gzipping at start-up."""
    found = {"/" + str(p.relative_to(web_dir)) for g in _WARM for p in web_dir.glob(g)}
    found.discard("/flutter_service_worker.js")
    return ("/", *sorted(found, key=lambda p: (p.count("/"), p)))


@dataclass(frozen=True)
class _Gzipped:
    etag: str
    body: bytes
    headers: list[tuple[bytes, bytes]]  # the file's own, less length/etag/cache


class WebCache:
    """ASGI middleware: gzip once, ``Cache-Control`` and ``/_v/<tag>/`` for Flet's files."""

    def __init__(self, app: ASGIApp, tag: str, warm: tuple[str, ...] = ()) -> None:
        self.app = app
        self.warm = warm  # paths gzipped in the background once the server has started
        self.warmed: asyncio.Task[None] | None = None
        self.prefix = f"/_v/{tag}/"
        self._gzipped: dict[str, _Gzipped] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._plain: set[str] = set()  # files gzip does not make smaller
        self._stopping = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and self.warm:
            await self.app(scope, receive, self._warm_when_started(send))
            return
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        versioned = path.startswith(self.prefix)
        if versioned:
            path = path[len(self.prefix) - 1 :]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        cache_control = IMMUTABLE if versioned else REVALIDATE
        headers = Headers(scope=scope)
        wants_gzip = _accepts_gzip(headers.get("accept-encoding", ""))
        if not wants_gzip or scope["method"] == "HEAD" or "range" in headers or path in self._plain:
            await self.app(scope, receive, _with_headers(send, cache_control, self.prefix))
            return
        entry = self._gzipped.get(path)
        if entry is None:
            # One compression per file, however many tablets ask at once.
            async with self._locks.setdefault(path, asyncio.Lock()):
                entry = self._gzipped.get(path)
                if entry is None:
                    entry = await self._fetch(scope, receive, send, cache_control)
                    if entry is not None and _kept(path, entry) and len(self._gzipped) < _MAX_KEPT:
                        self._gzipped[path] = entry
            self._locks.pop(path, None)
            if entry is None:
                return  # sent as it was (not a file, not 200, or not worth gzip)
        await _send_gzipped(entry, headers, cache_control, send)

    def _warm_when_started(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                await self.stop_warming()
            await send(message)
            if message["type"] == "lifespan.startup.complete":
                self.warmed = asyncio.create_task(self._warm())

        return wrapped

    async def stop_warming(self) -> None:
        """Stop gzipping ahead (the server is stopping), after the file in hand.

        Not by cancelling it: a file server cancelled while a worker thread opens its
        file loses the open file (AnyIO's ``open_file``; Starlette's own note points at
        the fix upstream), which the garbage collector later reports. A file takes about
        a second; after ``_STOP_WAIT`` seconds it is cancelled all the same.
        """
        task = self.warmed
        if task is None or task.done():
            return
        self._stopping = True
        await asyncio.wait([task], timeout=_STOP_WAIT)
        if not task.done():
            task.cancel()
            await asyncio.wait([task])

    async def _warm(self) -> None:
        """Gzip the engine and the app now, so the first tablet does not wait for it."""

        async def nothing() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def drop(message: Message) -> None:
            pass

        for path in self.warm:
            if self._stopping:
                return
            scope: Scope = {
                "type": "http",
                "asgi": {"version": "3.0", "spec_version": "2.4"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "root_path": "",
                "query_string": b"",
                "headers": [(b"accept-encoding", b"gzip")],
                "client": ("127.0.0.1", 0),
                "server": ("127.0.0.1", 0),
            }
            try:
                await self(scope, nothing, drop)
            except Exception:  # warming is only a head start
                logger.exception("could not gzip %s in advance", path)

    async def _fetch(
        self, scope: Scope, receive: Receive, send: Send, cache_control: str
    ) -> _Gzipped | None:
        """Ask Flet for the file; keep it gzipped, or pass the answer on unchanged."""
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False
        pass_on = _with_headers(send, cache_control, self.prefix)

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                h = Headers(raw=message["headers"])
                ctype = h.get("content-type", "")
                if (
                    message["status"] != 200
                    or "etag" not in h
                    or "content-encoding" in h
                    or ctype.startswith(_NOT_COMPRESSED)
                ):
                    if message["status"] == 200 and "etag" in h:
                        self._plain.add(scope["path"])
                    passing = True
                    await pass_on(message)
                    return
                start = message
            elif passing:
                await pass_on(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if passing or start is None:
            return None
        h = Headers(raw=start["headers"])
        body = b"".join(chunks)
        if h.get("content-type", "").startswith("text/html"):
            body = _versioned_index(body, self.prefix)
        packed = await asyncio.to_thread(gzip.compress, body, _LEVEL, mtime=0)
        keep = [
            (k, v)
            for k, v in start["headers"]
            if k
            not in (
                b"content-length",
                b"etag",
                b"cache-control",
                b"last-modified",
                b"accept-ranges",
            )
        ]
        etag = '"' + hashlib.sha256(packed).hexdigest()[:24] + '-gz"'
        if len(packed) > 0.9 * len(body):  # not worth it: sent as it is from now on
            self._plain.add(scope["path"])
            length = (b"content-length", str(len(body)).encode())
            await pass_on({**start, "headers": [*keep, length, (b"etag", h["etag"].encode())]})
            await pass_on({"type": "http.response.body", "body": body})
            return None
        return _Gzipped(etag, packed, keep)


def _kept(path: str, entry: _Gzipped) -> bool:
    """Whether ``entry`` is a file of that name, worth keeping under ``path``.

    Any unknown path (a tablet's ``/again-…`` after a reconnect, or anyone's junk) is
    answered with the start page: kept under each such path, 256 of them filled the
    cache, and every file not yet kept was then gzipped again for every tablet.
    """
    ctype = next((v for k, v in entry.headers if k == b"content-type"), b"")
    return not ctype.startswith(b"text/html") or path == "/" or path.endswith(".html")


def _accepts_gzip(accept: str) -> bool:
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


async def _send_gzipped(entry: _Gzipped, request: Headers, cache_control: str, send: Send) -> None:
    common = [
        (b"etag", entry.etag.encode()),
        (b"cache-control", cache_control.encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    tags = [t.strip().removeprefix("W/") for t in request.get("if-none-match", "").split(",")]
    if entry.etag in tags or "*" in tags:
        await send({"type": "http.response.start", "status": 304, "headers": common})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [
        *entry.headers,
        *common,
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(entry.body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})


def _with_headers(send: Send, cache_control: str, prefix: str) -> Send:
    """``send``, adding cache headers to file answers (those with an ETag)."""
    index: list[bool] = []

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            h = Headers(raw=message["headers"])
            if "etag" in h:
                raw = [(k, v) for k, v in message["headers"] if k != b"cache-control"]
                raw += [(b"cache-control", cache_control.encode()), (b"vary", b"Accept-Encoding")]
                if h.get("content-type", "").startswith("text/html"):
                    index.append(True)  # its body is rewritten below: length changes
                    raw = [(k, v) for k, v in raw if k != b"content-length"]
                message = {**message, "headers": raw}
        elif message["type"] == "http.response.body" and index and message.get("body"):
            message = {**message, "body": _versioned_index(message["body"], prefix)}
        await send(message)

    return wrapped


def _versioned_index(body: bytes, prefix: str) -> bytes:
    """The start page, fetching the engine, the app and its assets under ``prefix``."""
    text = body.decode("utf-8")
    text = _BASES.sub(lambda m: m[1] + prefix, text)
    text = _SCRIPTS.sub(lambda m: m[1] + prefix.lstrip("/") + m[2] + m[3], text)
    return text.encode("utf-8")
