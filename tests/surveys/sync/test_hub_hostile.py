"""The hub under hostile traffic (issue 12 item 4): a real uvicorn server in a thread of
this process, so that its memory is this process's, measured around each attack.

Each attack leaves every file the hub keeps (its log apart, which notes refusals)
unchanged, and the process's peak memory (``VmHWM``, reset through
``/proc/self/clear_refs``) grows by no more than the limit says.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from nacl.public import PrivateKey

import content as shipped
from kiosk.hub.guard import QUEUE, SLOTS, WAIT_SECONDS
from kiosk.hub.web import MAX_PUSH, make_app
from surveys.content.library import load_content
from surveys.model import Response
from surveys.sealed import seal_response
from surveys.sync.bundle import BundleRefused, body_of, mac_of, push_ticket
from surveys.sync.hub import COUNTER_WINDOW, Hub
from surveys.sync.pairing import code_key, open_pairing, proof
from tests.ports import free_port

SCHOOL = PrivateKey.generate().public_key.encode()
KIOSK = "kiosk-1a2b3c4d"
MiB = 1024 * 1024
CHUNK = b"x" * MiB  # one buffer, sent again and again: the client holds 1 MiB


def memory() -> dict[str, int]:
    """This process's VmRSS and VmHWM (peak), in MiB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


def reset_peak() -> int:
    """Reset the peak to now (Linux: ``echo 5 > /proc/self/clear_refs``); returns RSS in MiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return memory()["VmRSS"]


def hub_files(hub: Hub) -> dict[str, bytes]:
    """Every file the hub keeps but its log (a refusal is logged, by design)."""
    return {
        str(p.relative_to(hub.root)): p.read_bytes()
        for p in sorted(hub.root.rglob("*"))
        if p.is_file() and p != hub.folder.hub_log
    }


class Server:
    def __init__(self, hub: Hub) -> None:
        self.port = free_port()
        self.guard = make_app(hub, "http://hub.test")
        config = uvicorn.Config(self.guard, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the hub did not start"
            time.sleep(0.05)

    def send(
        self, path: str, mebibytes: int, headers: dict[str, str], *, declare: bool = False
    ) -> int:
        """POST ``mebibytes`` MiB, chunked (no length) unless ``declare``; the status, or 0
        if the hub closed the connection before answering (it stopped reading)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = {**headers}
            if declare:
                sent["Content-Length"] = str(mebibytes * MiB)
            body = (CHUNK for _ in range(mebibytes))
            conn.request("POST", path, body=body, headers=sent, encode_chunked=not declare)
            return conn.getresponse().status
        except (ConnectionError, BrokenPipeError):
            try:
                return conn.getresponse().status
            except (ConnectionError, http.client.HTTPException, OSError):
                return 0
        finally:
            conn.close()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def paired(tmp_path: Path) -> Iterator[tuple[Hub, bytes, Server]]:
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    secret, _ = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    server = Server(hub)
    yield hub, secret, server
    server.stop()
    hub.close()


def push_headers(
    secret: bytes, counter: int, body: bytes = b"", *, kiosk: str = KIOSK, length: int = -1
) -> dict[str, str]:
    """A paired kiosk's push headers: its ticket for ``length`` bytes (by default the body's
    own length, also sent as Content-Length) and the MAC of ``body``."""
    size = len(body) if length < 0 else length
    return {
        "Content-Length": str(size),
        "X-Esafety-Kiosk": kiosk,
        "X-Esafety-Counter": str(counter),
        "X-Esafety-Mac": mac_of(secret, str(counter).encode() + b"\n" + body, b"push"),
        "X-Esafety-Ticket": push_ticket(secret, kiosk, counter, size),
    }


def pair(hub: Hub, kiosk_id: str) -> bytes:
    """Pair ``kiosk_id`` as its staff screen would; its secret."""
    key = code_key(hub.new_pairing_code(), kiosk_id)
    return open_pairing(key, hub.pair(kiosk_id, proof(key, kiosk_id)))[0]


