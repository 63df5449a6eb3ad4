"""Sealing a signed agreement to the school's public key, and opening it with the private key.

A sealed record is only its random id, the kiosk id, the key's fingerprint and
the sealed bytes. The plaintext is padded to a multiple of :data:`PAD_TO`, so a
record's size says nothing about who signed or how.
"""

from __future__ import annotations

import base64
from typing import Annotated

import nacl.exceptions
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from surveys.agreements.aup import Signature
from surveys.keys import KeyProblem, SchoolKey, fingerprint, seal
from surveys.model import KioskId

__all__ = ["PAD_TO", "SealedSignature", "open_signatures", "seal_signature"]

#: Sealed texts are padded to a multiple of this, so a record's size does not tell
#: a parent from a pupil, a typed name from a drawing, or a long name from a short one.
PAD_TO = 8192


class SealedSignature(BaseModel):
    """What the disk holds for one signature."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    kiosk_id: KioskId
    #: Fingerprint of the public key it was sealed to (so the lead can tell which key opens it).
    key: str
    sealed: str


def seal_signature(signature: Signature, public: bytes) -> SealedSignature:
    """Encrypt ``signature`` to the school's public key. The kiosk cannot open the result."""
    plaintext = signature.model_dump_json().encode("utf-8")
    # JSON allows trailing whitespace, so padding with spaces needs no unpadding step.
    plaintext += b" " * (-len(plaintext) % PAD_TO)
    return SealedSignature(
        id=signature.id,
        kiosk_id=signature.kiosk_id,
        key=fingerprint(public),
        sealed=base64.b64encode(seal(public, plaintext)).decode("ascii"),
    )


def open_signatures(records: list[SealedSignature], key: SchoolKey) -> list[Signature]:
    """Open every record with the lead's key; raises :class:`KeyProblem` on any it cannot."""
    others = sorted({r.key for r in records if r.key != key.fingerprint})
    if others:
        raise KeyProblem(
            f"{sum(r.key != key.fingerprint for r in records)} signature(s) were sealed to "
            f"another key ({', '.join(others)}), not this one ({key.fingerprint}); "
            "use the private key whose fingerprint matches"
        )
    out = []
    for r in records:
        try:
            out.append(Signature.model_validate_json(key.open(base64.b64decode(r.sealed))))
        except (ValueError, ValidationError, nacl.exceptions.CryptoError):
            raise KeyProblem(
                f"signature {r.id} (kiosk {r.kiosk_id}) is damaged or was altered and cannot "
                "be opened; nothing was written. Restore that kiosk's signatures/ folder "
                "from a copy, or move the damaged file aside."
            ) from None
    return out
