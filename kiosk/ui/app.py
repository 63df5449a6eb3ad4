"""Serve the kiosk web UI: one :class:`~kiosk.ui.session.PupilSession` per browser tab."""

from __future__ import annotations

import asyncio

import flet as ft

from exports.qr import cached_qr
from kiosk.ui.services import KioskServices
from kiosk.ui.session import PupilSession

__all__ = ["serve"]


def serve(server: KioskServices, *, host: str, port: int) -> None:
    """Serve the kiosk web UI (offline: no CDN) until interrupted."""

    async def main(page: ft.Page) -> None:
        await PupilSession(page, server).start()

    # Warm the QR cache off any event loop: the thank-you screen then costs nothing.
    for route in server.library.routes.values():
        if route.url:
            cached_qr(route.url)
    if server.library.school.online_safety_page:
        cached_qr(server.library.school.online_safety_page)
    server.start_sync()
    asyncio.run(
        ft.run_async(
            main,
            view=ft.AppView.WEB_BROWSER,
            host=host,
            port=port,
            no_cdn=True,
        )
    )
