"""A parent signs the KS2 agreement in a real browser; the lead's register then lists them."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings

pytestmark = pytest.mark.browser
PIN = "2468"
PASSPHRASE = "kettle orchard violin puddle"
PARENT, CHILD = "Zainab Okonkwo-Hughes", "Tobias Okonkwo-Hughes"


def esafety(*args: str, passphrase: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    env = {**os.environ, "ESAFETY_PASSPHRASE": passphrase}
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False, env=env)


def test_a_parent_signs_the_ks2_agreement_and_the_register_lists_them(
    start_kiosk, open_screen, library, tmp_path
):
    keys = tmp_path / "lead-laptop"
    made = esafety("keys", "init", "--out", str(keys))
    assert made.returncode == 0, made.stderr
    public_text = (keys / "school-public-key.txt").read_text().strip()

    data = tmp_path / "data"
    save_settings(data, KioskSettings(pin=PinHash.make(PIN), mode="aup"))
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.wait_for_text("Signing is not ready")  # no key yet: no signatures collected
    s.shot("30-aup-no-key")

    # Staff install the school's public key on the staff screen.
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.wait_for_text("No school key is installed")
    s.type("School public key (ESK1-…)", public_text)
    s.tap("Install key")
    s.wait_for_text("installed.")
    s.shot("31-staff-key-installed")
    s.tap("Open for pupils")

    # The parent: choose, year, read every page, details, sign, check, confirm.
    s.tap("Sign our online safety agreement")
    s.wait_for_text("Who is signing?")
    s.shot("32-aup-who")
    s.tap("I'm a parent or carer")
    s.wait_for_text("Which year is your child in?")
    s.shot("33-aup-year")
    s.tap("Year 4")
    ks2, parents = library.aups["aup-ks2"], library.aups["aup-parents"]
    pages = len(ks2.sections) + len(parents.sections)
    for number in range(1, pages + 1):
        s.wait_for_text(f"Page {number} of {pages}")
        assert s.button("Next", exact=True).count() == 0  # no way to the details yet
        if number == 1:
            s.shot("34-aup-read-child-part")
        if number == len(ks2.sections) + 1:
            s.wait_for_text("Your part, as a parent or carer")
            s.shot("35-aup-read-parent-part")
        s.tap("I've read it: next" if number == pages else "Next page")

    s.wait_for_text("About you")
    s.type("Your full name", PARENT)
    s.tap("Mum")
    s.button("Mum", exact=False).first.wait_for()
    s.type("Your child's full name", CHILD)
    s.type("Class", "4B")
    s.shot("36-aup-details")
    s.tap("Next")

    s.wait_for_text("Sign here")
    pad = s.page.get_by_role("img", name="Signature area", exact=False)
    box = pad.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + 60, box["y"] + box["height"] * 0.6
    s.page.mouse.move(x0, y0)
    s.page.mouse.down()
    for i in range(1, 12):
        s.page.mouse.move(x0 + i * 50, y0 - (i % 2) * 80, steps=3)
        s.page.wait_for_timeout(30)
    s.page.mouse.up()
    s.shot("37-aup-signed")
    s.tap("Next: check")
    s.wait_for_text("Please check")
    assert PARENT in s.text() and CHILD in s.text()
    s.shot("38-aup-review")
    s.tap("Confirm and sign")
    s.wait_for_text("Thank you for signing")
    s.shot("39-aup-thanks")
    assert PARENT not in s.text()

    # Nothing readable on disk: neither name, in any file of the data folder.
    for path in data.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            for name in (PARENT, CHILD, "Okonkwo"):
                assert name.encode() not in raw, f"{name} in clear text in {path}"

    # The lead's register, with the private key, lists them with the right versions.
    out = tmp_path / "register.csv"
    key = str(keys / "school-private-key.json")
    result = esafety("register", "--data", str(data), "--key", key, "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["signed by"], row["child"], row["class"]) == (PARENT, CHILD, "4B")
    assert (row["relationship"], row["year group"]) == ("Mum", "Year 4")
    assert (row["agreement"], row["version"]) == ("aup-parents", str(parents.version))
    assert row["status"] == "current" and row["signature"] == "drawn signature"
    assert PARENT in (tmp_path / "register.html").read_text(encoding="utf-8")


def test_walking_away_mid_signature_leaves_nothing_for_the_next_person(
    start_kiosk, open_screen, library, tmp_path
):
    from surveys.keys import make_key_pair

    _private, public = make_key_pair(tmp_path / "keys", PASSPHRASE)
    data = tmp_path / "data"
    save_settings(
        data,
        KioskSettings(
            pin=PinHash.make(PIN),
            mode="both",
            band=AgeBand.AGES_7_11,
            public_key=public.read_text(),
        ),
    )
    kiosk = start_kiosk("--idle-warn", "4", "--idle-reset", "8", data=data)
    staff_pages = len(library.aups["aup-staff"].sections)

    def to_details(s) -> None:
        s.tap("Sign our online safety agreement")
        s.tap("I work at this school")
        for number in range(1, staff_pages + 1):
            s.wait_for_text(f"Page {number} of {staff_pages}")
            s.tap("I've read it: next" if number == staff_pages else "Next page")
        s.wait_for_text("About you")

    s = open_screen(kiosk.url)
    s.button("Start").wait_for()  # "both": the questionnaire and the agreement
    s.shot("40-start-both")
    to_details(s)
    s.type("Your full name", "Walked Away")
    s.type("Your job or role", "Teaching assistant")
    s.tap("Next")
    s.wait_for_text("Sign here")
    s.button("Sign our online safety agreement").wait_for(timeout=20_000)  # idle reset
    assert "Walked Away" not in s.text()

    to_details(s)  # the next person starts from nothing
    assert s.page.get_by_label("Your full name").input_value() == ""
    assert s.page.get_by_label("Your job or role").input_value() == ""
    assert "Walked Away" not in s.page.content()
    assert not any((data / "signatures").glob("*/*.json"))  # nothing was signed
