"""Safe for the child in front of the tablet (issue 11), in a real browser: their rights,
a way to stop, help where they need it, a thank-you that waits, pictures that don't steer."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image

from surveys.model import AgeBand
from surveys.storage.responses import ResponseStore
from tests.e2e.test_pupil_journey import PIN, preset

pytestmark = pytest.mark.browser


def set_band_as_a_teacher(s, band: AgeBand) -> None:
    """From the start screen: Staff, PIN, the band, Open for pupils."""
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.button(band.label).wait_for()
    s.tap(band.label)
    s.wait_for_text(f"Now set for: {band.label}")
    s.tap("Open for pupils")
    s.button("Start").wait_for()


def saved_responses(data) -> list:
    with ResponseStore(data, writer=False) as store:
        return list(store.records())


def picture_pixels(s, name: str) -> tuple[int, int]:
    """(green, slate) pixels in the button named ``name``. A thumb-up or a happy face is
    drawn green; the neutral pictures (tick, cross, question mark) are slate."""
    box = s.button(name).bounding_box()
    assert box is not None
    shot = Image.open(io.BytesIO(s.page.screenshot(clip=box))).convert("RGB")
    r, g, b = np.asarray(shot, dtype=np.int16).transpose(2, 0, 1)
    green = (g > 90) & (g > r + 40) & (g > b + 30)
    slate = (b > r + 40) & (b < 180)
    return int(green.sum()), int(slate.sum())


def painted(s, name: str, *, green: bool) -> tuple[int, int]:
    """Wait until the button's picture is drawn (the icon font can arrive after the
    accessible names do), then give its pixels."""
    deadline = time.monotonic() + 15
    while True:
        pixels = picture_pixels(s, name)
        if pixels[0 if green else 1] > 200 or time.monotonic() > deadline:
            return pixels
        s.page.wait_for_timeout(300)


def test_every_band_is_told_its_rights_before_the_first_question(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data)
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    for band in AgeBand:
        q = library.for_band(band)
        assert q.rights is not None
        set_band_as_a_teacher(s, band)
        s.tap("Start")
        s.wait_for_text(q.intro[:40])
        s.tap("Next")
        s.wait_for_text(q.rights.stop)
        s.shot(f"60-rights-{band.value}")
        shown = s.text()
        for _point, words in q.rights.points():
            assert words in shown, (band, words)
        assert (q.rights.adult_helper is not None) == (band == AgeBand.AGES_4_7)
        assert q.questions[0].text not in shown  # the rights come first
        s.button("OK, let's go").wait_for()
        # Stopping from the rights screen leads back to the start for the next child.
        s.tap("I want to stop")
        s.tap("Yes, stop")
        s.tap("I've finished")
        s.button("Start").wait_for()
    assert saved_responses(data) == []


def test_stopping_mid_survey_saves_nothing_then_shows_help_then_the_start_screen(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_7_11)
    kiosk = start_kiosk(data=data)
    q = library.for_band(AgeBand.AGES_7_11)
    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    for question in q.questions[:2]:
        s.wait_for_text(question.text)
        s.tap(question.options[0].label)
    third = q.questions[2]
    s.wait_for_text(third.text)

    s.tap("I want to stop")
    s.wait_for_text("Do you want to stop?")
    s.shot("61-stop-confirm")
    s.tap("No, keep going")  # one confirmation: changing your mind loses nothing
    s.wait_for_text(third.text)
    s.tap("Back")
    s.button(f"chosen {q.questions[1].options[0].label}").wait_for()

    s.tap("I want to stop")
    s.tap("Yes, stop")
    s.wait_for_text("None of your answers were kept")
    s.shot("62-stopped-help")
    shown = s.text()
    assert "Childline" in shown and "0800 1111" in shown
    assert s.page.get_by_role("img", name="QR code for the Childline website").count() == 1
    assert saved_responses(data) == []
    assert not [f for f in (data / "responses").rglob("*") if f.is_file()]

    s.tap("I've finished")
    s.button("Start").wait_for()
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text(q.questions[0].text)
    assert s.page.get_by_role("button", name="chosen", exact=False).count() == 0
    s.page.wait_for_timeout(1_000)
    assert saved_responses(data) == []


def test_a_sensitive_question_shows_its_own_line_of_help(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_11_14)
    kiosk = start_kiosk(data=data)
    q = library.for_band(AgeBand.AGES_11_14)
    looks = q.question("feel-about-looks")  # body image: sensitive since issue 11
    assert looks.sensitive and looks.help_line and looks.help_routes == ["childline"]
    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text(q.questions[0].text)
    for other in (hl for qq in q.questions if (hl := qq.help_line)):
        assert other not in s.text()  # a question that is not sensitive has none
    for question in q.questions[: q.questions.index(looks)]:
        s.wait_for_text(question.text)
        s.tap("I'd rather not say")
    s.wait_for_text(looks.text)
    s.wait_for_text(looks.help_line)
    s.shot("63-help-line")

    # The same line whatever the answer: answer it, come back, it is unchanged.
    s.tap(looks.options[0].label)
    s.tap("Back")
    s.button(f"chosen {looks.options[0].label}").wait_for()
    assert looks.help_line in s.text()

    # Help tapped here puts this question's own route first.
    s.tap("Help")
    s.wait_for_text("Getting help")
    shown = s.text()
    assert shown.index("Childline") < shown.index(library.school.own_route.name)
    s.tap("Close help")
    s.wait_for_text(looks.help_line)


def test_the_thank_you_screen_is_still_there_after_60_seconds(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_4_7)
    kiosk = start_kiosk(data=data)  # the normal idle times: warn at 90 s, reset at 120 s
    q = library.for_band(AgeBand.AGES_4_7)
    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    for question in q.questions:
        s.wait_for_text(question.text)
        s.tap("I'd rather not say")
    s.tap("Finish")
    s.wait_for_text("Thank you!")
    shown_at = time.monotonic()
    assert len(saved_responses(data)) == 1
    # The old thank-you timer reset after 30 s, before a child could scan a code.
    s.page.wait_for_timeout(max(0.0, 60.5 - (time.monotonic() - shown_at)) * 1000)
    s.shot("64-thank-you-after-60-s")
    assert s.button("I've finished").is_visible()
    assert "Thank you!" in s.text() and "Childline" in s.text()
    assert s.button("Start").count() == 0 and s.button("I'm still here").count() == 0


def test_the_4_7_unkind_question_shows_no_thumbs_up_for_yes(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_4_7)
    kiosk = start_kiosk(data=data)
    q = library.for_band(AgeBand.AGES_4_7)
    unkind = q.question("unkind-online")
    s = open_screen(kiosk.url)
    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")

    # Control: the warm-up "Do you like to play games?" keeps its green thumb, seen by the check.
    first = q.questions[0]
    assert first.options[0].picture == "thumb-up"
    s.wait_for_text(first.text)
    assert painted(s, "Yes", green=True)[0] > 200

    for question in q.questions[: q.questions.index(unkind)]:
        s.wait_for_text(question.text)
        s.tap("I'd rather not say")
    s.wait_for_text(unkind.text)
    s.shot("65-unkind-4-7")
    assert [o.picture for o in unkind.options] == ["yes", "no", "question"]
    for option in unkind.options:
        green, slate = painted(s, option.label, green=False)
        assert slate > 200 and green == 0, (option.label, green, slate)

    # "I'd rather not say" and "I want to stop" are picture buttons as big as an answer.
    answer = s.button("Yes").bounding_box()
    for name in ("I'd rather not say", "I want to stop"):
        box = s.button(name).bounding_box()
        assert box is not None and answer is not None
        assert abs(box["width"] - answer["width"]) < 2 and abs(box["height"] - answer["height"]) < 2
