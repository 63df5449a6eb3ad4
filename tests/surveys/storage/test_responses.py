"""The store of sealed responses, run against memory and atomic JSON storage alike."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from surveys.keys import SchoolKey
from surveys.model import AgeBand, Response, SealedResponse, Term
from surveys.sealed import open_responses, seal_response
from surveys.storage.files import ResponseConflict, StoreBusy
from surveys.storage.responses import SHARDS, ResponseStore

KEY = SchoolKey(PrivateKey.generate())
PUBLIC = bytes(KEY.private.public_key)


def make(
    n: int = 0, *, term: Term = Term.AUTUMN, answer: str = "yes", rid: str | None = None
) -> SealedResponse:
    """A response as a kiosk stores it: sealed to the school's key."""
    return seal_response(answer_of(term=term, answer=answer, rid=rid), PUBLIC)


def answer_of(*, term: Term = Term.AUTUMN, answer: str = "yes", rid: str | None = None):
    return Response(
        id=rid or uuid.uuid4().hex,
        questionnaire_id="pupils-7-11",
        questionnaire_version=1,
        content_hash="h" * 64,
        band=AgeBand.AGES_7_11,
        academic_year="2026/27",
        term=term,
        kiosk_id="kiosk-test",
        answers={"q1": answer, "q2": None},
    )


def test_save_and_read_back(store):
    r = make()
    assert store.save(r) is True
    assert store.get(r.id) == r
    assert list(store.records()) == [r]


def test_same_id_same_content_is_a_no_op(store):
    r = make()
    store.save(r)
    assert store.save(r) is False
    assert store.counts()["responses"] == 1


def test_same_id_different_content_is_refused_and_keeps_the_first(store):
    r = make(answer="yes")
    store.save(r)
    with pytest.raises(ResponseConflict):
        store.save(make(answer="no", rid=r.id))
    assert open_responses([store.get(r.id)], KEY)[0].answers["q1"] == "yes"


def test_counts_by_term_and_kiosk_and_only_the_key_opens_the_answers(store):
    for term, answer in [(Term.AUTUMN, "yes"), (Term.AUTUMN, "no"), (Term.SPRING, "yes")]:
        store.save(make(term=term, answer=answer))
    counts = store.counts()
    assert counts["responses"] == 3
    assert counts["by_term"] == {"2026/27 autumn": 2, "2026/27 spring": 1}
    assert counts["by_kiosk"] == {"kiosk-test": 3}
    assert set(counts) == {"responses", "by_term", "by_kiosk"}, "sealed: never by answer"
    opened = open_responses(list(store.records()), KEY)
    assert sorted(r.answers["q1"] for r in opened) == ["no", "yes", "yes"]
    assert {r.answers["q2"] for r in opened} == {None}
    assert {r.term for r in store.records(term="spring")} == {Term.SPRING}


def test_removed_records_are_gone_and_the_rest_stay(store):
    records = [make() for _ in range(20)]
    store.save_many(records)
    assert store.remove([r.id for r in records[:15]] + ["f" * 32]) == 15
    assert sorted(r.id for r in store.records()) == sorted(r.id for r in records[15:])
    assert store.counts()["responses"] == 5


def test_save_many_matches_save(store):
    rs = [make() for _ in range(50)]
    assert store.save_many(rs) == 50
    assert store.save_many(rs) == 0
    assert sorted(r.id for r in store.records()) == sorted(r.id for r in rs)


# -- the JSON files themselves ------------------------------------------------


def shard_files(root: Path) -> list[Path]:
    return sorted(root.glob("responses/*/*/*/shard-*.json"))


def test_stored_order_does_not_reveal_submission_order(tmp_path):
    """Regression guard: TinyDB's default doc ids (1, 2, 3…) would record who finished when."""
    with ResponseStore(tmp_path) as store:
        saved = [make() for _ in range(400)]
        for r in saved:
            store.save(r)
    on_disk = []
    for path in shard_files(tmp_path):
        table = json.loads(path.read_text())["responses"]
        on_disk += [doc["id"] for doc in table.values()]
        assert list(table) == sorted(table), "documents are written in id order"
        assert os.stat(path).st_mtime == 0, "file times must not date a response"
    submitted = [r.id for r in saved]
    assert sorted(on_disk) == sorted(submitted)
    # The sequence read back is unrelated to the sequence saved: a rank correlation
    # near zero (it is ~1.0 for TinyDB's default layout).
    rank = {rid: i for i, rid in enumerate(submitted)}
    xs = [rank[rid] for rid in on_disk]
    n = len(xs)
    mean = (n - 1) / 2
    cov = sum((i - mean) * (x - mean) for i, x in enumerate(xs))
    var = sum((i - mean) ** 2 for i in range(n))
    assert abs(cov / var) < 0.2


def test_a_save_rewrites_one_small_shard(tmp_path):
    with ResponseStore(tmp_path) as store:
        for _ in range(SHARDS * 3):
            store.save(make())
        before = {p: p.stat().st_ino for p in shard_files(tmp_path)}
        store.save(make())
    after = {p: p.stat().st_ino for p in shard_files(tmp_path)}
    changed = [p for p in after if before.get(p) != after[p]]
    assert len(changed) == 1
    assert len(before) > SHARDS / 2


def test_one_writer_per_data_folder(tmp_path):
    with ResponseStore(tmp_path):
        with pytest.raises(StoreBusy):
            ResponseStore(tmp_path)
        reader = ResponseStore(tmp_path, writer=False)  # stats may read meanwhile
        assert reader.counts()["responses"] == 0
        reader.close()


def test_a_failed_write_acknowledges_nothing_and_loses_nothing(tmp_path, monkeypatch):
    store = ResponseStore(tmp_path)
    first = make()
    store.save(first)
    second = make(rid=first.id[:-1] + ("0" if first.id[-1] != "0" else "1"))

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    same_shard = make(rid=uuid.uuid4().hex[:-2] + first.id[-2:])  # the shard: id % 64
    with pytest.raises(OSError):
        store.save(same_shard)
    monkeypatch.undo()
    assert store.get(first.id) == first
    assert not list(tmp_path.glob("**/.*.tmp")), "no temp file is left behind"
    store.save(second)
    store.close()
    reopened = ResponseStore(tmp_path)
    ids = {r.id for r in reopened.records()}
    reopened.close()
    assert first.id in ids and second.id in ids


def test_a_live_count_is_to_the_nearest_ten_and_one_pupil_rarely_moves_it():
    from surveys.storage.responses import live_count

    assert [live_count(n) for n in (0, 1, 4, 5, 14, 15, 120, 121, 124, 125)] == [
        0, 0, 0, 10, 10, 20, 120, 120, 120, 130,
    ]  # fmt: skip
