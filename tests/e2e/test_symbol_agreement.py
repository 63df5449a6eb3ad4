"""A pupil who reads with symbols signs the easy read agreement in a real browser.

"Who is signing?" fits a landscape tablet without scrolling; the easy read
agreement shows each point as a big symbol (read out by its word) and a short
sentence; the signature is sealed, and the lead's register lists it.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.keys import make_key_pair
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.e2e.conftest import Screen

pytestmark = pytest.mark.browser
PASSPHRASE = "kettle orchard violin puddle"
PUPIL = "Maisie Abernethy-Quinn"
LANDSCAPE, PORTRAIT = {"width": 1280, "height": 820}, {"width": 820, "height": 1180}
EASY_READ = "I'm a pupil: easy read with symbols"


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    env = {**os.environ, "ESAFETY_PASSPHRASE": PASSPHRASE}
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False, env=env)


def to_who(s: Screen) -> None:
    s.tap("Sign our online safety agreement")
    s.wait_for_text("Who is signing?")


def choices_on_screen(s: Screen, library, height: int) -> list[str]:
    """Every "Who is signing?" choice, each wholly on the screen and a big target."""
    from kiosk.ui.screens.agreement import WHO_KEYS
    from surveys.agreements.signing import AgreementLibrary

    names = [
        EASY_READ if symbols else library.strings.get(WHO_KEYS[who])
        for who, symbols in AgreementLibrary(library.aups).choices()
    ]
    for name in names:
        box = s.button(name).bounding_box()
        assert box is not None, name
        assert box["height"] >= 48 and box["width"] >= 48, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{name} needs a scroll"
    return names


def test_a_pupil_signs_the_easy_read_agreement_with_symbols(
    start_kiosk, chromium, library, tmp_path
):
    private, public = make_key_pair(tmp_path / "keys", PASSPHRASE)
    data = tmp_path / "data"
    save_settings(
        data, KioskSettings(pin=PinHash.make("2468"), mode="aup", public_key=public.read_text())
    )
    kiosk = start_kiosk(data=data)
    easy = library.aups["aup-ks1-2-symbols"]

    # A portrait tablet: one column, still every choice on the screen.
    tablet = Screen(chromium.new_context(viewport=PORTRAIT).new_page(), kiosk.url)
    to_who(tablet)
    assert len(choices_on_screen(tablet, library, PORTRAIT["height"])) == 7
    tablet.shot("80-aup-who-portrait")
    tablet.tap(EASY_READ)
    tablet.tap("Year 2")
    tablet.wait_for_text("Page 1 of")
    tablet.shot("81-aup-symbols-portrait")
    tablet.page.context.close()

    # A landscape tablet, 1280 x 820: two columns, no scrolling.
    s = Screen(chromium.new_context(viewport=LANDSCAPE).new_page(), kiosk.url)
    to_who(s)
    choices_on_screen(s, library, LANDSCAPE["height"])
    s.shot("82-aup-who-landscape")
    s.tap(EASY_READ)
    s.wait_for_text("Which year are you in?")
    assert s.button("Year 7").count() == 0  # the easy read version is for Reception to Year 6
    s.tap("Year 2")
    pages = len(easy.sections)
    for number, section in enumerate(easy.sections, start=1):
        s.wait_for_text(f"Page {number} of {pages}")
        s.wait_for_text(section.heading)
        for point in section.points:
            assert point.symbol
            symbol = s.page.get_by_role("img", name=point.symbol, exact=True).first
            symbol.wait_for()
            box = symbol.bounding_box()
            assert box is not None and box["width"] >= 64 and box["height"] >= 64
            s.wait_for_text(point.text)
        go_on = s.button("I've read it: next" if number == pages else "Next page")
        for step in (go_on, s.button("Back")):  # nothing to scroll to
            box = step.bounding_box()
            assert box is not None and box["y"] + box["height"] <= LANDSCAPE["height"], number
        if number in (1, 3):
            s.shot(f"83-aup-symbols-page-{number}")
        go_on.click()

    s.wait_for_text("About you")
    s.type("Your full name", PUPIL)
    s.type("Class", "2M")
    s.tap("Next")
    s.wait_for_text("Sign here")
    pad = s.page.get_by_role("img", name="Signature area", exact=False)
    box = pad.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + 60, box["y"] + box["height"] * 0.6
    s.page.mouse.move(x0, y0)
    s.page.mouse.down()
    for i in range(1, 10):
        s.page.mouse.move(x0 + i * 50, y0 - (i % 2) * 70, steps=3)
        s.page.wait_for_timeout(30)
    s.page.mouse.up()
    s.tap("Next: check")
    s.wait_for_text("Please check")
    assert easy.title in s.text() and PUPIL in s.text()
    s.tap("Confirm and sign")
    s.wait_for_text("Thank you for signing")
    assert PUPIL not in s.text()
    s.page.context.close()

    # Sealed: the name is nowhere on disk in clear text.
    for path in data.rglob("*"):
        if path.is_file():
            assert b"Abernethy" not in path.read_bytes(), path

    # The lead's register lists the pupil, with the easy read agreement, current.
    out = tmp_path / "register.csv"
    result = esafety("register", "--data", str(data), "--key", str(private), "--out", str(out))
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))
    assert (row["child"], row["class"], row["year group"]) == (PUPIL, "2M", "Year 2")
    assert (row["agreement"], row["version"]) == (easy.id, str(easy.version))
    assert row["status"] == "current" and row["signature"] == "drawn signature"
