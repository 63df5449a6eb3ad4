"""Intruders against issue 12's network-facing changes, on the real components.

Four intruders:

1. someone on the **school network** with no secret (a phone or laptop on the Wi-Fi):
   reaches the hub's and the kiosk's ports, sends what it likes, and reads the plain-HTTP
   traffic between kiosks and the hub (kiosk ids, push numbers, receipts);
2. a **web page** from the internet open in a browser on a tablet or on the kiosk
   computer, whose own DNS name it can point anywhere (DNS rebinding: the browser then
   sends that name as ``Host`` and its page as ``Origin``);
3. a **pupil at a tablet**, who may type wrong staff PINs;
4. a **local user** of the kiosk laptop, who can connect to 127.0.0.1.

A defended attack is a plain test. One that works asserts the safe behaviour and is
``xfail(strict=True, raises=AssertionError)`` with the finding as its reason; one fixed
here passes and says so. Servers run for real: uvicorn in a thread (the hub) or the
``esafety kiosk`` process (the kiosk); the kiosk's web cache in front of a file server
that answers as Flet's does.
"""

from __future__ import annotations

import http.client
import json
import socket
import string
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from nacl.public import PrivateKey

from kiosk.hub.guard import SLOTS
from kiosk.hub.web import MAX_PAIR, MAX_PUSH, make_app
from kiosk.ui.origin import OriginCheck
from kiosk.ui.staff_desk import is_loopback
from surveys.storage.settings import PinGuard, PinHash
from surveys.sync.bundle import mac_of, push_ticket
from surveys.sync.hub import Hub
from surveys.sync.pairing import PairingProblem, code_key, open_pairing, proof
from tests.e2e.conftest import start_kiosk  # noqa: F401 - a fixture (starts `esafety kiosk`)
from tests.ports import free_port
from tests.surveys.sync.test_hub_hostile import real_body

SCHOOL = PrivateKey.generate().public_key.encode()
KIOSK = "kiosk-5e5e5e5e"
#: An address of this machine that is not loopback (a tablet's, as the kiosk sees it).
OTHER_ADDRESS = "192.0.2.2"


def network_address() -> str | None:
    try:
        with socket.socket() as s:
            s.bind((OTHER_ADDRESS, 0))
    except OSError:
        return None
    return OTHER_ADDRESS


class Served:
    """A real uvicorn server in a thread of this process."""

    def __init__(self, app: Any, host: str = "127.0.0.1", **config: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=self.port, log_level="error", **config)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[Hub, bytes]]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    secret, _ = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    yield hub, secret
    hub.close()


# -- 1. the school network against the hub --------------------------------------------


