"""The lead's list of requests to talk (exports.requests), shared by the CLI and the console:
read from a real data folder with a real key, in the order a lead needs it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from nacl.public import PrivateKey

from exports.requests import (
    build_rows,
    held_requests,
    long_day,
    marks_and_notes,
    requests_csv,
    requests_html,
    shown,
    summary,
)
from surveys.keys import KeyProblem, SchoolKey
from surveys.model import AgeBand
from surveys.requests.model import Reason, TalkForm
from surveys.requests.sealing import seal_request
from surveys.requests.status import Status, StatusBook
from surveys.requests.store import RequestStore

TODAY = dt.date(2025, 11, 26)
WORDS = {r: f"words for {r.value}" for r in Reason}
PRIVATE = PrivateKey.generate()
KEY = SchoolKey(PRIVATE)


def ask(store: RequestStore, first: str, klass: str, reason: Reason | None, day: dt.date) -> str:
    form = TalkForm()
    form.keep(first, klass)
    form.choose(reason)
    request = form.request("kiosk-1", AgeBand.AGES_7_11, day)
    store.save(seal_request(request, PRIVATE.public_key.encode()))
    return request.id


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "hub"
    with RequestStore(root) as store:
        ids = {
            "Cara": ask(store, "Cara", "6A", Reason.OTHER, TODAY),
            "Amira": ask(store, "Amira", "5C", Reason.ONLINE, TODAY - dt.timedelta(days=1)),
            "Ben": ask(store, "Ben", "4B", None, TODAY - dt.timedelta(days=3)),
            "Dev": ask(store, "Dev", "3A", Reason.ONLINE, TODAY - dt.timedelta(days=9)),
        }
    return root, ids


def rows_of(root):
    requests = held_requests(root, KEY)
    assert requests is not None
    marks, notes = marks_and_notes(root, KEY)
    return build_rows(requests, marks, notes, WORDS)


def test_waiting_oldest_first_then_seen_then_acted_on_with_notes(data):
    root, ids = data
    book = StatusBook(root)
    book.mark(ids["Dev"], Status.ACTED_ON, TODAY, KEY, note="Spoke at break")
    book.mark(ids["Ben"], Status.SEEN, TODAY, KEY)
    rows = rows_of(root)
    assert [r.name for r in rows] == ["Amira", "Cara", "Ben", "Dev"]
    assert [r.status for r in rows] == [Status.WAITING, Status.WAITING, Status.SEEN,
                                        Status.ACTED_ON]  # fmt: skip
    amira, _cara, ben, dev = rows
    assert (amira.class_name, amira.reason, amira.asked_on) == (
        "5C",
        WORDS[Reason.ONLINE],
        TODAY - dt.timedelta(days=1),
    )
    assert ben.reason == "(not given)" and ben.status_on == TODAY
    assert dev.note == "Spoke at break"
    assert summary(rows) == f"2 requests waiting since {long_day(TODAY - dt.timedelta(days=1))}"
    table = list(csv.DictReader(io.StringIO(requests_csv(rows).decode("utf-8-sig"))))
    assert [r["name"] for r in table] == ["Amira", "Cara", "Ben", "Dev"]
    assert table[3]["status"] == "acted on" and table[3]["note"] == "Spoke at break"
    page = requests_html("Hillside Primary", rows, TODAY).decode()
    assert page.index("Amira") < page.index("Cara") < page.index("Ben") < page.index("Dev")
    assert "Hillside Primary" in page and "2 requests waiting since" in page


def test_once_every_request_is_marked_none_is_waiting(data):
    root, ids = data
    for rid in ids.values():
        StatusBook(root).mark(rid, Status.SEEN, TODAY, KEY)
    assert summary(rows_of(root)) == "No requests waiting."


def test_shown_replaces_terminal_escapes_and_invisible_marks():
    assert shown("Amira") == "Amira"
    assert shown("A\x1b[31mB") == "A\ufffd[31mB"
    assert shown("x\u202ey\u200bz") == "x\ufffdy\ufffdz"
    assert "\x1b" not in shown("\x1b]0;title\x07")


def test_no_requests_folder_is_none_and_another_key_is_refused(data, tmp_path):
    assert held_requests(tmp_path / "empty", KEY) is None
    root, _ids = data
    with pytest.raises(KeyProblem):
        held_requests(root, SchoolKey(PrivateKey.generate()))
