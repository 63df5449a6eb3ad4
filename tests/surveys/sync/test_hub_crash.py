"""kill -9 the hub in the middle of pushes, many times: nothing lost, nothing twice."""

from __future__ import annotations

import json
import random
import subprocess
import time
from pathlib import Path

import pytest

from tests.surveys.sync.processes import EXE, esafety, hub_contents, school_public_key


def kiosk_records(data: Path) -> set[str]:
    ids = set()
    for path in data.glob("responses/*/*/*/shard-*.json"):
        ids |= {d["id"] for d in json.loads(path.read_text())["responses"].values()}
    return ids


@pytest.mark.slow
def test_killing_the_hub_mid_push_loses_nothing_and_duplicates_nothing(tmp_path, hubs):
    kiosk = tmp_path / "kiosk-hall"
    from surveys.storage.settings import KioskSettings, save_settings

    save_settings(kiosk, KioskSettings(kiosk_id="kiosk-hall", public_key=school_public_key()))
    hub = hubs("hub").start()
    paired = esafety("sync", "--data", str(kiosk), "--pair", hub.pairing_text())
    assert paired.returncode == 0, paired.stderr
    hub.stop()
    rng = random.Random(2)
    kills = 0
    written: set[str] = set()
    for round_ in range(6):
        more = esafety(
            "demo-data", "--data", str(kiosk), "--responses", "1200", "--seed", str(round_ + 10),
            "--kiosk", "kiosk-hall",
        )  # fmt: skip
        assert more.returncode == 0
        written |= kiosk_records(kiosk)
        hub.start()
        pusher = subprocess.Popen(
            [EXE, "sync", "--data", str(kiosk)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.3, 1.0))
        kills += pusher.poll() is None
        hub.stop(kill=True)
        pusher.communicate(timeout=60)
        for path in hub.data.glob("responses/**/shard-*.json"):
            json.loads(path.read_text())  # every file whole at every kill
        hub_contents(hub.data)  # and never a record twice
    assert kills >= 1, "the hub was killed while a push was under way"
    if hub.proc is None:
        hub.start()  # a restart finishes any import a kill interrupted
    for _ in range(5):
        done = esafety("sync", "--data", str(kiosk))
        if done.returncode == 0 and "waiting: 0 responses" in done.stdout:
            break
    assert "waiting: 0 responses" in done.stdout, done.stdout + done.stderr
    hub.stop()
    on_hub = hub_contents(hub.data)
    assert set(on_hub) == written
    assert len(on_hub) == 6 * 1200
    assert kiosk_records(kiosk) == set(), "what the hub acknowledged has left the kiosk"


@pytest.mark.slow
@pytest.mark.parametrize("crash_at", ["after-journal", "mid-merge"])
def test_a_hub_that_dies_at_the_worst_moment_finishes_the_import_on_restart(
    tmp_path, hubs, crash_at
):
    kiosk = tmp_path / "kiosk-hall"
    from surveys.storage.settings import KioskSettings, save_settings

    save_settings(kiosk, KioskSettings(kiosk_id="kiosk-hall", public_key=school_public_key()))
    hub = hubs("hub").start()
    assert esafety("sync", "--data", str(kiosk), "--pair", hub.pairing_text()).returncode == 0
    hub.stop()
    esafety("demo-data", "--data", str(kiosk), "--responses", "1500", "--kiosk", "kiosk-hall")
    written = kiosk_records(kiosk)

    hub.start(crash_at=crash_at)
    failed = esafety("sync", "--data", str(kiosk))
    assert failed.returncode == 1  # the hub died before it answered: nothing acknowledged
    hub.proc.wait(timeout=10)
    hub.proc = None
    assert list((hub.data / "hub" / "incoming").glob("*.json")), "the journal survived"

    hub.start()  # restart: the interrupted import is finished first
    log = (hub.data / "hub" / "sync-log.jsonl").read_text()
    assert "finished an interrupted import" in log
    assert len(hub_contents(hub.data)) == 1500
    done = esafety("sync", "--data", str(kiosk))  # the kiosk sends again: nothing doubles
    assert done.returncode == 0 and "waiting: 0 responses" in done.stdout, done.stderr
    hub.stop()
    assert set(hub_contents(hub.data)) == written
    assert kiosk_records(kiosk) == set(), "what the hub acknowledged has left the kiosk"
