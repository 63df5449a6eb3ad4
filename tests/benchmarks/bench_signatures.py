"""Sealing and saving a signature, and opening a whole register. Prints figures; asserts nothing.

.venv/bin/python tests/benchmarks/bench_signatures.py [--signatures 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import content as shipped
from exports.register import build_register, register_csv, register_html
from surveys.agreements.aup import Signature, Signer
from surveys.agreements.sealing import open_signatures, seal_signature
from surveys.agreements.store import SignatureStore
from surveys.content.library import load_content
from surveys.keys import make_key_pair, open_private_key, parse_public_key

PASSPHRASE = "benchmark walrus lantern maple"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1000)
    n = parser.parse_args().signatures
    library = load_content(shipped.SHIPPED_DIR)
    ks2, parents = library.aups["aup-ks2"], library.aups["aup-parents"]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        private, public = make_key_pair(Path(tmp) / "keys", PASSPHRASE)
        keygen = time.perf_counter() - t
        raw = parse_public_key(public.read_text())
        stroke = [(float(x), 100.0 + (x % 40)) for x in range(0, 600, 3)]  # 200 points
        saves = []
        with SignatureStore(Path(tmp) / "data") as store:
            for i in range(n):
                sig = Signature(
                    id=uuid.uuid4().hex, aup=parents.ref, child_aup=ks2.ref,
                    signer=Signer.PARENTS, signed_on=dt.date(2026, 11, 23), kiosk_id="kiosk-b",
                    signer_name=f"Parent {i}", relationship="Mum", child_name=f"Child {i}",
                    year_group="year-4", class_name=f"4{'ABC'[i % 3]}", strokes=[stroke],
                )  # fmt: skip
                t = time.perf_counter()
                store.save(seal_signature(sig, raw))
                saves.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        key = open_private_key(private, PASSPHRASE)
        unlock = time.perf_counter() - t
        t = time.perf_counter()
        records = list(SignatureStore(Path(tmp) / "data", writer=False).records())
        opened = open_signatures(records, key)
        rows = build_register(opened, library.aups, library.school)
        register_csv(rows), register_html(library.school, rows, None, "2026-11-23")
        register = time.perf_counter() - t
    q = statistics.quantiles(saves, n=20)
    print(f"key pair made in {keygen:.2f} s; private key opened in {unlock:.2f} s (Argon2id)")
    print(
        f"seal + durable save of one signature (200-point stroke), {n} saves: "
        f"p50 {statistics.median(saves):.2f} ms, p95 {q[18]:.2f} ms, max {max(saves):.2f} ms"
    )
    print(f"register of {n} signatures (read, open, build, CSV + HTML): {register:.2f} s")


if __name__ == "__main__":
    main()
