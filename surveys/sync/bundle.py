"""Bundles: a kiosk's records in one authenticated file, for a USB stick or a push to the hub.

A bundle is a header line, a JSON line, and the body::

    ESAFETY-BUNDLE 1
    {"kiosk_id": "kiosk-1a2b3c4d", "length": 123456, "mac": "…"}
    {"manifest": {…}, "questionnaire_texts": […], "requests": […], "responses": […],
     "signatures": […]}

The MAC is HMAC-SHA256 of the body with the secret the kiosk and the hub agreed
when they were paired. So a bundle from an unpaired kiosk, with any byte
changed, or cut short, is refused whole, before anything is read from it.
Records are sorted by their random ids, so a bundle says nothing about the
order they were saved in. Responses, signatures and pupils' requests to talk
are all sealed to the school's key: a lost USB stick holds nothing anyone but
the lead can read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from surveys.agreements.sealing import SealedSignature
from surveys.keys import fingerprint
from surveys.model import Questionnaire, SealedResponse, valid_kiosk_id
from surveys.requests.sealing import SealedRequest
from surveys.sealed import demo_public_key

__all__ = [
    "FORMAT",
    "Bundle",
    "BundleRefused",
    "Imported",
    "claimed_kiosk",
    "is_hex_mac",
    "mac_of",
    "make_bundle",
    "push_ticket",
    "read_bundle",
    "receipt",
    "ticket_checks",
    "without_ids",
]

MAGIC = b"ESAFETY-BUNDLE 1\n"
#: 2: responses are sealed to the school's key (1 carried them open, and is refused).
FORMAT = 2


_RECORD_ID = re.compile(r"(?:\b(response|signature|request) )?\b[0-9a-f]{16,}\b")


def without_ids(text: str) -> str:
    """``text`` with every record id replaced by its kind: logs and notes name no record."""
    return _RECORD_ID.sub(lambda m: f"a {m[1] or 'record'}", text)


class BundleRefused(Exception):
    """The bundle was refused whole; the message says why, in words staff can act on."""


@dataclass
class Bundle:
    kiosk_id: str
    responses: list[SealedResponse]
    signatures: list[SealedSignature]
    questionnaire_texts: list[Questionnaire]
    body: bytes
    requests: list[SealedRequest] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def is_hex_mac(text: str) -> bool:
    """An HMAC-SHA256 as sent: 64 lower-case hex digits (checked before comparing)."""
    return re.fullmatch(r"[0-9a-f]{64}", text) is not None


def mac_of(secret: bytes, body: bytes, context: bytes = b"bundle", *, prefix: bytes = b"") -> str:
    """HMAC-SHA256 of ``context``, a newline, ``prefix`` and ``body``, never copying ``body``
    (a push's body is up to 64 MiB: a joined copy would double what the hub holds)."""
    mac = hmac.new(secret, context + b"\n" + prefix, hashlib.sha256)
    mac.update(body)
    return mac.hexdigest()


@dataclass(frozen=True)
class Imported:
    kiosk_id: str
    added: int
    already: int
    signatures_added: int
    requests_added: int = 0
    #: For a push: proof, with the kiosk's secret, that this hub stored it (see :func:`receipt`).
    receipt: str = ""

    def answer(self) -> dict[str, Any]:
        """The push's 200 answer, as the hub's web server sends it."""
        return {
            "added": self.added,
            "already": self.already,
            "signatures_added": self.signatures_added,
            "requests_added": self.requests_added,
            "receipt": self.receipt,
        }

    def __str__(self) -> str:
        return (
            f"{self.kiosk_id}: {self.added} new responses, {self.already} already here, "
            f"{self.signatures_added} new signed agreements, "
            f"{self.requests_added} new requests to talk"
        )


def receipt(secret: bytes, counter: int, body: bytes) -> str:
    """What a hub that stored push ``counter`` answers: only it and the kiosk hold ``secret``.

    The kiosk lets records go only on a receipt it can check, so a machine that answers
    "OK" in the hub's place (spoofed DNS or ARP on plain http) cannot make them vanish.
    """
    return mac_of(secret, str(counter).encode() + b"\n" + hashlib.sha256(body).digest(), b"receipt")


def push_ticket(secret: bytes, kiosk_id: str, counter: int, length: int) -> str:
    """What a push carries in ``X-Esafety-Ticket``: proof that its sender holds the kiosk's
    secret, for this push number and a body of ``length`` bytes, checked before the hub
    gives the push a slot or reads a byte of its body (the body's own MAC comes after)."""
    return mac_of(secret, f"{kiosk_id}\n{counter}\n{length}".encode(), b"ticket")


def ticket_checks(secret: bytes, kiosk_id: str, counter: int, length: int, ticket: str) -> bool:
    """Whether ``ticket`` is :func:`push_ticket`'s for these (compared in constant time)."""
    expected = push_ticket(secret, kiosk_id, counter, length)
    return is_hex_mac(ticket) and hmac.compare_digest(expected, ticket)


def make_bundle(
    kiosk_id: str,
    secret: bytes,
    responses: list[SealedResponse],
    signatures: list[SealedSignature],
    texts: list[Questionnaire],
    *,
    made_on: dt.date | None = None,
    requests: list[SealedRequest] | None = None,
) -> bytes:
    """The whole bundle file's bytes."""
    body = body_of(kiosk_id, responses, signatures, texts, made_on=made_on, requests=requests)
    header = json.dumps(
        {"kiosk_id": kiosk_id, "length": len(body), "mac": mac_of(secret, body)}, sort_keys=True
    )
    return MAGIC + header.encode("utf-8") + b"\n" + body


def body_of(
    kiosk_id: str,
    responses: list[SealedResponse],
    signatures: list[SealedSignature],
    texts: list[Questionnaire],
    *,
    made_on: dt.date | None = None,
    requests: list[SealedRequest] | None = None,
) -> bytes:
    rs = sorted(responses, key=lambda r: r.id)
    ss = sorted(signatures, key=lambda s: s.id)
    hs = sorted(requests or [], key=lambda h: h.id)
    qs = sorted({q.content_hash: q for q in texts}.values(), key=lambda q: q.content_hash)
    doc = {
        "manifest": {
            "format": FORMAT,
            "kiosk_id": kiosk_id,
            "made_on": (made_on or dt.date.today()).isoformat(),
            "counts": {
                "responses": len(rs),
                "signatures": len(ss),
                "requests": len(hs),
                "questionnaire_texts": len(qs),
            },
        },
        "requests": [h.model_dump() for h in hs],
        "responses": [r.model_dump(mode="json") for r in rs],
        "signatures": [s.model_dump() for s in ss],
        "questionnaire_texts": [q.model_dump(mode="json") for q in qs],
    }
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def read_bundle(data: bytes, secret_for: Callable[[str], bytes | None]) -> Bundle:
    """Check and parse a bundle file. Raises :class:`BundleRefused` with the reason."""
    if not data.startswith(MAGIC):
        raise BundleRefused("this is not an E-Safety Kiosk bundle (it does not start right)")
    rest = data[len(MAGIC) :]
    line_end = rest.find(b"\n")
    try:
        if line_end < 0:
            raise ValueError("no end to the header line")
        header = _json_object(rest[:line_end])
        kiosk_id, length, mac = header["kiosk_id"], header["length"], header["mac"]
        if not isinstance(length, int) or length < 0:
            raise ValueError("length")
        if not isinstance(kiosk_id, str) or not isinstance(mac, str):
            raise ValueError("kiosk_id")
        if not valid_kiosk_id(kiosk_id) or not is_hex_mac(mac):
            raise ValueError(kiosk_id)
    except (ValueError, KeyError):
        raise BundleRefused("the bundle's header is damaged; make the bundle again") from None
    body = rest[line_end + 1 :]
    if len(body) != length:
        raise BundleRefused(
            f"the bundle is {'cut short' if len(body) < length else 'longer than it says'} "
            f"({len(body)} of {length} bytes): copy it again from the kiosk"
        )
    secret = secret_for(kiosk_id)
    if secret is None:
        raise BundleRefused(
            f"{kiosk_id} is not paired with this hub: pair it on its staff screen first"
        )
    if not hmac.compare_digest(mac_of(secret, body), mac):
        raise BundleRefused(
            f"the bundle from {kiosk_id} has been changed since the kiosk made it "
            "(its seal does not match); make a new bundle on the kiosk"
        )
    return parse_body(kiosk_id, body)


def _json_object(data: bytes) -> dict[str, Any]:
    """A JSON object from UTF-8 ``data``; ValueError for anything else.

    pydantic's own JSON reader, not :func:`json.loads`: that one also reads UTF-16
    and UTF-32 (which the hub cannot keep in its journal), lone surrogates, NaN,
    and recurses once per level (a body nested 100,000 deep ended the import with
    RecursionError). This one takes UTF-8 only and stops at 200 levels with a
    ValueError; a bundle is 5 deep.
    """
    doc = from_json(data, allow_inf_nan=False)
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    return doc


def _records(doc: dict[str, Any], name: str, default: list[Any] | None = None) -> list[Any]:
    """The list of records called ``name``; TypeError if it is something else."""
    records = doc[name] if default is None else doc.get(name, default)
    if not isinstance(records, list):
        raise TypeError(name)
    return records


def parse_body(kiosk_id: str, body: bytes) -> Bundle:
    """Parse an authenticated body; its records must all be this kiosk's."""
    try:
        doc = _json_object(body)
        manifest, counts = doc["manifest"], doc["manifest"]["counts"]
        if not isinstance(counts, dict):
            raise TypeError("counts")
        if manifest["format"] != FORMAT:
            raise BundleRefused(
                f"bundle format {str(manifest['format'])[:20]} is not known here; "
                "update this computer"
            )
        responses = [SealedResponse.model_validate(r) for r in _records(doc, "responses")]
        signatures = [SealedSignature.model_validate(s) for s in _records(doc, "signatures")]
        requests = [SealedRequest.model_validate(h) for h in _records(doc, "requests", [])]
        texts = [Questionnaire.model_validate(q) for q in _records(doc, "questionnaire_texts")]
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        if isinstance(exc, BundleRefused):
            raise
        raise BundleRefused(f"the bundle's contents are not valid ({type(exc).__name__})") from None
    demo = fingerprint(demo_public_key())
    if any(r.key == demo for r in responses):
        raise BundleRefused(
            f"{kiosk_id} sent answers sealed to the sample school's DEMO key, which anyone can "
            "open; install the school's own key on that kiosk (nothing was imported)"
        )
    ids = [r.id for r in responses] + [s.id for s in signatures] + [h.id for h in requests]
    if len(set(ids)) != len(ids):
        raise BundleRefused("the bundle holds the same record twice; make a new bundle")
    owners = {r.kiosk_id for r in responses} | {s.kiosk_id for s in signatures}
    owners |= {h.kiosk_id for h in requests}
    if manifest.get("kiosk_id") != kiosk_id or owners - {kiosk_id}:
        raise BundleRefused(f"the bundle holds records of a kiosk other than {kiosk_id}")
    if (counts.get("responses"), counts.get("signatures"), counts.get("requests", 0)) != (
        len(responses),
        len(signatures),
        len(requests),
    ):
        raise BundleRefused("the bundle's manifest does not match what it holds")
    return Bundle(kiosk_id, responses, signatures, texts, body, requests)


def claimed_kiosk(data: bytes) -> str:
    """The kiosk id a bundle file's header claims (unchecked, 60 characters), for the log."""
    try:
        header = data.split(b"\n", 2)[1]
        return str(json.loads(header)["kiosk_id"])[:60]
    except (IndexError, ValueError, KeyError, TypeError):
        return "unknown"
