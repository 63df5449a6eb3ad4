"""``esafety hub``: the lead's hub on the school network (FastAPI on uvicorn).

FastAPI and uvicorn come with flet-web already; FastAPI turns a body that is not
JSON, or a missing header, into a clear 4xx without hand-written parsing. Handlers
are plain ``def``: FastAPI runs them in a worker thread, so a merge (which waits
for the disk) never stalls another kiosk's request.

    GET  /pairing a plain pairing page (QR code and text) for scripts; this computer only
                  (the lead's console, kiosk/console, does this and more at /)
    POST /pair    a kiosk proves it knows a live pairing code and gets its secret and the
                  school's public key (sealed together under the code)
    POST /push    an authenticated, numbered batch of records
    GET  /health  for kiosks to check the hub is there

Every request passes :class:`kiosk.hub.guard.RequestGuard` first: body limits
checked while the body streams in (:data:`MAX_PAIR`, :data:`MAX_PUSH`, none
elsewhere), and at most two pairings and two pushes read or handled at once.
A push must first show its kiosk's ticket (``X-Esafety-Ticket``, over its kiosk id,
number and length: :meth:`Hub.admit_push`): one without is refused before it takes
a slot or a byte of its body is read, and each kiosk has at most one push in flight.
"""

from __future__ import annotations

import base64
import html
import tempfile
from typing import Annotated, Any

import anyio.to_thread
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, StringConstraints, ValidationError

from exports.qr import qr_png
from kiosk.hub.guard import Refused, RequestGuard
from surveys.model import KioskId
from surveys.sync.bundle import BundleRefused
from surveys.sync.hub import Hub
from surveys.sync.pairing import pairing_text

__all__ = ["make_app"]

#: A push's largest body: a batch of 2,000 records is about 6 MB.
MAX_PUSH = 64 * 1024 * 1024
#: A pairing request's largest body (a kiosk id and a proof: about 120 bytes).
MAX_PAIR = 4096


class PairRequest(BaseModel):
    kiosk_id: KioskId
    proof: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def make_app(hub: Hub, public_url: str) -> RequestGuard:
    """The hub's web app, behind its :class:`RequestGuard` (``.app`` is the FastAPI app)."""
    app = FastAPI(title="E-Safety Kiosk hub", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True}

    @app.get("/pairing", response_class=HTMLResponse)
    def pairing_page(request: Request) -> str:
        # The computer itself only: by its address, and by the name the browser used
        # (a web page cannot then reach it through a rebound DNS name).
        host = (request.headers.get("host") or "").rsplit(":", 1)[0]
        if (
            request.client is None
            or request.client.host not in ("127.0.0.1", "::1")
            or host not in ("127.0.0.1", "localhost", "[::1]")
        ):
            raise HTTPException(403, "the pairing page opens only on the hub computer itself")
        try:
            code = hub.new_pairing_code()
        except BundleRefused as exc:  # no school key yet: the message says the command
            raise HTTPException(503, str(exc)) from None
        text = pairing_text(public_url, code)
        qr = base64.b64encode(qr_png(text)).decode()
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{v['responses']}</td>"
            f"<td>{v['signed_agreements']}</td>"
            f"<td>{html.escape(str(v['last_seen'] or '—'))}</td></tr>"
            for k, v in hub.kiosk_stats().items()
        )
        waiting, since = hub.requests_waiting()
        if waiting:
            plural = "request" if waiting == 1 else "requests"
            asks = (
                "<p style='font-size:1.4em;background:#FCE8D5;padding:.6em'><b>"
                f"{waiting} {plural} to talk to someone waiting since "
                f"{since.strftime('%A %-d %B') if since else 'before this hub kept days'}"
                "</b>. A pupil asked for an adult: see them today. Open them with "
                f"<code>esafety requests --data {html.escape(str(hub.root))} --key …</code></p>"
            )
        else:
            asks = "<p>No requests to talk to someone are waiting.</p>"
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Pair a kiosk</title><style>body{font-family:sans-serif;margin:2em;"
            "color:#1B2733;max-width:50em}code{font-size:1.6em;background:#DCEBF7;padding:.2em}"
            "td,th{padding:.3em .8em;border-bottom:1px solid #B7C7D6;text-align:left}</style>"
            f"</head><body>{asks}<h1>Pair a kiosk with this hub</h1>"
            "<p>On the kiosk: Staff, then <b>Pair with the hub</b>. Scan this code or type "
            "the text below. It works once, for 10 minutes; reload for a new one.</p>"
            f"<img alt='Pairing QR code' src='data:image/png;base64,{qr}' width='260'>"
            f"<p><code>{html.escape(text)}</code></p>"
            "<h2>Kiosks</h2><table><tr><th>kiosk</th><th>responses</th>"
            f"<th>signed agreements</th><th>last seen</th></tr>{rows}</table></body></html>"
        )

    @app.post("/pair")
    async def pair(request: Request) -> dict[str, str]:
        body = await request.body()  # at most MAX_PAIR: the guard stops it there
        try:
            asked = PairRequest.model_validate_json(body)
        except ValidationError:
            raise HTTPException(422, "that is not a pairing request") from None
        try:
            sealed = await anyio.to_thread.run_sync(hub.pair, asked.kiosk_id, asked.proof)
        except BundleRefused as exc:
            raise HTTPException(403, str(exc)) from None
        return {"sealed": sealed}

    @app.post("/push")
    async def push(
        request: Request,
        x_esafety_kiosk: str = Header(),
        x_esafety_counter: int = Header(),
        x_esafety_mac: str = Header(),
    ) -> dict[str, Any]:
        kiosk, counter, mac = x_esafety_kiosk, x_esafety_counter, x_esafety_mac
        try:
            # Before a byte of the body: is the sender paired at all? Then the body goes to
            # a file that has no name (gone when closed), its MAC computed as it comes, and
            # into memory only once it proves to be the kiosk's: an unauthenticated body
            # costs the hub disk for a moment (the guard stops it at MAX_PUSH), never memory.
            running = await anyio.to_thread.run_sync(hub.check_sender, kiosk, counter)
            with tempfile.TemporaryFile() as spool:
                async for chunk in request.stream():
                    running.update(chunk)
                    spool.write(chunk)
                await anyio.to_thread.run_sync(hub.check_seal, kiosk, running, mac)
                spool.seek(0)
                body = await anyio.to_thread.run_sync(spool.read)
            result = await anyio.to_thread.run_sync(hub.import_push, kiosk, counter, mac, body)
        except BundleRefused as exc:
            raise HTTPException(403, str(exc)) from None
        return result.answer()

    def push_gate(headers: dict[str, str]) -> str:
        """The guard's check of a push, before its slot: the kiosk it is from."""
        kiosk, counter = headers.get("x-esafety-kiosk", ""), headers.get("x-esafety-counter", "")
        length, ticket = int(headers["content-length"]), headers.get("x-esafety-ticket")
        try:
            hub.admit_push(kiosk, counter, length, ticket)
        except BundleRefused as exc:
            raise Refused(403, str(exc)) from None
        return kiosk

    limits = {"/pair": MAX_PAIR, "/push": MAX_PUSH}
    return RequestGuard(app, limits, ("/pair", "/push"), gates={"/push": push_gate})
