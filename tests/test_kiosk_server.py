"""The kiosk server's rules for signatures, without a browser: no usable key, no signing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ui.services import KioskServices
from surveys.agreements.aup import Signature, Signer
from surveys.agreements.keys import make_key_pair
from surveys.agreements.store import SignatureStore
from surveys.idle import IdlePolicy
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, save_settings


@pytest.fixture
def server(library) -> Iterator:
    opened: list[SignatureStore] = []

    def make(data: Path, library, public_key: str | None) -> KioskServices:
        save_settings(data, KioskSettings(mode="aup", public_key=public_key))
        opened.append(SignatureStore(data))
        return KioskServices(
            library=library,
            store=ResponseStore(data, writer=False),
            data_dir=data,
            idle=IdlePolicy(90, 120, 30),
            signatures=opened[-1],
        )

    yield make
    for store in opened:
        store.close()


def test_no_key_or_a_damaged_key_means_no_signing(server, library, tmp_path):
    data = tmp_path / "data"
    assert not server(data, library, None).can_sign()
    damaged = server(tmp_path / "d2", library, "ESK1-AAAA-BBBB")
    assert not damaged.can_sign() and damaged.key_fingerprint() is None


def test_the_kiosk_seals_what_it_saves_and_cannot_read_it_back(server, library, tmp_path):
    _private, public = make_key_pair(tmp_path / "keys", "a long passphrase")
    data = tmp_path / "data"
    kiosk = server(data, library, public.read_text())
    assert kiosk.can_sign()
    kiosk.save_signature(
        Signature(
            id="c" * 32,
            aup=library.aups["aup-staff"].ref,
            signer=Signer.STAFF,
            signed_on=dt.date(2026, 11, 23),
            kiosk_id="k",
            signer_name="Jo Bloggs",
            relationship="Teacher",
            typed_signature="Jo Bloggs",
        )
    )
    assert kiosk.signature_count() == 1
    assert all(b"Bloggs" not in p.read_bytes() for p in data.rglob("*") if p.is_file())
