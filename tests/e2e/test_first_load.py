"""A light first load (issue 12): files come gzipped, the start page revalidates, a second
visit fetches almost nothing, and a pupil still gets through (the websocket unharmed)."""

from __future__ import annotations

import urllib.request

import pytest

from surveys.model import AgeBand
from tests.e2e.conftest import Screen
from tests.e2e.test_pupil_journey import preset

pytestmark = pytest.mark.browser


class Wire:
    """What one tab fetched over the network, as Chromium counts it (DevTools protocol)."""

    def __init__(self, context, page) -> None:
        self.bytes = 0
        self.responses: dict[str, dict] = {}  # request id -> response
        self.raw_status: dict[str, int] = {}  # request id -> status on the wire (304 too)
        self.fetched: list[dict] = []
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.responseReceivedExtraInfo", self._extra)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, e: dict) -> None:
        self.responses[e["requestId"]] = e["response"]

    def _extra(self, e: dict) -> None:
        self.raw_status[e["requestId"]] = int(e["statusCode"])

    def _finished(self, e: dict) -> None:
        r = self.responses.get(e["requestId"])
        if r is None or r.get("fromDiskCache") or r["url"].startswith("data:"):
            return
        headers = {k.lower(): v for k, v in r["headers"].items()}
        self.bytes += int(e["encodedDataLength"])
        self.fetched.append(
            {
                "url": r["url"],
                "status": self.raw_status.get(e["requestId"], r["status"]),
                "encoding": headers.get("content-encoding", ""),
                "cache": headers.get("cache-control", ""),
                "type": headers.get("content-type", ""),
            }
        )


def _visit(context, url: str) -> tuple[Screen, Wire]:
    page = context.new_page()
    wire = Wire(context, page)
    s = Screen(page, url)
    s.button("Start").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # late fonts and icons count too
    return s, wire


def test_a_second_visit_fetches_almost_nothing_and_files_come_gzipped(
    start_kiosk, chromium, tmp_path, library
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_7_11)
    kiosk = start_kiosk(data=data)
    ctx = chromium.new_context(viewport={"width": 1180, "height": 820})
    try:
        first_screen, first = _visit(ctx, kiosk.url)
        # The engine and the app came compressed, from versioned paths cached for good.
        big = [f for f in first.fetched if "wasm" in f["type"] or "javascript" in f["type"]]
        assert big, first.fetched
        assert all(f["encoding"] == "gzip" for f in big), big
        assert all("immutable" in f["cache"] and "/_v/" in f["url"] for f in big), big
        start_page = next(f for f in first.fetched if f["url"] == kiosk.url)
        assert start_page["encoding"] == "gzip" and start_page["cache"] == "no-cache"
        assert not [f for f in first.fetched if not f["url"].startswith(kiosk.url)], (
            "fetched from outside the kiosk (a CDN?)"
        )
        assert first.bytes < 8_000_000, first.bytes  # was 14.4 MB uncompressed
        first_screen.page.close()

        _, second = _visit(ctx, kiosk.url)
        start_page = next(f for f in second.fetched if f["url"] == kiosk.url)
        assert start_page["status"] == 304, second.fetched
        assert all(f["status"] == 304 for f in second.fetched), second.fetched
        assert second.bytes < 0.05 * first.bytes, (second.bytes, first.bytes)

        # The live connection is unharmed: a pupil still answers.
        s = Screen(ctx.new_page(), kiosk.url)
        q = library.for_band(AgeBand.AGES_7_11)
        s.tap("Start")
        s.tap("Next")
        s.tap("OK, let's go")
        s.wait_for_text(q.questions[0].text)
        s.tap(q.questions[0].options[0].label)
        s.wait_for_text(q.questions[1].text)
    finally:
        ctx.close()

    # A client that does not ask for gzip gets the plain file, with its cache headers.
    with urllib.request.urlopen(kiosk.url, timeout=10) as r:
        assert r.headers.get("Content-Encoding") is None
        assert r.headers["Cache-Control"] == "no-cache" and r.headers["ETag"]
        assert b"/_v/" in r.read()
