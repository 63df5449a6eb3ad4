"""Serve the kiosk web UI: one :class:`~kiosk.ui.session.PupilSession` per browser tab.

Flet's web app (``flet_web.fastapi.app``) run by uvicorn: plain HTTP on this
computer only, or with the kiosk's certificate for the school network (HTTPS/WSS).
Around it, :class:`~kiosk.ui.origin.OriginCheck` refuses a websocket opened by a
page the kiosk did not serve.
"""

from __future__ import annotations

import threading

import flet as ft
import flet_web.fastapi as flet_fastapi
import uvicorn
from flet.utils import is_linux_server, open_in_browser

from exports.qr import cached_qr
from kiosk.tls import KioskCertificate
from kiosk.ui.origin import OriginCheck
from kiosk.ui.services import KioskServices
from kiosk.ui.session import PupilSession

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
    cert = certificate
    config = uvicorn.Config(
        OriginCheck(flet_fastapi.app(main, no_cdn=True)),
        host=host,
        port=port,
        ssl_certfile=str(cert.cert_file) if cert else None,
        ssl_keyfile=str(cert.key_file) if cert else None,
        ws="websockets-sansio",  # as Flet's own server
        log_level="warning",
    )
    server_ = uvicorn.Server(config)
    if certificate is None and host in ("127.0.0.1", "localhost") and not is_linux_server():  # type: ignore[no-untyped-call]
        # As Flet's own server did: on this computer, open the kiosk in its browser.
        threading.Timer(1.0, open_in_browser, [f"http://127.0.0.1:{port}/"]).start()
    server_.run()  # stops on Ctrl+C or SIGTERM
