"""Sealing a request to the school's public key, and opening it with the private key.

As for a signature (:mod:`surveys.agreements.sealing`): a sealed record is
only its random id, the kiosk id, the key's fingerprint and the sealed bytes,
and every plaintext is padded to one size, :data:`PAD_TO` (that of the largest
request a kiosk can make: every field at its longest, in characters JSON
writes six bytes for). So a record's size says nothing about whether a name or
a reason was given, or how long the name is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated

import nacl.exceptions
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from surveys.keys import KeyProblem, SchoolKey, fingerprint, seal
from surveys.model import AgeBand, KioskId, valid_kiosk_id
from surveys.requests.model import CLASS_MAX, NAME_MAX, HelpRequest, Reason

__all__ = ["PAD_TO", "SealedRequest", "largest_request", "open_requests", "seal_request"]


def largest_request() -> HelpRequest:
    """The request with the longest JSON a kiosk can make."""
    return HelpRequest(
        id="f" * 32,
        kiosk_id="k" * max(n for n in range(1, 256) if valid_kiosk_id("k" * n)),
        first_name="\x00" * NAME_MAX,
        class_name="\x00" * CLASS_MAX,
        reason=max(Reason, key=lambda r: len(r.value)),
        asked_on=dt.date.max,
        band=max(AgeBand, key=lambda b: len(b.value)),
    )


#: Every sealed request's plaintext is padded to this many bytes, rounded up to 1 KiB so
#: that a small change to the model does not change every record's size.
PAD_TO = -(-len(largest_request().model_dump_json().encode("utf-8")) // 1024) * 1024


class SealedRequest(BaseModel):
    """What the disk holds for one request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    kiosk_id: KioskId
    #: Fingerprint of the public key it was sealed to (so the lead can tell which key opens it).
    key: str
    sealed: str


def seal_request(request: HelpRequest, public: bytes) -> SealedRequest:
    """Encrypt ``request`` to the school's public key. The kiosk cannot open the result."""
    plaintext = request.model_dump_json().encode("utf-8")
    # JSON allows trailing whitespace, so padding with spaces needs no unpadding step.
    plaintext += b" " * (-len(plaintext) % PAD_TO)
    return SealedRequest(
        id=request.id,
        kiosk_id=request.kiosk_id,
        key=fingerprint(public),
        sealed=base64.b64encode(seal(public, plaintext)).decode("ascii"),
    )


def open_requests(records: list[SealedRequest], key: SchoolKey) -> list[HelpRequest]:
    """Open every record with the lead's key.

    Each opened request must carry the id and kiosk its envelope names, so a
    sealed body cannot be moved into another record.

    Raises:
        KeyProblem: a record was sealed to another key, or is damaged or altered.
    """
    others = sorted({r.key for r in records if r.key != key.fingerprint})
    if others:
        raise KeyProblem(
            f"{sum(r.key != key.fingerprint for r in records)} request(s) were sealed to "
            f"another key ({', '.join(others)}), not this one ({key.fingerprint}); "
            "use the private key whose fingerprint matches"
        )
    out = []
    for r in records:
        try:
            opened = HelpRequest.model_validate_json(
                key.open(base64.b64decode(r.sealed, validate=True))
            )
            same = (opened.id, opened.kiosk_id) == (r.id, r.kiosk_id)
        except (ValueError, ValidationError, binascii.Error, nacl.exceptions.CryptoError):
            same = False
        if not same:
            raise KeyProblem(
                f"request {r.id} (kiosk {r.kiosk_id}) is damaged or was altered and cannot "
                "be opened; nothing was written. Restore that kiosk's requests/ folder "
                "from a copy, or move the damaged file aside."
            )
        out.append(opened)
    return out
