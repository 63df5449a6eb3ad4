"""Three kiosks, two hubs, pushes and USB bundles in different orders: the same records, once.

Every kiosk and hub here is its own process, run as staff would run it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from surveys.sync.bundle import MAGIC
from tests.surveys.sync.processes import (
    SCHOOL_PASSPHRASE,
    esafety,
    files_snapshot,
    hub_contents,
    kiosk_folder,
    school_key_folder,
)

KIOSKS = ["kiosk-hall", "kiosk-trolley-a", "kiosk-trolley-b"]


def run_all(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Several kiosks at once, each its own process."""
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda c: esafety(*c), commands))


@pytest.mark.slow
def test_overlapping_pushes_and_bundles_in_any_order_end_with_the_same_records_once(tmp_path, hubs):
    kiosks = {k: kiosk_folder(tmp_path, k, 0, seed=i + 1) for i, k in enumerate(KIOSKS)}
    a = hubs("hub-a").start()
    for data in kiosks.values():  # pair each kiosk with hub A (one live code each)
        result = esafety("sync", "--data", str(data), "--pair", a.pairing_text())
        assert result.returncode == 0, result.stderr
    a.stop()
    # Hub B trusts the same kiosks (the lead copied the hub folder to a second laptop).
    b = hubs("hub-b")
    shutil.copytree(a.data / "hub", b.data / "hub", ignore=shutil.ignore_patterns("*.jsonl"))
    for p in (b.data / "hub").glob("incoming"):
        shutil.rmtree(p)

    bundles: list[tuple[str, Path]] = []

    def answers_arrive(kiosks_with: dict[str, int], seed: int) -> None:
        """Pupils answer; staff copy each kiosk's bundle to a stick; then it pushes to A."""
        for i, (k, n) in enumerate(kiosks_with.items()):
            more = esafety(
                "demo-data", "--data", str(kiosks[k]), "--responses", str(n),
                "--seed", str(seed + i), "--kiosk", k,
            )  # fmt: skip
            assert more.returncode == 0
            bundles.append((k, tmp_path / f"{k}-{seed}.bundle"))
            made = esafety(
                "bundle", "export", "--data", str(kiosks[k]), "--out", str(bundles[-1][1])
            )
            assert made.returncode == 0, made.stderr
        a.start()
        pushed = run_all([["sync", "--data", str(kiosks[k])] for k in kiosks_with])
        assert all(p.returncode == 0 for p in pushed), [p.stderr for p in pushed]
        assert all("waiting: 0 responses" in p.stdout for p in pushed)
        a.stop()

    answers_arrive(dict.fromkeys(KIOSKS, 150), seed=1)  # three kiosks push at once
    answers_arrive(dict.fromkeys(KIOSKS[:2], 60), seed=50)  # more answers on two of them

    # Hub A: it has everything by push; now every bundle too, in two orders.
    for order in (bundles, list(reversed(bundles))):
        result = esafety("bundle", "import", "--data", str(a.data), *[str(f) for _k, f in order])
        assert result.returncode == 0, result.stderr
    # Hub B: only bundles, in another order, one of them twice.
    order = [bundles[2], bundles[4], bundles[0], bundles[3], bundles[1], bundles[0]]
    result = esafety("bundle", "import", "--data", str(b.data), *[str(f) for _k, f in order])
    assert result.returncode == 0, result.stderr

    on_a, on_b = hub_contents(a.data), hub_contents(b.data)
    assert on_a == on_b
    assert len(on_a) == 3 * 150 + 2 * 60  # each record exactly once
    stats = json.loads(esafety("stats", "--data", str(a.data), "--json").stdout)
    assert {k: v["responses"] for k, v in stats["hub_kiosks"].items()} == {
        KIOSKS[0]: 210, KIOSKS[1]: 210, KIOSKS[2]: 150,
    }  # fmt: skip
    for data in kiosks.values():
        assert not list(data.glob("responses/*/*/*/shard-*.json")) or all(
            not json.loads(f.read_text())["responses"]
            for f in data.glob("responses/*/*/*/shard-*.json")
        ), "what the hub acknowledged has left the kiosk"

    # Importing the same bundle again changes no file at all.
    before = files_snapshot(a.data)
    again = esafety("bundle", "import", "--data", str(a.data), str(bundles[0][1]))
    assert again.returncode == 0 and "0 new responses, 150 already here" in again.stdout
    assert files_snapshot(a.data) == before


