"""Padding: every sealed signature is one size, whatever a finger draws or a person types."""

from __future__ import annotations

import base64
import datetime as dt

from nacl.public import PrivateKey

from surveys.agreements.aup import Signature, Signer
from surveys.agreements.sealing import PAD_TO, largest_signature, seal_signature
from surveys.agreements.signing import MAX_POINTS, AgreementLibrary, SigningFlow, SigningStep
from surveys.clock import FakeClock

PUBLIC = bytes(PrivateKey.generate().public_key)
#: One character JSON spells in six bytes (\u0000), typed as long as a field allows.
WIDEST_TEXT = "\x00" * 80


def signed(library, signer: Signer, *, year: str | None = None, draw=None, **details) -> Signature:
    """A signature made through the kiosk's own signing flow."""
    clock = FakeClock(day=dt.date(2026, 11, 23), ids=lambda: "f" * 32)
    longest_kiosk = "k" * 60
    flow = SigningFlow(AgreementLibrary(library.aups), kiosk_id=longest_kiosk, clock=clock)
    flow.choose(signer)
    if year:
        flow.choose_year(year)
    while flow.step == SigningStep.READ:
        flow.next_page()
    assert flow.set_details(**details) == []
    if draw is None:
        flow.type_instead()
        flow.set_typed_signature(details["signer_name"])
    else:
        flow.set_strokes(draw)
    flow.to_review()
    return flow.finish()


def sealed_length(signature: Signature) -> int:
    return len(base64.b64decode(seal_signature(signature, PUBLIC).sealed))


def test_the_largest_drawing_and_the_smallest_typed_name_seal_to_the_same_length(library):
    # The most points the pad keeps, each its own stroke (the most brackets), at a
    # coordinate wider than any screen, and every field full of escaped characters.
    scribble = [[(9999.94, 9999.94)] for _ in range(MAX_POINTS + 500)]
    largest = signed(
        library, Signer.PARENTS, year="reception", draw=scribble, signer_name=WIDEST_TEXT,
        relationship=WIDEST_TEXT, child_name=WIDEST_TEXT, class_name=WIDEST_TEXT,
    )  # fmt: skip
    smallest = signed(library, Signer.STAFF, signer_name="A", relationship="B")
    assert sum(len(s) for s in largest.strokes) == MAX_POINTS  # the flow keeps no more
    size = len(largest.model_dump_json().encode())
    assert size > 2 * 8192  # beyond the old 8 KiB padding step: it used to spill over
    assert sealed_length(largest) == sealed_length(smallest) == PAD_TO + 48  # box overhead
    assert size <= len(largest_signature().model_dump_json().encode()) <= PAD_TO


def test_a_long_drawing_no_longer_spills_into_a_bigger_size(library):
    lengths = {
        sealed_length(signed(library, Signer.STAFF, draw=[[(x % 760, 100.0)] * n],
                             signer_name="Jo", relationship="Teacher"))
        for n in (1, 300, 1000, 2500, MAX_POINTS)
        for x in (5, 759)
    }  # fmt: skip
    assert lengths == {PAD_TO + 48}
