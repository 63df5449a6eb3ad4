"""A push's ticket, checked by the hub's guard before it gives the push a slot (issue 12
item 4: a push just over the minimum rate held a push slot for hours, and two of them kept
every kiosk's pushes out).

The kiosk sends ``X-Esafety-Ticket``, HMAC-SHA256 under its pairing secret of its id, the
push's number and the body's length (``surveys/sync/bundle.py``: ``push_ticket``), and
that length as ``Content-Length``. A real uvicorn server in a thread runs the real hub.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hub.guard import RETRY_AFTER
from surveys.sync.hub import Hub
from surveys.sync.loglimit import PER_HOUR
from tests.surveys.sync.test_hub_hostile import (
    KIOSK,
    SCHOOL,
    Server,
    hub_files,
    pair,
    push_headers,
    real_body,
)

MiB = 1024 * 1024


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Hub, bytes, Server]]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    secret = pair(hub, KIOSK)
    server = Server(hub)
    yield hub, secret, server
    server.stop()
    hub.close()


def open_push(port: int, headers: dict[str, str]) -> http.client.HTTPConnection:
    """A push's headers sent, its body not (yet)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", "/push")
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    return conn


def answer_to_headers_alone(port: int, headers: dict[str, str]) -> tuple[int, str, float]:
    """Send a push's headers and not a byte of its body: (status, detail, seconds taken)."""
    started = time.monotonic()
    conn = open_push(port, headers)
    try:
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())["detail"], time.monotonic() - started
    finally:
        conn.close()


def wrong(secret: bytes) -> dict[str, dict[str, str]]:
    """Headers a paired kiosk never sends, for a 60 MiB body: each refused at the door."""
    size = 60 * MiB
    good = push_headers(secret, 1, length=size)
    no_ticket = {k: v for k, v in good.items() if k != "X-Esafety-Ticket"}
    return {
        "no ticket": no_ticket,
        "a ticket for another length": {
            **good,
            "X-Esafety-Ticket": push_headers(secret, 1, length=size - 1)["X-Esafety-Ticket"],
        },
        "a ticket for another number": {
            **good,
            "X-Esafety-Ticket": push_headers(secret, 2, length=size)["X-Esafety-Ticket"],
        },
        "a ticket made with another key": push_headers(bytes(32), 1, length=size),
        "a number that is not one": {**good, "X-Esafety-Counter": "1e3"},
        "a number in other digits": {**good, "X-Esafety-Counter": "\u00b2"},  # isdigit(), no int
        "a number 5,000 digits long": {**good, "X-Esafety-Counter": "9" * 5000},
        "a ticket not in hex": {**good, "X-Esafety-Ticket": "Z" * 64},
    }


@pytest.mark.parametrize("case", list(wrong(bytes(32))))
def test_a_push_without_its_kiosks_ticket_is_refused_before_its_body(served, case):
    hub, secret, server = served
    before = hub_files(hub)
    status, detail, took = answer_to_headers_alone(server.port, wrong(secret)[case])
    assert status == 403, (status, detail)
    assert took < 2, f"{took:.1f} s: the hub waited for a body it should not read"
    assert ("no ticket" if case == "no ticket" else "not sealed with its key") in detail
    assert server.guard.most == 0 and server.guard.waiting["/push"] == 0, "it had a slot"
    assert hub_files(hub) == before
    last = json.loads(hub.folder.hub_log.read_text().splitlines()[-1])
    assert last["via"] == "push" and last["outcome"].startswith("refused"), last


def test_refusals_at_the_door_are_logged_at_most_as_many_an_hour(served):
    hub, secret, server = served
    lines = len(hub.folder.hub_log.read_text().splitlines())
    for _ in range(PER_HOUR + 30):
        status, _detail, _took = answer_to_headers_alone(server.port, wrong(secret)["no ticket"])
        assert status == 403
    added = len(hub.folder.hub_log.read_text().splitlines()) - lines
    assert PER_HOUR <= added <= PER_HOUR + 2  # the hour's refusals, then "the rest counted"


def test_a_second_push_from_one_kiosk_is_refused_at_once_and_the_first_goes_through(served):
    hub, secret, server = served
    body = real_body()
    first = open_push(server.port, push_headers(secret, 1, body))
    first.send(body[:100])  # the first push is being read, slowly
    time.sleep(0.5)
    assert server.guard.busy["/push"] == 1
    status, detail, took = answer_to_headers_alone(server.port, push_headers(secret, 2, body))
    assert status == 429 and took < 2 and "being taken" in detail
    assert server.guard.busy["/push"] == 1  # it took no slot
    first.send(body[100:])
    answer = first.getresponse()
    assert answer.status == 200 and json.loads(answer.read())["added"] == 1
    first.close()
    # The kiosk's next push (it numbers every try) goes through as usual.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/push", body=body, headers=push_headers(secret, 3, body))
    answer = conn.getresponse()
    assert answer.status == 200 and json.loads(answer.read())["already"] == 1
    conn.close()
    assert hub.kiosks[KIOSK]["last_counter"] == 3


def test_the_busy_answer_names_a_retry(served):
    _hub, secret, server = served
    body = real_body()
    first = open_push(server.port, push_headers(secret, 1, body))
    first.send(body[:10])
    time.sleep(0.5)
    conn = open_push(server.port, push_headers(secret, 2, body))
    answer = conn.getresponse()
    assert answer.status == 429 and answer.getheader("Retry-After") == str(RETRY_AFTER)
    conn.close()
    first.close()


def test_a_ticket_read_off_the_wire_is_good_once(served):
    """A kiosk's push cut off mid-body (Wi-Fi) was never taken; someone who read its
    headers off the wire cannot send them again to hold a slot with a trickle of bytes."""
    hub, secret, server = served
    body = real_body()
    headers = push_headers(secret, 1, body)
    cut = open_push(server.port, headers)
    cut.send(body[:50])
    time.sleep(0.3)
    cut.close()  # the Wi-Fi drops
    deadline = time.monotonic() + 10
    while server.guard.senders["/push"]:
        assert time.monotonic() < deadline, "the cut-off push still counts as in flight"
        time.sleep(0.05)
    assert hub.kiosks[KIOSK]["last_counter"] == 0  # never taken
    status, detail, took = answer_to_headers_alone(server.port, headers)
    assert status == 403 and took < 2 and "repeats an earlier request" in detail
    # The kiosk numbers its next try afresh, and it goes through.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/push", body=body, headers=push_headers(secret, 2, body))
    assert conn.getresponse().status == 200
    conn.close()


def test_a_number_far_beyond_the_last_is_refused_at_the_door(served):
    """Even with the kiosk's key (stolen): a ticket far ahead would spend the kiosk's
    numbers, so it is refused as the push itself would be."""
    hub, secret, server = served
    headers = push_headers(secret, 10**12, length=100)
    before = hub_files(hub)
    status, detail, _took = answer_to_headers_alone(server.port, headers)
    assert status == 403 and "far beyond" in detail
    assert hub_files(hub) == before
    body = real_body()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/push", body=body, headers=push_headers(secret, 1, body))
    assert conn.getresponse().status == 200
    conn.close()
