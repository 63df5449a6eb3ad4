"""What the console intruder tests (tests/test_intruder_console.py) share: the hub's real
web side (:func:`kiosk.console.serve.console_app`) served by uvicorn in a thread, raw
ASGI calls with any client address, and a small websocket client speaking Flet's own
protocol (msgpack, as the browser's Flutter app does), so a test can send events for
any control id, signed in or not. Each client runs its asyncio loop in a thread of its
own (Playwright may hold the main one in a full run)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import uvicorn
import websockets

from kiosk.cli.common import content_dir
from kiosk.console.files import Downloads
from kiosk.console.serve import ConsoleGate, console_app
from kiosk.console.services import ConsoleServices
from surveys.keys import make_key_pair, parse_public_key
from surveys.sync.hub import Hub
from tests.benchmarks.bench_load import (
    CONTROL_EVENT,
    INVOKE_METHOD,
    PAGE_PATCH,
    REGISTER_CLIENT,
    Screen,
    frame,
)
from tests.ports import free_port

__all__ = ["PASSPHRASE", "PASSWORD", "Console", "Served", "asgi", "serve_console", "sign_up"]

PASSWORD = "kettle orbit violin meadow"
PASSPHRASE = "heron copper tulip anchor"
UPDATE_CONTROL_PROPS = 4


@dataclass
class Served:
    """The hub's whole web side, served for real on ``host`` (uvicorn in a thread)."""

    gate: ConsoleGate
    downloads: Downloads
    services: ConsoleServices
    hub: Hub
    key_file: Path
    port: int
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.downloads.close()
        self.hub.close()


