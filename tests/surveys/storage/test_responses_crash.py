"""kill -9 a writer mid-burst, many times: every acknowledged response survives."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from surveys.storage.responses import ResponseStore

WRITER = r"""
import sys, uuid
from pathlib import Path
from surveys.model import Response
from surveys.sealed import demo_public_key, seal_response
from surveys.storage.responses import ResponseStore
store = ResponseStore(Path(sys.argv[1]))
key = demo_public_key()
print("ready", flush=True)
while True:
    r = Response(id=uuid.uuid4().hex, questionnaire_id="pupils-7-11", questionnaire_version=1,
                 content_hash="h" * 64, band="7-11", academic_year="2026/27", term="autumn",
                 kiosk_id="kiosk-crash", answers={"q1": "yes", "q2": None})
    store.save(seal_response(r, key))
    print(r.id, flush=True)  # acknowledged only after save() returned
"""

ROUNDS = 12


@pytest.mark.slow
def test_kill_9_mid_burst_never_loses_an_acknowledged_response(tmp_path: Path):
    rng = random.Random(7)
    acknowledged: set[str] = set()
    for _ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[3],
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        acknowledged |= {line.strip() for line in proc.stdout if len(line.strip()) == 32}
        proc.stdout.close()
        # Every file on disk is whole JSON at every kill.
        for path in tmp_path.glob("responses/**/shard-*.json"):
            json.loads(path.read_text())
        with ResponseStore(tmp_path) as store:  # opens (and takes the lock) after a crash
            stored = {r.id for r in store.records()}
        missing = acknowledged - stored
        assert not missing, f"{len(missing)} acknowledged responses lost"
    assert len(acknowledged) > ROUNDS * 5, "the writer made real progress between kills"
