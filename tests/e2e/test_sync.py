"""Pairing a kiosk with a running hub on its staff screen; a finished survey then arrives."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from surveys.keys import make_key_pair
from surveys.storage.settings import KioskSettings, PinHash, save_settings
from tests.ports import free_port

pytestmark = pytest.mark.browser
PIN = "2468"
PASSPHRASE = "heron copper tulip anchor"


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


@pytest.fixture
def hub(tmp_path):
    port = free_port()
    data = tmp_path / "hub"
    log = tmp_path / "hub.log"
    exe = str(Path(sys.executable).parent / "esafety")
    # The lead's key pair: the hub is given the public key, and hands it over at pairing.
    private, public = make_key_pair(tmp_path / "keys", PASSPHRASE)
    command = [exe, "hub", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, "--public-key", str(public)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    text = ""
    while time.monotonic() < deadline and not text:
        time.sleep(0.2)
        lines = [x.strip() for x in log.read_text().splitlines()]
        text = next((x for x in lines if x.startswith("ESKHUB ")), "")
    assert text, log.read_text()
    yield data, text, private
    proc.terminate()
    proc.wait(timeout=10)


def test_a_kiosk_paired_on_its_staff_screen_sends_a_finished_survey_by_itself(
    hub, start_kiosk, open_screen, library, tmp_path, monkeypatch
):
    hub_data, pairing, private = hub
    data = tmp_path / "kiosk"
    # The kiosk has the school's key before pairing (pairing would hand it over anyway):
    # the four answers saved before pairing are sealed to it, so they may leave.
    public = private.with_name("school-public-key.txt")
    settings = KioskSettings(kiosk_id="kiosk-hall", pin=PinHash.make(PIN))
    save_settings(data, settings.model_copy(update={"public_key": public.read_text()}))
    # Four earlier pupils' answers wait: the fifth makes a batch (a push never carries one).
    exe = str(Path(sys.executable).parent / "esafety")
    subprocess.run(
        [exe, "demo-data", "--data", str(data), "--responses", "4", "--kiosk", "kiosk-hall"],
        check=True,
    )
    kiosk = start_kiosk("--sync-every", "1", data=data)
    s = open_screen(kiosk.url)
    s.tap("Staff")
    s.type("Staff PIN", PIN)
    s.tap("Unlock")
    s.wait_for_text("Not paired with a hub yet")
    s.type("Pairing text from the hub (ESKHUB …)", pairing)
    s.tap("Pair with the hub")
    s.wait_for_text("Paired with the hub at", timeout=20_000)
    s.shot("60-staff-paired")
    s.tap("Ages 7–11")
    s.wait_for_text("Now set for: Ages 7–11")
    s.tap("Open for pupils")

    s.tap("Start")
    s.tap("Next")
    s.tap("OK, let's go")
    s.wait_for_text("Question 1 of")
    while True:
        s.tap("I'd rather not say")
        s.page.wait_for_timeout(150)
        if "You've answered all the questions" in s.text():
            break
    s.tap("Finish")
    s.wait_for_text("Thank you!")

    deadline = time.monotonic() + 30
    stats = {}
    while time.monotonic() < deadline:
        result = esafety("stats", "--data", str(hub_data), "--json")
        if result.returncode == 0:
            stats = json.loads(result.stdout)
            if stats.get("hub_kiosks", {}).get("kiosk-hall", {}).get("last_seen"):
                break
        time.sleep(0.5)
    held = [
        doc for f in hub_data.glob("responses/*/*/*/shard-*.json")
        for doc in json.loads(f.read_text())["responses"].values()
    ]  # fmt: skip
    assert len(held) == 5, stats  # stats round a term still open; the files do not
    (kiosk_id,) = stats["hub_kiosks"]
    assert stats["hub_kiosks"][kiosk_id]["paired"] and stats["hub_kiosks"][kiosk_id]["last_seen"]
    log = (hub_data / "hub" / "sync-log.jsonl").read_text().splitlines()
    assert [json.loads(x)["via"] for x in log][:3] == ["key", "pair", "push"]
    # Sealed all the way: no question id in clear on the hub, and the kiosk kept nothing.
    on_hub = b"".join(f.read_bytes() for f in (hub_data / "responses").rglob("*") if f.is_file())
    assert b"time-online-school-days" not in on_hub and b"under-1-hour" not in on_hub
    assert not any(json.loads(f.read_text())["responses"] for f in data.glob("responses/**/*.json"))
    # The lead's export opens them with the school's private key, in memory.
    out = tmp_path / "export"
    monkeypatch.setenv("ESAFETY_PASSPHRASE", PASSPHRASE)
    exported = esafety(
        "export", "--data", str(hub_data), "--out", str(out), "--quiet", "--key", str(private)
    )
    assert exported.returncode == 0, exported.stderr
    assert "about 10 responses" in exported.stdout and (out / "evidence-pack.pdf").is_file()