@pytest.mark.slow
def test_bad_bundles_and_replayed_pushes_are_refused_whole_and_change_nothing(tmp_path, hubs):
    hall = kiosk_folder(tmp_path, "kiosk-hall", 80, seed=3)
    stranger = kiosk_folder(tmp_path, "kiosk-stranger", 20, seed=4)
    hub = hubs("hub").start()
    assert esafety("sync", "--data", str(hall), "--pair", hub.pairing_text()).returncode == 0
    other = hubs("other-hub").start()  # the stranger is paired, but with another hub
    assert esafety("sync", "--data", str(stranger), "--pair", other.pairing_text()).returncode == 0
    other.stop()
    hub.stop()
    more = esafety("demo-data", "--data", str(hall), "--responses", "80", "--seed", "13",
                   "--kiosk", "kiosk-hall")  # fmt: skip
    assert more.returncode == 0  # new answers since the kiosk last pushed

    good = tmp_path / "good.bundle"
    esafety("bundle", "export", "--data", str(hall), "--out", str(good))
    data = good.read_bytes()
    flipped = bytearray(data)
    flipped[len(MAGIC) + 200 + len(data) // 2 % 1000] ^= 0x01
    cases = {
        "flipped.bundle": (bytes(flipped), "has been changed since the kiosk made it"),
        "truncated.bundle": (data[: len(data) - 1000], "cut short"),
        "stranger.bundle": (None, "is not paired with this hub"),
    }
    esafety("bundle", "export", "--data", str(stranger), "--out", str(tmp_path / "stranger.bundle"))
    before = files_snapshot(hub.data)
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = esafety("bundle", "import", "--data", str(hub.data), str(path))
        assert result.returncode == 1 and "REFUSED, nothing imported" in result.stderr
        assert reason in result.stderr, result.stderr
        assert files_snapshot(hub.data) == before
    log = (hub.data / "hub" / "sync-log.jsonl").read_text()
    assert log.count("refused:") == 3

    # A push recorded on the wire and sent again is refused: its number is used up.
    hub.start()
    recorded = _record_a_push(hall, tmp_path)
    first = _send(hub.url, recorded)
    assert first[0] == 200, first
    snapshot = files_snapshot(hub.data)
    replay = _send(hub.url, recorded)
    assert replay[0] == 403 and "repeats an earlier request" in replay[1]
    forged = dict(recorded, headers={**recorded["headers"], "X-Esafety-Counter": "999999"})
    refused = _send(hub.url, forged)  # a new number without the kiosk's key: not sealed
    assert refused[0] == 403 and "not sealed with its key (its ticket" in refused[1]
    assert files_snapshot(hub.data) == snapshot


RECORDER = r"""
import json, sys
from pathlib import Path
from surveys.storage.settings import load_settings
from surveys.storage.responses import ResponseStore
from surveys.sync.outbox import KioskSync
data = Path(sys.argv[1])
class Recorder:
    def post(self, url, body, headers):
        Path(sys.argv[2]).write_text(json.dumps({"headers": headers, "body": body.decode()}))
        raise OSError("recorded, not sent")
sync = KioskSync(data, load_settings(data).kiosk_id, ResponseStore(data, writer=False), None,
                 Recorder())
try:
    sync.push_all()
except OSError:
    pass
"""


def _record_a_push(kiosk: Path, tmp_path: Path) -> dict:
    out = tmp_path / "push.json"
    subprocess.run(
        [sys.executable, "-c", RECORDER, str(kiosk), str(out)],
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    return json.loads(out.read_text())


def _send(url: str, recorded: dict) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{url}/push", data=recorded["body"].encode(), headers=recorded["headers"], method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


SEAL_ONE = r"""
import datetime as dt, sys, uuid
from pathlib import Path
from surveys.agreements.aup import AupRef, Signature
from surveys.keys import parse_public_key
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
data, public = Path(sys.argv[1]), parse_public_key(Path(sys.argv[2]).read_text())
s = Signature(id=uuid.uuid4().hex, aup=AupRef(id="aup-staff", version=1, content_hash="h"),
              signer="staff", signed_on=dt.date(2026, 11, 23), kiosk_id=sys.argv[3],
              signer_name="Priya Visiting-Teacher", relationship="Supply teacher",
              typed_signature="Priya Visiting-Teacher")
with SignatureStore(data) as store:
    store.save(seal_signature(s, public))
"""


@pytest.mark.slow
def test_signatures_travel_sealed_and_the_register_opens_them_on_the_hub(tmp_path, hubs):
    import os

    keys = school_key_folder()  # the key the hub holds and hands over at pairing
    env = {**os.environ, "ESAFETY_PASSPHRASE": SCHOOL_PASSPHRASE}
    hall = kiosk_folder(tmp_path, "kiosk-hall", 10, seed=9)
    subprocess.run(
        [sys.executable, "-c", SEAL_ONE, str(hall), str(keys / "school-public-key.txt"),
         "kiosk-hall"],
        check=True, cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    hub = hubs("hub").start()
    assert esafety("sync", "--data", str(hall), "--pair", hub.pairing_text()).returncode == 0
    bundle = tmp_path / "hall.bundle"  # one signature waits (fewer than 5): it is in the bundle
    esafety("bundle", "export", "--data", str(hall), "--out", str(bundle))
    assert b"Priya" not in bundle.read_bytes() and b'"signatures":[{' in bundle.read_bytes()
    done = esafety("sync", "--data", str(hall), "--all")  # the end of the day: all of it goes
    assert "waiting: 0 responses" in done.stdout, done.stdout + done.stderr
    assert ", 0 signed agreements" in done.stdout, done.stdout
    hub.stop()
    for path in hub.data.rglob("*"):
        if path.is_file():
            assert b"Priya" not in path.read_bytes()  # and on the hub
    out = tmp_path / "register.csv"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "register", "--data", str(hub.data), "--key",
         str(keys / "school-private-key.json"), "--out", str(out)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Priya Visiting-Teacher" in out.read_text("utf-8-sig")


def test_a_kiosk_id_can_never_name_a_folder_outside_the_store(tmp_path):
    import secrets as random_secrets

    from nacl.public import PrivateKey

    from surveys.sync.bundle import BundleRefused, make_bundle
    from surveys.sync.hub import Hub

    hub = Hub(tmp_path / "hub", school_key=PrivateKey.generate().public_key.encode())
    secret = random_secrets.token_bytes(32)
    hub.kiosks["../../evil"] = {"secret": secret.hex(), "last_counter": 0, "last_seen": None}
    bundle = make_bundle("../../evil", secret, [], [], [])
    with pytest.raises(BundleRefused, match="header is damaged"):
        hub.import_file(bundle)
    hub.close()
    assert not (tmp_path / "evil").exists()
