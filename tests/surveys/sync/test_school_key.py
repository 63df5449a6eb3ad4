"""The hub's school key: pairing hands it to the kiosk, and records sealed to any other key
are refused whole (at the hub) or never sent (by the kiosk)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from surveys.agreements.sealing import seal_signature
from surveys.demo import demo_responses
from surveys.keys import KeyProblem, fingerprint, parse_public_key, public_key_text
from surveys.sealed import demo_public_key, seal_response
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, load_settings, save_settings
from surveys.sync.bundle import BundleRefused, body_of, mac_of, make_bundle
from surveys.sync.hub import Hub
from surveys.sync.outbox import KioskSync
from surveys.sync.pairing import PairingProblem, code_key, open_pairing, pairing_text, proof
from surveys.sync.schoolkey import NoSchoolKey
from tests.surveys.agreements.signatures import signature
from tests.surveys.sync.fakes import FakeTransport
from tests.surveys.sync.processes import esafety

KIOSK = "kiosk-hall"
HUB_URL = "http://hub.school.test:8551"
SCHOOL = PrivateKey.generate().public_key.encode()
THEIRS = PrivateKey.generate().public_key.encode()  # a technician's own key pair


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    yield hub
    hub.close()


def kiosk_with(root: Path, key: bytes | None, hub: Hub) -> KioskSync:
    """A kiosk folder as staff left it: ``kiosk.json`` with ``key`` (or none)."""
    save_settings(
        root,
        KioskSettings(kiosk_id=KIOSK, public_key=public_key_text(key) if key else None),
    )
    return KioskSync(root, KIOSK, ResponseStore(root), None, FakeTransport(hub))


def answers(library, n: int, key: bytes, seed: int = 1) -> list:
    return [seal_response(r, key) for r in demo_responses(library, n, seed=seed, kiosk_ids=[KIOSK])]


def hub_log(hub: Hub) -> list[dict[str, str]]:
    return [json.loads(line) for line in hub.folder.hub_log.read_text().splitlines()]


@pytest.mark.parametrize("before", ["no key", "demo key", "someone else's key"])
def test_pairing_hands_the_kiosk_the_school_key_whatever_it_had(tmp_path, hub, before):
    had = {"no key": None, "demo key": demo_public_key(), "someone else's key": THEIRS}[before]
    kiosk = kiosk_with(tmp_path / KIOSK, had, hub)
    kiosk.pair(pairing_text(HUB_URL, hub.new_pairing_code()))
    installed = load_settings(kiosk.root).public_key
    assert installed is not None and parse_public_key(installed) == SCHOOL
    assert kiosk.school_fingerprint == fingerprint(SCHOOL)
    kiosk.store.close()


def test_the_hub_answer_opens_only_with_the_code_and_holds_secret_and_key(hub):
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    sealed = hub.pair(KIOSK, proof(key, KIOSK))
    secret, school = open_pairing(key, sealed)
    assert secret == hub.secret_for(KIOSK) and school == SCHOOL
    assert public_key_text(SCHOOL) not in sealed
    with pytest.raises(PairingProblem, match="could not be opened"):
        open_pairing(code_key("AAAAA-BBBBB", KIOSK), sealed)


def test_a_hub_without_the_school_key_pairs_nobody_and_says_the_command(tmp_path):
    hub = Hub(tmp_path / "hub")
    command = f"esafety hub --data {tmp_path / 'hub'} --public-key school-public-key.txt"
    with pytest.raises(NoSchoolKey) as caught:
        hub.new_pairing_code()
    assert command in str(caught.value)
    with pytest.raises(NoSchoolKey, match="no school key yet"):
        hub.pair(KIOSK, "0" * 64)
    assert hub.kiosks == {}
    hub.close()
    started = esafety("hub", "--data", str(tmp_path / "hub"), "--port", "1")
    assert started.returncode == 1 and command in started.stderr


def test_the_hub_keeps_its_key_and_refuses_a_different_one(tmp_path, hub):
    assert hub.set_school_key(SCHOOL) == fingerprint(SCHOOL)  # the same again: fine
    with pytest.raises(KeyProblem, match=r"has the school key .* already"):
        hub.set_school_key(THEIRS)
    path = hub.folder.hub / "school-public-key.txt"
    assert parse_public_key(path.read_text()) == SCHOOL
    assert path.stat().st_mode & 0o777 == 0o600
    hub.close()
    again = Hub(hub.root)  # read back on the next start
    assert again.school_key == SCHOOL
    again.close()


def test_a_bundle_with_one_record_sealed_to_another_key_is_refused_whole(tmp_path, hub, library):
    secret = secrets.token_bytes(32)
    hub.kiosks[KIOSK] = {"secret": secret.hex(), "last_counter": 0, "last_seen": None}
    good = answers(library, 9, SCHOOL)
    bad = answers(library, 1, THEIRS, seed=2)
    q = library.questionnaires["pupils-7-11"]
    with pytest.raises(BundleRefused, match=r"sent 1 record\(s\) sealed to another key") as caught:
        hub.import_file(make_bundle(KIOSK, secret, good + bad, [], [q]))
    assert fingerprint(THEIRS) in str(caught.value) and fingerprint(SCHOOL) in str(caught.value)
    sig = seal_signature(signature(library.aups["aup-ks2"], 1, kiosk_id=KIOSK), THEIRS)
    with pytest.raises(BundleRefused, match="sealed to another key"):
        hub.import_file(make_bundle(KIOSK, secret, good, [sig], [q]))
    assert list(hub.store.records()) == [] and list(hub.signatures.records()) == []
    refused = [line for line in hub_log(hub) if line["outcome"].startswith("refused")]
    assert len(refused) == 2 and all("another key" in line["outcome"] for line in refused)
    assert not re.search(r"[0-9a-f]{16}", hub.folder.hub_log.read_text())  # no record id


def test_a_push_with_a_record_sealed_to_another_key_is_refused_whole(tmp_path, hub, library):
    secret = secrets.token_bytes(32)
    hub.kiosks[KIOSK] = {"secret": secret.hex(), "last_counter": 0, "last_seen": None}
    body = body_of(KIOSK, answers(library, 9, SCHOOL) + answers(library, 1, THEIRS, 2), [], [])
    mac = mac_of(secret, b"1\n" + body, b"push")
    with pytest.raises(BundleRefused, match="sealed to another key"):
        hub.import_push(KIOSK, 1, mac, body)
    assert list(hub.store.records()) == []
    assert hub.kiosks[KIOSK]["last_counter"] == 0


def test_records_sealed_before_pairing_to_another_key_stay_on_the_kiosk_and_are_counted(
    tmp_path, hub, library
):
    kiosk = kiosk_with(tmp_path / KIOSK, THEIRS, hub)
    kiosk.store.save_many(answers(library, 7, THEIRS))
    kiosk.pair(pairing_text(HUB_URL, hub.new_pairing_code()))
    kiosk.store.save_many(answers(library, 6, SCHOOL, seed=3))  # sealed after pairing
    assert kiosk.pending_counts() == (6, 0) and kiosk.sealed_to_another_key() == 7
    assert kiosk.push_all() == 6
    assert hub.store.counts()["responses"] == 6
    assert kiosk.sealed_to_another_key() == 7  # they never leave
    kiosk.store.close()


def test_a_kiosk_whose_key_was_changed_after_pairing_sends_nothing(tmp_path, hub, library):
    kiosk = kiosk_with(tmp_path / KIOSK, None, hub)
    kiosk.pair(pairing_text(HUB_URL, hub.new_pairing_code()))
    settings = load_settings(kiosk.root)  # a technician edits kiosk.json
    save_settings(kiosk.root, settings.model_copy(update={"public_key": public_key_text(THEIRS)}))
    kiosk.store.save_many(answers(library, 6, THEIRS))
    transport: FakeTransport = kiosk.transport  # type: ignore[assignment]
    with pytest.raises(PairingProblem, match="this kiosk's key is not the school's key: pair"):
        kiosk.push_all(everything=True)
    with pytest.raises(PairingProblem, match="not the school's key"):
        kiosk.bundle()
    assert kiosk.state.last_error and "not the school's key" in kiosk.state.last_error
    assert [path for path, _ in transport.handled] == ["/pair"]
    cli = esafety("sync", "--data", str(kiosk.root), "--all")
    assert cli.returncode == 1 and "this kiosk's key is not the school's key" in cli.stderr
    kiosk.store.close()
