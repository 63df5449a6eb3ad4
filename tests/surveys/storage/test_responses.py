"""The response store, run against memory and atomic JSON storage alike."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from surveys.model import AgeBand, Response, Term
from surveys.storage.files import ResponseConflict, StoreBusy
from surveys.storage.responses import SHARDS, ResponseStore


def make(n: int = 0, *, term: Term = Term.AUTUMN, answer: str = "yes", rid: str | None = None):
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
    assert list(store.responses()) == [r]


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
    assert store.get(r.id).answers["q1"] == "yes"


def test_counts_by_questionnaire_band_term_and_answers(store):
    for term, answer in [(Term.AUTUMN, "yes"), (Term.AUTUMN, "no"), (Term.SPRING, "yes")]:
        store.save(make(term=term, answer=answer))
    counts = store.counts(answers=True)
    assert counts["responses"] == 3
    assert counts["by_term"] == {"2026/27 autumn": 2, "2026/27 spring": 1}
    assert counts["by_band"] == {"7-11": 3}
    assert counts["answers"]["pupils-7-11"]["q1"] == {"no": 1, "yes": 2}
    assert counts["answers"]["pupils-7-11"]["q2"] == {"null": 3}
    assert {r.term for r in store.responses(term="spring")} == {Term.SPRING}


def test_save_many_matches_save(store):
    rs = [make() for _ in range(50)]
    assert store.save_many(rs) == 50
    assert store.save_many(rs) == 0
    assert sorted(r.id for r in store.responses()) == sorted(r.id for r in rs)


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
        before = {p: p.stat().st_ctime_ns for p in shard_files(tmp_path)}
        store.save(make())
    after = {p: p.stat().st_ctime_ns for p in shard_files(tmp_path)}
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
    same_shard = make(rid=first.id[:2] + uuid.uuid4().hex[2:])
    with pytest.raises(OSError):
        store.save(same_shard)
    monkeypatch.undo()
    assert store.get(first.id) == first
    assert not list(tmp_path.glob("**/.*.tmp")), "no temp file is left behind"
    store.save(second)
    store.close()
    reopened = ResponseStore(tmp_path)
    ids = {r.id for r in reopened.responses()}
    reopened.close()
    assert first.id in ids and second.id in ids
