"""The kiosk's outbox (``KioskSync``) against a real in-process hub, through a fake transport.

No processes and no network: each request goes straight to a ``Hub`` in a temp folder, and
the transport fails on cue (the hub unreachable, or its answer lost after it merged).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nacl.public import PrivateKey

from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
from surveys.demo import demo_responses
from surveys.sealed import seal_response
from surveys.storage.files import MemoryShelf
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts, load_texts
from surveys.sync.hub import Hub
from surveys.sync.outbox import MIN_BATCH, KioskSync
from surveys.sync.pairing import PairingProblem, pairing_text
from tests.surveys.agreements.signatures import signature
from tests.surveys.sync.fakes import FakeTransport

KIOSK = "kiosk-hall"
HUB_URL = "http://hub.school.test:8551"
RESPONSES, SIGNATURES = 40, 6
#: The school's public key: the hub holds it and hands it over when a kiosk pairs.
SCHOOL = PrivateKey.generate().public_key.encode()


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    yield hub
    hub.close()


@pytest.fixture
def transport(hub) -> FakeTransport:
    return FakeTransport(hub)


@pytest.fixture
def kiosk(tmp_path, library, transport) -> Iterator[KioskSync]:
    """A kiosk with answers and sealed signatures waiting (its stores on memory shelves)."""
    root = tmp_path / KIOSK
    responses = ResponseStore(root, shelf=MemoryShelf())
    signatures = SignatureStore(root, shelf=MemoryShelf())
    keep_texts(root, library.questionnaires.values())
    made = demo_responses(library, RESPONSES, seed=5, kiosk_ids=[KIOSK])
    responses.save_many([seal_response(r, SCHOOL) for r in made])
    for n in range(1, SIGNATURES + 1):
        sig = signature(library.aups["aup-ks2"], n, kiosk_id=KIOSK)
        signatures.save(seal_signature(sig, SCHOOL))
    yield KioskSync(root, KIOSK, responses, signatures, transport)
    responses.close()
    signatures.close()


def pair(kiosk: KioskSync, hub: Hub) -> str:
    """Staff type the text the hub's pairing page shows."""
    return kiosk.pair(pairing_text(HUB_URL, hub.new_pairing_code()))


def held_by(hub: Hub) -> tuple[list[str], list[str]]:
    """Every record id on the hub (responses, signatures), repeats and all."""
    return [r.id for r in hub.store.records()], [s.id for s in hub.signatures.records()]


def test_a_kiosk_pairs_with_the_hub_through_the_transport_and_remembers_the_pairing(
    kiosk, hub, transport
):
    assert not kiosk.paired
    assert pair(kiosk, hub) == HUB_URL
    assert kiosk.paired and transport.handled == [("/pair", 200)]
    assert kiosk.state.secret is not None
    assert bytes.fromhex(kiosk.state.secret) == hub.secret_for(KIOSK)  # the same secret, both ends
    reopened = KioskSync(kiosk.root, KIOSK, kiosk.store, kiosk.signatures, transport)
    assert reopened.paired and reopened.state == kiosk.state  # kept on disk


def test_pairing_with_an_unreachable_hub_or_a_used_code_says_why_and_pairs_nothing(
    kiosk, hub, transport
):
    text = pairing_text(HUB_URL, hub.new_pairing_code())
    transport.unreachable()
    with pytest.raises(PairingProblem, match="cannot reach the hub"):
        kiosk.pair(text)
    assert not kiosk.paired and KIOSK not in hub.kiosks
    kiosk.pair(text)
    hub.forget(KIOSK)
    with pytest.raises(PairingProblem, match="wrong, used already"):
        kiosk.pair(text)  # a code works once
    assert KIOSK not in hub.kiosks


def test_a_push_sends_every_pending_record_and_the_acknowledged_ones_leave_the_kiosk(
    kiosk, hub, transport
):
    pair(kiosk, hub)
    responses, sigs = kiosk.pending()
    assert (len(responses), len(sigs)) == (RESPONSES, SIGNATURES)
    assert kiosk.push_all() == RESPONSES + SIGNATURES
    assert kiosk.pending_counts() == (0, 0)
    assert kiosk.store.counts()["responses"] == 0, "acknowledged records leave the kiosk"
    on_hub, sigs_on_hub = held_by(hub)
    assert sorted(on_hub) == sorted(r.id for r in responses)
    assert sorted(sigs_on_hub) == sorted(s.id for s in sigs)
    assert set(load_texts(kiosk.root)) <= set(load_texts(hub.root))  # words travel too
    assert kiosk.state.last_error is None and kiosk.state.last_sync is not None
    # Responses and signed agreements never share a push.
    assert transport.handled == [("/pair", 200), ("/push", 200), ("/push", 200)]
    assert [len(b.responses) for b in transport.bodies] == [RESPONSES, 0]
    assert [len(b.signatures) for b in transport.bodies] == [0, SIGNATURES]
    assert kiosk.push_all() == 0
    assert len(transport.handled) == 3, "nothing waiting: nothing sent"


