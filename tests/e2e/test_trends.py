"""The staff screen shows counts, rounded, and never a live answer figure: answers are sealed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings

pytestmark = pytest.mark.browser
PIN = "2468"


def test_the_staff_screen_shows_no_live_answer_figures(start_kiosk, open_screen, tmp_path):
    data = tmp_path / "data"
    exe = str(Path(sys.executable).parent / "esafety")
    subprocess.run([exe, "demo-data", "--data", str(data), "--responses", "3004"], check=True)
    save_settings(data, KioskSettings(pin=PinHash.make(PIN), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.wait_for_text("Staff settings")
    text = s.text()
    assert "about 3000 responses" in text, text  # 3,004 waiting, to the nearest 10
    assert "DEMO key" in text, "the staff are told the answers go to the demo key"
    assert not re.search(r"\d+(\.\d+)? ?%", text), "no percentage of any answer"
    assert s.page.get_by_role("button", name="See trends").count() == 0
    assert s.page.get_by_role("img").count() == 0, "no chart"
    s.shot("50-staff-counts-only")
