"""Answers sealed to the school's key: the kiosk can store and count them, never read them.

ODK's encrypted forms, for answers as for signatures: at the moment a pupil
finishes, the kiosk seals the response (a libsodium sealed box to the school's
public key, :mod:`surveys.keys`) and keeps only that. Stores, pushes, bundles
and the hub hold sealed records; only the lead's tools open them, in memory,
with the private key and its passphrase.

The plaintext is padded to the size of the widest response its questionnaire
can make (rounded up to :data:`PAD_TO`), so a record's size says nothing about
which answers were chosen, or how many questions were skipped.

Until a school installs its own key, a kiosk on the sample content seals to
the **demo key** shipped in ``content/demo-key/``. Its passphrase is published
here, so anyone can open what it sealed: it exists so that ``make run`` works,
and the staff screen says so while it is in use.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import nacl.exceptions
import orjson

import content as shipped_content
from surveys.keys import (
    KeyProblem,
    SchoolKey,
    fingerprint,
    open_private_key,
    parse_public_key,
    seal,
)
from surveys.model import Response, SealedResponse

__all__ = [
    "DEMO_PASSPHRASE",
    "PAD_TO",
    "Keys",
    "demo_key",
    "demo_public_key",
    "open_keyed",
    "open_raw",
    "open_responses",
    "seal_response",
]

#: Every sealed response's plaintext is padded to a multiple of this many bytes, at least
#: to the size of the widest response its questionnaire can make.
PAD_TO = 4096
#: The longest an option id (or a year group id) may be (``ContentId`` in surveys/model.py).
ID_MAX = 60
#: The demo key's passphrase, published on purpose: the demo key protects nothing.
DEMO_PASSPHRASE = "sample school demo key: never for real answers"
DEMO_DIR = shipped_content.SHIPPED_DIR / "demo-key"


def seal_response(response: Response, public: bytes) -> SealedResponse:
    """Seal ``response`` to the school's public key. Nobody but the key's holder can open it."""
    plaintext = _dumps(response)
    # The size must not depend on the answers: pad to what this questionnaire's widest
    # response would take (every answer and the year group at the longest an id may be),
    # rounded up to PAD_TO. JSON allows trailing spaces, so there is no unpadding step.
    widest = response.model_copy(
        update={
            "answers": dict.fromkeys(response.answers, "x" * ID_MAX),
            "year_group": "x" * ID_MAX,
        }
    )
    target = -(-len(_dumps(widest)) // PAD_TO) * PAD_TO
    plaintext += b" " * (target - len(plaintext))
    return SealedResponse(
        id=response.id,
        kiosk_id=response.kiosk_id,
        academic_year=response.academic_year,
        term=response.term,
        key=fingerprint(public),
        sealed=base64.b64encode(seal(public, plaintext)).decode("ascii"),
    )


#: One private key, or several (the school's, and the demo key a kiosk used before it).
Keys = SchoolKey | Sequence[SchoolKey]


def _dumps(response: Response) -> bytes:
    return orjson.dumps(response.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)


def open_raw(records: Iterable[dict[str, Any]], keys: Keys) -> Iterator[dict[str, Any]]:
    """Open stored records (the plain dicts on disk) to response dicts: the export's fast path.

    See :func:`open_keyed`, which this is without the record keys.
    """
    for doc, _key in open_keyed(records, keys):
        yield doc


def open_keyed(
    records: Iterable[dict[str, Any]], keys: Keys
) -> Iterator[tuple[dict[str, Any], int]]:
    """Open stored records to (response dict, record key) pairs.

    The record key (:meth:`SchoolKey.record_key`) comes from the key that opened the
    record and the record's plaintext, so it does not depend on which other keys were
    given, and a record resealed under the same id gets another.

    Each record is opened with the key whose fingerprint it names. Each opened
    response must carry the id, kiosk, year and term its envelope says, so a
    sealed body cannot be moved into another record.

    Raises:
        KeyProblem: a record was sealed to none of these keys, or is damaged or altered.
    """
    by_print = {k.fingerprint: k for k in ([keys] if isinstance(keys, SchoolKey) else keys)}
    for r in records:
        key = by_print.get(r.get("key", ""))
        if key is None:
            raise KeyProblem(
                f"response {r.get('id')} (kiosk {r.get('kiosk_id')}) was sealed to another key "
                f"({r.get('key')}), not {' or '.join(sorted(by_print))}; use the private key "
                "whose fingerprint matches"
            )
        try:
            plain = key.open(base64.b64decode(r["sealed"], validate=True))
            doc = orjson.loads(plain)
            same = all(doc[k] == r[k] for k in ("id", "kiosk_id", "academic_year", "term"))
        except (KeyError, TypeError, ValueError, binascii.Error, nacl.exceptions.CryptoError):
            same = False
        if not same:
            raise KeyProblem(
                f"response {r.get('id')} (kiosk {r.get('kiosk_id')}) is damaged or was altered "
                "and cannot be opened; nothing was written. Restore that kiosk's responses/ "
                "folder from a copy, or move the damaged file aside."
            )
        yield doc, key.record_key(plain)


def open_responses(records: Iterable[SealedResponse], keys: Keys) -> list[Response]:
    """Open and check sealed records (the careful path, for a few records)."""
    docs = open_raw((r.model_dump(mode="json") for r in records), keys)
    return [Response.model_validate(d) for d in docs]


@lru_cache(maxsize=1)
def demo_public_key() -> bytes:
    """The sample school's demo public key (anyone can open what it sealed)."""
    return parse_public_key((DEMO_DIR / "school-public-key.txt").read_text(encoding="utf-8"))


def demo_key() -> SchoolKey:
    """The demo private key, opened with its published passphrase (slow: Argon2id)."""
    return open_private_key(DEMO_DIR / "school-private-key.json", DEMO_PASSPHRASE)
