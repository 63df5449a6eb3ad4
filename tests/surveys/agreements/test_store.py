"""The sealed-signature store, run on a shelf in memory and on crash-safe files alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.agreements.sealing import SealedSignature, open_signatures, seal_signature
from surveys.agreements.store import SignatureStore
from surveys.keys import make_key_pair, open_private_key, parse_public_key
from surveys.storage.files import MemoryShelf, ResponseConflict
from tests.surveys.agreements.signatures import PASSPHRASE, signature


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, bytes]:
    private, public = make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)
    return private, parse_public_key(public.read_text())


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """The same tests on both shelves: only what lies under the store differs."""
    shelf = MemoryShelf() if request.param == "memory" else None
    s = SignatureStore(tmp_path / "data", shelf=shelf)
    yield s
    s.close()


def sealed(library, public: bytes, n: int) -> SealedSignature:
    return seal_signature(signature(library.aups["aup-ks2"], n, signer_name=f"P{n}"), public)


def test_saved_records_come_back_and_open(store, keys, library):
    private, public = keys
    records = [sealed(library, public, n) for n in range(1, 6)]
    assert [store.save(r) for r in records] == [True] * 5
    assert store.exists() and store.count() == 5
    back = sorted(store.records(), key=lambda r: r.id)
    assert back == sorted(records, key=lambda r: r.id)
    opened = open_signatures(back, open_private_key(private, PASSPHRASE))
    assert sorted(s.signer_name for s in opened) == ["P1", "P2", "P3", "P4", "P5"]


def test_the_same_record_twice_is_a_no_op_and_other_content_is_refused(store, keys, library):
    _private, public = keys
    first = sealed(library, public, 1)
    assert store.save(first) is True
    assert store.save(first) is False
    again = sealed(library, public, 1)  # same id, sealed afresh: other bytes
    with pytest.raises(ResponseConflict):
        store.check(again)
    with pytest.raises(ResponseConflict):
        store.save(again)
    assert list(store.records()) == [first]


def test_an_empty_store_has_nothing_and_says_so(store):
    assert store.exists() is False
    assert store.count() == 0
