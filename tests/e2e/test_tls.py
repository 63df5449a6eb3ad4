"""A tablet on the school network: the kiosk over HTTPS, its websocket over WSS (issue 10, F5)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from surveys.model import AgeBand
from tests.e2e.conftest import Screen
from tests.e2e.test_pupil_journey import PIN, preset
from tests.ports import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk_on_the_network(tmp_path):
    """``esafety kiosk --host 0.0.0.0`` and nothing else: the port, the data folder, its log."""
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_7_11)
    port = free_port()
    log = tmp_path / "kiosk.log"
    exe = str(Path(sys.executable).parent / "esafety")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "kiosk", "--data", str(data), "--host", "0.0.0.0", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    yield port, data, log
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_tablet_answers_over_https_and_the_answers_travel_over_wss(
    kiosk_on_the_network, chromium, library
):
    port, _data, log = kiosk_on_the_network
    # A tablet whose technician has accepted the kiosk's self-signed certificate.
    ctx = chromium.new_context(viewport={"width": 1180, "height": 820}, ignore_https_errors=True)
    try:
        page = ctx.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        s = Screen(page, f"https://127.0.0.1:{port}/")
        q = library.for_band(AgeBand.AGES_7_11)
        s.tap("Start")
        s.tap("Next")
        s.tap("OK, let's go")
        s.wait_for_text(q.questions[0].text)
        s.tap(q.questions[0].options[0].label)
        s.wait_for_text(f"Question 2 of {len(q.questions)}")
        s.wait_for_text(q.questions[1].text)
        assert sockets, "the page opened no websocket"
        assert all(url.startswith("wss://") for url in sockets), sockets

        # The staff screen shows the fingerprint the technician checks on each tablet.
        printed = next(
            line.split(": ", 1)[1]
            for line in log.read_text().splitlines()
            if line.startswith("Certificate SHA-256 fingerprint: ")
        )
        s = Screen(ctx.new_page(), f"https://127.0.0.1:{port}/")  # a second tablet
        s.tap("Staff")
        s.type("Staff PIN", PIN)
        s.page.get_by_label("Staff PIN").press("Enter")
        s.wait_for_text("The link to tablets is encrypted (HTTPS)")
        assert printed in s.text()
    finally:
        ctx.close()
