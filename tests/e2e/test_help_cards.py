"""Help cards in the words of whoever is in front of the tablet, and the two printed
pages for the adults (issue 11, items 6 and 7), in a real browser."""

from __future__ import annotations

import re

import pytest

from exports.guides import parent_letter, teacher_guide
from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.e2e.conftest import SHOTS
from tests.e2e.test_pupil_journey import PIN, preset

pytestmark = pytest.mark.browser


def test_the_4_7_thank_you_cards_speak_to_a_young_child(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    preset(data, AgeBand.AGES_4_7)
    kiosk = start_kiosk(data=data)
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
    ceop, childline = library.routes["ceop"], library.routes["childline"]
    young_ceop, young_childline = ceop.for_band["4-7"], childline.for_band["4-7"]
    s.wait_for_text(young_childline.for_whom)
    s.shot("70-thank-you-4-7-cards")
    # The CEOP card is further down: its QR code is named in the child's words.
    qr = s.page.get_by_role("img", name=f"QR code for the {young_ceop.name} website")
    qr.scroll_into_view_if_needed()
    s.wait_for_text(young_ceop.for_whom)
    s.shot("71-thank-you-4-7-ceop")
    shown = s.text()
    assert young_ceop.for_whom in shown and young_childline.honest_line in shown
    assert ceop.for_whom not in shown and "sexual" not in shown.lower()
    assert s.page.get_by_role("img", name=f"QR code for the {ceop.name} website").count() == 0


def test_a_parent_signing_on_a_7_11_tablet_gets_the_adults_help_cards(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    key = (library.folder / "demo-key" / "school-public-key.txt").read_text().strip()
    save_settings(
        data,
        KioskSettings(pin=PinHash.make(PIN), band=AgeBand.AGES_7_11, mode="both", public_key=key),
    )
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.tap("Sign our online safety agreement")
    s.wait_for_text("Who is signing?")
    s.tap("I'm a parent or carer")
    s.tap("Year 4")
    s.wait_for_text("Page 1 of")
    s.tap("Help")
    s.wait_for_text("Getting help")
    s.wait_for_text("NSPCC Helpline")
    s.shot("72-help-while-a-parent-signs")
    shown = s.text()
    ceop = library.routes["ceop"]
    assert ceop.for_whom in shown  # the adults' words ...
    assert ceop.for_band["7-11"].for_whom not in shown  # ... not the 7-11 child's
    assert s.page.get_by_role("img", name="QR code for the Childline website").count() == 0
    # Closing help returns to the page they were reading.
    s.tap("Close help")
    s.wait_for_text("Page 1 of")


def test_each_printed_page_is_one_a4_sheet_naming_the_school_and_dsl(chromium, library, tmp_path):
    letter = library.school.survey_letter
    assert letter is not None
    page = chromium.new_page(viewport={"width": 794, "height": 1123})
    for name, html in [
        ("73-teacher-guide", teacher_guide(library)),
        ("74-parent-letter", parent_letter(library)),
    ]:
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        page.goto(path.as_uri())
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{name} printed on {pages} pages"
        text = page.locator("main").inner_text()
        assert library.school.name in text and letter.safeguarding_lead.name in text
        page.emulate_media(media="print")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.emulate_media(media="screen")
    assert "Don't promise secrecy" in teacher_guide(library)
    page.close()
