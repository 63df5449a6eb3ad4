"""The hub's doors: pairing, the pairing page, oversize and malformed requests."""

from __future__ import annotations

import http.client
import json
import secrets

import pytest
from nacl.public import PrivateKey

from surveys.model import Response
from surveys.sealed import seal_response
from surveys.storage.layout import DataFolder
from surveys.sync.bundle import BundleRefused, make_bundle, push_ticket
from surveys.sync.hub import Hub
from surveys.sync.pairing import code_key, proof
from tests.surveys.sync.processes import esafety, kiosk_folder

SCHOOL = PrivateKey.generate().public_key.encode()


def request(port: int, method: str, path: str, body: bytes = b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_a_paired_kiosk_cannot_be_taken_over_by_pairing_again(tmp_path):
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    hub.pair("kiosk-b", proof(code_key(code, "kiosk-b"), "kiosk-b"))
    secret = hub.secret_for("kiosk-b")
    code2 = hub.new_pairing_code()
    with pytest.raises(BundleRefused, match="paired with this hub already"):
        hub.pair("kiosk-b", proof(code_key(code2, "kiosk-b"), "kiosk-b"))
    assert hub.secret_for("kiosk-b") == secret
    assert hub.forget("kiosk-b")
    code3 = hub.new_pairing_code()
    hub.pair("kiosk-b", proof(code_key(code3, "kiosk-b"), "kiosk-b"))  # after forget: fine
    assert hub.secret_for("kiosk-b") != secret
    for used in (code2, code3):  # each code works once, even for a refused attempt
        with pytest.raises(BundleRefused, match="wrong, used already"):
            hub.pair("kiosk-c", proof(code_key(used, "kiosk-c"), "kiosk-c"))
    hub.close()


def test_a_bundle_with_the_same_record_twice_is_refused_whole(tmp_path, library):
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    secret = secrets.token_bytes(32)
    hub.kiosks["kiosk-a"] = {"secret": secret.hex(), "last_counter": 0, "last_seen": None}
    q = library.for_parents()
    r = Response(
        id="a" * 32, questionnaire_id=q.id, questionnaire_version=q.version,
        content_hash=q.content_hash, band=None, academic_year="2026/27", term="autumn",
        kiosk_id="kiosk-a", answers={},
    )  # fmt: skip
    other = r.model_copy(update={"answers": {"rules-at-home": "yes"}})
    sealed = [seal_response(x, SCHOOL) for x in (r, other)]
    with pytest.raises(BundleRefused, match="same record twice"):
        hub.import_file(make_bundle("kiosk-a", secret, sealed, [], [q]))
    assert list(hub.store.records()) == []
    hub.close()


@pytest.mark.slow
def test_the_pairing_page_and_pushes_refuse_what_they_should(tmp_path, hubs):
    hub = hubs("hub").start()
    assert request(hub.port, "GET", "/pairing")[0] == 200
    rebound = request(hub.port, "GET", "/pairing", headers={"Host": "attacker.example"})
    assert rebound[0] == 403
    too_big = request(
        hub.port, "POST", "/push", b"x",
        {"Content-Length": str(200 * 1024 * 1024), "X-Esafety-Kiosk": "k",
         "X-Esafety-Counter": "1", "X-Esafety-Mac": "0" * 64},
    )  # fmt: skip
    assert too_big[0] == 413
    kiosk = kiosk_folder(tmp_path, "kiosk-hall", 5, seed=1)
    assert esafety("sync", "--data", str(kiosk), "--pair", hub.pairing_text()).returncode == 0
    secret = bytes.fromhex(json.loads(DataFolder(kiosk).sync_state.read_text())["secret"])
    headers = {"X-Esafety-Kiosk": "kiosk-hall", "X-Esafety-Counter": "99", "X-Esafety-Mac": "zz"}
    no_ticket = request(hub.port, "POST", "/push", b"{}", headers)
    assert no_ticket[0] == 403 and "no ticket" in no_ticket[1]
    # The kiosk's ticket (its key, this number and length), but the body's MAC is wrong.
    ticket = push_ticket(secret, "kiosk-hall", 99, 2)
    odd_mac = request(hub.port, "POST", "/push", b"{}", {**headers, "X-Esafety-Ticket": ticket})
    assert odd_mac[0] == 403 and "not sealed" in odd_mac[1] and "ticket" not in odd_mac[1]
    again = esafety("sync", "--data", str(kiosk), "--pair", hub.pairing_text())
    assert again.returncode == 1 and "paired with this hub already" in again.stderr
