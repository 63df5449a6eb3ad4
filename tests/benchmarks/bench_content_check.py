"""``esafety content check`` on folders with more and more problems: time per problem.

Each folder holds a help-routes file and a questionnaire with about 3n problems
(the same generator as ``tests/surveys/content/test_bad_content.py``). Linear
time keeps the seconds per 1,000 problems flat; before issue 12 item 6 it grew
with their number (a 5 MB file took over 5 minutes). Prints figures; asserts nothing.

    .venv/bin/python tests/benchmarks/bench_content_check.py [--sizes 1000 4000 16000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from surveys.content.library import check_content
from tests.surveys.content.test_bad_content import many_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'problems':>9} {'MB':>6} {'seconds':>8} {'s per 1,000':>12}")
        for n in args.sizes:
            folder = Path(tmp) / f"n{n}"
            many_errors(folder, n)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 2**20
            start = time.perf_counter()
            _lib, problems = check_content(folder)
            took = time.perf_counter() - start
            per_1000 = took / len(problems) * 1000
            print(f"{len(problems):>9} {size:>6.1f} {took:>8.2f} {per_1000:>12.3f}")


if __name__ == "__main__":
    main()
