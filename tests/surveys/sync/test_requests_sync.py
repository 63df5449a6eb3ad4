"""A pupil's request to talk travels from the kiosk to the hub at once, alone, sealed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from nacl.public import PrivateKey

from surveys.demo import demo_responses
from surveys.keys import SchoolKey
from surveys.model import AgeBand
from surveys.requests.model import HelpRequest, Reason, TalkForm
from surveys.requests.sealing import open_requests, seal_request
from surveys.requests.status import Status, StatusBook
from surveys.requests.store import RequestStore
from surveys.sealed import seal_response
from surveys.storage.files import MemoryShelf
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts
from surveys.sync.bundle import read_bundle
from surveys.sync.hub import Hub
from surveys.sync.outbox import KioskSync
from surveys.sync.pairing import pairing_text
from tests.surveys.sync.fakes import FakeTransport

KIOSK = "kiosk-hall"
HUB_URL = "http://hub.school.test:8551"
PRIVATE = PrivateKey.generate()
SCHOOL = PRIVATE.public_key.encode()


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    yield hub
    hub.close()


@pytest.fixture
def kiosk(tmp_path, library, hub) -> Iterator[KioskSync]:
    """A paired kiosk with three responses (fewer than a batch) and one request waiting."""
    root = tmp_path / KIOSK
    responses = ResponseStore(root, shelf=MemoryShelf())
    asks = RequestStore(root, shelf=MemoryShelf())
    keep_texts(root, library.questionnaires.values())
    made = demo_responses(library, 3, seed=5, kiosk_ids=[KIOSK])
    responses.save_many([seal_response(r, SCHOOL) for r in made])
    sync = KioskSync(root, KIOSK, responses, None, FakeTransport(hub), requests=asks)
    sync.pair(pairing_text(HUB_URL, hub.new_pairing_code()))
    asks.save(seal_request(amira(), SCHOOL))
    yield sync
    responses.close()
    asks.close()


def amira() -> HelpRequest:
    form = TalkForm()
    form.keep("Amira", "5C")
    form.choose(Reason.ONLINE)
    return form.request(KIOSK, AgeBand.AGES_7_11, dt.date.today())


def test_a_request_goes_at_once_alone_and_the_hub_says_since_when(kiosk, hub, tmp_path):
    tap: FakeTransport = kiosk.transport  # type: ignore[assignment]
    sent = kiosk.push_all()
    assert sent == 1, "the request went although fewer than 5 responses wait"
    (push,) = tap.bodies
    assert len(push.requests) == 1, "it went"
    assert not push.responses and not push.signatures, "a request travels alone"
    # Quoted, as JSON would hold them in clear (base64 has no quotes, so no chance match).
    assert b'"Amira"' not in push.body and b'"5C"' not in push.body
    assert kiosk.pending_requests() == [] and kiosk.pending_counts() == (3, 0)
    assert hub.requests_waiting() == (1, dt.date.today())
    (held,) = list(hub.requests.records())
    (opened,) = open_requests([held], SchoolKey(PRIVATE))
    assert (opened.first_name, opened.class_name) == ("Amira", "5C")
    StatusBook(hub.root).mark(held.id, Status.SEEN, dt.date.today(), SchoolKey(PRIVATE))
    assert hub.requests_waiting() == (0, None)


def test_a_bundle_carries_requests_sealed_and_the_hub_takes_them_once(kiosk, hub):
    data = kiosk.bundle()
    assert b'"Amira"' not in data
    bundle = read_bundle(data, hub.secret_for)
    assert len(bundle.requests) == 1 and len(bundle.responses) == 3
    first = hub.import_file(data)
    again = hub.import_file(data)
    assert (first.requests_added, again.requests_added) == (1, 0)
    assert hub.requests_waiting()[0] == 1


def test_a_request_sealed_to_another_key_is_refused_whole_by_the_hub(kiosk, hub):
    kiosk.requests.save(seal_request(amira(), PrivateKey.generate().public_key.encode()))
    assert len(kiosk.pending_requests()) == 1, "only the one sealed to the school's key leaves"
    assert kiosk.sealed_to_another_key() == 1
