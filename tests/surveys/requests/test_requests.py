"""A pupil's request to talk: the form's rules, one sealed size, the school key only, the store
(on a shelf in memory and on crash-safe files alike), and the lead's marks."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from surveys.keys import KeyProblem, make_key_pair, open_private_key, parse_public_key
from surveys.model import AgeBand
from surveys.requests.model import (
    CLASS_MAX,
    NAME_MAX,
    HelpRequest,
    Reason,
    RequestProblem,
    TalkForm,
    TalkStep,
)
from surveys.requests.sealing import PAD_TO, SealedRequest, open_requests, seal_request
from surveys.requests.status import Status, StatusBook, StatusProblem
from surveys.requests.store import DamagedRequests, RequestStore
from surveys.storage.files import MemoryShelf, ResponseConflict, StoreBusy

PASSPHRASE = "heron ladder crumpet velvet"
DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, bytes]:
    private, public = make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)
    return private, parse_public_key(public.read_text())


@pytest.fixture(scope="module")
def school_key(keys):
    return open_private_key(keys[0], PASSPHRASE)


def asked(first: str = "", klass: str = "", reason: Reason | None = None) -> HelpRequest:
    form = TalkForm()
    form.keep(first, klass)
    form.choose(reason)
    return form.request("kiosk-1", AgeBand.AGES_7_11, DAY)


# -- the form ----------------------------------------------------------------------------


def test_everything_is_optional_and_spaces_are_tidied():
    bare = asked()
    assert (bare.first_name, bare.class_name, bare.reason) == (None, None, None)
    given = asked("  Amira  ", " 5C ", Reason.ONLINE)
    assert (given.first_name, given.class_name, given.reason) == ("Amira", "5C", Reason.ONLINE)
    assert given.asked_on == DAY and given.band == AgeBand.AGES_7_11


def test_a_request_holds_a_day_and_nothing_finer():
    fields = set(HelpRequest.model_fields)
    assert fields == {"id", "kiosk_id", "first_name", "class_name", "reason", "asked_on", "band"}
    assert HelpRequest.model_fields["asked_on"].annotation is dt.date


def test_every_request_has_a_fresh_random_id():
    ids = {asked("Amira").id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 for i in ids)


@pytest.mark.parametrize(
    ("first", "klass", "code"),
    [
        ("A" * (NAME_MAX + 1), "", "first_name_too_long"),
        ("", "5" * (CLASS_MAX + 1), "class_name_too_long"),
        ("Ami\x07ra", "", "first_name_not_text"),
    ],
)
def test_a_name_or_class_that_will_not_do_is_named_by_its_rule(first, klass, code):
    with pytest.raises(RequestProblem) as caught:
        asked(first, klass)
    assert caught.value.code == code


def test_choosing_a_reason_again_unchooses_it_and_sent_forgets_everything():
    form = TalkForm()
    form.choose(Reason.UNKIND)
    form.choose(Reason.UNKIND)
    assert form.reason is None
    form.keep("Amira", "5C")
    form.choose(Reason.UPSETTING)
    form.request("kiosk-1", None, DAY)
    assert form.first_name == "Amira"  # kept until saved: a failed save can be retried
    form.sent()
    assert (form.first_name, form.class_name, form.reason, form.step) == (
        "",
        "",
        None,
        TalkStep.SENT,
    )


# -- sealing ------------------------------------------------------------------------------


def test_every_request_seals_to_one_size_whatever_was_typed(keys):
    _private, public = keys
    shortest = seal_request(asked(), public)
    longest = seal_request(asked("W" * NAME_MAX, "Z" * CLASS_MAX, Reason.UPSETTING), public)
    escaped = seal_request(asked("É" * NAME_MAX, '"' * CLASS_MAX, Reason.OTHER), public)
    sizes = {len(base64.b64decode(r.sealed)) for r in (shortest, longest, escaped)}
    assert len(sizes) == 1
    assert sizes.pop() >= PAD_TO


def test_only_the_school_key_opens_a_request_and_nothing_readable_is_on_the_record(
    keys, school_key, tmp_path
):
    _private, public = keys
    request = asked("Amira", "5C", Reason.ONLINE)
    record = seal_request(request, public)
    # Only the whole name: two letters such as "5C" turn up in base64 by chance.
    assert "Amira" not in record.model_dump_json()
    assert open_requests([record], school_key) == [request]
    other_private, _ = make_key_pair(tmp_path / "other", "pebble walrus tundra spoon")
    with pytest.raises(KeyProblem, match="another key"):
        open_requests([record], open_private_key(other_private, "pebble walrus tundra spoon"))


def test_a_damaged_or_moved_record_is_refused_with_a_clear_message(keys, school_key):
    _private, public = keys
    record = seal_request(asked("Amira"), public)
    raw = bytearray(base64.b64decode(record.sealed))
    raw[40] ^= 1
    damaged = record.model_copy(update={"sealed": base64.b64encode(bytes(raw)).decode()})
    with pytest.raises(KeyProblem, match="damaged or was altered") as caught:
        open_requests([damaged], school_key)
    assert record.id in str(caught.value) and "requests/ folder" in str(caught.value)
    moved = record.model_copy(update={"id": "e" * 32})
    with pytest.raises(KeyProblem, match="damaged or was altered"):
        open_requests([moved], school_key)


# -- the store -----------------------------------------------------------------------------


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    shelf = MemoryShelf() if request.param == "memory" else None
    s = RequestStore(tmp_path / "data", shelf=shelf)
    yield s
    s.close()


def test_saved_requests_come_back_count_exactly_and_leave_when_removed(store, keys, school_key):
    _private, public = keys
    records = [seal_request(asked(f"P{n}"), public) for n in range(7)]
    assert [store.save(r) for r in records[:3]] == [True] * 3
    assert store.save_many(records) == 4
    assert store.save(records[0]) is False
    assert store.count() == 7 and store.exists()
    assert sorted(r["id"] for r in store.raw_records()) == sorted(r.id for r in records)
    opened = open_requests(list(store.records()), school_key)
    assert sorted(r.first_name or "" for r in opened) == [f"P{n}" for n in range(7)]
    assert store.remove([records[0].id, records[1].id, "0" * 32]) == 2
    assert store.count() == 5


def test_the_same_id_with_other_content_is_refused(store, keys):
    _private, public = keys
    first = seal_request(asked("Amira"), public)
    store.save(first)
    other = SealedRequest(id=first.id, kiosk_id="kiosk-1", key=first.key, sealed="AAAA")
    with pytest.raises(ResponseConflict):
        store.check(other)
    with pytest.raises(ResponseConflict):
        store.save(other)


def test_request_files_are_private_locked_and_undated(keys, tmp_path):
    _private, public = keys
    data = tmp_path / "data"
    with RequestStore(data) as store:
        store.save(seal_request(asked("Amira"), public))
        with pytest.raises(StoreBusy, match="already saving requests"):
            RequestStore(data)
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.match("requests/kiosk-1/shard-*.json") for p in files)
    for p in [*files, *(d for d in data.rglob("*") if d.is_dir())]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), p
        assert p.stat().st_mtime == 0, p  # times hidden: the folder's writer lock marks its root


def test_a_crash_while_saving_leaves_the_requests_already_saved(keys, tmp_path, monkeypatch):
    _private, public = keys
    data = tmp_path / "data"
    first = seal_request(asked("Amira"), public)
    with RequestStore(data) as store:
        store.save(first)
    # The next save into the same shard dies at the rename (power cut before it lands).
    second = next(
        r
        for r in (seal_request(asked("Ben"), public) for _ in range(200))
        if int(r.id, 16) % 16 == int(first.id, 16) % 16
    )

    def power_cut(*_a: object, **_k: object) -> None:
        raise OSError("power cut")

    with RequestStore(data) as store:
        monkeypatch.setattr(os, "replace", power_cut)
        with pytest.raises(OSError, match="power cut"):
            store.save(second)
        monkeypatch.undo()
    with RequestStore(data) as store:
        assert [r.id for r in store.records()] == [first.id]


def test_a_damaged_request_file_is_named_with_what_to_do(keys, tmp_path):
    _private, public = keys
    data = tmp_path / "data"
    with RequestStore(data) as store:
        store.save(seal_request(asked("Amira"), public))
    shard = next(data.glob("requests/*/shard-*.json"))
    shard.write_text("{not json", encoding="utf-8")
    with RequestStore(data, writer=False) as store, pytest.raises(DamagedRequests) as caught:
        list(store.records())
    assert str(shard) in str(caught.value) and "restore it from a copy" in str(caught.value)


# -- the lead's marks ----------------------------------------------------------------------


def test_marks_keep_status_and_day_and_the_note_is_sealed(school_key, tmp_path):
    book = StatusBook(tmp_path / "data")
    assert book.marks() == {}
    book.mark("a" * 32, Status.SEEN, DAY, school_key)
    mark = book.mark("b" * 32, Status.ACTED_ON, DAY, school_key, note="Spoke to Amira at break")
    marks = book.marks()
    assert marks["a" * 32].status == Status.SEEN and marks["b" * 32].on == DAY
    assert StatusBook.note(mark, school_key) == "Spoke to Amira at break"
    raw = book.path.read_bytes()
    assert b"Amira" not in raw
    assert stat.S_IMODE(book.path.stat().st_mode) == 0o600


def test_a_damaged_status_file_says_what_to_do(tmp_path):
    book = StatusBook(tmp_path / "data")
    book.path.parent.mkdir(parents=True)
    book.path.write_text(json.dumps({"marks": {"x": {"status": "forgotten"}}}))
    with pytest.raises(StatusProblem, match="move it aside"):
        book.marks()
