"""The load benchmark's own client still drives real pupils through a real kiosk.

Not a timed test: tests/benchmarks/bench_load.py prints the figures. This checks
that its protocol client (Flet's msgpack over a websocket) can still take three
pupils from Start to Thank you against ``esafety kiosk``, and that exactly the
three responses they tapped are saved.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from tests.benchmarks import bench_load

pytestmark = pytest.mark.slow


def test_three_simulated_pupils_finish_and_exactly_three_responses_are_saved(tmp_path):
    # In a thread of its own: in a full run Playwright holds the main thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        run = pool.submit(
            bench_load.run, 3, seed=7, ramp=0.3, pace=(0.02, 0.1), root=tmp_path
        ).result()

    assert run.saved == 3
    assert run.answers_match
    assert len(run.results.answers) == 3
    steps = 3 + len(bench_load.questionnaire().questions)  # Start, Next, OK, one per question
    assert len(run.results.taps) == 3 * steps
    assert len(run.results.finishes) == 3
    assert run.cpu > 0 and run.memory["VmRSS"] > 0
