"""The lead's console, Agreements and Content, in a real browser.

A parent signs at a real kiosk paired with the hub; the kiosk sends the signature; the
lead unlocks the register in the console, finds the parent, chooses a class list,
sees who has not signed, and downloads the register.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.content.library import check_content
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.e2e import console
from tests.e2e.conftest import Screen
from tests.e2e.console import PASSPHRASE, PASSWORD

pytestmark = pytest.mark.browser
start_hub = console.start_hub  # the fixture
PIN = "2468"
PARENT, CHILD = "Zainab Okonkwo-Hughes", "Tobias Okonkwo-Hughes"
CLASS_LIST = (f"Name,Class\n{CHILD},4B\nAmira Patel,4B\nOliver Byrne,4C\n").encode()


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def sign_as_a_parent(s: Screen, library) -> None:
    """The parent's way through the KS2 agreement at the kiosk (as tests/e2e/test_signing)."""
    s.tap("Sign our online safety agreement")
    s.tap("I'm a parent or carer")
    s.tap("Year 4")
    pages = len(library.aups["aup-ks2"].sections) + len(library.aups["aup-parents"].sections)
    for number in range(1, pages + 1):
        s.wait_for_text(f"Page {number} of {pages}")
        s.tap("I've read it: next" if number == pages else "Next page")
    s.wait_for_text("About you")
    s.type("Your full name", PARENT)
    s.tap("Mum")
    s.button("Mum", exact=False).first.wait_for()
    s.type("Your child's full name", CHILD)
    s.type("Class", "4B")
    s.tap("Next")
    s.wait_for_text("Sign here")
    box = s.page.get_by_role("img", name="Signature area", exact=False).bounding_box()
    assert box is not None
    x0, y0 = box["x"] + 60, box["y"] + box["height"] * 0.6
    s.page.mouse.move(x0, y0)
    s.page.mouse.down()
    for i in range(1, 10):
        s.page.mouse.move(x0 + i * 50, y0 - (i % 2) * 80, steps=3)
    s.page.mouse.up()
    s.tap("Next: check")
    s.tap("Confirm and sign")
    s.wait_for_text("Thank you for signing")


def sign_in(screen: Screen) -> None:
    screen.page.set_viewport_size({"width": 1280, "height": 820})
    screen.type("New password", PASSWORD)
    screen.type("The same password again", PASSWORD)
    screen.tap("Set the password")
    screen.wait_for_text("What has arrived")


