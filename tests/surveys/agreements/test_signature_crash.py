"""kill -9 a kiosk mid-way through saving signatures: every acknowledged one survives, sealed."""

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

from surveys.agreements.sealing import open_signatures
from surveys.agreements.store import SignatureStore
from surveys.keys import make_key_pair, open_private_key

WRITER = r"""
import datetime as dt, sys, uuid
from pathlib import Path
from surveys.agreements.aup import AupRef, Signature
from surveys.keys import parse_public_key
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
public = parse_public_key(Path(sys.argv[2]).read_text())
store = SignatureStore(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    s = Signature(id=uuid.uuid4().hex, aup=AupRef(id="aup-ks2", version=1, content_hash="h"),
                  signer="pupils", signed_on=dt.date(2026, 11, 23), kiosk_id="kiosk-crash",
                  signer_name="Crash Test", class_name="4B", strokes=[[(1.0, 2.0)] * 200])
    store.save(seal_signature(s, public))
    print(s.id, flush=True)  # acknowledged only after save() returned
"""

ROUNDS = 8
PASSPHRASE = "crash hammer violet orbit"


@pytest.mark.slow
def test_kill_9_while_saving_signatures_never_loses_or_corrupts_one(tmp_path: Path):
    private, public = make_key_pair(tmp_path / "keys", PASSPHRASE)
    data = tmp_path / "data"
    rng = random.Random(11)
    acknowledged: set[str] = set()
    for _ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), str(public)],
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
        for path in data.glob("signatures/**/shard-*.json"):
            json.loads(path.read_text())  # every file whole at every kill
        with SignatureStore(data) as store:  # reopens (and takes the lock) after a crash
            stored = {r.id for r in store.records()}
        assert not acknowledged - stored, "an acknowledged signature was lost"
    assert len(acknowledged) > ROUNDS * 3, "the writer made real progress between kills"
    opened = open_signatures(
        list(SignatureStore(data, writer=False).records()), open_private_key(private, PASSPHRASE)
    )
    assert {s.signer_name for s in opened} == {"Crash Test"}
