"""Screens that are morphed, not rebuilt (kiosk/ui/morph.py), still look new to the pupil.

On a short screen a pupil scrolls down to reach an answer; the next question must
start at the top (its progress line and words in view), not where the last one
was left, and the answers must be the next question's.
"""

from __future__ import annotations

import pytest

from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings

pytestmark = pytest.mark.browser


def top_of(s, text: str) -> float:
    box = s.page.get_by_text(text, exact=False).first.bounding_box()
    assert box is not None, f"{text!r} is not on the screen"
    return float(box["y"])


def test_the_next_question_starts_at_the_top_after_scrolling_down(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    q = library.for_band(AgeBand.AGES_7_11)
    n = len(q.questions)
    s = open_screen(kiosk.url)
    s.page.set_viewport_size({"width": 1180, "height": 420})  # a short screen: answers scroll
    s.tap("Start")
    s.wait_for_text(q.title)
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text(f"Question 1 of {n}")
    s.page.mouse.move(590, 300)
    s.page.mouse.wheel(0, 3000)
    s.page.wait_for_timeout(800)
    assert top_of(s, f"Question 1 of {n}") < 0, "the pupil scrolled the first question"

    last = q.questions[0].options[-1].label
    s.tap(last)
    s.wait_for_text(f"Question 2 of {n}")
    s.page.wait_for_timeout(500)
    assert top_of(s, f"Question 2 of {n}") >= 0, "the next question starts at the top"
    assert top_of(s, q.questions[1].text) >= 0
    labels = [o.label for o in q.questions[1].options]
    for label in labels:
        assert s.button(label).count() == 1
