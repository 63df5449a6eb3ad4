"""Kiosk settings: the staff PIN (stored hashed) and its back-off; the first run."""

from __future__ import annotations

from surveys.clock import FakeClock
from surveys.storage.settings import PinGuard, PinHash, load_settings, valid_pin


def test_pin_is_stored_hashed_and_checked():
    h = PinHash.make("2468")
    assert "2468" not in h.model_dump_json()
    assert h.matches("2468") and not h.matches("2469")
    assert valid_pin("2468") and not valid_pin("12") and not valid_pin("12ab")


def test_wrong_pins_back_off_exponentially():
    clock = FakeClock()
    guard, h = PinGuard(clock), PinHash.make("2468")
    for _ in range(3):
        assert not guard.check("0000", h)
    assert guard.wait_seconds() == 30
    assert not guard.check("2468", h), "even the right PIN waits out the back-off"
    clock.advance(30)
    assert not guard.check("1111", h)
    assert guard.wait_seconds() == 60
    clock.advance(60)
    assert guard.check("2468", h)
    assert guard.wait_seconds() == 0


def test_first_run_makes_a_kiosk_id_and_no_pin(tmp_path):
    s = load_settings(tmp_path)
    assert s.kiosk_id.startswith("kiosk-") and s.pin is None and s.band is None
    assert load_settings(tmp_path).kiosk_id == s.kiosk_id