def serve_console(
    tmp: Path,
    host: str = "127.0.0.1",
    idle: float | None = None,
    *,
    before: Callable[[Path, bytes], None] | None = None,
    content: Path | None = None,
) -> Served:
    """``before(hub folder, public key)`` fills the hub's folder before the hub opens it;
    ``content`` is a content folder other than the shipped one."""
    private, public = make_key_pair(tmp / "keys", PASSPHRASE)
    if before is not None:
        before(tmp / "hub", public.read_bytes())
    hub = Hub(tmp / "hub")
    hub.set_school_key(parse_public_key(public.read_text(encoding="utf-8")))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    services = ConsoleServices(hub, content or content_dir(None), public_url=url, key_file=private)
    if idle is not None:
        services.idle_lock = idle
    gate, downloads = console_app(services, url)
    config = uvicorn.Config(gate, host=host, port=port, log_level="error", ws="websockets-sansio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.05)
    return Served(gate, downloads, services, hub, private, port, server, thread)


def _run(coro: Any) -> Any:
    """Run ``coro`` on a loop of its own, in a thread of its own."""
    out: dict[str, Any] = {}

    def go() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the test
            out["error"] = exc

    t = threading.Thread(target=go)
    t.start()
    t.join(60)
    if "error" in out:
        raise out["error"]
    return out.get("value")


def asgi(
    app: Any,
    path: str,
    *,
    client: str = "127.0.0.1",
    headers: list[tuple[bytes, bytes]] | None = None,
    kind: str = "http",
) -> tuple[int, bytes]:
    """One raw ASGI request to ``app``: (status, body); a websocket gives 101 if accepted,
    or its close code."""
    scope = {
        "type": kind,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "ws" if kind == "websocket" else "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers if headers is not None else [(b"host", b"127.0.0.1:8560")],
        "client": (client, 50000),
        "server": ("127.0.0.1", 8560),
        "subprotocols": [],
    }

    async def call() -> tuple[int, bytes]:
        sent: list[dict[str, Any]] = []
        first = {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request"}
        inbox = [first]

        async def receive() -> dict[str, Any]:
            if inbox:
                return inbox.pop(0)
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app(scope, receive, send), 5)
        for m in sent:
            if m["type"] == "websocket.accept":
                return 101, b""
            if m["type"] == "websocket.close":
                return int(m.get("code", 1000)), b""
            if m["type"] == "http.response.start":
                body = b"".join(x.get("body", b"") for x in sent if x["type"].endswith("body"))
                return int(m["status"]), body
        return 0, b""

    result: tuple[int, bytes] = _run(call())
    return result


def _find(node: Any, key: str, words: str) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get(key) == words:
            yield node
        for value in node.values():
            yield from _find(value, key, words)
    elif isinstance(node, list):
        for item in node:
            yield from _find(item, key, words)


class Console:
    """One console tab as a program: Flet's protocol over a websocket, in its own thread."""

    def __init__(self, url: str, session_id: str = "", headers: dict[str, str] | None = None):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.changed = threading.Event()
        #: What the page asked the browser to do: (method, its arguments), in order.
        self.invoked: list[tuple[str, Any]] = []
        #: The files a file chooser answers with ([{"name", "size", "bytes"}]), or None.
        self.picked: list[dict[str, Any]] | None = None
        self.session_id: str = self._call(self._open(url, session_id, headers or {}))

    def _call(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _open(self, url: str, sid: str, headers: dict[str, str]) -> str:
        self.ws = await websockets.connect(
            url, max_size=None, open_timeout=20, ping_interval=None, additional_headers=headers
        )
        page = {"route": "/", "web": True, "width": 1180.0, "height": 820.0, "platform": "linux"}
        page |= {"pwa": False, "debug": False, "platform_brightness": "light", "media": {}}
        body = {"session_id": sid, "page_name": "", "page": page}
        await self.ws.send(frame(REGISTER_CLIENT, body))
        _, answer = msgpack.unpackb((await self.ws.recv())[1:], strict_map_key=False)
        self.screen = Screen(answer["page_patch"])
        self.reader = asyncio.ensure_future(self._read())
        return str(answer["session_id"])

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):  # the hub stopped
            await self._read_all()

    async def _read_all(self) -> None:
        async for message in self.ws:
            if message[:1] != b"\x00":
                continue
            action, body = msgpack.unpackb(message[1:], strict_map_key=False)
            if action == PAGE_PATCH and body.get("id") == 1:
                self.screen.apply(body["patch"])
                self.changed.set()
            elif action == INVOKE_METHOD:
                self.invoked.append((str(body.get("name")), body.get("args")))
                result = self.picked if body.get("name") == "pick_files" else None
                done = {"control_id": body["control_id"], "call_id": body["call_id"]}
                await self.ws.send(frame(INVOKE_METHOD, done | {"result": result, "error": None}))

    def send(self, action: int, body: dict[str, Any]) -> None:
        self._call(self.ws.send(frame(action, body)))

    def text(self) -> str:
        return " | ".join(self.screen.texts())

    def wait_for(self, words: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            self.changed.clear()
            if time.monotonic() > deadline:
                raise TimeoutError(f"never showed {words!r}: {self.text()}")
            self.changed.wait(0.2)

    def field(self, label: str) -> int:
        return int(next(_find(self.screen.root, "label", label))["_i"])

    def type(self, label: str, value: str) -> None:
        self.send(UPDATE_CONTROL_PROPS, {"id": self.field(label), "props": {"value": value}})

    def click(self, target: int, name: str = "click") -> None:
        self.send(CONTROL_EVENT, {"target": target, "name": name, "data": None})

    def tap(self, words: str) -> int:
        target = self.screen.button(words)
        if target is None:
            raise LookupError(f"no button {words!r}: {self.text()}")
        self.click(target)
        return target

    def ids(self) -> list[int]:
        found: list[int] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if "_i" in node:
                    found.append(int(node["_i"]))
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.screen.root)
        return found

    def close(self) -> None:
        async def shut() -> None:
            await self.ws.close()
            self.reader.cancel()

        try:
            self._call(shut(), 10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            self.loop.close()


def sign_up(run: Served) -> Console:
    """A new lead's first visit: choose the password, reach Home."""
    tab = Console(run.ws)
    tab.wait_for("Choose a password")
    tab.type("New password", PASSWORD)
    tab.type("The same password again", PASSWORD)
    tab.tap("Set the password")
    tab.wait_for("To do first")
    return tab
