"""A signature to seal, for the key, store and register tests (tests/exports/ uses it too)."""

from __future__ import annotations

import datetime as dt

from surveys.agreements.aup import Aup, Signature, Signer

PASSPHRASE = "correct horse battery staple"


def signature(aup: Aup, n: int = 1, **changes) -> Signature:
    fields = dict(
        id=f"{n:08x}{'a' * 24}", aup=aup.ref, signer=Signer.PUPILS, signed_on=dt.date(2026, 10, 1),
        kiosk_id="kiosk-a", signer_name=f"Pupil {n}", year_group="year-4", class_name="4B",
        strokes=[[(1.0, 2.0), (3.0, 4.0)]],
    )  # fmt: skip
    return Signature(**{**fields, **changes})
