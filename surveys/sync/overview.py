"""What the lead's console Home shows: the hub's state, with what needs doing first on top.

Read from the hub's own files, never by opening a record: responses per term from
the store's folder layout (to the nearest 10, as everywhere live), signed agreements
and requests by count, kiosks from ``hub/kiosks.json`` and the hub's log. The jobs
("2 requests to talk waiting since Monday", "kiosk Library not seen for 3 weeks")
are sorted so that a child waiting for an adult always comes first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from surveys.storage.responses import live_count
from surveys.sync.hub import Hub

__all__ = ["NOT_SEEN_DAYS", "Job", "KioskLine", "Overview", "overview"]

#: A paired kiosk not heard from for this many days is on the to-do list.
NOT_SEEN_DAYS = 14
#: Refused pushes from a paired kiosk in this many days are on the to-do list.
PROBLEM_DAYS = 7


@dataclass(frozen=True)
class Job:
    """One thing for the lead to do, most urgent first (``urgent``: a child is waiting)."""

    text: str
    urgent: bool = False
    #: The console's place where it is done ("requests", "kiosks", "downloads"), or "".
    place: str = ""


@dataclass(frozen=True)
class KioskLine:
    kiosk_id: str
    paired: bool
    #: "today", "yesterday", "3 days ago", "never"
    last_seen: str
    responses: int  # to the nearest 10
    signed_agreements: int
    #: Pushes from it refused in the last week (a wrong clock, a forgotten pairing…).
    problems: int


@dataclass(frozen=True)
class Overview:
    jobs: list[Job]
    kiosks: list[KioskLine]
    #: "2025/26 autumn" -> responses (to the nearest 10), oldest first.
    responses_by_term: dict[str, int]
    signed_agreements: int
    requests_waiting: int
    has_school_key: bool


def _day_words(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


def _refusals(hub: Hub, today: dt.date) -> dict[str, int]:
    """Refused pushes per kiosk id in the last :data:`PROBLEM_DAYS` days, from the log."""
    since = (today - dt.timedelta(days=PROBLEM_DAYS)).isoformat()
    counts: dict[str, int] = {}
    try:
        lines = hub.folder.hub_log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return counts
    for line in lines[-5000:]:  # the log is rate-limited; the last lines are enough
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if (
            isinstance(entry, dict)
            and str(entry.get("outcome", "")).startswith("refused")
            and str(entry.get("at", "")) >= since
        ):
            kiosk = str(entry.get("kiosk", ""))
            counts[kiosk] = counts.get(kiosk, 0) + 1
    return counts


def overview(hub: Hub, today: dt.date | None = None) -> Overview:
    """The hub at a glance (reads counts only: call off the UI loop)."""
    today = today or dt.date.today()
    stats = hub.kiosk_stats()
    refused = _refusals(hub, today)
    kiosks: list[KioskLine] = []
    jobs: list[Job] = []
    waiting, since = hub.requests_waiting()
    if waiting:
        plural = "request" if waiting == 1 else "requests"
        when = f"since {since.strftime('%A %-d %B')}" if since else "from before this hub kept days"
        jobs.append(
            Job(
                f"{waiting} {plural} to talk to someone waiting {when}. See the pupil today.",
                urgent=True,
                place="requests",
            )
        )
    if hub.school_key is None:
        jobs.append(Job("Give the hub the school's public key before pairing kiosks."))
    elif not hub.kiosks:
        jobs.append(Job("Pair your first kiosk: open Kiosks, then Pair a kiosk.", place="kiosks"))
    for kiosk_id, s in stats.items():
        seen = s["last_seen"]
        seen_day = dt.date.fromisoformat(str(seen)[:10]) if seen else None
        line = KioskLine(
            kiosk_id,
            bool(s["paired"]),
            _day_words(seen_day, today) if seen_day else "never",
            int(s["responses"]),
            int(s["signed_agreements"]),
            refused.get(kiosk_id[:60], 0) if s["paired"] else 0,
        )
        kiosks.append(line)
        if line.paired and seen_day and (today - seen_day).days >= NOT_SEEN_DAYS:
            jobs.append(Job(f"Kiosk {kiosk_id} not seen for {line.last_seen.replace(' ago', '')}."))
        if line.problems:
            jobs.append(
                Job(
                    f"Kiosk {kiosk_id}: {line.problems} "
                    f"{'push' if line.problems == 1 else 'pushes'} refused this week. "
                    "Pair it again (Kiosks, then Pair a kiosk).",
                    place="kiosks",
                )
            )
    counts = hub.store.counts()["by_term"]
    return Overview(
        jobs=jobs,
        kiosks=kiosks,
        responses_by_term={term: live_count(n) for term, n in counts.items()},
        signed_agreements=sum(1 for _ in hub.signatures.records()),
        requests_waiting=waiting,
        has_school_key=hub.school_key is not None,
    )
