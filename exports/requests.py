"""Pupils' requests to talk to someone, as the lead's list: rows, the CSV, the printable page.

Shared by ``esafety requests`` (:mod:`kiosk.cli.requests`) and the console's Requests
place. The requests come opened (:func:`surveys.requests.sealing.open_requests`) with
the lead's marks (:class:`surveys.requests.status.StatusBook`); the words for each
reason are passed in (the kiosk's content strings), so this module never reads content.
Every name and class a pupil typed is shown with anything that is not plain text
replaced (:func:`shown`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exports.tables import csv_bytes
from surveys.keys import SchoolKey
from surveys.requests.model import HelpRequest, Reason
from surveys.requests.sealing import open_requests
from surveys.requests.status import Mark, Status, StatusBook
from surveys.requests.store import RequestStore

__all__ = [
    "NOT_GIVEN",
    "RequestRow",
    "build_rows",
    "held_requests",
    "long_day",
    "marks_and_notes",
    "requests_csv",
    "requests_html",
    "shown",
    "summary",
]

NOT_GIVEN = "(not given)"
#: Oldest waiting first, then seen, then acted on: what needs the lead comes first.
ORDER = {Status.WAITING: 0, Status.SEEN: 1, Status.ACTED_ON: 2}


@dataclass(frozen=True)
class RequestRow:
    """One request as the lead's list shows it."""

    id: str
    name: str
    class_name: str
    reason: str
    asked_on: dt.date
    status: Status
    status_on: dt.date | None
    note: str
    kiosk_id: str


def shown(text: str) -> str:
    """``text`` with every character that is not plain text (terminal escapes, right-to-left
    overrides, zero-width marks) shown as U+FFFD: the kiosk's form refuses them, but anyone
    holding the school's public key (which is public) can seal a request of their own."""
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def long_day(day: dt.date) -> str:
    """'Monday 23 November', as a school writes a day."""
    return f"{day:%A} {day.day} {day:%B}"


def build_rows(
    requests: Sequence[HelpRequest],
    marks: dict[str, Mark],
    notes: dict[str, str],
    words: dict[Reason, str],
) -> list[RequestRow]:
    """The list, waiting first and oldest first (never in the order they were saved)."""
    rows = []
    for r in requests:
        mark = marks.get(r.id)
        rows.append(
            RequestRow(
                id=r.id,
                name=shown(r.first_name or NOT_GIVEN),
                class_name=shown(r.class_name or NOT_GIVEN),
                reason=words[r.reason] if r.reason else NOT_GIVEN,
                asked_on=r.asked_on,
                status=mark.status if mark else Status.WAITING,
                status_on=mark.on if mark else None,
                note=notes.get(r.id, ""),
                kiosk_id=r.kiosk_id,
            )
        )
    return sorted(rows, key=lambda w: (ORDER[w.status], w.asked_on, w.class_name, w.name, w.id))


HEADER = ["name", "class", "reason", "day", "status", "status day", "note", "request", "kiosk"]


def requests_csv(rows: Sequence[RequestRow]) -> bytes:
    """The list as CSV; every cell neutralised against spreadsheet formulas."""
    return csv_bytes(
        HEADER,
        (
            [w.name, w.class_name, w.reason, w.asked_on.isoformat(), w.status.value,
             w.status_on.isoformat() if w.status_on else "", w.note, w.id, w.kiosk_id]
            for w in rows
        ),
    )  # fmt: skip


def requests_html(school: str, rows: Sequence[RequestRow], made_on: dt.date) -> bytes:
    """A printable page: one table, waiting requests first and marked, oldest first."""
    e = html.escape
    waiting = [w for w in rows if w.status == Status.WAITING]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Requests to talk to someone — {e(school)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#1B2733}"
        "table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #B7C7D6;padding:6px 10px;text-align:left;font-size:12pt}"
        "th{background:#DCEBF7}tr.waiting td{background:#FFF4EC;font-weight:bold}"
        ".summary{font-size:16pt;font-weight:bold}"
        "@media print{body{margin:0}tr{page-break-inside:avoid}}</style>",
        "</head><body>",
        f"<h1>Requests to talk to someone — {e(school)}</h1>",
        f"<p class='summary'>{e(summary(rows))}</p>",
        f"<p>Made {e(long_day(made_on))} from {len(rows)} request(s); "
        f"{len(waiting)} waiting. A request should be seen the same day. Personal data: "
        "keep this page secure and destroy it when no longer needed.</p>",
        "<table><tr>",
        *[f"<th>{h}</th>" for h in ("Name", "Class", "Reason", "Day asked", "Status", "Note")],
        "</tr>",
    ]
    for w in rows:
        status = w.status.value + (f" ({long_day(w.status_on)})" if w.status_on else "")
        cls = " class='waiting'" if w.status == Status.WAITING else ""
        parts.append(
            f"<tr{cls}><td>{e(w.name)}</td><td>{e(w.class_name)}</td><td>{e(w.reason)}</td>"
            f"<td>{e(long_day(w.asked_on))}</td><td>{e(status)}</td><td>{e(w.note)}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "".join(parts).encode("utf-8")


def summary(rows: Sequence[RequestRow]) -> str:
    """'2 requests waiting since Monday 23 November', or that none is waiting."""
    waiting = [w.asked_on for w in rows if w.status == Status.WAITING]
    if not waiting:
        return "No requests waiting."
    plural = "request" if len(waiting) == 1 else "requests"
    return f"{len(waiting)} {plural} waiting since {long_day(min(waiting))}"


def held_requests(data: Path, key: SchoolKey) -> list[HelpRequest] | None:
    """The requests in a data folder (a kiosk's or the hub's), opened with ``key``; None if
    the folder has no requests folder (nothing has arrived). Reads only: call off a UI loop.

    Raises:
        KeyProblem: a request was sealed to another key, or is damaged (it says which).
    """
    with RequestStore(data, writer=False) as store:
        if not store.exists():
            return None
        return open_requests(list(store.records()), key)


def marks_and_notes(data: Path, key: SchoolKey) -> tuple[dict[str, Mark], dict[str, str]]:
    """The lead's marks in ``data`` by request id, and their notes opened with ``key``.

    Raises:
        StatusProblem: the status file is damaged, or a note will not open (it says how to fix).
    """
    marks = StatusBook(data).marks()
    return marks, {rid: StatusBook.note(m, key) for rid, m in marks.items() if m.note}