def dribble(
    port: int, path: str, headers: dict[str, str], stop: threading.Event, chunk: int, every: float
) -> None:
    """Declare a body, then send it ``chunk`` bytes at a time, every ``every`` seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", path)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    try:
        while not stop.wait(every):
            conn.send(b" " * chunk)
    except OSError:
        pass
    finally:
        conn.close()


def again_and_again(
    port: int, path: str, headers: dict[str, str], stop: threading.Event, chunk: int, every: float
) -> None:
    """:func:`dribble`, and each time the hub hangs up, again: an intruder does not give up."""
    while not stop.is_set():
        dribble(port, path, headers, stop, chunk, every)
        stop.wait(0.05)


def stolen(the_hub: Hub, kiosk_id: str) -> dict[str, str]:
    """A slow MAX_PUSH push from ``kiosk_id``, paired here, with its real ticket (as someone
    who stole that kiosk's secret could send; no MAC would match its body)."""
    key = code_key(the_hub.new_pairing_code(), kiosk_id)
    secret, _ = open_pairing(key, the_hub.pair(kiosk_id, proof(key, kiosk_id)))
    return {
        "X-Esafety-Kiosk": kiosk_id,
        "X-Esafety-Counter": "7",
        "X-Esafety-Mac": "0" * 64,
        "X-Esafety-Ticket": push_ticket(secret, kiosk_id, 7, MAX_PUSH),
        "Content-Length": str(MAX_PUSH),
    }


def read_off_the_wire(forged_ticket: str | None) -> dict[str, str]:
    """A slow MAX_PUSH push naming the real kiosk (its id read off the wire), without its
    secret: no ticket, or a made-up one."""
    headers = {
        "X-Esafety-Kiosk": KIOSK,
        "X-Esafety-Counter": "7",
        "X-Esafety-Mac": "0" * 64,
        "Content-Length": str(MAX_PUSH),
    }
    return headers if forged_ticket is None else {**headers, "X-Esafety-Ticket": forged_ticket}


def hold_slots_then_ask(
    hub,
    path: str,
    chunk: int,
    every: float,
    slow: list[dict[str, str]] | None = None,
    *,
    persist: bool = False,
) -> tuple[int, int, int]:
    """Slow senders on ``path`` with the ``slow`` headers (by default two pairings of 4 KiB)
    against the real guard, its stall limit 1 s so the test takes seconds; then the real
    kiosk's request 4 s later: (slots taken at 0.5 s, its status, the most slots ever taken
    at once). ``persist``: each sender starts again whenever the hub hangs up. On /push the
    kiosk sends a real push (one response); on /pair a stand-in the hub refuses (403)."""
    the_hub, secret = hub
    stall = 1.0
    guard = make_app(the_hub, "http://hub.test")
    guard.idle_seconds = stall
    server = Served(guard)
    stop = threading.Event()
    pairing = {"Content-Type": "application/json", "Content-Length": str(MAX_PAIR)}
    holders = [
        threading.Thread(
            target=again_and_again if persist else dribble,
            args=(server.port, path, headers, stop, chunk, every),
        )
        for headers in (slow or [pairing] * SLOTS)
    ]
    try:
        for t in holders:
            t.start()
        time.sleep(0.5)
        taken = guard.busy[path]
        time.sleep(4 * stall - 0.5)  # four times the stall limit
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        if path == "/pair":
            body = json.dumps({"kiosk_id": "kiosk-00000001", "proof": "0" * 64}).encode()
            conn.request("POST", "/pair", body=body, headers={"Content-Type": "application/json"})
        else:
            body = real_body(kiosk=KIOSK, school=SCHOOL)
            headers = {
                "X-Esafety-Kiosk": KIOSK,
                "X-Esafety-Counter": "1",
                "X-Esafety-Mac": mac_of(secret, b"1\n" + body, b"push"),
                "X-Esafety-Ticket": push_ticket(secret, KIOSK, 1, len(body)),
            }
            conn.request("POST", "/push", body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        return taken, status, guard.most
    finally:
        stop.set()
        for t in holders:
            t.join(10)
        server.stop()


@pytest.mark.parametrize("path", ["/pair", "/push"])
def test_a_byte_now_and_then_no_longer_holds_the_hubs_slots(hub, path):
    """Fixed here. The stall limit was per read, not per body: a byte every 19 s held a
    slot as long as the declared length lasted (4,096 bytes: 21.6 hours on /pair; 64 MiB
    on /push, with a kiosk id read off the wire), and two such senders blocked every
    pairing or every push (503 after 5 s in the queue). A body now has the stall limit
    plus a second per MIN_RATE (500) bytes: here, a byte every 0.4 s is cut after 1 s.
    (A push now needs its kiosk's ticket to take a slot at all: the slow pushes here are
    from two kiosks whose secrets were stolen, one slot each.)"""
    the_hub, _secret = hub
    slow = [stolen(the_hub, f"kiosk-5e5e00{n:02d}") for n in range(SLOTS)]
    taken, status, _most = hold_slots_then_ask(hub, path, 1, 0.4, slow if path == "/push" else None)
    assert taken == SLOTS, "the slow senders did not even take the slots"
    # The real kiosk gets the hub's own answer (403 to the pairing stand-in), not busy.
    assert status == (200 if path == "/push" else 403), f"the real request got {status}"


def test_a_push_just_over_the_minimum_rate_cannot_hold_the_push_slots(hub):
    """Fixed here. A push just over the minimum rate held a slot for hours: 500 bytes a
    second for 64 MiB (MAX_PUSH) is 37 hours, so two senders at 600 B/s (10 kbit/s
    together) with a kiosk id read off the wire (every push sends it in clear) blocked
    every kiosk's pushes (measured: the real push got 503 after 5 s in the queue). A push
    now shows its kiosk's ticket (an HMAC under the pairing secret of its id, number and
    length) before it may wait for a slot: without the secret, it is refused at once."""
    slow = [read_off_the_wire(None), read_off_the_wire("0" * 64)]
    taken, status, most = hold_slots_then_ask(hub, "/push", 300, 0.5, slow, persist=True)
    assert taken == 0 and most == 1, "a push without its kiosk's ticket took a slot"
    assert status == 200, f"the real push got {status}"
    assert hub[0].kiosks[KIOSK]["last_counter"] == 1


def test_the_pairing_page_believes_neither_forwarded_for_nor_a_rebound_name(hub):
    """The hub's pairing page (a live code) is for the hub computer only: a network client
    claiming 127.0.0.1 in X-Forwarded-For, and a rebound name from 127.0.0.1, are refused."""
    the_hub, _secret = hub
    server = Served(make_app(the_hub, "http://hub.test"), host="0.0.0.0")  # as `esafety hub`
    try:
        tries = [("127.0.0.1", f"rebind.attacker.example:{server.port}", {})]
        if network_address():
            tries.append(
                (OTHER_ADDRESS, f"127.0.0.1:{server.port}", {"X-Forwarded-For": "127.0.0.1"})
            )
        for source, host, extra in tries:
            conn = http.client.HTTPConnection(
                "127.0.0.1" if source == "127.0.0.1" else OTHER_ADDRESS,
                server.port,
                timeout=10,
                source_address=(source, 0),
            )
            conn.request("GET", "/pairing", headers={"Host": host, **extra})
            answer = conn.getresponse()
            assert answer.status == 403, (source, host)
            assert b"ESKHUB" not in answer.read()
            conn.close()
    finally:
        server.stop()


class ReplaysAReceipt:
    """A machine on the network that saw one real push answered, then answers the next
    push in the hub's place with that same (genuine) receipt."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: bytes | None = None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if url.endswith("/push") and self.seen is not None:
            return 200, self.seen
        status, answer = self.inner.post(url, body, headers)
        if url.endswith("/push") and status == 200:
            self.seen = answer
        return status, answer


def test_a_receipt_seen_on_the_wire_does_not_let_the_next_push_go(tmp_path, library):
    from surveys.demo import demo_responses
    from surveys.sealed import seal_response
    from surveys.storage.files import MemoryShelf
    from surveys.storage.responses import ResponseStore
    from surveys.storage.texts import keep_texts
    from surveys.sync.outbox import MIN_BATCH, KioskSync
    from surveys.sync.pairing import pairing_text
    from tests.surveys.sync.fakes import FakeTransport

    the_hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    root = tmp_path / "kiosk"
    store = ResponseStore(root, shelf=MemoryShelf())
    keep_texts(root, library.questionnaires.values())
    made = list(demo_responses(library, 2 * MIN_BATCH, seed=3, kiosk_ids=["kiosk-cafe0001"]))
    tap = ReplaysAReceipt(FakeTransport(the_hub))
    sync = KioskSync(root, "kiosk-cafe0001", store, None, tap)
    try:
        sync.pair(pairing_text("http://hub.test", the_hub.new_pairing_code()))
        store.save_many([seal_response(r, SCHOOL) for r in made[:MIN_BATCH]])
        assert sync.push_all() == MIN_BATCH and tap.seen is not None  # a real receipt, seen
        store.save_many([seal_response(r, SCHOOL) for r in made[MIN_BATCH:]])
        with pytest.raises(PairingProblem, match="did not come from the paired hub"):
            sync.push_all()
        assert store.counts()["responses"] == MIN_BATCH, "records let go on a replayed receipt"
    finally:
        store.close()
        the_hub.close()


# -- 2. a web page that rebinds its name: the kiosk's websocket --------------------------


def ws_status(port: int, host: str, origin: str | None, source: str = "127.0.0.1") -> int:
    """Open the kiosk's websocket by hand (Host and Origin as a browser would send them);
    the HTTP status of the answer (101: open)."""
    target = "127.0.0.1" if source == "127.0.0.1" else source
    with socket.create_connection((target, port), timeout=10, source_address=(source, 0)) as s:
        lines = [
            "GET /ws HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
        ]
        if origin is not None:
            lines.append(f"Origin: {origin}")
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = s.recv(200).decode("latin-1")
    return int(head.split()[1])


def test_a_rebound_name_cannot_open_the_kiosk_websocket_on_the_kiosk_computer(start_kiosk):  # noqa: F811
    """Fixed here. A page at http://rebind.attacker.example:8550/ opened in the kiosk
    computer's browser points its name at 127.0.0.1: its websocket's Origin then matches
    its Host, and its address is 127.0.0.1, the one the first staff PIN is set from. It
    was let in (101); now a websocket from this computer must name the kiosk by a
    loopback name or this computer's own name, as the hub's pairing page already did."""
    kiosk = start_kiosk()
    port = int(kiosk.url.rstrip("/").rsplit(":", 1)[1])
    rebound = f"rebind.attacker.example:{port}"
    assert ws_status(port, rebound, f"http://{rebound}") == 403
    assert ws_status(port, rebound, None) == 403
    # The kiosk computer's own browser still gets in, by any of its names for itself.
    for name in (f"127.0.0.1:{port}", f"localhost:{port}", f"{socket.gethostname()}:{port}"):
        assert ws_status(port, name, f"http://{name}") == 101, name


def test_forwarded_for_from_a_tablet_does_not_make_it_the_kiosk_computer():
    """uvicorn as the kiosk runs it (proxy headers trusted only from 127.0.0.1): a tablet
    sending X-Forwarded-For: 127.0.0.1 is still seen at its own address."""
    source = network_address()
    if source is None:
        pytest.skip(f"this machine has no address {OTHER_ADDRESS} to connect from")
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(scope["client"][0])
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    server = Served(OriginCheck(app), host="0.0.0.0", ws="websockets-sansio")
    try:
        conn = http.client.HTTPConnection(
            source, server.port, timeout=10, source_address=(source, 0)
        )
        conn.request(
            "GET", "/", headers={"X-Forwarded-For": "127.0.0.1", "Forwarded": "for=127.0.0.1"}
        )
        assert conn.getresponse().status == 204
        conn.close()
    finally:
        server.stop()
    assert seen == [source] and not is_loopback(seen[0])


# -- 3. a pupil at a tablet: the staff PIN --------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def wall(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


def test_wrong_pins_from_a_tablet_do_not_lock_the_staff_out(tmp_path):
    """Fixed: one back-off for the whole kiosk let a pupil at any tablet, waiting out each
    wait, keep every member of staff out all day (10 wrong guesses in ~31 minutes, then
    15-minute waits), the kiosk computer's own browser included. The kiosk computer now has
    a back-off of its own (pin-guard-here.json): the tablets' can lock, it stays open."""
    clock = Clock()
    tablets = PinGuard.in_folder(tmp_path, clock)
    here = PinGuard.in_folder(tmp_path, clock, kiosk_computer=True)
    stored = PinHash.make("4826")
    for _ in range(10):  # the pupil, waiting out each back-off
        clock.now += tablets.wait_seconds()
        assert not tablets.check("0000", stored)
    clock.now += 1
    assert tablets.wait_seconds() > 0, "the tablets are still held back"
    assert here.check("4826", stored), f"staff refused for {here.wait_seconds()} s more"


# -- 4. the network against sessions: ids and the web cache ----------------------------


def test_flet_session_ids_cannot_be_guessed_by_another_tablet():
    """Taking over a pupil's session needs its id (the hash of address and browser adds
    little: tablets of one model behind one address share it). Flet's ids are 16
    characters from 62, drawn with ``secrets``: about 95 bits, and never repeated here."""
    from flet.utils.strings import random_string

    ids = {random_string(16) for _ in range(20_000)}
    assert len(ids) == 20_000
    alphabet = set("".join(ids))
    assert alphabet <= set(string.ascii_letters + string.digits) and len(alphabet) == 62


def test_a_flood_of_unknown_paths_does_not_push_the_engine_out_of_the_web_cache(tmp_path):
    """Fixed here. Every unknown path (a tablet's /again-xxxx, or anyone's junk) is
    answered with the start page, and was kept gzipped under its own path: 256 junk paths
    filled the cache, and from then on a file not yet gzipped (all of them, if the flood
    comes while the kiosk starts and warms its cache) was gzipped again for every tablet
    (the 5-10 MB engine: about a second of CPU each). Now only real files are kept."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from kiosk.ui.webcache import WebCache
    from tests.kiosk.test_webcache import ENGINE, INDEX, SpaFiles

    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "main.dart.js").write_bytes(ENGINE)
    fetched: list[str] = []
    files = Starlette(routes=[Mount("/", SpaFiles(directory=tmp_path, html=True))])

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            fetched.append(scope["path"])
        await files(scope, receive, send)

    with warnings.catch_warnings():  # Starlette now prefers httpx2 for its test client
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    cache = WebCache(counting, "t1")
    client = TestClient(cache)  # no warming: the flood comes first
    gz = {"Accept-Encoding": "gzip"}
    for n in range(400):
        assert client.get(f"/again-{n:08x}", headers=gz).status_code == 200
    fetched.clear()
    for _ in range(3):
        answer = client.get("/main.dart.js", headers=gz)
        assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip"
    assert fetched.count("/main.dart.js") == 1, f"the engine gzipped {len(fetched)} times"
    assert len(cache._gzipped) <= 2


# -- 5. a local user of the kiosk laptop ------------------------------------------------


def test_another_local_account_cannot_reset_the_pin_back_off(tmp_path):
    """The back-off lives in pin-guard.json: deleting or rewriting it would reset it. The
    data folder is the kiosk account's alone (0700) and the file 0600, so another account
    on the laptop can neither read, replace nor delete it. (The kiosk's own account, and
    any account that can reach 127.0.0.1 while no PIN is set, are the kiosk computer: by
    design, see docs/privacy.md.)"""
    import os
    import stat

    from surveys.storage.layout import DataFolder
    from surveys.storage.settings import KioskSettings, save_settings

    data = tmp_path / "data"
    save_settings(data, KioskSettings())
    guard = PinGuard.in_folder(data, Clock())
    guard.check("0000", PinHash.make("4826"))
    path = DataFolder(data).pin_guard
    assert stat.S_IMODE(os.stat(data).st_mode) & 0o077 == 0
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
    assert json.loads(path.read_text())["failures"] == 1
