"""Random and mutated bundles and pushes: always a clear refusal, never a crash, nothing written.

Pins issue 12 item 6: a bundle nested thousands deep ended the whole import with
RecursionError, and a deep or UTF-16 push got a 500 from the hub. Here the real
``Hub`` (USB bundles) and the real hub web app (pushes, through httpx's
``ASGITransport``: the app itself, no socket) take whatever hypothesis makes,
sealed with a paired kiosk's real secret so that it gets past the seal to the parser.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey

import content as shipped
from kiosk.hub.web import make_app
from surveys.content.library import load_content
from surveys.model import Response
from surveys.sealed import seal_response
from surveys.sync.bundle import MAGIC, BundleRefused, body_of, mac_of, push_ticket
from surveys.sync.hub import Hub
from surveys.sync.pairing import code_key, open_pairing, proof

SCHOOL = PrivateKey.generate().public_key.encode()
KIOSK = "kiosk-1a2b3c4d"
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@dataclass(repr=False)
class PairedHub:
    hub: Hub
    secret: bytes
    app: FastAPI
    valid_body: bytes
    counter: itertools.count[int]

    def files(self) -> dict[str, bytes]:
        """Every file the hub keeps, but its log (a refusal is logged, by design)."""
        root = self.hub.root
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p != self.hub.folder.hub_log
        }

    def push(self, body: bytes, **headers: str) -> tuple[int, Any]:
        number = next(self.counter)
        counter = str(number)
        mac = mac_of(self.secret, counter.encode() + b"\n" + body, b"push")
        sent = {"x-esafety-kiosk": KIOSK, "x-esafety-counter": counter, "x-esafety-mac": mac}
        # The kiosk's ticket for this number and length: the push gets past the hub's guard.
        sent["x-esafety-ticket"] = push_ticket(self.secret, KIOSK, number, len(body))
        # In a thread of its own: in a full run, the browser tests' Playwright keeps an
        # event loop running in the main thread, and anyio will not start a second one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            job = pool.submit(anyio.run, post, self.app, "/push", body, {**sent, **headers})
            return job.result()


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PairedHub]:
    hub = Hub(tmp_path_factory.mktemp("hub"), school_key=SCHOOL)
    code = hub.new_pairing_code()  # the kiosk's side of pairing, as the staff screen does it
    key = code_key(code, KIOSK)
    secret, _school = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    library = load_content(shipped.SHIPPED_DIR)
    q = library.for_parents()
    assert q is not None
    response = Response(
        id="ab" * 16, questionnaire_id=q.id, questionnaire_version=q.version,
        content_hash=q.content_hash, band=None, academic_year="2026/27", term="autumn",
        kiosk_id=KIOSK, answers={},
    )  # fmt: skip
    body = body_of(KIOSK, [seal_response(response, SCHOOL)], [], [q])
    yield PairedHub(hub, secret, make_app(hub, "http://hub.test"), body, itertools.count(1))
    hub.close()


async def post(app: FastAPI, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """One request to the app; an exception inside it is raised here, not hidden as a 500."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await client.post(path, content=body, headers=headers)
    return response.status_code, response.json()


def sealed_file(secret: bytes, body: bytes) -> bytes:
    """A bundle file around ``body``, its seal right (so only the body can be wrong)."""
    header = json.dumps({"kiosk_id": KIOSK, "length": len(body), "mac": mac_of(secret, body)})
    return MAGIC + header.encode() + b"\n" + body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
#: Keys a bundle body has, so that changed values land where the parser looks.
BODY_KEYS = ["manifest", "responses", "signatures", "requests", "questionnaire_texts"]


