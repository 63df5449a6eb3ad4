"""Real hub processes and kiosk data folders for the sync tests (``hubs`` is in conftest.py)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

EXE = str(Path(sys.executable).parent / "esafety")


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, check=False)


@dataclass
class HubProcess:
    data: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, crash_at: str | None = None) -> HubProcess:
        log = open(self.data.parent / f"hub-{self.port}.log", "ab")  # noqa: SIM115
        env = {**os.environ, "ESAFETY_CRASH_AT": crash_at or ""}
        command = [EXE, "hub", "--data", str(self.data), "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--public-key", school_public_key().strip()]
        self.proc = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("hub did not start")

    def pairing_text(self) -> str:
        with urllib.request.urlopen(f"{self.url}/pairing", timeout=5) as r:
            page = r.read().decode()
        match = re.search(r"ESKHUB \S+ [A-Z0-9]{5}-[A-Z0-9]{5}", page)
        assert match, page
        return match.group(0)

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        self.proc.wait(timeout=15)
        self.proc = None


#: The passphrase of the school key pair these tests use (:func:`school_key_folder`).
SCHOOL_PASSPHRASE = "walrus tundra pepper violin"


@functools.lru_cache(maxsize=1)
def school_key_folder() -> Path:
    """The school's key pair these tests' kiosks seal to and their hubs hold, made once
    (``school-private-key.json`` opens with :data:`SCHOOL_PASSPHRASE`)."""
    from surveys.keys import make_key_pair

    folder = Path(tempfile.mkdtemp(prefix="esafety-school-key-"))
    make_key_pair(folder, SCHOOL_PASSPHRASE)
    return folder


def school_public_key() -> str:
    """The school's public key (``ESK1-…``) these tests' kiosks seal to: a kiosk that
    syncs must have it (the hub takes nothing sealed to another key)."""
    return (school_key_folder() / "school-public-key.txt").read_text()


def kiosk_folder(tmp_path: Path, kiosk_id: str, responses: int, seed: int) -> Path:
    from surveys.storage.settings import KioskSettings, save_settings

    data = tmp_path / kiosk_id
    save_settings(data, KioskSettings(kiosk_id=kiosk_id, public_key=school_public_key()))
    result = esafety(
        "demo-data", "--data", str(data), "--responses", str(responses), "--seed", str(seed),
        "--kiosk", kiosk_id,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return data


def hub_contents(data: Path) -> dict[str, str]:
    """Every record on the hub, by id, as a hash of its content (order-free)."""
    out: dict[str, str] = {}
    for path in sorted(data.glob("responses/*/*/*/shard-*.json")):
        for doc in json.loads(path.read_text())["responses"].values():
            assert doc["id"] not in out, "a response is stored twice"
            out[doc["id"]] = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    for path in sorted(data.glob("signatures/*/shard-*.json")):
        for doc in json.loads(path.read_text())["signatures"].values():
            assert doc["id"] not in out, "a signature is stored twice"
            out[doc["id"]] = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    return out


def files_snapshot(data: Path) -> dict[str, str]:
    """Hashes of every stored record file (responses, signatures, texts)."""
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*.json"))
        if p.parts[len(data.parts)] in ("responses", "signatures", "questionnaire-texts")
    }
