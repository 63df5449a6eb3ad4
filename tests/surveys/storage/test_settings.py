"""Kiosk settings: the staff PIN (stored hashed) and its back-off; the first run."""

from __future__ import annotations

import concurrent.futures
import json

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


def test_the_back_off_survives_a_restart(tmp_path):
    clock = FakeClock()
    h = PinHash.make("2468")
    guard = PinGuard.in_folder(tmp_path, clock)
    for _ in range(3):
        assert not guard.check("0000", h)
    assert guard.wait_seconds() == 30
    restarted = PinGuard.in_folder(tmp_path, clock)  # the kiosk process started again
    assert restarted.wait_seconds() == 30
    assert not restarted.check("2468", h), "a restart must not end the wait"
    clock.advance(30)
    assert not restarted.check("1111", h)
    assert restarted.wait_seconds() == 60, "and the count goes on from where it was"
    doc = json.loads((tmp_path / "pin-guard.json").read_text())
    assert doc["failures"] == 4 and "2468" not in json.dumps(doc)


def test_twenty_guesses_at_once_are_tried_in_turn_and_only_three_count(tmp_path):
    h = PinHash.make("2468")
    guard = PinGuard.in_folder(tmp_path)
    guesses = [f"{n:04d}" for n in range(1000, 1019)] + ["2468"]  # the right one among them
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda pin: guard.check(pin, h), guesses))
    tried = json.loads((tmp_path / "pin-guard.json").read_text())["failures"]
    # Each try is taken alone; once three are wrong the rest are refused untried.
    assert tried <= PinGuard.FREE_TRIES, f"{tried} guesses were tried"
    assert guard.wait_seconds() > 0 or results.count(True) == 1
    assert results.count(True) <= 1


def test_a_clock_put_back_does_not_lock_staff_out_for_longer(tmp_path):
    clock = FakeClock()
    (tmp_path / "pin-guard.json").write_text(
        json.dumps({"failures": 9, "locked_until": clock.wall() + 10**9})
    )
    assert PinGuard.in_folder(tmp_path, clock).wait_seconds() == PinGuard.LONGEST_WAIT


def test_a_damaged_back_off_file_counts_as_tries_used_not_as_none(tmp_path):
    (tmp_path / "pin-guard.json").write_text("{not json")
    guard = PinGuard.in_folder(tmp_path, FakeClock())
    assert guard.wait_seconds() == PinGuard.FIRST_WAIT
