"""The school key pair and sealed signatures: sealed on the kiosk, opened only with the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.agreements.aup import Signer
from surveys.agreements.sealing import open_signatures, seal_signature
from surveys.agreements.store import SignatureStore
from surveys.keys import (
    BadPublicKey,
    WrongPassphrase,
    make_key_pair,
    open_private_key,
    parse_public_key,
)
from tests.surveys.agreements.signatures import PASSPHRASE, signature


@pytest.fixture(scope="module")
def key_files(tmp_path_factory) -> tuple[Path, Path]:
    return make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)


def test_a_sealed_signature_opens_only_with_the_private_key_and_passphrase(key_files, library):
    private, public = key_files
    raw = parse_public_key(public.read_text())
    sig = signature(library.aups["aup-ks2"], signer_name="Ada Lovelace")
    sealed = seal_signature(sig, raw)
    assert "Ada Lovelace" not in sealed.model_dump_json()  # (3 letters can turn up in base64)
    with pytest.raises(WrongPassphrase):
        open_private_key(private, "not the passphrase")
    assert open_signatures([sealed], open_private_key(private, PASSPHRASE)) == [sig]


def test_a_mistyped_public_key_is_refused_not_used(key_files):
    text = key_files[1].read_text().strip()
    assert parse_public_key(text.lower().replace("-", " ")) == parse_public_key(text)
    typos = [text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :] for i in (10, -1)]
    for bad in (*typos, text[:-4], "hello", text.replace("ESK1", "ESK2")):
        with pytest.raises(BadPublicKey):
            parse_public_key(bad)


def test_signatures_live_apart_from_answers_and_say_nothing_in_clear(key_files, library, tmp_path):
    raw = parse_public_key(key_files[1].read_text())
    with SignatureStore(tmp_path) as store:
        for n in range(1, 30):
            store.save(seal_signature(signature(library.aups["aup-ks2"], n), raw))
        assert store.count() == 29
    files = [p for p in tmp_path.rglob("*.json")]
    assert files and all(p.relative_to(tmp_path).parts[0] == "signatures" for p in files)
    for p in files:
        text = p.read_text()
        # (base64 has no spaces or dashes, so these cannot appear by chance)
        assert "Pupil " not in text and "year-4" not in text and "2026-10-01" not in text


def test_sealed_records_are_the_same_size_whoever_signs_and_however(key_files, library):
    raw = parse_public_key(key_files[1].read_text())
    ks2, parents = library.aups["aup-ks2"], library.aups["aup-parents"]
    short = signature(ks2, 1, signer_name="Al", typed_signature="Al", strokes=[])
    long_drawn = signature(
        parents, 2, signer=Signer.PARENTS, signer_name="A" * 80, child_name="B" * 80,
        relationship="Grandparent", child_aup=ks2.ref, strokes=[[(100.5, 200.5)] * 300],
    )  # fmt: skip
    sizes = {len(seal_signature(s, raw).sealed) for s in (short, long_drawn)}
    assert len(sizes) == 1
