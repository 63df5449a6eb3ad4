"""School Wi-Fi drops and kiosk restarts, in a real browser through a TCP proxy that cuts.

After a drop the tablet reconnects by itself, loads the page afresh into the same
session (kiosk/ui/reconnect.py says why) and the pupil carries on where they were;
after the kiosk restarts, it comes back to the start screen and says so.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from surveys.model import AgeBand
from surveys.sealed import demo_key, open_responses
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.e2e.wifi import WifiProxy

pytestmark = pytest.mark.browser


def saved_answers(data) -> list[dict[str, str | None]]:
    with ResponseStore(data, writer=False) as store:
        return [r.answers for r in open_responses(list(store.records()), demo_key())]


def begin(s, q) -> None:
    s.tap("Start")
    s.wait_for_text(q.title)
    s.tap("Next")
    s.tap("OK, let's go")


def test_a_five_second_wifi_drop_mid_survey_and_the_pupil_carries_on(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    wifi = WifiProxy(urlsplit(kiosk.url).port or 80)
    q = library.for_band(AgeBand.AGES_7_11)
    n = len(q.questions)
    try:
        s = open_screen(wifi.url)
        begin(s, q)
        for i, question in enumerate(q.questions):
            s.wait_for_text(f"Question {i + 1} of {n}")
            if i == 3:
                wifi.drop(5)  # the Wi-Fi goes while the pupil reads question 4
                s.page.wait_for_timeout(5_000)
                s.reading_on()  # the page was loaded afresh
                try:
                    s.wait_for_text("Connected again", timeout=30_000)
                except Exception:
                    s.shot("80-wifi-drop-FAILED")
                    print("PAGE:", s.page.url, s.text()[:300])
                    raise
                s.wait_for_text(f"Question {i + 1} of {n}")
                s.shot("80-after-wifi-drop")
            s.tap(question.options[0].label)
        s.wait_for_text("You've answered all the questions", timeout=30_000)
        s.tap("Finish")
        s.wait_for_text("Thank you")
    finally:
        wifi.close()
    assert wifi.cuts > 0, "the drop cut a live connection"
    assert saved_answers(data) == [{qn.id: qn.options[0].id for qn in q.questions}]


def test_the_kiosk_restarts_mid_survey_and_the_tablet_comes_back_to_a_fresh_start(
    start_kiosk, open_screen, library, tmp_path
):
    data = tmp_path / "data"
    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    port = urlsplit(kiosk.url).port
    q = library.for_band(AgeBand.AGES_7_11)
    n = len(q.questions)
    s = open_screen(kiosk.url)
    begin(s, q)
    for i in range(3):
        s.wait_for_text(f"Question {i + 1} of {n}")
        s.tap(q.questions[i].options[0].label)
    kiosk.proc.terminate()  # the laptop's lid, a power cut: the kiosk stops ...
    kiosk.proc.wait(timeout=15)
    start_kiosk(data=data, port=port)  # ... and starts again
    s.reading_on(timeout=60_000)  # the tablet reconnected by itself and loaded afresh
    s.wait_for_text("The kiosk restarted", timeout=30_000)
    s.shot("81-after-kiosk-restart")
    s.tap("Start")  # a fresh start works: the next pupil can go
    s.wait_for_text(q.title)
    s.tap("Next")
    s.tap("OK, let's go")
    for i, question in enumerate(q.questions):
        s.wait_for_text(f"Question {i + 1} of {n}")
        s.tap(question.options[-1].label)
    s.tap("Finish")
    s.wait_for_text("Thank you")
    assert saved_answers(data) == [{qn.id: qn.options[-1].id for qn in q.questions}]
