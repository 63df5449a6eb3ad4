"""Sealing a signed agreement to the school's public key, and opening it with the private key.

A sealed record is only its random id, the kiosk id, the key's fingerprint and
the sealed bytes. Every plaintext is padded to one size, :data:`PAD_TO`: that of
the largest signature a kiosk can make (every field at its longest, every
character one JSON must escape, and the most points the pad keeps, each a
stroke of its own at the widest coordinates). So a record's size says nothing
about who signed, or how, or how long they drew for.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated

import nacl.exceptions
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from surveys.agreements.aup import AupRef, Signature, Signer, Typed
from surveys.agreements.signing import MAX_POINTS
from surveys.keys import KeyProblem, SchoolKey, fingerprint, seal
from surveys.model import ContentId, KioskId, valid_kiosk_id

__all__ = ["PAD_TO", "SealedSignature", "largest_signature", "open_signatures", "seal_signature"]

#: The widest coordinate a pad can give, as JSON writes it: 0.1 px steps, up to 9999.9 px.
_WIDEST_COORDINATE = 9999.9
#: Longest agreement version number allowed for (content raises it by one per change).
_HIGHEST_VERSION = 999_999


def _max_length(field: object) -> int:
    """A constrained string type's ``max_length``."""
    limits = [getattr(m, "max_length", None) for m in getattr(field, "__metadata__", ())]
    return max(int(n) for n in limits if n is not None)


def largest_signature() -> Signature:
    """The signature with the longest JSON a kiosk can make.

    Every typed field at its longest, in characters JSON writes as six bytes
    (``\\u0000``); ids and names from content at their longest; :data:`MAX_POINTS`
    points, each a stroke of its own (the most brackets), at the widest coordinate.
    """
    typed = "\x00" * _max_length(Typed)
    content_id = "a" * _max_length(ContentId)
    ref = AupRef(id=content_id, version=_HIGHEST_VERSION, content_hash="f" * 64)
    point = (_WIDEST_COORDINATE, _WIDEST_COORDINATE)
    return Signature(
        id="f" * 32,
        aup=ref,
        child_aup=ref,
        signer=max(Signer, key=lambda s: len(s.value)),
        signed_on=dt.date.max,
        kiosk_id="k" * max(n for n in range(1, 256) if valid_kiosk_id("k" * n)),
        signer_name=typed,
        relationship=typed,
        child_name=typed,
        year_group=content_id,
        class_name=typed,
        strokes=[[point] for _ in range(MAX_POINTS)],
        typed_signature=typed,
    )


#: Every sealed text is padded to this many bytes (a larger one, which no kiosk can
#: make, to a multiple of it), so a record's size does not tell a parent from a pupil,
#: a typed name from a drawing, or a short scribble from the longest. Rounded up to
#: 4 KiB, so that a small change to the model does not change every record's size.
PAD_TO = -(-len(largest_signature().model_dump_json().encode("utf-8")) // 4096) * 4096


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
