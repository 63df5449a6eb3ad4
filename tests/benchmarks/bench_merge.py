"""Merge 20 kiosk bundles of 1,000 responses each into a hub, then the same 20 again.

Prints figures; asserts nothing. The second pass must add nothing.

    .venv/bin/python tests/benchmarks/bench_merge.py [--kiosks 20] [--each 1000] [--spread]

By default each kiosk's 1,000 responses fall in this term (a kiosk syncs often);
``--spread`` scatters them over five years (the worst case: many more shards).
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
from pathlib import Path

import content as shipped
from surveys.content.library import load_content
from surveys.demo import demo_responses
from surveys.sync.bundle import make_bundle
from surveys.sync.hub import Hub
from surveys.terms import academic_year, term_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--each", type=int, default=1000)
    parser.add_argument("--spread", action="store_true")
    args = parser.parse_args()
    library = load_content(shipped.SHIPPED_DIR)
    today = dt.date.today()
    now = (academic_year(today), term_of(today))
    with tempfile.TemporaryDirectory() as tmp:
        hub = Hub(Path(tmp) / "hub")
        bundles = []
        for k in range(args.kiosks):
            kiosk_id = f"kiosk-{k:02d}"
            secret = secrets.token_bytes(32)
            hub.kiosks[kiosk_id] = {"secret": secret.hex(), "last_counter": 0, "last_seen": None}
            responses = list(demo_responses(library, args.each, seed=k + 1, kiosk_ids=[kiosk_id]))
            if not args.spread:
                responses = [
                    r.model_copy(update={"academic_year": now[0], "term": now[1]})
                    for r in responses
                ]
            texts = list(library.questionnaires.values())
            bundles.append(make_bundle(kiosk_id, secret, responses, [], texts))
        timings = []
        for label in ("first pass", "second pass (all already there)"):
            t = time.perf_counter()
            added = sum(hub.import_file(b).added for b in bundles)
            timings.append(time.perf_counter() - t)
            print(f"{label}: {len(bundles)} bundles in {timings[-1]:.2f} s, {added} added")
        hub.close()
    kind = "spread over five years" if args.spread else "all in this term"
    print(
        f"total {sum(timings):.2f} s for {args.kiosks} x {args.each} responses ({kind}), "
        "both passes"
    )


if __name__ == "__main__":
    main()