def test_a_400_mb_pairing_body_is_cut_at_4_kib_while_streaming(paired):
    hub, _secret, server = paired
    before = hub_files(hub)
    rss = reset_peak()
    status = server.send("/pair", 400, {"Content-Type": "application/json"})
    grew = memory()["VmHWM"] - rss
    print(f"pair 400 MiB chunked: status {status}, peak RSS +{grew} MiB (from {rss} MiB)")
    assert status in (413, 0)
    assert grew < 20, f"the hub's memory grew by {grew} MiB for a body it should cut at 4 KiB"
    assert server.send("/pair", 400, {}, declare=True) == 413  # declared: refused unread
    assert hub_files(hub) == before


def test_a_push_from_a_kiosk_not_paired_is_refused_before_its_body(paired):
    hub, _secret, server = paired
    before = hub_files(hub)
    rss = reset_peak()
    headers = push_headers(bytes(32), 1, kiosk="kiosk-99999999", length=60 * MiB)
    status = server.send("/push", 60, headers, declare=True)
    grew = memory()["VmHWM"] - rss
    print(f"unpaired push 60 MiB: status {status}, peak RSS +{grew} MiB")
    assert status in (403, 0)
    assert grew < 20
    assert hub_files(hub) == before


def test_a_push_over_the_limit_or_its_declared_length_is_stopped_there(paired):
    """A push must declare its length (its ticket covers it): over MAX_PUSH, 413 unread;
    none (chunked), 411 unread; a body longer than declared is read only to its length."""
    hub, secret, server = paired
    before = hub_files(hub)
    rss = reset_peak()
    over = MAX_PUSH // MiB + 100
    assert server.send("/push", over, push_headers(secret, 1, length=over * MiB)) == 413
    unsaid = {k: v for k, v in push_headers(secret, 2).items() if k != "Content-Length"}
    assert server.send("/push", over, unsaid) == 411
    # The ticket and Content-Length say 1 MiB: the hub answers once 1 MiB has come (the
    # MAC is checked over that, no more), and whatever follows is not part of the push.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.putrequest("POST", "/push")
    for k, v in push_headers(secret, 3, length=MiB).items():
        conn.putheader(k, v)
    conn.endheaders()
    conn.send(CHUNK)
    answer = conn.getresponse()
    said = answer.read()  # the ticket was good: the body's own MAC is what refused it
    assert answer.status == 403 and b"not sealed with its key" in said and b"ticket" not in said
    try:
        for _ in range(59):
            conn.send(CHUNK)
    except OSError:
        pass  # the hub closed the connection on the bytes after the push
    finally:
        conn.close()
    grew = memory()["VmHWM"] - rss
    print(f"push {over} MiB, chunked, and 60 MiB after 1 MiB declared: +{grew} MiB")
    assert grew < 20
    assert hub_files(hub) == before


def test_twelve_parallel_big_pushes_are_read_two_at_a_time(paired):
    hub, _secret, server = paired
    kiosks = {f"kiosk-00aa00{n:02d}": b"" for n in range(12)}  # one push in flight per kiosk
    for kiosk in kiosks:
        kiosks[kiosk] = pair(hub, kiosk)
    before = hub_files(hub)
    rss = reset_peak()
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        # Each with its kiosk's real ticket, its MAC not over this body: read whole, refused.
        jobs = [
            pool.submit(
                server.send, "/push", 60, push_headers(s, 1, kiosk=k, length=60 * MiB), declare=True
            )
            for k, s in kiosks.items()
        ]
        statuses = sorted(j.result() for j in jobs)
    grew = memory()["VmHWM"] - rss
    print(f"12 x 60 MiB pushes at once: {statuses}, peak RSS +{grew} MiB (from {rss} MiB)")
    assert set(statuses) <= {403, 503, 0} and server.guard.most == SLOTS
    assert statuses.count(503) >= 12 - SLOTS - QUEUE  # the rest waited their turn
    assert grew < SLOTS * 60 + 60, f"{grew} MiB for 12 pushes"
    assert hub_files(hub) == before


