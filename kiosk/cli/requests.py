"""``esafety requests``: pupils' requests to talk to someone, for the Designated Safeguarding Lead.

Opens the sealed requests in a data folder (a kiosk's, or the hub's) with the
school's private key, and writes ``requests.csv`` and a printable
``requests.html`` (both 0600): name, class, reason, the day asked, and the
status, oldest waiting first. ``--seen ID`` and ``--acted ID [--note TEXT]``
mark one request (see :mod:`surveys.requests.status`). The passphrase is read
from the terminal, or from ``ESAFETY_PASSPHRASE`` for scripts (and tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.cli.common import ask_passphrase, content_dir
from kiosk.ui.host import REASON_WORDS
from surveys.requests.model import HelpRequest, Reason
from surveys.requests.status import Mark, Status, StatusBook

__all__ = [
    "RequestRow",
    "add_parser",
    "build_rows",
    "long_day",
    "requests_csv",
    "requests_html",
    "shown",
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
    from exports.tables import csv_bytes

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


def _find(requests: Sequence[HelpRequest], given: str) -> HelpRequest:
    """The request whose id is ``given`` (or starts with it: at least 6 characters)."""
    from surveys.keys import KeyProblem

    found = [r for r in requests if len(given) >= 6 and r.id.startswith(given.lower())]
    if len(found) != 1:
        why = "matches more than one request" if found else "matches no request here"
        raise KeyProblem(
            f"request {given!r} {why}; copy the whole id from the `request` column of requests.csv"
        )
    return found[0]


def _reason_words(content: str | None) -> tuple[str, dict[Reason, str]]:
    """The school's name and the reasons' words, from the content (ids if it will not load)."""
    from surveys.content.errors import ContentError
    from surveys.content.library import load_content

    try:
        library = load_content(content_dir(content))
    except ContentError:
        return "", {r: r.value for r in Reason}
    return library.school.name, {r: library.strings.get(k) for r, k in REASON_WORDS.items()}


def cmd_requests(args: argparse.Namespace) -> int:
    from surveys.keys import KeyProblem, open_private_key
    from surveys.requests.sealing import open_requests
    from surveys.requests.store import RequestStore
    from surveys.storage.files import write_bytes_atomic

    if args.note and not (args.seen or args.acted):
        print("esafety requests: --note goes with --seen ID or --acted ID", file=sys.stderr)
        return 2
    data, out = Path(args.data), Path(args.out)
    today = dt.date.today()
    marked = ""
    try:
        key = open_private_key(Path(args.key), ask_passphrase("Passphrase for the private key: "))
        with RequestStore(data, writer=False) as store:
            if not store.exists():
                raise KeyProblem(
                    f"{data} holds no requests (no requests/ folder): is this the kiosk's "
                    "or the hub's --data folder?"
                )
            requests = open_requests(list(store.records()), key)
        book = StatusBook(data)
        if args.seen or args.acted:
            chosen = _find(requests, args.seen or args.acted)
            status = Status.SEEN if args.seen else Status.ACTED_ON
            book.mark(chosen.id, status, today, key, note=args.note)
            marked = f"Marked request {chosen.id[:8]} ({shown(chosen.first_name or NOT_GIVEN)}) "
            marked += f"as {status.value} on {long_day(today)}."
        marks = book.marks()
        notes = {rid: StatusBook.note(m, key) for rid, m in marks.items() if m.note}
    except KeyProblem as exc:
        print(f"esafety requests: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    school, words = _reason_words(args.content)
    rows = build_rows(requests, marks, notes, words)
    csv_path, html_path = out / "requests.csv", out / "requests.html"
    write_bytes_atomic(csv_path, requests_csv(rows))
    write_bytes_atomic(html_path, requests_html(school, rows, today))
    if marked:
        print(marked)
    print(summary(rows))
    print(f"Wrote {csv_path} and {html_path} (personal data: keep them secure).")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    r = sub.add_parser(
        "requests", help="pupils' requests to talk to someone (needs the private key)"
    )
    r.add_argument("--data", required=True, help="data folder holding the requests")
    r.add_argument("--key", required=True, help="school-private-key.json")
    r.add_argument("--out", default=".", help="folder for requests.csv and requests.html")
    r.add_argument("--content", help="content folder (default: the shipped content)")
    mark = r.add_mutually_exclusive_group()
    mark.add_argument("--seen", metavar="ID", help="mark this request seen (today)")
    mark.add_argument("--acted", metavar="ID", help="mark this request acted on (today)")
    r.add_argument("--note", help="with --acted or --seen: a short note (sealed to the key)")
    r.set_defaults(func=cmd_requests)
