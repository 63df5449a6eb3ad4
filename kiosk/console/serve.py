"""``esafety hub`` serves two things on one port: the kiosks' endpoints and the lead's console.

``/pair``, ``/push`` and ``/health`` go to the hub's FastAPI app
(:func:`kiosk.hub.web.make_app`, behind its request guard): kiosks on the school
network reach those (and ``/pairing``, a plain page for scripts, which checks for
this computer itself). Everything else is the lead's console, a Flet web app
(:class:`~kiosk.console.desk.ConsoleDesk`), which answers **this computer only**:
a request from another address, or naming the hub by a name that is not this
computer's (a rebound DNS name), gets 403 with one line saying why. Its websocket
also passes :class:`~kiosk.ui.origin.OriginCheck`. Files the lead asks for are
served from ``/download/<token>/<name>`` (see :mod:`kiosk.console.files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import flet as ft
import flet_web
import flet_web.fastapi as flet_fastapi

from kiosk.console.desk import ConsoleDesk
from kiosk.console.files import Downloads
from kiosk.console.services import ConsoleServices
from kiosk.hub.web import make_app
from kiosk.ui import tuning
from kiosk.ui.origin import ASGIApp, OriginCheck, Scope, loopback, names_this_computer
from kiosk.ui.webcache import WebCache, warm_paths, web_tag

__all__ = ["ConsoleGate", "console_app"]

#: What kiosks on the network may reach; the rest is the lead's, on this computer only.
KIOSK_PATHS = ("/pair", "/push", "/health", "/pairing")
#: A console page gone this long (its tab closed) ends its session, and the key with it.
SESSION_SECONDS = 60


async def _answer(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class ConsoleGate:
    """ASGI: the kiosks' paths to the hub; the rest to the console, on this computer only."""

    def __init__(self, hub_app: ASGIApp, console: ASGIApp, downloads: Downloads) -> None:
        self.hub_app, self.console, self.downloads = hub_app, console, downloads

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.console(scope, receive, send)
            return
        path = scope.get("path", "")
        if path in KIOSK_PATHS:
            await self.hub_app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = scope.get("client") or ("", 0)
        if not (loopback(str(client[0])) and names_this_computer(headers.get(b"host"))):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            text = b"The lead's console opens only on the hub computer itself: http://127.0.0.1"
            await _answer(send, 403, text, [(b"content-type", b"text/plain; charset=utf-8")])
            return
        if scope["type"] == "http" and path.startswith("/download/"):
            await self._download(path, send)
            return
        await self.console(scope, receive, send)

    async def _download(self, path: str, send: Any) -> None:
        parts = path.split("/")
        found = self.downloads.take(parts[2]) if len(parts) == 4 else None
        if found is None or not found.is_file() or unquote(parts[3]) != found.name:
            await _answer(send, 404, b"That file is no longer here: make it again.", [])
            return
        kind = {".pdf": b"application/pdf", ".csv": b"text/csv; charset=utf-8"}.get(
            found.suffix, b"application/octet-stream"
        )
        headers = [
            (b"content-type", kind),
            (b"content-disposition", f'attachment; filename="{found.name}"'.encode()),
            (b"cache-control", b"no-store"),
            # Never guessed into a page: a CSV holding "<script>" stays a CSV.
            (b"x-content-type-options", b"nosniff"),
        ]
        await _answer(send, 200, found.read_bytes(), headers)


def console_app(services: ConsoleServices, public_url: str) -> tuple[ConsoleGate, Downloads]:
    """The hub's whole web side: kiosk endpoints and the console, behind one gate."""
    downloads = Downloads()

    async def main(page: ft.Page) -> None:
        await ConsoleDesk(page, services, downloads).start()

    web_dir = Path(flet_web.get_package_web_dir())
    flet_app = flet_fastapi.app(main, no_cdn=True, session_timeout_seconds=SESSION_SECONDS)
    console = OriginCheck(WebCache(flet_app, web_tag(web_dir), warm_paths(web_dir)))
    tuning.install()
    gate = ConsoleGate(make_app(services.hub, public_url), console, downloads)
    return gate, downloads