def test_the_hub_answers_busy_with_retry_after(paired):
    hub, secret, server = paired
    slow = [threading.Event() for _ in range(SLOTS)]
    holders = [f"kiosk-00bb00{n:02d}" for n in range(SLOTS)]  # paired kiosks, one push each
    secrets = {k: pair(hub, k) for k in holders}

    def hold(kiosk: str, done: threading.Event) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.putrequest("POST", "/push")
        for k, v in push_headers(secrets[kiosk], 1, kiosk=kiosk, length=1000).items():
            conn.putheader(k, v)
        conn.endheaders()
        conn.send(b"x")  # a byte, then wait (under the 20 s stall limit)
        done.wait(WAIT_SECONDS + 8)
        conn.close()

    pairs = zip(holders, slow, strict=True)
    threads = [threading.Thread(target=hold, args=(k, e)) for k, e in pairs]
    for t in threads:
        t.start()
    time.sleep(1.0)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    started = time.monotonic()
    conn.request("POST", "/push", body=b"{}", headers=push_headers(secret, 2, b"{}"))
    answer = conn.getresponse()
    waited = time.monotonic() - started
    assert answer.status == 503 and answer.getheader("Retry-After") == "30"
    assert WAIT_SECONDS - 0.5 < waited < WAIT_SECONDS + 3  # it waited its turn, then gave up
    assert b"busy" in answer.read()
    for e in slow:
        e.set()
    for t in threads:
        t.join()


def real_body(when: str = "2026/27", *, kiosk: str = KIOSK, school: bytes = SCHOOL) -> bytes:
    """A push body as ``kiosk`` makes it: one response sealed to ``school``'s key."""
    q = load_content(shipped.SHIPPED_DIR).for_parents()
    assert q is not None
    response = Response(
        id="cd" * 16, questionnaire_id=q.id, questionnaire_version=q.version,
        content_hash=q.content_hash, band=None, academic_year=when, term="autumn",
        kiosk_id=kiosk, answers={},
    )  # fmt: skip
    return body_of(kiosk, [seal_response(response, school)], [], [q])


def test_a_push_numbered_far_ahead_is_refused_and_the_kiosk_carries_on(tmp_path):
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    secret, _ = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    body = real_body()
    before = hub_files(hub)
    for counter in (10**15, COUNTER_WINDOW + 1):
        mac = mac_of(secret, str(counter).encode() + b"\n" + body, b"push")
        with pytest.raises(BundleRefused, match="far beyond its last"):
            hub.import_push(KIOSK, counter, mac, body)
        assert hub_files(hub) == before
    mac = mac_of(secret, b"1\n" + body, b"push")
    assert hub.import_push(KIOSK, 1, mac, body).added == 1  # the real kiosk's next push
    assert hub.kiosks[KIOSK]["last_counter"] == 1
    hub.close()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda b: b.replace(b'"academic_year":"2026/27"', b'"academic_year":"2026/29"'), "year"),
        (lambda b: b.replace(b'"academic_year":"2026/27"', b'"academic_year":"2098/99"'), "year"),
        (lambda b: _resealed(b, b"A" * 5000), "size"),
        (lambda b: _resealed(b, b"not base64!"), "sealed"),
    ],
)
def test_a_record_no_kiosk_makes_is_refused_whole(tmp_path, change, why):
    hub = Hub(tmp_path / "hub", school_key=SCHOOL)
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    secret, _ = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    body = change(real_body())
    before = hub_files(hub)
    mac = mac_of(secret, b"1\n" + body, b"push")
    with pytest.raises(BundleRefused, match=why):
        hub.import_push(KIOSK, 1, mac, body)
    assert hub_files(hub) == before
    hub.close()


def _resealed(body: bytes, sealed: bytes) -> bytes:
    import json

    doc = json.loads(body)
    doc["responses"][0]["sealed"] = sealed.decode()
    return json.dumps(doc).encode()
