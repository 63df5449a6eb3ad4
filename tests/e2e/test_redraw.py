"""Screens that are morphed, not rebuilt (kiosk/ui/morph.py), still look new to the pupil.

On a short screen a pupil scrolls down to reach an answer; the next question must
start at the top (its progress line and words in view), not where the last one
was left, and the answers must be the next question's.
"""

from __future__ import annotations

import pytest

from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.e2e.conftest import Screen

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


#: Counts the frames Flutter asks for (it draws in requestAnimationFrame callbacks).
FRAME_COUNTER = """
(() => {
  const native = window.requestAnimationFrame.bind(window);
  window.__frames = 0;
  window.requestAnimationFrame = (f) => native((t) => { window.__frames += 1; f(t); });
})();
"""


def test_the_tapped_answer_does_not_go_on_rippling_on_the_next_question(
    start_kiosk, chromium, library, tmp_path
):
    """The next question's answers are new buttons, not the last ones morphed: the
    tapped answer's ink ripple (about 24 frames) does not play on the next question's
    answer in its place, as if that answer were already chosen."""
    data = tmp_path / "data"
    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    n = len(library.for_band(AgeBand.AGES_7_11).questions)
    q1 = library.for_band(AgeBand.AGES_7_11).questions[0]
    context = chromium.new_context(viewport={"width": 1180, "height": 820}, has_touch=True)
    try:
        page = context.new_page()
        page.add_init_script(FRAME_COUNTER)
        s = Screen(page, kiosk.url)
        s.tap("Start")
        s.tap("Next")
        s.tap("OK, let's go")
        s.wait_for_text(f"Question 1 of {n}")
        page.wait_for_timeout(1500)  # the last taps' animations are over
        page.evaluate("() => { window.__frames = 0; }")
        s.button(q1.options[0].label).tap()  # a touch, as on a tablet: no hovering pointer
        s.wait_for_text(f"Question 2 of {n}")
        page.wait_for_timeout(1000)
        frames = page.evaluate("() => window.__frames")
    finally:
        context.close()
    assert 0 < frames <= 8, f"{frames} frames drawn after one answer (a ripple is about 24)"