def test_a_parent_who_signed_at_a_kiosk_is_found_in_the_console_register(
    start_hub, start_kiosk, open_screen, library, tmp_path
) -> None:
    hub = start_hub()
    kiosk_data = tmp_path / "kiosk"
    save_settings(
        kiosk_data, KioskSettings(kiosk_id="kiosk-hall", pin=PinHash.make(PIN), mode="aup")
    )
    paired = esafety("sync", "--data", str(kiosk_data), "--pair", hub.pairing_text())
    assert paired.returncode == 0, paired.stdout + paired.stderr

    kiosk = start_kiosk(data=kiosk_data)
    sign_as_a_parent(open_screen(kiosk.url), library)
    kiosk.proc.terminate()
    kiosk.proc.wait(timeout=10)
    sent = esafety("sync", "--data", str(kiosk_data), "--all")  # one signature: send it now
    assert sent.returncode == 0, sent.stdout + sent.stderr

    screen = open_screen(hub.url)
    sign_in(screen)
    screen.tap("Agreements")
    screen.wait_for_text("Unlock the school's key")
    assert PARENT not in screen.text()
    screen.shot("console-agreements-locked")
    screen.type("Passphrase for the private key", "not the passphrase")
    screen.tap("Unlock")
    screen.wait_for_text("the passphrase does not open", timeout=20_000)
    assert PARENT not in screen.text() and "Unlock the school's key" in screen.text()
    screen.type("Passphrase for the private key", PASSPHRASE)
    screen.tap("Unlock")
    screen.wait_for_text("1 signed agreement: 1 current, 0 out of date.", timeout=20_000)
    assert PARENT in screen.text()
    screen.shot("console-agreements-unlocked")

    # Search: a part of the name, in any case, finds her with her child, class and status.
    screen.type("Search by name or class", "okonkwo")
    screen.page.keyboard.press("Enter")
    screen.wait_for_text('1 signature match "okonkwo"')
    found = screen.text()
    assert PARENT in found and f"{CHILD}, 4B" in found and "Mum" in found
    assert "aup-parents v" in found and "current" in found
    screen.shot("console-agreements-search")
    screen.tap("Show everyone")
    screen.type("Search by name or class", "Nobody Here")
    screen.tap("Search")
    screen.wait_for_text('0 signatures match "Nobody Here"')
    assert PARENT not in screen.text()
    screen.tap("Show everyone")
    screen.wait_for_text(PARENT)

    # The class list, chosen in the browser: who lacks a current agreement.
    with screen.page.expect_file_chooser() as chosen:
        screen.tap("Choose a class list")
    chosen.value.set_files(
        files=[{"name": "class-4.csv", "mimeType": "text/csv", "buffer": CLASS_LIST}]
    )
    screen.wait_for_text("Using class-4.csv: 3 pupils")
    text = screen.text()
    assert "3 of 3 pupils lack a current agreement" in text
    assert "Amira Patel" in text and "Oliver Byrne" in text
    screen.page.mouse.move(640, 500)
    screen.page.mouse.wheel(0, 420)
    screen.shot("console-agreements-class-list")

    # A wrong file is refused and says how to fix it; the list chosen before stays.
    with screen.page.expect_file_chooser() as chosen:
        screen.tap("Choose another class list")
    chosen.value.set_files(
        files=[{"name": "wrong.csv", "mimeType": "text/csv", "buffer": b"pupil,form\nA,B\n"}]
    )
    screen.wait_for_text("must name the columns `name` and `class`")
    assert "Amira Patel" in screen.text()

    # The register CSV downloads and holds her name.
    with screen.page.expect_download() as got:
        screen.tap("Download the register (CSV)")
    path = got.value.path()
    assert got.value.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert [(r["signed by"], r["child"], r["class"], r["status"]) for r in rows] == [
        (PARENT, CHILD, "4B", "current")
    ]
    screen.wait_for_text("This file holds names: keep it on school systems")
    with screen.page.expect_download() as got:
        screen.tap("Class list status (CSV)")
    status = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert "Amira Patel" in status and "not signed" in status

    # Lock forgets the signatures: the key panel again, and no name on the page.
    screen.tap("Lock")
    screen.type("Password", PASSWORD)
    screen.tap("Sign in")
    screen.wait_for_text("What has arrived")
    screen.tap("Agreements")
    screen.wait_for_text("Unlock the school's key")
    assert PARENT not in screen.text()


def test_content_lists_the_live_agreements_and_the_check(start_hub, open_screen, library) -> None:
    hub = start_hub()
    screen = open_screen(hub.url)
    sign_in(screen)
    screen.tap("Content")
    screen.wait_for_text("Content check")
    text = screen.text()
    for aup in library.aups.values():
        assert aup.id in text and aup.title in text
    for q in library.questionnaires.values():
        assert q.id in text
    # content check's own words: each problem's line and its fix, or "No problems".
    _lib, problems = check_content(library.folder)
    for p in problems:
        said, _, fix = str(p).partition("\n")
        assert said in text and fix.strip() in text
    if not problems:
        assert "No problems" in text
    screen.shot("console-content")
    screen.page.mouse.move(640, 500)
    screen.page.mouse.wheel(0, 700)
    screen.shot("console-content-agreements")
    screen.tap("Check again")
    screen.wait_for_text("Checked again:")
