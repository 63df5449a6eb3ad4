"""Terms and academic years; idle timing."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.clock import FakeClock
from surveys.idle import IdlePolicy, IdleState, IdleTimer
from surveys.model import Term
from surveys.terms import academic_year, easter_sunday, term_of


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2027, dt.date(2027, 3, 28)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_easter(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    ("day", "year", "term"),
    [
        (dt.date(2026, 9, 1), "2026/27", Term.AUTUMN),
        (dt.date(2026, 12, 31), "2026/27", Term.AUTUMN),
        (dt.date(2027, 1, 4), "2026/27", Term.SPRING),
        (dt.date(2027, 3, 28), "2026/27", Term.SPRING),  # Easter Sunday
        (dt.date(2027, 3, 29), "2026/27", Term.SUMMER),  # Easter Monday
        (dt.date(2027, 8, 31), "2026/27", Term.SUMMER),
        (dt.date(2099, 9, 1), "2099/00", Term.AUTUMN),
    ],
)
def test_academic_year_and_term(day, year, term):
    assert (academic_year(day), term_of(day)) == (year, term)


def test_idle_warns_then_resets():
    clock = FakeClock()
    timer = IdleTimer(IdlePolicy(warn_after=90, reset_after=120), clock)
    clock.advance(89)
    assert timer.state() == IdleState.ACTIVE
    clock.advance(1)
    assert timer.state() == IdleState.WARN
    timer.touch()
    assert timer.state() == IdleState.ACTIVE
    clock.advance(120)
    assert timer.state() == IdleState.RESET


def test_there_is_no_shorter_thank_you_timer_any_more():
    """Issue 11: the thank-you cards left after 30 s, before a child could scan a code.
    Every screen now follows the one policy."""
    assert not any("thanks" in f for f in IdlePolicy.__dataclass_fields__)
    clock = FakeClock()
    timer = IdleTimer(IdlePolicy(), clock)
    clock.advance(60)
    assert timer.state() == IdleState.ACTIVE


def test_idle_policy_refuses_nonsense():
    with pytest.raises(ValueError):
        IdlePolicy(warn_after=10, reset_after=5)
