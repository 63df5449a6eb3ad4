"""Motivated intruders against "I'd like to talk to someone", on the real components.

Three intruders, as in :mod:`tests.test_intruder`:

1. a **teacher** who watched which pupil used tablet 3, sees the tablet's screen after
   them, and can read the lead's printed list;
2. a **technician** with a shell on the kiosk or the hub laptop: data folders, file
   sizes, times and inode numbers, logs, the USB bundle; the school's *public* key is
   public, so they can seal a request of their own;
3. someone on the **school network**, who captures, replays, forges, drops or answers
   pushes in the hub's place; and a pupil playing a prank at the tablet.

A defended attack is a plain test (a regression guard). An attack that works asserts
the safe behaviour and is ``xfail(strict=True, raises=AssertionError)``, its finding
the reason. ``SetUpFailed`` (never an AssertionError) means the stage could not be set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli.requests import requests_csv, requests_html
from surveys.keys import SchoolKey, make_key_pair, open_private_key, parse_public_key
from surveys.model import AgeBand
from surveys.requests.model import HelpRequest, TalkForm
from surveys.requests.sealing import open_requests, seal_request
from surveys.storage.layout import DataFolder
from surveys.sync.bundle import BundleRefused, body_of
from surveys.sync.hub import Hub
from surveys.sync.pairing import PairingProblem, pairing_text
from tests.exports.release_data import first_answers
from tests.intruder_helpers import HUB_URL, Kiosk, Wiretap, make_kiosk, require
from tests.intruder_requests_helpers import (
    CLASS,
    NAME,
    AnswersForTheHub,
    PagelessTalk,
    ask,
    every_byte,
    lead_rows,
    names_in,
    opens_with,
    with_requests,
)
from tests.surveys.sync.fakes import FakeTransport

PASSPHRASE = "otter lantern maple quiver"


def finding(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, SchoolKey, Path]:
    """The school's public key, its private key opened, and the private key's file."""
    private, public = make_key_pair(tmp_path_factory.mktemp("lead") / "keys", PASSPHRASE)
    return parse_public_key(public.read_text()), open_private_key(private, PASSPHRASE), private


@pytest.fixture
def hub(tmp_path: Path, school) -> Iterator[Hub]:
    h = Hub(tmp_path / "hub", school_key=school[0])
    yield h
    h.close()


@pytest.fixture
def kiosks(tmp_path: Path, library, hub: Hub, school) -> Iterator:
    """Real kiosks with request stores, talking to ``hub`` through a wiretap."""
    made: list[tuple[Kiosk, Any]] = []

    def make(name: str = "kiosk-3", *, pair: bool = True, **kw: Any) -> Kiosk:
        kw.setdefault("public_key", school[0])
        k = make_kiosk(tmp_path / name, library, transport=Wiretap(FakeTransport(hub)), **kw)
        made.append((k, with_requests(k)))
        if pair:
            k.services.pair_with_hub(pairing_text(HUB_URL, hub.new_pairing_code()))
        return k

    yield make
    for k, store in made:
        k.close()
        store.close()


# =============================================================================================
# Promise 2: the name is for the lead's key alone
# =============================================================================================


def test_the_name_is_nowhere_in_clear_on_the_kiosk_the_wire_the_bundle_or_the_hub(
    kiosks, hub, school, caplog
):
    k = kiosks()
    ask(k)
    bundle = k.services.sync.bundle()
    k.services.sync_now()
    tap: Wiretap = k.transport
    require(hub.requests_waiting()[0] == 1, "the request reached the hub")
    wire = b"".join(c.body + c.answer + json.dumps(c.headers).encode() for c in tap.seen)
    seen = every_byte(k.data, hub.root) + bundle + wire + caplog.text.encode()
    # Quoted, as JSON or a log would hold them (base64 has no quote: no chance match).
    for word in (NAME, f'"{NAME}"', f'"{CLASS}"', f" {CLASS} ", "someone-unkind"):
        assert word.encode() not in seen, word
    (held,) = hub.requests.records()
    (opened,) = open_requests([held], school[1])
    assert (opened.first_name, opened.class_name) == (NAME, CLASS)


# =============================================================================================
# Promise 1: nothing pairs a request with the same pupil's answers
# =============================================================================================


def test_a_request_shares_no_id_push_or_dated_file_with_the_pupils_response(kiosks, hub, library):
    k = kiosks()
    q = library.questionnaires["pupils-7-11"]
    for _ in range(4):
        k.answer(first_answers(q))
    response = k.answer(first_answers(q))  # the watched pupil: the fifth, so a batch goes
    ask(k)
    (held,) = k.services.requests.records()  # type: ignore[union-attr]
    assert held.id != response.id and held.id[:8] not in response.model_dump_json()
    for path in [k.data, *k.data.rglob("*")]:
        assert path.stat().st_mtime == 0, f"{path.relative_to(k.data)} is dated"
    k.services.sync_now()
    pushes = k.transport.pushes()
    kinds = [(len(p["requests"]), len(p["responses"])) for p in pushes]
    assert kinds == [(1, 0), (0, 5)], "the request travels alone, the answers in a batch"
    log = DataFolder(hub.root).hub_log.read_text("utf-8")
    assert held.id not in log and held.id[:16] not in log and response.id not in log
    arrivals = hub.request_arrivals()
    assert arrivals == {held.id: dt.date.today().isoformat()}, "the day only, never the time"


def test_the_hubs_arrival_record_lists_requests_by_id_not_by_when_they_came(kiosks, hub):
    """``request-arrivals.json`` is written with sorted keys: its order is not the order the
    requests reached the hub (which, beside the log's hours, would date each one)."""
    k = kiosks()
    ids = []
    for n in range(6):
        ask(k, name=f"Pupil{n}")
        k.services.sync_now()
        ids += [r for r in hub.request_arrivals() if r not in ids]
    require(len(ids) == 6, "six requests arrived one by one")
    text = DataFolder(hub.root).request_arrivals.read_text("utf-8")
    on_disk = re.findall(r'"([0-9a-f]{32})"', text)
    assert on_disk == sorted(ids), "the file keeps the order the requests arrived in"


# =============================================================================================
# Promise 3: after Send, nothing of the pupil stays on the tablet
# =============================================================================================


def test_after_send_the_screen_the_session_and_the_next_form_are_blank(kiosks):
    k = kiosks()
    desk = ask(k)
    require(desk.talk is not None and desk.talk.step.value == "sent", "the request was sent")
    assert NAME not in desk.shown() and CLASS not in desk.shown()
    assert not names_in(desk)
    desk.talk_back()  # Go back; then the next pupil presses the button
    desk.ask_to_talk()
    assert NAME not in desk.shown() and CLASS not in desk.shown()
    assert desk.talk is not None and desk.talk.reason is None
    assert not names_in(desk)


def test_a_failed_send_keeps_the_name_only_until_the_pupil_leaves(kiosks):
    k = kiosks()
    k.services.requests.close()  # type: ignore[union-attr]
    k.services.requests = None  # the save fails (as a full disk would)
    desk = PagelessTalk(k.services)
    desk.ask_to_talk()
    desk.send(NAME, CLASS)
    require(desk._talk_failed, "the save failed and the pupil is told")
    desk.forget_talk()  # the idle reset, or the page closed
    desk.ask_to_talk()
    assert NAME not in desk.shown() and not names_in(desk)


# =============================================================================================
# Promise 4: forge, replay, drop, flood
# =============================================================================================


def test_a_forged_or_replayed_push_of_requests_is_refused_and_adds_nothing(kiosks, hub, school):
    k = kiosks()
    ask(k)
    k.services.sync_now()
    tap: Wiretap = k.transport
    (push,) = [c for c in tap.seen if c.url.endswith("/push")]
    require(hub.requests_waiting()[0] == 1, "the real one arrived")
    counter = push.headers["X-Esafety-Counter"]
    with pytest.raises(BundleRefused, match="repeats"):  # replayed as captured
        hub.import_push(k.kiosk_id, int(counter), push.headers["X-Esafety-Mac"], push.body)
    fake = HelpRequest(
        id="a" * 32, kiosk_id=k.kiosk_id, first_name="Prank", asked_on=dt.date.today()
    )
    body = body_of(k.kiosk_id, [], [], [], requests=[seal_request(fake, school[0])])
    with pytest.raises(BundleRefused, match="not sealed with its key"):
        hub.import_push(k.kiosk_id, int(counter) + 1, "0" * 64, body)
    assert hub.requests_waiting()[0] == 1


def test_a_fake_hub_answering_ok_does_not_make_a_request_vanish(kiosks, hub):
    """Fixed (R1): the kiosk let records go on any HTTP 200; now only on a receipt made with
    its pairing secret (surveys/sync/bundle.py ``receipt``), which a stand-in cannot make."""
    k = kiosks()
    ask(k)
    k.services.sync.transport = AnswersForTheHub(k.transport)
    with pytest.raises(PairingProblem, match="did not come from the paired hub"):
        k.services.sync_now()
    kept = len(k.services.sync.pending_requests())
    assert kept == 1 or hub.requests_waiting()[0] == 1, "the request is gone: nobody has it"


def test_a_pupil_pressing_send_over_and_over_meets_a_limit_and_is_told(kiosks):
    k = kiosks(pair=False)
    desk = PagelessTalk(k.services)
    for n in range(200):
        desk.ask_to_talk()
        desk.send(f"Prank{n}", "")
        desk.talk_back()
    kept = k.services.request_count()
    assert kept <= 50, f"{kept} requests from one tablet in one sitting, all taken"
    desk.ask_to_talk()
    desk.send("Real", "")
    assert desk.message == desk.t("talk_too_many"), "the pupil is told, and what to do now"
    assert "adult in the room" in desk.message


def test_a_push_with_a_huge_made_up_kiosk_id_writes_only_a_short_log_line(hub):
    """Fixed: the hub logged the X-Esafety-Kiosk header whole (twice) for every refused push,
    so anyone on the network wrote ~16 KB to the hub's disk per request. It keeps 60."""
    log = DataFolder(hub.root).hub_log
    before = log.stat().st_size if log.exists() else 0
    with pytest.raises(BundleRefused):
        hub.import_push("kiosk-" + "x" * 8000, 1, "0" * 64, b"{}")
    assert log.stat().st_size - before < 600


def test_refused_pushes_from_the_network_do_not_grow_the_hub_log_without_limit(hub):
    log = DataFolder(hub.root).hub_log
    for n in range(300):
        with pytest.raises(BundleRefused):
            hub.import_push(f"kiosk-{n:04d}", 1, "0" * 64, b"{}")
    lines = log.read_text("utf-8").count("\n")
    assert lines < 100, f"{lines} log lines from 300 forged pushes"
    assert "counted, not logged" in log.read_text("utf-8"), "the log says it stopped"


def test_a_kiosk_key_changed_after_pairing_seals_no_request_to_it(kiosks, hub):
    """Fixed: a technician who put their own public key in kiosk.json after pairing got every
    request sealed to it (responses were refused, requests were not), and the pupil was told
    an adult would come though nothing would be sent. The kiosk now says it cannot send."""
    from nacl.public import PrivateKey

    from surveys.keys import public_key_text
    from surveys.storage.settings import load_settings, save_settings

    theirs = PrivateKey.generate()
    k = kiosks()
    settings = load_settings(k.data)
    save_settings(k.data, settings.model_copy(
        update={"public_key": public_key_text(bytes(theirs.public_key))}))  # fmt: skip
    k.services.settings = load_settings(k.data)  # as the kiosk app reads it on restart
    desk = ask(k)
    records = list(k.services.requests.records())  # type: ignore[union-attr]
    opened = [r for r in records if opens_with(r, theirs)]
    assert not opened, "the technician opened the request with their own key"
    assert any("tell any adult" in t for t in desk.shown()), "the pupil is told what to do"


# =============================================================================================
# Promise 5: what a pupil types, or a technician seals, into the lead's CSV, page and terminal
# =============================================================================================

TYPED = [
    '=HYPERLINK("//e.vil","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
    "<script>alert(1)</script>", "Ze\nbedee", " \t=1+1",
]  # fmt: skip
REFUSED = ["A" * 200, "\u202eexe.txt", "Ze\u200bbedee", "Ze\x1b[31mbedee"]


def test_typed_formulas_tags_and_newlines_reach_the_csv_and_page_inert(kiosks):
    import csv
    import io

    from surveys.requests.model import RequestProblem

    made = []
    for text in TYPED:
        form = TalkForm()
        form.keep(text[:30], text[:12])
        made.append(form.request("kiosk-3", AgeBand.AGES_7_11, dt.date.today()))
    for text in REFUSED:
        form = TalkForm()
        form.keep(text, "")
        with pytest.raises(RequestProblem):
            form.request("kiosk-3", AgeBand.AGES_7_11, dt.date.today())
    rows = lead_rows(made)
    table = list(csv.reader(io.StringIO(requests_csv(rows).decode("utf-8-sig"))))
    assert len(table) == len(TYPED) + 1, "one line per request: no newline split a row"
    for cells in table[1:]:
        for cell in cells[:2]:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
    page = requests_html("School", rows, dt.date.today()).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_sealed_request_with_terminal_escapes_or_bidi_reaches_the_lead_as_plain_text(
    tmp_path, school, capsys, monkeypatch
):
    """Fixed: the school's public key is public, so a technician can seal a request of their
    own into a kiosk's folder; its name was shown as it stood: an ANSI escape reached the
    lead's terminal (``--seen``) and a right-to-left override reordered the CSV and page.
    Such characters are now shown as U+FFFD."""
    from kiosk.cli.main import main
    from surveys.requests.store import RequestStore

    evil = HelpRequest(
        id="b" * 32, kiosk_id="kiosk-3", first_name="\x1b]0;pwned\x07\x1b[2J\u202eBob",
        class_name="5\u200bQ", asked_on=dt.date.today(),
    )  # fmt: skip
    data, out = tmp_path / "data", tmp_path / "out"
    with RequestStore(data) as store:
        store.save(seal_request(evil, school[0]))
    monkeypatch.setenv("ESAFETY_PASSPHRASE", PASSPHRASE)
    code = main(["requests", "--data", str(data), "--key", str(school[2]), "--out", str(out),
                 "--seen", "bbbbbbbb"])  # fmt: skip
    require(code == 0, capsys.readouterr().err)
    said = capsys.readouterr().out
    for text in (said, (out / "requests.csv").read_text("utf-8"),
                 (out / "requests.html").read_text("utf-8")):  # fmt: skip
        bad = [c for c in text if not c.isprintable() and c not in "\r\n\ufeff"]
        assert not bad, f"{bad!r} reached the lead"


# =============================================================================================
# Promise 6: the 4-7 band's words are a child's, and honest; danger now names who to tell
# =============================================================================================

JARGON = re.compile(
    r"\b(request|seal|sealed|data|safeguard\w*|DSL|submit\w*|encrypt\w*|key|hub|sync\w*|"
    r"kiosk|device|optional|confidential|anonymous|designated|lead|record\w*)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("band", [AgeBand.AGES_4_7, AgeBand.AGES_7_11])
def test_the_talk_screens_say_who_to_tell_in_danger_now(kiosks, band):
    k = kiosks(band=band)
    desk = PagelessTalk(k.services)
    desk.ask_to_talk()
    screens = [" ".join(desk.shown())]
    desk.send("Amy", "")
    screens.append(" ".join(desk.shown()))
    for shown in screens:
        assert "999" in shown and "0800 1111" in shown and "Childline" in shown, shown
        assert re.search(r"(adult|grown-up) in this room", shown), shown


def test_the_youngest_pupils_read_no_adult_jargon_on_any_talk_screen(kiosks, library):
    screens = []
    for has_key in (True, False):  # with the school's key, and a tablet that cannot send
        k = kiosks(f"young-{has_key}", band=AgeBand.AGES_4_7, pair=False,
                   **({} if has_key else {"public_key": None}))  # fmt: skip
        desk = PagelessTalk(k.services)
        desk.ask_to_talk()
        screens.append(desk.shown())
        if has_key:
            desk.send("Amy " * 10, "")  # too long: the message the pupil reads
            screens.append(desk.shown())
            desk.send("Amy", "")
            screens.append(desk.shown())
    words = [t for shown in screens for t in shown]
    require(len(words) > 20, "the screens were drawn")
    jargon = sorted({m for t in words for m in JARGON.findall(t)})
    assert not jargon, f"adult words on the 4-7 talk screens: {jargon}"
    long_words = sorted({w for t in words for w in re.findall(r"[A-Za-z]+", t) if len(w) > 10})
    assert not long_words, long_words