def test_fewer_than_five_of_a_kind_wait_unless_everything_is_asked_for(kiosk, hub, transport):
    pair(kiosk, hub)
    responses, sigs = kiosk.pending()
    kiosk.store.remove([r.id for r in responses[: RESPONSES - (MIN_BATCH - 1)]])
    kiosk.signatures.remove([s.id for s in sigs[: SIGNATURES - (MIN_BATCH - 1)]])
    assert kiosk.pending_counts() == (MIN_BATCH - 1, MIN_BATCH - 1)
    assert kiosk.push_all() == 0, "a push of one or two would date them"
    assert transport.handled == [("/pair", 200)]
    assert kiosk.push_all(everything=True) == 2 * (MIN_BATCH - 1)
    assert kiosk.pending_counts() == (0, 0)


def test_the_sync_state_lists_no_record_and_no_time_finer_than_the_day(kiosk, hub):
    pair(kiosk, hub)
    kiosk.push_all()
    state = (kiosk.root / "sync" / "state.json").read_text()
    on_hub, sigs_on_hub = held_by(hub)
    assert not any(rid in state for rid in on_hub + sigs_on_hub)
    assert kiosk.state.last_sync is not None and len(kiosk.state.last_sync) == len("2026-11-23")
    assert set(kiosk.state.model_dump()) == {
        "hub_url",
        "secret",
        "counter",
        "last_sync",
        "last_error",
        "school_key",
    }


def test_an_unreachable_hub_leaves_everything_pending_and_records_why(kiosk, hub, transport):
    pair(kiosk, hub)
    transport.unreachable()
    with pytest.raises(OSError):
        kiosk.push_all()
    assert kiosk.pending_counts() == (RESPONSES, SIGNATURES)
    assert kiosk.state.last_error is not None
    assert kiosk.state.last_error.startswith("hub not reachable")
    assert held_by(hub) == ([], [])
    assert transport.handled == [("/pair", 200)], "the push never reached the hub"
    # Back on the network: everything goes, and the error is cleared.
    assert kiosk.push_all() == RESPONSES + SIGNATURES
    assert kiosk.pending_counts() == (0, 0) and kiosk.state.last_error is None


def test_an_answer_lost_after_the_hub_merged_is_sent_again_and_adds_nothing_at_the_hub(
    kiosk, hub, transport
):
    pair(kiosk, hub)
    transport.lose_answers()
    with pytest.raises(OSError):
        kiosk.push_all()
    assert transport.handled == [("/pair", 200), ("/push", 200)], "the hub merged the push"
    assert kiosk.pending_counts() == (RESPONSES, SIGNATURES), "but the kiosk never heard so"
    assert kiosk.state.last_error is not None

    assert kiosk.push_all() == RESPONSES + SIGNATURES
    assert kiosk.pending_counts() == (0, 0) and kiosk.state.last_error is None
    on_hub, sigs_on_hub = held_by(hub)
    assert len(on_hub) == len(set(on_hub)) == RESPONSES  # each record once at the hub
    assert len(sigs_on_hub) == len(set(sigs_on_hub)) == SIGNATURES


def test_a_bundle_is_refused_until_the_kiosk_is_paired(kiosk, hub):
    with pytest.raises(PairingProblem, match="not paired"):
        kiosk.bundle()
    pair(kiosk, hub)
    imported = hub.import_file(kiosk.bundle())
    assert (imported.added, imported.signatures_added) == (RESPONSES, SIGNATURES)


def test_a_refusal_is_noted_without_the_record_id_and_the_state_file_keeps_no_time(
    kiosk, hub, transport, library
):
    pair(kiosk, hub)
    responses, _sigs = kiosk.pending()
    kiosk.push_all()
    # The same id again with other (sealed) content: the hub refuses the whole push.
    again = next(demo_responses(library, 1, seed=77, kiosk_ids=[KIOSK]))
    first = responses[0]
    same_place = {"id": first.id, "academic_year": first.academic_year, "term": first.term}
    forged = seal_response(again.model_copy(update=same_place), SCHOOL)
    kiosk.store.save(forged)
    with pytest.raises(PairingProblem):
        kiosk.push_all(everything=True)
    assert kiosk.state.last_error and "stored already" in kiosk.state.last_error
    assert first.id not in kiosk.state.last_error, "the note names no record"
    state = kiosk.root / "sync" / "state.json"
    assert first.id not in state.read_text()
    assert state.stat().st_mtime == 0, "the file's time does not date the last push"
