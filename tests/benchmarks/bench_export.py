"""Opening and aggregating 100,000 sealed responses, and the whole export at 1,000 vs 100,000.

Prints figures (the data is sealed to the sample school's demo key, opened once).

    .venv/bin/python tests/benchmarks/bench_export.py [--big DIR] [--small DIR] [--runs 3]

Without --big/--small it makes the data first with `esafety demo-data` (about a
minute for 100,000 responses on this machine); pass existing folders to skip that.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import content as shipped
from exports.aggregate import rows_from, tally, tally_folder
from exports.suppress import suppress
from surveys.content.library import load_content
from surveys.keys import SchoolKey
from surveys.sealed import demo_key, open_raw
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import load_texts

ESAFETY = str(Path(sys.executable).parent / "esafety")


def ensure(folder: Path | None, n: int, tmp: Path) -> Path:
    if folder is not None:
        return folder
    folder = tmp / f"demo-{n}"
    subprocess.run([ESAFETY, "demo-data", "--data", str(folder), "--responses", str(n)], check=True)
    return folder


def aggregate_once(data: Path, key: SchoolKey, workers: int) -> tuple[float, float, int]:
    """(read + open + count, rows + suppression) seconds, and the number of rows."""
    library = load_content(shipped.SHIPPED_DIR)
    t0 = time.perf_counter()
    counted, cell_keys = tally_folder(data, key, workers=workers)
    t1 = time.perf_counter()
    texts = load_texts(data, library.questionnaires.values())
    rows = suppress(rows_from(counted, texts, cell_keys=cell_keys))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(rows)


def export_once(data: Path, out: Path) -> float:
    t = time.perf_counter()
    subprocess.run(
        [ESAFETY, "export", "--data", str(data), "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", type=Path)
    parser.add_argument("--small", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        big, small = ensure(args.big, 100_000, tmp), ensure(args.small, 1_000, tmp)
        key = demo_key()  # opened once, as the lead's passphrase opens it once
        records = list(ResponseStore(big, writer=False).raw_records())
        t0 = time.perf_counter()
        opened = list(open_raw(records, key))
        t1 = time.perf_counter()
        tally(opened)
        t2 = time.perf_counter()
        print(
            f"{len(records):,} sealed responses, already read: open {t1 - t0:.2f} s "
            f"({(t1 - t0) / len(records) * 1e6:.0f} µs each), then count {t2 - t1:.2f} s"
        )
        for workers in (1, 2):
            loads, aggs = [], []
            for _ in range(args.runs):
                load, agg, n_rows = aggregate_once(big, key, workers)
                loads.append(load)
                aggs.append(agg)
            print(
                f"100,000 responses, {workers} process(es): read + open + count "
                f"{statistics.median(loads):.2f} s; rows + suppression "
                f"{statistics.median(aggs):.2f} s ({n_rows} rows); together "
                f"{statistics.median(loads) + statistics.median(aggs):.2f} s "
                f"(median of {args.runs})"
            )
        small_t = statistics.median(export_once(small, tmp / f"o1-{i}") for i in range(args.runs))
        big_t = statistics.median(export_once(big, tmp / f"o2-{i}") for i in range(args.runs))
        print(
            f"whole `esafety export`: 1,000 responses {small_t:.2f} s; "
            f"100,000 responses {big_t:.2f} s; ratio {big_t / small_t:.2f}x "
            f"(median of {args.runs})"
        )


if __name__ == "__main__":
    main()
