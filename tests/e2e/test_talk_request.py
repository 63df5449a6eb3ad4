"""A pupil mid-survey asks to talk to someone, in a real browser; the lead's list then has it,
and the data folder holds neither the name nor anything linking it to the pupil's answers."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.keys import open_private_key
from surveys.model import AgeBand
from surveys.requests.sealing import PAD_TO
from surveys.requests.store import RequestStore
from surveys.sealed import open_responses
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, PinHash, save_settings

pytestmark = pytest.mark.browser
PIN = "2468"
PASSPHRASE = "kettle orchard violin puddle"
REASON = "Someone was unkind to me"


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    env = {**os.environ, "ESAFETY_PASSPHRASE": PASSPHRASE}
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False, env=env)


def test_a_pupil_asks_to_talk_mid_survey_and_the_lead_lists_it_with_nothing_linking_it(
    start_kiosk, open_screen, library, tmp_path
):
    keys = tmp_path / "lead-laptop"
    made = esafety("keys", "init", "--out", str(keys))
    assert made.returncode == 0, made.stderr
    public_text = (keys / "school-public-key.txt").read_text().strip()
    data = tmp_path / "data"
    save_settings(
        data,
        KioskSettings(pin=PinHash.make(PIN), band=AgeBand.AGES_7_11, public_key=public_text),
    )
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.button("I'd like to talk to someone").wait_for(timeout=30_000)
    s.shot("70-talk-button-start")

    q = library.for_band(AgeBand.AGES_7_11)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    for i in range(2):
        s.wait_for_text(f"Question {i + 1} of {len(q.questions)}")
        s.tap(q.questions[i].options[0].label)
    third = q.questions[2]
    s.wait_for_text(f"Question 3 of {len(q.questions)}")
    s.tap(third.options[1].label)  # answering moves on; Back shows it chosen
    s.wait_for_text(f"Question 4 of {len(q.questions)}")
    s.tap("Back")
    s.button(f"chosen {third.options[1].label}").wait_for()
    s.shot("71-talk-button-question")

    # The pupil asks to talk: name, class, a reason; Send.
    s.tap("I'd like to talk to someone")
    s.wait_for_text("You don't have to")
    s.shot("72-talk-form-empty")
    s.type("Your first name", "Amira")
    s.type("Your class", "5C")
    s.tap(REASON)
    s.button(f"chosen {REASON}").wait_for()
    # (The name was typed before the reason redrew the form: the lead's list below has it.)
    s.shot("73-talk-form-filled")
    s.tap("Send")
    s.wait_for_text("Thank you for telling us")
    shown = s.text()
    assert "usually today or the next school day" in shown
    assert "call 999" in shown and "0800 1111" in shown
    assert library.school.own_route.where in shown
    assert "Amira" not in shown
    s.shot("74-talk-sent")

    # Go back: the same question, the earlier answer still chosen; then finish.
    s.tap("Go back")
    s.wait_for_text(f"Question 3 of {len(q.questions)}")
    s.tap(f"chosen {third.options[1].label}")
    for i in range(3, len(q.questions)):
        s.wait_for_text(f"Question {i + 1} of {len(q.questions)}")
        s.tap(q.questions[i].options[0].label)
    s.wait_for_text("You've answered all the questions")
    s.tap("Finish")
    s.wait_for_text("Thank you!")
    s.button("I'd like to talk to someone").wait_for()
    s.shot("75-talk-button-thanks")
    s.tap("I've finished")

    # Staff see the exact count waiting to go to the lead.
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.wait_for_text("Requests to talk to someone: 1 waiting to be sent to the lead")
    s.page.get_by_text(
        "Requests to talk to someone", exact=False
    ).first.scroll_into_view_if_needed()
    s.shot("76-staff-requests-count")

    # The lead's list, with the private key.
    out = tmp_path / "lead-out"
    key_file = keys / "school-private-key.json"
    listed = esafety("requests", "--data", str(data), "--key", str(key_file), "--out", str(out))
    assert listed.returncode == 0, listed.stderr
    today = dt.date.today()
    assert "1 request waiting since" in listed.stdout
    (row,) = csv.DictReader(io.StringIO((out / "requests.csv").read_text(encoding="utf-8-sig")))
    assert (row["name"], row["class"], row["reason"], row["day"], row["status"]) == (
        "Amira",
        "5C",
        REASON,
        today.isoformat(),
        "waiting",
    )

    # grep finds the name nowhere in the data folder.
    grep = subprocess.run(["grep", "-r", "-l", "Amira", str(data)], capture_output=True)
    assert grep.returncode == 1 and grep.stdout == b"", grep.stdout

    # Nothing links the request and the answers: neither id is in the other's files.
    key = open_private_key(key_file, PASSPHRASE)
    with ResponseStore(data, writer=False) as responses:
        (response,) = open_responses(list(responses.records()), key)
    request_id = row["request"]
    assert request_id != response.id
    request_files = [p for p in (data / "requests").rglob("*") if p.is_file()]
    response_files = [p for p in (data / "responses").rglob("*") if p.is_file()]
    assert request_files and response_files
    assert all(response.id.encode() not in p.read_bytes() for p in request_files)
    assert all(request_id.encode() not in p.read_bytes() for p in response_files)

    # Inside the sealed box: padded to one size, and a day but no time of day.
    with RequestStore(data, writer=False) as store:
        (record,) = list(store.records())
    plaintext = key.open(base64.b64decode(record.sealed))
    assert len(plaintext) == PAD_TO
    assert f'"asked_on":"{today.isoformat()}"'.encode() in plaintext
    assert re.search(rb"\d\d:\d\d", plaintext) is None
