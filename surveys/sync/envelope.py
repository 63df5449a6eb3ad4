"""What the hub can check of a record it cannot open.

Every record arrives sealed to the school's *public* key: the hub can read only
its envelope (id, kiosk, academic year and term, the key's fingerprint) and the
sealed bytes. So before a bundle or push is merged, each record must have:

* sealed bytes that are base64 and exactly the size a kiosk makes: the padded
  plaintext (a positive whole number of the kind's padding blocks, no more than
  the largest a kiosk writes) plus the 48 bytes a sealed box adds;
* for a response, an academic year that is two consecutive years
  (``2025/26``), no later than next year's.

A bundle holds at most :data:`MAX_TEXTS` questionnaire texts. Whether each
answer is one the questionnaire offers is checked where the answers can be
read: by ``esafety export`` with the school's private key, which names any
record that fails and the command that takes it out (see docs/sync.md).
"""

from __future__ import annotations

import binascii
import datetime as dt
from base64 import b64decode

from surveys.agreements.sealing import PAD_TO as SIGNATURE_PAD
from surveys.requests.sealing import PAD_TO as REQUEST_PAD
from surveys.sealed import PAD_TO as RESPONSE_PAD
from surveys.sync.bundle import Bundle, BundleRefused

__all__ = ["MAX_TEXTS", "SEAL_OVERHEAD", "check_envelopes"]

#: What a libsodium sealed box adds to the plaintext (an ephemeral key and a MAC).
SEAL_OVERHEAD = 48
#: Questionnaire texts in one bundle (a kiosk sends the few its records were made on).
MAX_TEXTS = 64
#: The largest padded plaintext per kind, in bytes (a response: a questionnaire of a few
#: hundred questions; a signature or a request: one block, which holds the largest).
_LARGEST = {"response": 64 * 1024, "signature": 4 * SIGNATURE_PAD, "request": 4 * REQUEST_PAD}
_PAD = {"response": RESPONSE_PAD, "signature": SIGNATURE_PAD, "request": REQUEST_PAD}


def check_envelopes(bundle: Bundle, today: dt.date | None = None) -> None:
    """Refuse the bundle whole if any record's envelope is not one a kiosk makes.

    Raises:
        BundleRefused: the message says which kind of record and what is wrong (no id).
    """
    if len(bundle.questionnaire_texts) > MAX_TEXTS:
        raise BundleRefused(
            f"the bundle holds {len(bundle.questionnaire_texts)} questionnaire texts; a kiosk "
            f"sends at most {MAX_TEXTS}: nothing was imported"
        )
    latest = (today or dt.date.today()).year + 1
    for r in bundle.responses:
        start, end = int(r.academic_year[:4]), int(r.academic_year[5:])
        if end != (start + 1) % 100 or not 2000 <= start <= latest:
            raise BundleRefused(
                f"a response in the bundle is dated to the academic year {r.academic_year}, "
                "which no kiosk writes: nothing was imported"
            )
    kinds = (
        ("response", [r.sealed for r in bundle.responses]),
        ("signature", [s.sealed for s in bundle.signatures]),
        ("request", [h.sealed for h in bundle.requests]),
    )
    for kind, sealed in kinds:
        for text in sealed:
            _check_size(kind, text)


def _check_size(kind: str, text: str) -> None:
    # base64 is 4 characters for 3 bytes: check the length before decoding anything big.
    if len(text) > (_LARGEST[kind] + SEAL_OVERHEAD) * 4 // 3 + 4:
        raise BundleRefused(f"a {kind} in the bundle is larger than any a kiosk makes")
    try:
        size = len(b64decode(text, validate=True)) - SEAL_OVERHEAD
    except (binascii.Error, ValueError):
        raise BundleRefused(f"a {kind} in the bundle is not sealed as a kiosk seals it") from None
    if size <= 0 or size % _PAD[kind] or size > _LARGEST[kind]:
        raise BundleRefused(
            f"a {kind} in the bundle is not the size a kiosk seals ({size} bytes): "
            "nothing was imported"
        )
