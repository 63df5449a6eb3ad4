"""Serve the kiosk web UI: one :class:`~kiosk.ui.session.PupilSession` per browser tab.

It is Flet's web app (``flet_web.fastapi.app``, no CDN) run by uvicorn, behind
:class:`~kiosk.ui.webcache.WebCache` (its files gzipped and cached: docs/performance.md).
On this computer only it is plain HTTP on 127.0.0.1; for the school network uvicorn
serves it with the kiosk's certificate, so the pages and the websocket are HTTPS/WSS.
Around it, :class:`~kiosk.ui.origin.OriginCheck` refuses a websocket opened by a
page the kiosk did not serve.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import flet as ft
import flet_web
import flet_web.fastapi as flet_fastapi
import uvicorn
from flet.utils import is_linux_server, open_in_browser

from exports.qr import cached_qr
from kiosk.tls import KioskCertificate
from kiosk.ui import reconnect, tuning
from kiosk.ui.origin import OriginCheck
from kiosk.ui.services import KioskServices
from kiosk.ui.session import PupilSession
from kiosk.ui.webcache import WebCache, warm_paths, web_tag

__all__ = ["serve"]


def serve(
    server: KioskServices, *, host: str, port: int, certificate: KioskCertificate | None = None
) -> None:
    """Serve the kiosk web UI (offline: no CDN) until interrupted; HTTPS with ``certificate``."""

    async def main(page: ft.Page) -> None:
        await PupilSession(page, server).start()

    # Warm the QR cache off any event loop: the thank-you screen then costs nothing.
    for route in server.library.routes.values():
        if route.url:
            cached_qr(route.url)
    if server.library.school.online_safety_page:
        cached_qr(server.library.school.online_safety_page)
    server.start_sync()
    reconnect.install(int(server.idle.reset_after) + 30)
    tuning.install()
    web_dir = Path(flet_web.get_package_web_dir())
    flet_app = flet_fastapi.app(
        main,
        no_cdn=True,
        # A tablet whose Wi-Fi drops keeps its session (and its pupil's place) this long;
        # the session's own idle watch forgets the pupil at the idle reset, back or not.
        session_timeout_seconds=int(server.idle.reset_after) + 30,  # as reconnect.install
    )
    app = OriginCheck(WebCache(flet_app, web_tag(web_dir), warm_paths(web_dir)))
    tls: dict[str, Any] = {}
    if certificate is not None:
        tls = {
            "ssl_certfile": str(certificate.cert_file),
            "ssl_keyfile": str(certificate.key_file),
        }
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ws="websockets-sansio",  # as Flet's own server
        log_level="warning",
        timeout_graceful_shutdown=5,  # a half-open connection must not keep it from stopping
        **tls,
    )
    uvicorn_server = uvicorn.Server(config)
    tuning.settle()  # start-up is over: what it made is never collected (docs/performance.md)
    if certificate is not None or is_linux_server():  # type: ignore[no-untyped-call]
        uvicorn_server.run()  # stops on Ctrl+C or SIGTERM
        return
    asyncio.run(_serve_and_open(uvicorn_server, f"http://127.0.0.1:{port}/"))


async def _serve_and_open(server: uvicorn.Server, url: str) -> None:
    """Serve; once listening, open the kiosk in this computer's browser (as Flet did)."""
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if server.started:
        open_in_browser(url)
    await serving
