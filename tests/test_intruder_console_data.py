"""Intruders against what the lead's console SHOWS and WRITES (issue 14): Trends, Downloads,
Agreements and Content, on a real hub folder with answers and signatures sealed to the
school's key.

The intruders: a **teacher** who watched a pupil at a tablet and can see the console (or a
screenshot) before and after; someone **comparing two views or exports**; a **technician**
who later has the laptop (temp folders, the hub folder); **another program** on the hub
computer speaking Flet's protocol; a **CSV or HTML** file opened in Excel or a browser; a
hostile **class list** or **content folder**.

The hub's real web side is served by uvicorn and driven over its websocket
(tests/intruder_console_helpers.py). A slow disk is a named pipe in place of a shard file:
the console's worker waits on it until the test feeds it the shard's real bytes. Tests
marked FIXED failed before this branch; the rest are plain tests of what holds.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import content as shipped
from exports.lead import answer_keys, make_export, released_report, trend_choices, trend_view
from kiosk.console.desk import ConsoleDesk
from surveys.agreements.aup import Signer
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
from surveys.content.library import load_content
from surveys.demo import write_demo_data
from surveys.keys import open_private_key, parse_public_key
from surveys.storage.responses import ResponseStore
from tests.intruder_console_helpers import (
    PASSPHRASE,
    Console,
    Served,
    serve_console,
    sign_up,
)
from tests.surveys.agreements.signatures import signature

LIBRARY = load_content(shipped.SHIPPED_DIR)
HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+44 1234 cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert('pwned')</script>",
    "<img src=x onerror=alert(1)>",
    "\u202eevil\u202c Patel",
]


def _fill(folder: Path, public: bytes, responses: int = 600) -> None:
    """Answers over five years and signatures with hostile names, sealed to the school."""
    key = parse_public_key(public.decode())
    with ResponseStore(folder) as store:
        write_demo_data(store, LIBRARY, responses, seed=5, kiosk_ids=["kiosk-hall"], public=key)
    ks2, parents = LIBRARY.aups["aup-ks2"], LIBRARY.aups["aup-parents"]
    with SignatureStore(folder) as store:
        for n, name in enumerate(HOSTILE_NAMES, start=1):
            store.save(seal_signature(signature(ks2, n, signer_name=name, class_name="4B"), key))
        parent = signature(
            parents, 99, signer=Signer.PARENTS, signer_name="Zainab Okonkwo",
            relationship="Mum", child_name="Amira Patel", child_aup=ks2.ref,
        )  # fmt: skip
        store.save(seal_signature(parent, key))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    run = serve_console(tmp_path, before=_fill)
    yield run
    for slow in SlowShard.made:  # a test that failed midway: no worker is left stuck
        slow.feed()
    SlowShard.made.clear()
    run.stop()


def unlock(tab: Console, place: str, shown: str) -> None:
    tab.tap(place)
    tab.wait_for("Unlock the school's key")
    tab.type("Passphrase for the private key", PASSPHRASE)
    tab.tap("Unlock")
    tab.wait_for(shown, timeout=60)


def desks() -> list[ConsoleDesk]:
    """The console sessions alive in this process (to look at what each still holds)."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, ConsoleDesk)]


