"""The lead's console, Requests, in a real browser: a pupil's request to talk reaches the hub
from a kiosk; Home puts it first with "Open Requests"; the lead unlocks the key, sees the
pupil's first name and class, marks it seen, and Home no longer lists it as waiting."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.keys import parse_public_key
from surveys.model import AgeBand
from surveys.requests.model import Reason, TalkForm
from surveys.requests.sealing import seal_request
from surveys.requests.status import Status, StatusBook
from surveys.requests.store import RequestStore
from tests.e2e import console
from tests.e2e.console import PASSPHRASE, PASSWORD

pytestmark = pytest.mark.browser
start_hub = console.start_hub  # the fixture
NAME, CLASS = "Zuleikha", "5C"


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def kiosk_with_a_request(folder: Path, public_key: Path) -> str:
    """A kiosk with the school's key and one request sealed and saved as the kiosk does."""
    assert esafety("keys", "install", "--data", str(folder), str(public_key)).returncode == 0
    kiosk_id = json.loads((folder / "kiosk.json").read_text())["kiosk_id"]
    form = TalkForm()
    form.keep(NAME, CLASS)
    form.choose(Reason.ONLINE)
    request = form.request(kiosk_id, AgeBand.AGES_7_11, dt.date.today())
    with RequestStore(folder) as store:
        store.save(seal_request(request, parse_public_key(public_key.read_text())))
    return request.id


def test_a_request_from_a_kiosk_is_opened_and_marked_seen_in_the_console(
    start_hub, open_screen, tmp_path
) -> None:
    hub = start_hub()
    kiosk = tmp_path / "kiosk"
    request_id = kiosk_with_a_request(kiosk, hub.private_key.with_name("school-public-key.txt"))
    pushed = esafety("sync", "--data", str(kiosk), "--pair", hub.pairing_text(), "--all")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr

    screen = open_screen(hub.url)
    screen.page.set_viewport_size({"width": 1280, "height": 820})
    screen.type("New password", PASSWORD)
    screen.type("The same password again", PASSWORD)
    screen.tap("Set the password")
    screen.wait_for_text("1 request to talk to someone waiting since", timeout=30_000)
    assert NAME not in screen.text()  # Home counts; it never opens a request
    screen.tap("Open Requests")
    screen.wait_for_text("Unlock the school's key")
    assert NAME not in screen.text()
    screen.type("Passphrase for the private key", PASSPHRASE)
    screen.tap("Unlock")
    screen.wait_for_text(NAME, timeout=30_000)
    words = screen.text()
    assert f"Class {CLASS}" in words and "1 request waiting since" in words
    assert "Something online worried me" in words  # the reason in the kiosk's words
    screen.shot("console-requests")

    screen.type("Note (optional)", "Spoke at break")
    screen.tap("Mark seen")
    screen.wait_for_text(f"{NAME} ({CLASS}): marked seen on", timeout=20_000)
    assert "No requests waiting." in screen.text()
    assert screen.button("Mark seen").count() == 0
    (mark,) = StatusBook(hub.data).marks().items()
    assert mark[0] == request_id and mark[1].status == Status.SEEN
    assert b"Spoke at break" not in (hub.data / "requests" / "status.json").read_bytes()

    with screen.page.expect_download(timeout=30_000) as got:
        screen.tap("Download the requests (CSV)")
    table = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert NAME in table and "Spoke at break" in table and ",seen," in table

    screen.tap("Home")
    screen.wait_for_text("What has arrived", timeout=30_000)
    assert "to talk to someone waiting" not in screen.text()
    assert screen.button("Open Requests").count() == 0