@st.composite
def mutated_bodies(draw: st.DrawFn, valid: bytes) -> bytes:
    """A real body with one field swapped for any JSON, bytes cut or put in, or re-encoded."""
    how = draw(st.sampled_from(["field", "manifest", "bytes", "encoding", "deep"]))
    doc = json.loads(valid)
    if how == "field":
        doc[draw(st.sampled_from(BODY_KEYS))] = draw(json_values)
    elif how == "manifest":
        target = draw(st.sampled_from([doc["manifest"], doc["manifest"]["counts"]]))
        target[draw(st.sampled_from([*target, "x"]))] = draw(json_values)
    elif how == "deep":
        doc[draw(st.sampled_from(BODY_KEYS))] = "DEEP"
    text = json.dumps(doc, ensure_ascii=False)
    if how == "deep":  # spliced in as text: json.dumps itself would recurse too deep
        depth = draw(st.integers(30, 100_000))
        text = text.replace('"DEEP"', "[" * depth + "]" * depth, 1)
    if how == "encoding":
        return text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1"])))
    data = text.encode()
    if how == "bytes":
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 50))
        data = data[:at] + draw(st.binary(max_size=20)) + data[at + cut :]
    return data


def deep_raw(depth: int, opener: bytes = b"[") -> bytes:
    return opener * depth  # never closed: the reader must stop before the end


def test_a_bundle_nested_100000_deep_is_refused_not_a_recursion_error(paired):
    before = paired.files()
    for body in (b"[" * 100_000 + b"]" * 100_000, deep_raw(100_000, b'{"a":')):
        with pytest.raises(BundleRefused, match="contents are not valid"):
            paired.hub.import_file(sealed_file(paired.secret, body))
    assert paired.files() == before


def test_a_utf16_bundle_is_refused_whole(paired):
    body = paired.valid_body.decode().encode("utf-16")
    with pytest.raises(BundleRefused, match="contents are not valid"):
        paired.hub.import_file(sealed_file(paired.secret, body))


def test_a_deep_or_utf16_push_is_a_403_with_a_reason_not_a_500(paired):
    before = paired.files()
    for body in (b"[" * 100_000, paired.valid_body.decode().encode("utf-16")):
        status, answer = paired.push(body)
        assert status == 403 and "not valid" in answer["detail"]
    assert paired.files() == before


@PROPERTY
@given(data=st.binary(max_size=400))
def test_random_bytes_as_a_bundle_file_are_refused_cleanly(paired, data):
    before = paired.files()
    for attempt in (data, MAGIC + data):
        with pytest.raises(BundleRefused):
            paired.hub.import_file(attempt)
    assert paired.files() == before


@PROPERTY
@given(data=st.data())
def test_a_sealed_but_mutated_bundle_is_imported_whole_or_refused_cleanly(paired, data):
    body = data.draw(mutated_bodies(paired.valid_body))
    before = paired.files()
    try:
        paired.hub.import_file(sealed_file(paired.secret, body))
    except BundleRefused as exc:
        assert str(exc)
        assert paired.files() == before


@PROPERTY
@given(data=st.data())
def test_a_sealed_but_mutated_push_is_never_a_500(paired, data):
    body = data.draw(st.binary(max_size=300) | mutated_bodies(paired.valid_body))
    before = paired.files()
    status, answer = paired.push(body)
    assert status in (200, 403), answer
    if status == 403:
        assert answer["detail"] and paired.files() == before
        assert "ticket" not in answer["detail"], "refused at the door, not by the parser"


@PROPERTY
@given(
    headers=st.dictionaries(
        st.sampled_from(
            ["x-esafety-kiosk", "x-esafety-counter", "x-esafety-mac", "x-esafety-ticket"]
        ),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=70),
    ),
    body=st.binary(max_size=100),
)
def test_pushes_with_any_headers_are_refused_with_a_4xx(paired, headers, body):
    before = paired.files()
    status, _answer = paired.push(body, **headers)
    assert 400 <= status < 500
    assert paired.files() == before


def test_the_real_body_itself_still_imports(paired):
    # The properties above must not pass by refusing everything.
    result = paired.hub.import_file(sealed_file(paired.secret, paired.valid_body))
    assert result.added + result.already == 1
    status, answer = paired.push(paired.valid_body)
    assert status == 200 and answer["added"] + answer["already"] == 1
