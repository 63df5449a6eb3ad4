"""The staff screen shows headline trend charts from this kiosk's answers, small numbers hidden.

(That the charts are worked out off the UI loop is proved in tests/kiosk/test_services.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from surveys.model import AgeBand
from surveys.storage.settings import KioskSettings, PinHash, save_settings

pytestmark = pytest.mark.browser
PIN = "2468"


def test_staff_see_headline_trends_each_named_by_its_alt_text(start_kiosk, open_screen, tmp_path):
    data = tmp_path / "data"
    exe = str(Path(sys.executable).parent / "esafety")
    subprocess.run([exe, "demo-data", "--data", str(data), "--responses", "3000"], check=True)
    save_settings(data, KioskSettings(pin=PinHash.make(PIN), band=AgeBand.AGES_7_11))
    kiosk = start_kiosk(data=data)
    s = open_screen(kiosk.url)
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.tap("See trends")
    s.wait_for_text("Trends from this kiosk")
    chart = s.page.get_by_role("img", name="Line chart", exact=False).first
    chart.wait_for(timeout=30_000)
    names = [
        s.page.get_by_role("img", name="Line chart", exact=False).nth(i).get_attribute("aria-label")
        for i in range(s.page.get_by_role("img", name="Line chart", exact=False).count())
    ]
    assert any("would you talk to a trusted adult" in (n or "") for n in names), names
    s.shot("50-staff-trends")
    s.tap("Back to settings")
    s.wait_for_text("Staff settings")
