"""Intruders against the lead's console (issue 14): who can reach it, and what a session
that has not signed in, or has ended, can still do.

The intruders: someone on the **school network** (a laptop or tablet: address 192.0.2.2
of this machine stands in for it); a **web page** the lead has open in another tab
(cross-origin websocket, DNS rebinding: it chooses ``Host`` and ``Origin``); **another
program or user on the hub computer** (reaches 127.0.0.1, speaks Flet's protocol
itself, sends events for any control id); a **pupil at the unlocked laptop** (reopens a
closed tab); a **technician** who later has the disk (files, temp folders, logs).

The hub's real web side (:func:`kiosk.console.serve.console_app`) is served by uvicorn,
or called as ASGI with any client address; the console is driven over its websocket.
Every test here is a plain test: the ones marked FIXED failed before this branch.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hub.web import MAX_PAIR
from surveys.clock import FakeClock
from surveys.leadpassword import LeadPassword
from tests.e2e.console import start_hub  # noqa: F401 - a fixture (a real `esafety hub`)
from tests.intruder_console_helpers import (
    PASSPHRASE,
    PASSWORD,
    Console,
    Served,
    asgi,
    serve_console,
    sign_up,
)

#: An address of this machine that is not loopback: a laptop on the school network.
OTHER = "192.0.2.2"


def _other_address() -> bool:
    try:
        with socket.socket() as s:
            s.bind((OTHER, 0))
        return True
    except OSError:
        return False


needs_other = pytest.mark.skipif(not _other_address(), reason=f"{OTHER} is not on this machine")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    run = serve_console(tmp_path, host="0.0.0.0")
    yield run
    run.stop()


def raw(port: int, request: bytes, source: str = "127.0.0.1") -> tuple[int, bytes]:
    """One HTTP request sent byte for byte from ``source``: (status, body)."""
    with socket.create_connection((source, port), timeout=10, source_address=(source, 0)) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def unlock(tab: Console) -> None:
    tab.tap("Agreements")
    tab.wait_for("Unlock the school's key")
    tab.type("Passphrase for the private key", PASSPHRASE)
    tab.tap("Unlock")
    tab.wait_for("Find a name")


# -- reaching the console -------------------------------------------------------------------

CONSOLE_PATHS = ["/", "/ws", "/download/x/y.pdf", "/_v/1/main.dart.js", "/flutter_bootstrap.js",
                 "/upload", "/oauth_callback", "/index.html", "/pair/", "//pair", "/PAIR",
                 "/health/", "/push/x"]  # fmt: skip


@pytest.mark.parametrize("path", CONSOLE_PATHS)
def test_no_console_path_answers_another_computer(served: Served, path: str) -> None:
    status, body = asgi(served.gate, path, client=OTHER)
    assert status == 403 and b"only on the hub computer" in body
    assert asgi(served.gate, path, client=OTHER, kind="websocket")[0] == 1008


BAD_HOSTS = ["evil.example", "localhost.evil.example", "localhost.evil.example:8560",
             "127.0.0.1.nip.io:8560", "vm.evil.example", "0.0.0.0:8560", f"{OTHER}:8560",
             "2130706433:8560", "0x7f000001", "", "hub.school.lan:8560"]  # fmt: skip


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_name_that_is_not_this_computer_is_refused(served: Served, host: str) -> None:
    headers = [(b"host", host.encode())]
    assert asgi(served.gate, "/", headers=headers)[0] == 403
    assert asgi(served.gate, "/ws", headers=headers, kind="websocket")[0] == 1008
    assert asgi(served.gate, "/", headers=[])[0] == 403  # no Host at all


@pytest.mark.parametrize(
    "origin", ["null", "http://evil.example", "http://127.0.0.1:9", "http://localhost:8560",
               "https://127.0.0.1:8560", "file://", "http://127.0.0.1:8560.evil.example"],
)  # fmt: skip
def test_a_websocket_from_another_page_is_refused(served: Served, origin: str) -> None:
    headers = [(b"host", b"127.0.0.1:8560"), (b"origin", origin.encode())]
    assert asgi(served.gate, "/ws", headers=headers, kind="websocket")[0] == 1008


@pytest.mark.parametrize("host", ["127.0.0.1:8560", "localhost:8560", "localhost.:8560",
                                  "[::1]:8560", "[::ffff:127.0.0.1]:8560"])  # fmt: skip
def test_this_computer_by_its_own_names_is_let_in(served: Served, host: str) -> None:
    # The control for the refusals above: the same gate lets the lead's own page in.
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]
    assert asgi(served.gate, "/ws", headers=headers, kind="websocket")[0] == 101


@needs_other
def test_forwarded_for_and_absolute_uris_do_not_open_the_console(served: Served) -> None:
    port = served.port
    spoof = b"X-Forwarded-For: 127.0.0.1\r\nForwarded: for=127.0.0.1\r\nX-Real-IP: 127.0.0.1\r\n"
    asks = [
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + spoof + b"Connection: close\r\n\r\n",
        f"GET http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
        + b"Connection: close\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
    ]
    for ask in asks:
        status, _ = raw(port, ask, source=OTHER)
        assert status == 403, ask
    # From this computer a forwarded header only makes it look further away (refused).
    status, _ = raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.9"
                    b"\r\nConnection: close\r\n\r\n")  # fmt: skip
    assert status == 403
    assert raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")[0] == 200


@needs_other
def test_the_kiosk_paths_stay_kiosk_paths_behind_their_guard(served: Served) -> None:
    port = served.port
    for path in (b"/health", b"/health?x=1", b"/%68ealth"):
        status, body = raw(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n", source=OTHER)  # fmt: skip
        assert (status, json.loads(body)) == (200, {"ok": True}), path
    for path in (b"/%2Fpair", b"/PAIR", b"/pair/", b"//pair", b"/pair/../"):
        status, _ = raw(port, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 2"
                        b"\r\nConnection: close\r\n\r\n{}", source=OTHER)  # fmt: skip
        assert status in (403, 404), path  # the console's refusal, never the console
    # An encoded /pair is /pair: the guard's body limit still holds.
    big = MAX_PAIR * 4
    ask = b"POST /%70air HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    ask += f"Content-Length: {big}\r\nConnection: close\r\n\r\n".encode() + b"x" * big
    assert raw(port, ask, source=OTHER)[0] == 413


@needs_other
def test_no_one_on_the_network_can_set_the_first_password(served: Served) -> None:
    import websockets.sync.client as ws

    url = f"ws://{OTHER}:{served.port}/ws"
    for origin in (None, f"http://{OTHER}:{served.port}"):
        headers = {"Origin": origin} if origin else {}
        with pytest.raises(Exception) as refused:  # websockets' own refusal
            ws.connect(url, additional_headers=headers, source_address=(OTHER, 0), open_timeout=5)
        assert "403" in str(refused.value) or "1008" in str(refused.value)
    assert not served.services.password.is_set()


# -- downloads ------------------------------------------------------------------------------


def test_download_addresses_are_unguessable_and_die_with_their_session(served: Served) -> None:
    mine = served.downloads.new_folder()
    (mine / "pack.pdf").write_bytes(b"%PDF-1.7 made for the lead")
    (mine / "table.csv").write_text("<script>alert(1)</script>,1\n")
    a, b = served.downloads.offer(mine / "pack.pdf"), served.downloads.offer(mine / "table.csv")
    token = a.split("/")[2]
    assert len(token) >= 32 and token != b.split("/")[2]
    assert os.stat(served.downloads.folder).st_mode & 0o077 == 0
    assert os.stat(mine).st_mode & 0o077 == 0
    status, body = raw(served.port, f"GET {a} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Connection: close\r\n\r\n".encode())  # fmt: skip
    assert status == 200 and b"%PDF-1.7 made for the lead" in body
    for path in (f"/download/{token}/..%2F..%2Fetc%2Fpasswd", f"/download/{token}/../pack.pdf",
                 f"/download/{token}x/pack.pdf", f"/download/{token[:-1]}/pack.pdf",
                 f"/download/{token}/pack.pdf/", f"/download//{token}/pack.pdf",
                 "/download/../../etc/passwd", f"/download/{token}/table.csv"):  # fmt: skip
        assert asgi(served.gate, path)[0] == 404, path
    served.downloads.forget(mine)  # the session locked, idled or closed
    assert asgi(served.gate, a)[0] == 404
    assert not mine.exists()


def test_a_download_is_never_sniffed_into_a_page(served: Served) -> None:
    """FIXED: a CSV (answers, names) went without ``nosniff``; a browser could guess HTML."""
    mine = served.downloads.new_folder()
    (mine / "register.csv").write_text("<html><script>alert(1)</script>\n")
    address = served.downloads.offer(mine / "register.csv")
    ask = f"GET {address} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(ask.encode())
        head = s.recv(65536).split(b"\r\n\r\n")[0].lower()
    assert b"x-content-type-options: nosniff" in head
    assert b"content-disposition: attachment" in head
    assert b"cache-control: no-store" in head


# -- the lead password ----------------------------------------------------------------------


def test_two_tabs_setting_the_first_password_at_once_set_one(served: Served) -> None:
    tabs = [Console(served.ws) for _ in range(2)]
    for tab in tabs:
        tab.wait_for("Choose a password")
    words = [PASSWORD, "lantern pebble walrus quiver"]
    for tab, pw in zip(tabs, words, strict=True):
        tab.type("New password", pw)
        tab.type("The same password again", pw)
    threads = [threading.Thread(target=t.tap, args=("Set the password",)) for t in tabs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(2)
    shown = [t.text() for t in tabs]
    assert sum("To do first" in s for s in shown) == 1, shown
    assert sum("set meanwhile" in s for s in shown) == 1, shown
    winner = words[["To do first" in s for s in shown].index(True)]
    assert LeadPassword(served.hub.root).check(winner)
    for tab in tabs:
        tab.close()


def test_wrong_tries_from_many_tabs_at_once_are_throttled(served: Served) -> None:
    sign_up(served).close()
    tabs = [Console(served.ws) for _ in range(4)]
    for tab in tabs:
        tab.wait_for("Sign in")
        tab.type("Password", "pebble lantern walrus guess")
    threads = [threading.Thread(target=t.tap, args=("Sign in",)) for t in tabs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for tab in tabs:
        tab.wait_for("Wrong password")
    last = Console(served.ws)
    last.wait_for("Sign in")
    last.type("Password", PASSWORD)
    last.tap("Sign in")
    last.wait_for("Too many tries")
    assert "To do first" not in last.text()
    for tab in [*tabs, last]:
        tab.close()


def test_the_throttle_survives_a_restart_and_a_damaged_guard_file(tmp_path: Path) -> None:
    clock = FakeClock()
    first = LeadPassword(tmp_path, clock)
    assert first.choose(PASSWORD, PASSWORD) is None
    for _ in range(4):
        assert not first.check("wrong guess words here")
    restarted = LeadPassword(tmp_path, clock)
    assert restarted.wait_seconds() > 0 and not restarted.check(PASSWORD)
    guard = tmp_path / "hub" / "lead-guard.json"
    for damage in ("", "{", '{"failures": "x"}', "[]", '{"failures": -5, "locked_until": 0}'):
        guard.write_text(damage)
        again = LeadPassword(tmp_path, clock)
        if damage.startswith('{"failures": -5'):
            continue  # a well-formed file is believed: writing it needs the hub folder anyway
        assert again.wait_seconds() > 0 and not again.check(PASSWORD), damage


def test_a_clock_put_back_never_waits_longer_than_the_longest_wait(tmp_path: Path) -> None:
    """FIXED: a wait written while the clock was a year ahead kept the lead out for a year
    once the clock was put right (each look said "15 minutes" again)."""
    clock = FakeClock()
    password = LeadPassword(tmp_path, clock)
    assert password.choose(PASSWORD, PASSWORD) is None
    clock.advance(365 * 86400)  # the clock is wrong, a year ahead
    for _ in range(12):
        password.check("wrong guess words here")
    clock.advance(-365 * 86400)  # put right
    restarted = LeadPassword(tmp_path, clock)
    assert 0 < restarted.wait_seconds() <= 15 * 60
    clock.advance(15 * 60 + 1)
    assert restarted.wait_seconds() == 0 and restarted.check(PASSWORD)
    # Putting the clock back never shortens a wait either: it is counted from now.
    for _ in range(4):
        restarted.check("wrong guess words here")
    clock.advance(-3600)
    assert restarted.wait_seconds() > 0 and not restarted.check(PASSWORD)


@pytest.mark.parametrize(
    "damage", ["", "{", "null", "[]", "{}", '{"argon2id": null}', '{"argon2id": ""}',
               '{"argon2id": "x"}', '{"argon2id": "£"}', '{"argon2id": 5}', "\x00\xff", "dir"],
)  # fmt: skip
def test_a_damaged_password_file_never_means_no_password(tmp_path: Path, damage: str) -> None:
    password = LeadPassword(tmp_path)
    path = tmp_path / "hub" / "lead-password.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "dir":
        path.mkdir()
    else:
        path.write_bytes(damage.encode("latin-1"))
    assert password.is_set()
    for guess in ("", PASSWORD, "None", "x", "$damaged$"):
        assert not password.check(guess)
    assert password.choose(PASSWORD, PASSWORD) is not None  # cannot be set over it


def test_the_password_is_kept_only_as_an_argon2id_hash(tmp_path: Path) -> None:
    password = LeadPassword(tmp_path)
    assert password.choose(PASSWORD, PASSWORD) is None
    stored = (tmp_path / "hub" / "lead-password.json").read_text()
    assert PASSWORD not in stored and json.loads(stored)["argon2id"].startswith("$argon2id$")
    assert password.check(PASSWORD) and not password.check(PASSWORD + " ")


# -- sessions -------------------------------------------------------------------------------


def test_a_session_that_has_not_signed_in_can_do_nothing(served: Served) -> None:
    sign_up(served).close()
    codes_before = served.hub.new_pairing_code  # the call a pairing makes
    made: list[str] = []
    served.hub.new_pairing_code = lambda: made.append("code") or codes_before()  # type: ignore[method-assign]
    tab = Console(served.ws)
    tab.wait_for("Sign in")
    # Every id on the door and far beyond, every event a button or field sends.
    for target in range(1, 600):
        for name in ("click", "submit", "change", "tap"):
            tab.click(target, name)
    time.sleep(2)
    assert "Sign in" in tab.text()
    for shown in ("To do first", "Kiosks", "Lock", "ESKHUB", "Find a name"):
        assert shown not in tab.text()
    assert made == []
    tab.close()


def test_a_locked_session_s_old_buttons_do_nothing(served: Served) -> None:
    tab = sign_up(served)
    tab.tap("Kiosks")
    tab.wait_for("Show a pairing code")
    old = tab.ids()
    tab.tap("Lock")
    tab.wait_for("Locked. Sign in")
    codes = len(served.hub._codes)
    for target in old:
        tab.click(target)
    time.sleep(2)
    assert "Sign in" in tab.text() and "ESKHUB" not in tab.text()
    assert len(served.hub._codes) == codes
    tab.close()


def test_a_closed_tab_takes_the_key_with_it(served: Served) -> None:
    """FIXED: for a minute after the tab closed, a new page with its session id (a pupil
    reopening the closed tab: the browser keeps the id) had the console signed in, key open."""
    tab = sign_up(served)
    unlock(tab)
    sid = tab.session_id
    tab.close()
    time.sleep(1)
    reopened = Console(served.ws, session_id=sid)
    assert reopened.session_id == sid  # the same session, taken over
    reopened.wait_for("Sign in")
    assert "Locked when the page closed" in reopened.text()
    assert "Find a name" not in reopened.text() and "Home" not in reopened.text()
    reopened.type("Password", PASSWORD)
    reopened.tap("Sign in")
    reopened.wait_for("To do first")
    unlock_asked = reopened.tap("Agreements")
    assert unlock_asked
    reopened.wait_for("Unlock the school's key")  # the key was forgotten
    reopened.close()


def test_idle_locks_and_forgets_the_key(tmp_path: Path) -> None:
    run = serve_console(tmp_path, idle=6)
    try:
        tab = sign_up(run)
        unlock(tab)
        tab.wait_for("without a tap", timeout=20)
        tab.type("Password", PASSWORD)
        tab.tap("Sign in")
        tab.wait_for("To do first")
        tab.tap("Agreements")
        tab.wait_for("Unlock the school's key")
        tab.close()
    finally:
        run.stop()


def test_nothing_personal_is_written_to_disk(tmp_path: Path, monkeypatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    run = serve_console(tmp_path)
    try:
        before = {p for p in tmp_path.rglob("*") if p.is_file()}
        tab = sign_up(run)
        unlock(tab)
        tab.tap("Lock")
        tab.wait_for("Locked")
        tab.close()
        after = {p for p in tmp_path.rglob("*") if p.is_file()}
        new = sorted(str(p.relative_to(tmp_path)) for p in after - before)
        assert new == ["hub/hub/lead-password.json"], new
        # In temp: only Flet's patched copy of its web page (made at start, deleted at
        # exit), never a session's file, and nothing typed into the console.
        left = [p for p in temp.rglob("*") if p.is_file()]
        assert {p.name for p in left} <= {"index.html", "manifest.json", "FontManifest.json"}
        assert not any(run.downloads.folder in p.parents for p in left)
        for p in left:
            assert PASSWORD.encode() not in p.read_bytes()
            assert PASSPHRASE.encode() not in p.read_bytes()
    finally:
        run.stop()


def test_the_hub_s_output_holds_no_password_passphrase_or_key(start_hub) -> None:  # noqa: F811
    hub = start_hub()
    ws = hub.url.replace("http://", "ws://") + "ws"
    tab = Console(ws)
    tab.wait_for("Choose a password")
    tab.type("New password", PASSWORD)
    tab.type("The same password again", PASSWORD)
    tab.tap("Set the password")
    tab.wait_for("To do first")
    tab.tap("Agreements")
    tab.wait_for("Unlock the school's key")
    for where, phrase in ((str(hub.data), PASSPHRASE), (str(hub.private_key), "wrong " + PASSWORD),
                          ("/nonexistent/key.json", PASSPHRASE)):  # fmt: skip
        tab.type("School private key file", where)
        tab.type("Passphrase for the private key", phrase)
        tab.tap("Unlock")
        time.sleep(1.5)
    tab.type("School private key file", str(hub.private_key))
    tab.type("Passphrase for the private key", PASSPHRASE)
    tab.tap("Unlock")
    tab.wait_for("Find a name")
    tab.tap("Lock")
    tab.wait_for("Sign in")
    tab.type("Password", PASSWORD + " typo")
    tab.tap("Sign in")
    tab.wait_for("Wrong password")
    tab.close()
    hub.proc.terminate()
    hub.proc.wait(10)
    output = hub.log.read_text(errors="replace")
    secrets_ = [PASSWORD, PASSPHRASE, "wrong " + PASSWORD]
    key = json.loads(hub.private_key.read_text())
    secrets_ += [key["sealed_private_key"], key["kdf"]["salt"]]
    for secret in secrets_:
        assert secret not in output
    assert "Traceback" not in output, output