class SlowShard:
    """A shard file turned into a named pipe: whoever reads it waits until :meth:`feed`."""

    made: ClassVar[list[SlowShard]] = []

    def __init__(self, path: Path) -> None:
        self.path, self.data = path, path.read_bytes()
        self.fd: int | None = None
        path.unlink()
        os.mkfifo(path, 0o600)
        SlowShard.made.append(self)

    def reader_waiting(self, timeout: float = 30) -> None:
        """Returns once a worker has opened the pipe (it is stuck reading it)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
                return
            except OSError:  # ENXIO: nobody reads it yet
                assert time.monotonic() < deadline, "no worker read the shard"
                time.sleep(0.05)

    def feed(self) -> None:
        if self in SlowShard.made:
            SlowShard.made.remove(self)
        if self.fd is None:
            try:
                self.fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # nobody reads it: put the file back
                self.fd = None
        if self.fd is not None:
            os.set_blocking(self.fd, True)
            os.write(self.fd, self.data)
            os.close(self.fd)
        self.path.unlink()
        self.path.write_bytes(self.data)


# -- a lock while a worker reads ----------------------------------------------------------


def test_a_lock_while_the_register_opens_keeps_no_names_and_shows_none(served: Served) -> None:
    """FIXED: the register opened in a worker was kept and drawn after a Lock tapped
    meanwhile: the names (and the key) stayed in memory, and the door was replaced by the
    register for whoever sat at the laptop next."""
    shard = sorted((served.hub.root / "signatures").rglob("shard-*.json"))[0]
    tab = sign_up(served)
    slow = SlowShard(shard)  # after Home, which counts the signatures
    tab.tap("Agreements")
    tab.wait_for("Unlock the school's key")
    tab.type("Passphrase for the private key", PASSPHRASE)
    tab.tap("Unlock")
    slow.reader_waiting()
    tab.tap("Lock")
    tab.wait_for("Locked. Sign in")
    slow.feed()
    time.sleep(3)
    assert "Sign in" in tab.text()
    for name in ("Zainab Okonkwo", "Amira Patel", "signed agreement"):
        assert name not in tab.text()
    for desk in desks():
        assert desk._opened is None and desk.school_key is None
    tab.close()


def test_a_lock_while_trends_read_keeps_no_figures_or_key(served: Served) -> None:
    """FIXED: Trends read in a worker were kept with the answers' keys (the school's
    private key) after a Lock tapped meanwhile, and the chart was drawn over the door."""
    key = open_private_key(served.key_file, PASSPHRASE)
    keys = answer_keys(served.hub.root, key)
    make_export(served.hub.root, LIBRARY, keys, served.key_file.parent / "pack")
    tab = sign_up(served)
    unlock(tab, "Agreements", "Zainab Okonkwo")
    shard = sorted((served.hub.root / "responses").rglob("shard-*.json"))[0]
    slow = SlowShard(shard)
    tab.tap("Trends")
    slow.reader_waiting()
    tab.tap("Lock")
    tab.wait_for("Locked. Sign in")
    slow.feed()
    time.sleep(4)
    assert "Sign in" in tab.text() and "What changed" not in tab.text()
    for desk in desks():
        assert desk._released is None and desk.answers is None
    tab.close()


# -- agreements: hostile names and class lists --------------------------------------------


def _fetch(served: Served, tab: Console) -> bytes:
    """The file the page last sent the browser to (its /download/ address)."""
    deadline = time.monotonic() + 20
    while not any(name == "launch_url" for name, _ in tab.invoked):
        assert time.monotonic() < deadline, "the page sent the browser nowhere"
        time.sleep(0.1)
    url = next(a["url"] for name, a in reversed(tab.invoked) if name == "launch_url")
    tab.invoked.clear()
    with urllib.request.urlopen(served.url.rstrip("/") + url, timeout=10) as got:
        return bytes(got.read())


def test_hostile_names_stay_text_on_screen_in_the_csv_and_on_the_printable_page(
    served: Served,
) -> None:
    tab = sign_up(served)
    unlock(tab, "Agreements", "Zainab Okonkwo")
    for name in HOSTILE_NAMES:
        assert name in tab.text()  # shown as typed, as text: Flet draws no HTML
    tab.type("Search by name or class", "=HYPERLINK")
    tab.tap("Search")
    tab.wait_for('1 signature match "=HYPERLINK"')
    tab.tap("Show everyone")
    deadline = time.monotonic() + 20
    while "signature match" in tab.text():  # drawn again without the search
        assert time.monotonic() < deadline
        time.sleep(0.1)
    tab.tap("Download the register (CSV)")
    tab.wait_for("This file holds names")
    rows = list(csv.reader(io.StringIO(_fetch(served, tab).decode("utf-8-sig"))))
    for cell in (c for row in rows[1:] for c in row):
        assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
    assert any(c.startswith("'=HYPERLINK") for row in rows for c in row)
    tab.tap("Printable page")
    tab.wait_for("Downloading the printable page")
    page = _fetch(served, tab).decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    tab.close()


def test_a_hostile_class_list_is_refused_or_used_as_text_and_goes_with_the_lock(
    served: Served,
) -> None:
    tab = sign_up(served)
    unlock(tab, "Agreements", "Zainab Okonkwo")
    bad = [
        ("utf16.csv", "name,class\nZoë,4B\n".encode("utf-16"), "save it as CSV (UTF-8)"),
        ("cols.csv", b"pupil,form\nA,B\n", "must name the columns"),
        ("big.csv", b"name,class\n" + b"a,b\n" * 1_500_000, "larger than 5 MB"),
        ("field.csv", b"name,class\n" + b"x" * 200_000 + b",4B\n", "not readable as CSV"),
    ]
    for name, data, said in bad:
        tab.picked = [{"id": 1, "name": name, "size": len(data), "bytes": data}]
        tab.tap("Choose a class list")
        tab.wait_for(said, timeout=30)
        assert "Class list " not in tab.text()  # nothing was used
    hostile = 'name,class\n=HYPERLINK("http://evil.example"),4B\n<b>Nul\x00l</b>,4B\n'
    tab.picked = [{"id": 1, "name": "<i>list</i>.csv", "size": 1, "bytes": hostile.encode()}]
    tab.tap("Choose a class list")
    tab.wait_for("Using <i>list</i>.csv: 2 pupils")
    tab.tap("Class list status (CSV)")
    tab.wait_for("This file holds names")
    status = _fetch(served, tab).decode("utf-8-sig")
    assert "'=HYPERLINK" in status and "\x00" not in status
    tab.tap("Lock")
    tab.wait_for("Locked. Sign in")
    for desk in desks():
        assert desk._opened is None
    tab.close()


def test_a_class_list_of_300_000_classes_is_drawn_in_bounded_time(served: Served) -> None:
    """FIXED: the by-class table drew one row per class on the list, uncapped: a 5 MB list
    of 330,000 classes sent over a million controls to the page, which never drew it."""
    tab = sign_up(served)
    unlock(tab, "Agreements", "Zainab Okonkwo")
    data = b"name,class\n" + b"".join(b"p%d,c%d\n" % (i, i) for i in range(330_000))
    assert len(data) < 5 * 2**20
    tab.picked = [{"id": 1, "name": "all.csv", "size": len(data), "bytes": data}]
    started = time.monotonic()
    tab.tap("Choose a class list")
    tab.wait_for("Using all.csv: 330000 pupils", timeout=60)
    took = time.monotonic() - started
    assert took < 60 and len(tab.ids()) < 20_000, (took, len(tab.ids()))
    assert "Showing 200 of 330001 classes" in tab.text()
    tab.close()


# -- trends: only the ledger, and nothing written ---------------------------------------


def _every_view(report) -> dict[tuple[str, str, int, int], tuple[list[list[str]], str]]:
    choices = trend_choices(report)
    n = len(report.periods)
    return {
        (topic, band, first, last): (view.rows, view.chart.alt)
        for topic, _ in choices.topics
        for band, _ in choices.bands
        for first, last in ((0, n - 1), (n - 1, n - 1), (max(0, n - 3), n - 1))
        for view in [trend_view(report, topic, band, first, last)]
    }


def test_trends_never_write_the_ledger_and_later_answers_change_no_view(tmp_path: Path) -> None:
    """A teacher who watched a pupil answer compares every Trends view (each band, every
    band, each run of terms) before and after: nothing differs, and looking writes nothing."""
    data = tmp_path / "hub"
    _fill(data, _public(tmp_path))
    keys = answer_keys(data, open_private_key(tmp_path / "keys" / "school-private-key.json",
                                              PASSPHRASE))  # fmt: skip
    make_export(data, LIBRARY, keys, tmp_path / "pack")
    ledger = data / "releases" / "ledger.json"
    stamp = (ledger.read_bytes(), ledger.stat().st_mtime_ns)
    before = _every_view(released_report(data, LIBRARY, keys))
    assert before and (ledger.read_bytes(), ledger.stat().st_mtime_ns) == stamp
    current = [p.label for p in released_report(data, LIBRARY, keys).periods]
    # More answers arrive, in every term (the current one too): one more pupil, then 40.
    public = parse_public_key(_public(tmp_path).decode())
    with ResponseStore(data) as store:
        write_demo_data(store, LIBRARY, 40, seed=77, kiosk_ids=["kiosk-hall"], public=public)
    after = _every_view(released_report(data, LIBRARY, keys))
    assert after == before
    assert [p.label for p in released_report(data, LIBRARY, keys).periods] == current
    assert (ledger.read_bytes(), ledger.stat().st_mtime_ns) == stamp


def _public(tmp_path: Path) -> bytes:
    from surveys.keys import make_key_pair

    folder = tmp_path / "keys"
    if not (folder / "school-public-key.txt").exists():
        make_key_pair(folder, PASSPHRASE)
    return (folder / "school-public-key.txt").read_bytes()
