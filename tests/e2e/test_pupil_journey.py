"""A pupil's whole journey in a real browser, checked against what the store then holds."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.model import AgeBand
from surveys.sealed import demo_key, open_responses
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from surveys.terms import academic_year, term_of

pytestmark = pytest.mark.browser
PIN = "2468"


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def preset(data: Path, band: AgeBand | None = None) -> None:
    """A kiosk whose staff PIN is already chosen (and, optionally, its band)."""
    save_settings(data, KioskSettings(pin=PinHash.make(PIN), band=band))


def test_teacher_sets_up_and_a_pupil_completes_the_7_11_questionnaire(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data)
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.wait_for_text("not set up")
    s.shot("01-start-not-set-up")

    # The teacher unlocks the staff screen and chooses the class's band.
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.shot("02-staff-pin")
    s.page.get_by_label("Staff PIN").press("Enter")
    s.button(AgeBand.AGES_7_11.label).wait_for()
    s.tap(AgeBand.AGES_7_11.label)
    s.wait_for_text("Now set for: Ages 7–11")
    s.shot("03-staff-settings")
    s.tap("Open for pupils")

    # The pupil: Start, intro, answer everything, with one skip and one Back.
    q = library.for_band(AgeBand.AGES_7_11)
    s.tap("Start")
    s.wait_for_text(q.title)
    s.shot("04-intro-7-11")
    s.tap("Next")
    s.tap("OK, let's go")
    expected: dict[str, str | None] = {}
    for i, question in enumerate(q.questions):
        s.wait_for_text(f"Question {i + 1} of {len(q.questions)}")
        if i == 0:
            s.shot("05-question-7-11")
        if i == 1:
            s.tap("I'd rather not say")
            expected[question.id] = None
            continue
        if i == 2:  # answer, go Back, and change the answer
            s.tap(question.options[-1].label)
            s.wait_for_text(f"Question {i + 2} of {len(q.questions)}")
            s.tap("Back")
            s.button(f"chosen {question.options[-1].label}").wait_for()
            s.shot("06-back-shows-chosen")
        s.tap(question.options[0].label)
        expected[question.id] = question.options[0].id
    s.wait_for_text("You've answered all the questions")
    s.shot("07-finish")
    s.tap("Finish")
    s.wait_for_text("Thank you!")
    s.shot("08-thank-you")
    assert "Childline" in s.text() and "0800 1111" in s.text()
    assert s.page.get_by_role("img", name="QR code for the Childline website").count() == 1

    today = dt.date.today()
    q_term = f"{academic_year(today)} {term_of(today).value}"
    result = esafety("stats", "--data", str(data), "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert list(stats["by_term"]) == [q_term] and stats["responses"] == 0  # 1, to the nearest 10
    # The kiosk holds the answers sealed: nothing of them is in clear on its disk ...
    on_disk = b"".join(f.read_bytes() for f in (data / "responses").rglob("*") if f.is_file())
    assert not any(qid.encode() in on_disk for qid in expected)
    # ... and the lead's key (here the sample school's demo key) opens exactly them.
    with ResponseStore(data, writer=False) as store:
        (opened,) = open_responses(list(store.records()), demo_key())
    assert opened.questionnaire_id == q.id and opened.answers == expected
    assert f"{opened.academic_year} {opened.term.value}" == q_term


def test_idle_reset_leaves_nothing_of_the_last_pupil(start_kiosk, open_screen, library, tmp_path):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_4_7)
    # Long enough that a busy machine's slow tap never meets the warning by chance (a full
    # run once saw the warning cover "OK, let's go" at 3 s); short enough to wait for.
    kiosk = start_kiosk("--idle-warn", "6", "--idle-reset", "12", data=data)
    q = library.for_band(AgeBand.AGES_4_7)
    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    first = q.questions[0]
    s.wait_for_text(first.text)
    s.shot("10-question-4-7-faces")
    s.tap(first.options[0].label)
    s.wait_for_text(q.questions[1].text)

    s.wait_for_text("Are you still there?", timeout=15_000)
    s.shot("11-idle-warning")
    s.tap("I'm still here")
    s.button("I'm still here").wait_for(state="hidden", timeout=5_000)
    s.wait_for_text(q.questions[1].text)

    s.button("Start").wait_for(timeout=25_000)  # reset after the idle time
    shown = s.text()
    assert first.text not in shown and q.questions[1].text not in shown

    s.page.go_back()  # the browser's Back button does not reach the old answers either
    s.page.wait_for_timeout(500)
    assert q.questions[1].text not in s.page.content()

    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text(first.text)
    assert s.page.get_by_role("button", name="chosen", exact=False).count() == 0
    s.tap("Back")
    s.button("OK, let's go").wait_for()  # Back from question 1 is the rights, nothing earlier


def test_a_broken_questionnaire_is_explained_to_staff_and_others_still_run(
    start_kiosk, open_screen, content_copy, tmp_path
):
    broken = content_copy / "questionnaires" / "pupils-11-14.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("strand: ", "strand: online-gaming #", 1), encoding="utf-8")
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_11_14)
    kiosk = start_kiosk("--content", str(content_copy), data=data)
    s = open_screen(kiosk.url)
    s.wait_for_text("not ready")
    s.shot("20-start-not-ready")

    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")  # the button this time; Enter in the test above
    s.wait_for_text("cannot run until this is fixed")
    s.shot("21-staff-sees-problem")
    shown = s.text()
    assert "pupils-11-14.yaml" in shown and "strand" in shown and "online-bullying" in shown

    s.tap(AgeBand.AGES_7_11.label)
    s.wait_for_text("Now set for: Ages 7–11")
    s.tap("Open for pupils")
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text("Question 1 of")
