"""Academic years and terms (England): which term a date falls in, without keeping the date."""

from __future__ import annotations

import datetime as dt

from surveys.model import Term

__all__ = ["academic_year", "easter_sunday", "term_of"]


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def academic_year(day: dt.date) -> str:
    """The academic year a date belongs to, named by both calendar years: ``2026/27``.

    The year runs 1 September to 31 August.
    """
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def term_of(day: dt.date) -> Term:
    """Autumn (September–December), spring (January–Easter), summer (after Easter–August).

    The spring term ends at Easter: we count Easter Monday onwards as summer,
    so the moving Easter holiday falls where schools put it.
    """
    if day.month >= 9:
        return Term.AUTUMN
    if day < easter_sunday(day.year) + dt.timedelta(days=1):
        return Term.SPRING
    return Term.SUMMER
