"""Serve the kiosk web UI: one :class:`~kiosk.ui.session.PupilSession` per browser tab.

On this computer only it is Flet's own web server (plain HTTP on 127.0.0.1). For the
school network it is the same Flet web app (``flet_web.fastapi.app``) run by uvicorn
with the kiosk's certificate, so the pages and the websocket are HTTPS/WSS.
"""

from __future__ import annotations

import asyncio
import os

import flet as ft
import flet_web.fastapi as flet_fastapi
import uvicorn

from exports.qr import cached_qr
from kiosk.tls import KioskCertificate
from kiosk.ui import reconnect
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
    reconnect.install()
    # A tablet whose Wi-Fi drops keeps its session (and its pupil's place) this long; the
    # session's own idle watch forgets the pupil at the idle reset, whether or not it is back.
    os.environ["FLET_SESSION_TIMEOUT"] = str(int(server.idle.reset_after) + 30)
    if certificate is not None:
        app = flet_fastapi.app(main, no_cdn=True)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            ssl_certfile=str(certificate.cert_file),
            ssl_keyfile=str(certificate.key_file),
            ws="websockets-sansio",  # as Flet's own server
            log_level="warning",
        )
        uvicorn.Server(config).run()  # stops on Ctrl+C or SIGTERM
        return
    asyncio.run(
        ft.run_async(
            main,
            view=ft.AppView.WEB_BROWSER,
            host=host,
            port=port,
            no_cdn=True,
        )
    )
