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
import sys
from collections.abc import Sequence
from pathlib import Path

from exports.requests import (
    NOT_GIVEN,
    RequestRow,
    build_rows,
    held_requests,
    long_day,
    marks_and_notes,
    requests_csv,
    requests_html,
    shown,
    summary,
)
from kiosk.cli.common import ask_passphrase, content_dir
from kiosk.ui.host import REASON_WORDS
from surveys.requests.model import HelpRequest, Reason
from surveys.requests.status import Status, StatusBook

# The list itself is made in the core (exports.requests), shared with the console;
# its names stay importable from here for older callers.
__all__ = [
    "RequestRow",
    "add_parser",
    "build_rows",
    "long_day",
    "requests_csv",
    "requests_html",
    "shown",
    "summary",
]


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
    from surveys.storage.files import write_bytes_atomic

    if args.note and not (args.seen or args.acted):
        print("esafety requests: --note goes with --seen ID or --acted ID", file=sys.stderr)
        return 2
    data, out = Path(args.data), Path(args.out)
    today = dt.date.today()
    marked = ""
    try:
        key = open_private_key(Path(args.key), ask_passphrase("Passphrase for the private key: "))
        requests = held_requests(data, key)
        if requests is None:
            raise KeyProblem(
                f"{data} holds no requests (no requests/ folder): is this the kiosk's "
                "or the hub's --data folder?"
            )
        book = StatusBook(data)
        if args.seen or args.acted:
            chosen = _find(requests, args.seen or args.acted)
            status = Status.SEEN if args.seen else Status.ACTED_ON
            book.mark(chosen.id, status, today, key, note=args.note)
            marked = f"Marked request {chosen.id[:8]} ({shown(chosen.first_name or NOT_GIVEN)}) "
            marked += f"as {status.value} on {long_day(today)}."
        marks, notes = marks_and_notes(data, key)
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
