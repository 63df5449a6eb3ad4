"""The hub's log: counts and the hour, never a record's id or a finer time."""

from __future__ import annotations

import base64
import json
import re

import pytest
from nacl.public import PrivateKey

from surveys.agreements.sealing import PAD_TO, SealedSignature
from surveys.keys import fingerprint
from surveys.sync.bundle import BundleRefused, make_bundle
from surveys.sync.envelope import SEAL_OVERHEAD
from surveys.sync.hub import Hub
from surveys.sync.pairing import code_key, open_pairing, proof

RECORD = "0123456789abcdef0123456789abcdef"
SCHOOL = PrivateKey.generate().public_key.encode()


def sealed(fill: bytes) -> SealedSignature:
    """A signature the size a kiosk seals (the hub checks sizes), its bytes all ``fill``."""
    content = base64.b64encode(fill * (PAD_TO + SEAL_OVERHEAD)).decode()
    return SealedSignature(id=RECORD, kiosk_id="kiosk-b", key=fingerprint(SCHOOL), sealed=content)


def test_a_conflict_is_logged_without_the_record_id_and_only_to_the_hour(tmp_path):
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    key = code_key(code, "kiosk-b")
    secret, _school = open_pairing(key, hub.pair("kiosk-b", proof(key, "kiosk-b")))
    hub.import_file(make_bundle("kiosk-b", secret, [], [sealed(b"A")], []))
    with pytest.raises(BundleRefused, match=RECORD):  # staff at the terminal are told which
        hub.import_file(make_bundle("kiosk-b", secret, [], [sealed(b"B")], []))
    hub.close()

    log = (tmp_path / "hub" / "hub" / "sync-log.jsonl").read_text()
    lines = [json.loads(line) for line in log.splitlines()]
    assert [line["via"] for line in lines] == ["key", "pair", "bundle", "bundle"]
    assert "refused: a signature is stored with other content" in lines[-1]["outcome"]
    assert RECORD not in log and RECORD[:8] not in log
    assert not re.search(r"[0-9a-f]{16}", log)  # no id, digest or MAC of any kind
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:00", line["at"]) for line in lines)
    assert set().union(*lines) == {"at", "kiosk", "via", "outcome"}
