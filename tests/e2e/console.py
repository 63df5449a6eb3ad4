"""Start ``esafety hub`` (its console on this computer) for the console's browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from surveys.keys import make_key_pair
from tests.ports import free_port

#: The lead's console password and the school key's passphrase in these tests.
PASSWORD = "kettle orbit violin meadow"
PASSPHRASE = "heron copper tulip anchor"


@dataclass
class HubRun:
    url: str
    data: Path
    private_key: Path
    proc: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def pairing_text(self) -> str:
        lines = [x.strip() for x in self.log.read_text().splitlines()]
        return next(x for x in lines if x.startswith("ESKHUB "))


@pytest.fixture
def start_hub(tmp_path: Path) -> Iterator:
    """``esafety hub`` on 127.0.0.1 with a fresh school key; stopped after the test."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str, idle: float | None = None, data: Path | None = None) -> HubRun:
        private, public = make_key_pair(tmp_path / "keys", PASSPHRASE)
        port = free_port()
        data = data or tmp_path / "hub"
        log = tmp_path / f"hub-{port}.log"
        env = dict(os.environ)
        if idle is not None:
            env["ESAFETY_CONSOLE_IDLE"] = str(idle)
        exe = str(Path(sys.executable).parent / "esafety")
        command = [exe, "hub", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)]
        command += ["--public-key", str(public), "--key", str(private), *extra]
        with open(log, "wb") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return HubRun(url, data, private, proc, log, env)
            except OSError:
                time.sleep(0.2)
            if proc.poll() is not None:
                break
        raise RuntimeError(log.read_text())

    yield start
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)
