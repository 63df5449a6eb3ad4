"""The kiosk's websocket answers only pages the kiosk served (issue 12 item 5).

A web page from anywhere, open on a tablet or on the kiosk computer, could
otherwise open the kiosk's websocket and drive a session: guess the staff PIN
or set the first one. Tried against the real ``esafety kiosk``: with a plain
websocket client sending chosen Origins, and from a page of another site in Chromium.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.ports import free_port

pytestmark = pytest.mark.browser

TRY_SOCKET = """url => new Promise(done => {
  const ws = new WebSocket(url);
  ws.onopen = () => { ws.close(); done("open"); };
  ws.onerror = () => done("refused");
  setTimeout(() => done("no answer"), 8000);
})"""


def ws_url(kiosk_url: str) -> str:
    return f"ws://{urlsplit(kiosk_url).netloc}/ws"


def test_a_websocket_from_another_origin_is_refused(start_kiosk):
    kiosk = start_kiosk()
    url, own = ws_url(kiosk.url), kiosk.url.rstrip("/")
    for origin in ("http://evil.example", "http://127.0.0.1:1", "https://" + own[7:], "null"):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, origin=origin, open_timeout=10).close()  # type: ignore[arg-type]
        assert refused.value.response.status_code == 403, origin
    with connect(url, origin=own, open_timeout=10):  # type: ignore[arg-type]
        pass  # the kiosk's own page
    with connect(url, open_timeout=10):
        pass  # no Origin: no browser does this, and a program could claim any Origin


@pytest.fixture
def other_site() -> Iterator[str]:
    """A web page on another port of this computer: another origin, as a browser sees it."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>Not the kiosk</title><p>hello"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_page_of_another_site_in_chromium_cannot_open_the_kiosk_websocket(
    chromium, start_kiosk, other_site
):
    kiosk = start_kiosk()
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(other_site)
        assert page.evaluate(TRY_SOCKET, ws_url(kiosk.url)) == "refused"
        page.goto(kiosk.url)  # the kiosk's own page: the same call opens it
        assert page.evaluate(TRY_SOCKET, ws_url(kiosk.url)) == "open"
    finally:
        context.close()
