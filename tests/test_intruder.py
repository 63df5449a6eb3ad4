"""Motivated intruders, replayed against issue 10's changes on the real components.

Three intruders, each looking at one output alone and at two outputs side by side:

1. a **teacher** who watched which pupil used tablet 3 at 10:02, can open the staff
   screen (the PIN), run ``esafety stats`` and see exports before and after;
2. a **technician** with a shell on the kiosk laptop or the hub laptop: the data
   folders, file sizes and times, logs, the release ledger, the sync state, and the
   USB stick with a bundle;
3. someone on the **school network** who captures pushes and pairing traffic.

A test whose attack fails is a regression guard and passes. A test whose attack
works asserts the safe behaviour and is ``xfail(strict=True, raises=AssertionError)``
with the finding as its reason, so the suite stays green while the finding is open
and goes red (XPASS) the day it is fixed. A stage that cannot be set raises
``SetUpFailed``, never an ``AssertionError``, so a broken stage is never mistaken
for a finding.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from exports.register import ALL_YEAR_GROUPS, coverage_by_year
from exports.release import ReleaseError
from exports.report import build_report
from exports.suppress import Thresholds
from surveys.agreements.aup import Signature, Signer
from surveys.agreements.sealing import seal_signature
from surveys.agreements.signing import MAX_POINTS
from surveys.keys import (
    KeyProblem,
    SchoolKey,
    WeakPassphrase,
    check_passphrase,
    fingerprint,
    make_key_pair,
    open_private_key,
    parse_public_key,
    public_key_text,
)
from surveys.model import AgeBand, Questionnaire, Response, Term
from surveys.sealed import demo_public_key, open_raw, seal_response
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import load_settings, save_settings
from surveys.storage.texts import keep_texts
from surveys.sync.bundle import BundleRefused, make_bundle
from surveys.sync.hub import Hub
from surveys.sync.outbox import MIN_BATCH
from surveys.sync.pairing import PairingProblem, pairing_text
from surveys.terms import academic_year, term_of
from tests.exports.release_data import balanced, first_answers, recovered
from tests.exports.release_data import key as demo_key
from tests.intruder_helpers import (
    HUB_URL,
    LAST_DAY_OF_AUTUMN,
    TODAY,
    Kiosk,
    Wiretap,
    answers_of,
    band_counts,
    guessed,
    ids_in_shards,
    left_over,
    make_kiosk,
    order_by_ctime,
    publish,
    require,
    sealed_pupils,
    shard_ctimes,
    tally,
)
from tests.ports import free_port
from tests.surveys.agreements.signatures import signature
from tests.surveys.sync.fakes import FakeTransport

EXE = str(Path(sys.executable).parent / "esafety")
PASSPHRASE = "otter lantern maple quiver"
RESPONSE_SHARDS = "*/*/*/shard-*.json"
SIGNATURE_SHARDS = "*/shard-*.json"


def finding(reason: str) -> pytest.MarkDecorator:
    """An attack that works today: the test asserts the safe behaviour."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


@dataclass(frozen=True)
class School:
    private_path: Path
    public: bytes
    key: SchoolKey


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> School:
    """The school's own key pair, made with ``esafety keys init``'s code (not the demo key)."""
    folder = tmp_path_factory.mktemp("lead") / "keys"
    private, public = make_key_pair(folder, PASSPHRASE)
    return School(
        private, parse_public_key(public.read_text()), open_private_key(private, PASSPHRASE)
    )


@pytest.fixture
def hub(tmp_path: Path, school: School) -> Iterator[Hub]:
    h = Hub(tmp_path / "hub", school_key=school.public)
    yield h
    h.close()


@pytest.fixture
def kiosks(tmp_path: Path, library, hub: Hub, school: School) -> Iterator:
    """Make kiosks (real services over real folders), all talking to ``hub``; closed after."""
    made: list[Kiosk] = []

    def make(name: str = "kiosk", *, pair: bool = True, wiretap: bool = False, **kw: Any) -> Kiosk:
        transport: Any = FakeTransport(hub)
        if wiretap:
            transport = Wiretap(transport)
        kw.setdefault("public_key", school.public)
        k = make_kiosk(tmp_path / name, library, transport=transport, **kw)
        made.append(k)
        if pair:
            k.pair(hub)
        return k

    yield make
    for k in made:
        k.close()


def on_hub(hub: Hub) -> int:
    return int(hub.store.counts()["responses"])


# =============================================================================================
# Releases: two exports, one pupil between them
# =============================================================================================


def test_known_answers_padded_into_a_closed_term_leave_it_frozen_and_the_late_pupil_hidden(
    kiosks, hub, library, school, tmp_path
):
    q = library.questionnaires["pupils-7-11"]
    k = kiosks()
    for answers in balanced(q, 90):
        k.answer(answers)
    k.services.sync_now()
    require(on_hub(hub) == 90, "the term's answers reached the hub")
    before = publish(hub.root, library, school.key, tmp_path / "before")
    shown = list(band_counts(before, q.id).values())
    # Nearly every cell shown (perturbed counts can push the odd one under its threshold).
    require(shown.count("c") <= len(shown) // 10, "nearly every cell of the term is shown")
    # 10:02 on the last day of term: the watched pupil. Fewer than 5 wait, so no push.
    k.clock.day = LAST_DAY_OF_AUTUMN
    watched = first_answers(q)
    k.answer(watched)
    require(k.services.sync_now() == 0, "one response waits on the kiosk past the term's end")
    # The technician, with the kiosk app stopped: records with answers they chose.
    padding = balanced(q, 140, start=90)
    k.services.store.save_many(sealed_pupils(q, padding, school.public, kiosk_id=k.kiosk_id))
    k.services.sync_now()
    after = publish(hub.root, library, school.key, tmp_path / "after")
    got = left_over(before, after, q.id, tally(q, padding)) & answers_of(q, watched)
    assert not got, f"{len(got)} of the watched pupil's answers recovered: {sorted(got)}"


def test_a_teacher_who_pads_a_quiet_band_from_the_tablet_cannot_read_its_one_real_pupil(
    kiosks, hub, library, school, tmp_path
):
    """F1b (fixed by cell-key perturbation): a teacher with the staff PIN sets a tablet to a
    band few pupils use and answers it 70 times with answers they chose. Once the term
    closes, the exact counts less theirs were the one real pupil's answers; perturbed
    counts leave each answer a guess (tests/exports/test_noise.py measures how good:
    about 4 in 10, and never all of them), so the intruder's best guess is not all of
    them. (The chance that it is, by luck, is about 0.4 ** 14: one in 400,000 runs.)"""
    k = kiosks()
    k.services.set_audience(AgeBand.AGES_14_18, None)  # the staff screen's button
    q = library.questionnaires["pupils-14-18"]
    require(k.services.questionnaire() == q, "the tablet now asks the 14-18 questions")
    watched = first_answers(q)
    k.answer(watched)  # the one sixth-former who answered this term
    padding = balanced(q, 70)
    for answers in padding:  # the teacher, at the same tablet
        k.answer(answers)
    k.services.sync_now()
    require(on_hub(hub) == 71, "all reached the hub")
    after = publish(hub.root, library, school.key, tmp_path / "after")
    require(band_counts(after, q.id), "the term was published once closed")
    mine = answers_of(q, watched)
    got = guessed(None, after, q, tally(q, padding)) & mine
    assert len(got) < len(mine), f"every answer guessed: {sorted(got)}"


def save_direct(data: Path, q: Questionnaire, pupils, public: bytes, **kw: Any) -> None:
    """Sealed responses into a folder through the store (as a hub's merge would put them)."""
    keep_texts(data, [q])
    with ResponseStore(data) as store:
        store.save_many(sealed_pupils(q, pupils, public, kiosk_id="kiosk-hall", **kw))


@pytest.fixture
def published_term(tmp_path: Path, library, school: School) -> tuple[Path, Path, Questionnaire]:
    """A hub folder with a well-answered closed term, and the lead's export of it."""
    q = library.questionnaires["pupils-7-11"]
    data = tmp_path / "hub-data"
    save_direct(data, q, balanced(q, 90), school.public)
    return data, publish(data, library, school.key, tmp_path / "before"), q


@pytest.mark.parametrize("tamper", ["deleted", "emptied"])
def test_a_deleted_or_emptied_ledger_publishes_again_with_fresh_noise_not_the_late_pupil(
    published_term, library, school, tmp_path, tamper
):
    """F2 (fixed by cell-key perturbation, for one comparison): a technician with the hub
    laptop deletes releases/ledger.json, or replaces it with a valid empty one, and the
    next export publishes the term afresh with a late pupil in it. The difference of the
    two exports is that pupil's answers plus the difference of two draws of noise: the
    intruder's best guess is not all of them. What is left: each further deletion and
    export is one more noisy look (docs/privacy.md)."""
    data, before, q = published_term
    watched = first_answers(q)
    save_direct(data, q, [watched], school.public, year_group="year-4")
    ledger = DataFolder(data).release_ledger
    if tamper == "deleted":
        ledger.unlink()
    else:
        ledger.write_text(json.dumps({"format": 1, "units": []}))
    after = publish(data, library, school.key, tmp_path / "after")
    mine = answers_of(q, watched)
    got = guessed(before, after, q, Counter()) & mine
    assert len(got) < len(mine), f"every answer guessed: {sorted(got)}"


def test_exports_from_a_usb_kiosks_folder_and_from_the_hub_do_not_give_the_watched_pupil(
    kiosks, hub, library, school, tmp_path
):
    """F2 (fixed by cell-key perturbation): a kiosk that syncs by USB keeps every record, so
    the lead can export from its folder (with its own, empty ledger) and from the hub's.
    The two differ by the one pupil who used another kiosk, and by fresh noise."""
    q = library.questionnaires["pupils-7-11"]
    hall, library_room = kiosks("hall"), kiosks("library-room")
    for answers in balanced(q, 90):
        hall.answer(answers)
    watched = first_answers(q)
    library_room.answer(watched)  # tablet 3, 10:02
    for k in (hall, library_room):
        hub.import_file(k.services.sync.bundle(), source="bundle usb")
    require(on_hub(hub) == 91, "both bundles were merged")
    require(hall.services.sync.pending_counts()[0] == 90, "a bundle removes nothing")
    from_kiosk = publish(hall.data, library, school.key, tmp_path / "from-kiosk")
    from_hub = publish(hub.root, library, school.key, tmp_path / "from-hub")
    mine = answers_of(q, watched)
    got = guessed(from_kiosk, from_hub, q, Counter()) & mine
    assert len(got) < len(mine), f"every answer guessed: {sorted(got)}"


def test_a_damaged_ledger_is_refused_rather_than_taken_as_empty(published_term, library, school):
    data, _before, _q = published_term
    DataFolder(data).release_ledger.write_text('{"format": 1, "units": [{"questionnaire": ')
    with pytest.raises(ReleaseError, match="damaged"):
        build_report(data, library, key=school.key, today=TODAY)


def test_raising_min_count_or_leaving_the_year_out_does_not_unfreeze_a_late_pupil(
    published_term, library, school, tmp_path
):
    data, before, q = published_term
    watched = first_answers(q)
    save_direct(data, q, [watched], school.public)
    outs = [before]
    outs.append(publish(data, library, school.key, tmp_path / "min6", thresholds=Thresholds(6, 10)))
    outs.append(publish(data, library, school.key, tmp_path / "from2026", since_year=2026))
    outs.append(publish(data, library, school.key, tmp_path / "again"))
    outs.append(publish(data, library, school.key, tmp_path / "min5", thresholds=Thresholds(5, 10)))
    for i, a in enumerate(outs):
        for b in outs[i + 1 :]:
            got = {(question, x) for _q, question, yg, x in recovered(a, b) if yg == "all"}
            assert not got & answers_of(q, watched), (a.name, b.name, sorted(got))
    assert band_counts(outs[3], q.id) == band_counts(before, q.id)  # held as published


def test_exports_either_side_of_a_term_end_publish_it_once_and_then_hold_it(
    tmp_path, library, school
):
    q = library.questionnaires["pupils-7-11"]
    data = tmp_path / "hub-data"
    save_direct(data, q, balanced(q, 90), school.public)
    last_day = publish(data, library, school.key, tmp_path / "dec19", today=LAST_DAY_OF_AUTUMN)
    assert band_counts(last_day, q.id) == {}, "a term still open is never published"
    first = publish(data, library, school.key, tmp_path / "jan5", today=dt.date(2026, 1, 5))
    require(band_counts(first, q.id), "the closed term is published")
    watched = first_answers(q)
    save_direct(data, q, [watched], school.public)  # a late arrival, after the term closed
    later = publish(data, library, school.key, tmp_path / "jan20", today=dt.date(2026, 1, 20))
    assert band_counts(later, q.id) == band_counts(first, q.id)
    assert not recovered(first, later)


def test_the_ledger_holds_exactly_what_was_published_and_no_date(published_term):
    data, before, q = published_term
    ledger = json.loads(DataFolder(data).release_ledger.read_text("utf-8"))
    shown = band_counts(before, q.id)
    units = [u for u in ledger["units"] if u["questionnaire"] == q.id]
    require(bool(units), "the export recorded the term")
    for u in units:
        for answer, count in u["rows"][""]["counts"].items():
            assert shown[(u["question"], answer)] == ("c" if count is None else str(count))
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", json.dumps(ledger))


def test_the_evidence_packs_cover_counts_do_not_move_for_one_pupil(tmp_path, library, school):
    from exports.report import band_sizes, rounded

    q = library.questionnaires["pupils-7-11"]
    data = tmp_path / "hub-data"
    save_direct(data, q, balanced(q, 42), school.public, year="2025/26", term=Term.SPRING)
    first = band_sizes(build_report(data, library, key=school.key, today=TODAY))
    save_direct(data, q, [first_answers(q)], school.public, year="2025/26", term=Term.SPRING)
    report = build_report(data, library, key=school.key, today=TODAY)
    assert band_sizes(report) == first  # 42 and 43 pupils: both "about 40"
    assert rounded(report.responses) == "about 40"
    assert all(re.fullmatch(r"about \d*0|fewer than 10", n) for _b, n in band_sizes(report))


def test_one_more_signature_never_shows_a_small_count_on_the_aup_page(library):
    parents = library.aups["aup-parents"]

    def parent(n: int, year: str) -> Signature:
        return signature(
            parents, n, signer=Signer.PARENTS, signer_name=f"Parent {n}", child_name=f"Child {n}",
            relationship="Mum", year_group=year, class_name=year,
        )  # fmt: skip

    signed = [parent(n, "year-6") for n in range(9)]
    today = dt.date(2026, 10, 5)
    for extra in ([], [parent(99, "year-3")], [parent(99, "year-3"), parent(98, "year-4")]):
        coverage = coverage_by_year(signed + extra, library.aups, library.school, today)
        cells = {year: p for year, _own, p in coverage if year != ALL_YEAR_GROUPS}
        assert all(n is None or n >= 5 for n in cells.values()), cells
        total = dict((y, p) for y, _o, p in coverage)[ALL_YEAR_GROUPS]
        hidden = [y for y, n in cells.items() if n is None]
        assert total is None or not hidden or len(hidden) >= 2


# =============================================================================================
# Counts: the staff screen and esafety stats, before and after one pupil
# =============================================================================================


def this_term_kiosk(kiosks, n: int) -> Kiosk:
    """A kiosk with ``n`` responses saved today (the real today: stats uses the real date)."""
    k = kiosks(pair=False, day=dt.date.today())
    q = k.services.questionnaire()
    assert q is not None
    for answers in balanced(q, n):
        k.answer(answers)
    return k


def stats(data: Path) -> dict[str, Any]:
    run = subprocess.run(
        [EXE, "stats", "--data", str(data), "--json"], capture_output=True, text=True, check=False
    )
    require(run.returncode == 0, run.stderr)
    return dict(json.loads(run.stdout))


def test_esafety_stats_around_one_pupil_moves_nothing_and_rounds_the_open_term(kiosks):
    k = this_term_kiosk(kiosks, 12)
    first = stats(k.data)
    q = k.services.questionnaire()
    assert q is not None
    k.answer(first_answers(q))  # the watched pupil
    second = stats(k.data)
    assert first == second
    now = f"{academic_year(dt.date.today())} {term_of(dt.date.today()).value}"
    assert second["responses"] % 10 == 0 and second["by_term"][now] % 10 == 0
    assert all(n % 10 == 0 for n in second["by_kiosk"].values())


def texts_of(controls: list[Any]) -> list[str]:
    """Every string a screen shows (Text values, button labels), however deeply nested."""
    out, stack = [], list(controls)
    while stack:
        c = stack.pop()
        for attr in ("value", "text", "label", "content"):
            v = getattr(c, attr, None)
            if isinstance(v, str):
                out.append(v)
            elif attr == "content" and v is not None:
                stack.append(v)
        stack.extend(getattr(c, "controls", None) or [])
    return out


def staff_desk(k: Kiosk, action: str = "show_settings") -> list[str]:
    """The staff screen, drawn as a tablet would draw it (no browser): every string on it."""
    from tests.kiosk.test_services import PagelessStaffDesk

    desk = PagelessStaffDesk(k.services, lambda: 0)

    async def staff() -> None:
        await desk.show_settings()
        if action != "show_settings":
            await getattr(desk, action)()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a loop of its own
        pool.submit(lambda: asyncio.run(staff())).result()
    shown = texts_of(desk.drawn[-1][1])
    require(len(shown) > 5, f"the settings screen was drawn: {shown}")
    return shown


def shows_number(text: str, n: int) -> bool:
    """Whether ``text`` shows the number ``n``, leaving out dates: the day of the last sync
    ("Last sync: 2026-12-13.") is not a count, and on the 13th it would look like one."""
    return re.search(rf"\b{n}\b", re.sub(r"\b\d{4}-\d\d-\d\d\b", "", text)) is not None


def test_the_staff_screen_shows_no_exact_count_of_responses_saved_or_waiting(kiosks, hub):
    k = this_term_kiosk(kiosks, 13)
    unpaired = staff_desk(k)
    k.pair(hub)
    paired = staff_desk(k)
    exact = [t for t in unpaired + paired if shows_number(t, 13)]
    assert not exact, exact


def test_sync_now_on_the_staff_screen_shows_no_exact_count(kiosks, hub):
    k = this_term_kiosk(kiosks, 13)
    k.pair(hub)
    shown = staff_desk(k, "sync_now")
    require(on_hub(hub) == 13, "the thirteen were pushed")
    exact = [t for t in shown if shows_number(t, 13)]
    assert not exact, exact


# =============================================================================================
# The technician: a kiosk's or the hub's folder, its files' sizes and times
# =============================================================================================


def test_shard_ctimes_do_not_put_the_records_waiting_on_a_kiosk_in_saving_order(kiosks, library):
    k = kiosks()
    q = library.questionnaires["pupils-7-11"]
    k.next_ids(ids_in_shards(range(40, 45), 64))
    for answers in balanced(q, 5):
        k.answer(answers)
    require(k.services.sync_now() == 5, "the first five were pushed and removed")
    k.next_ids(ids_in_shards([3, 17, 29, 8, 51, 22], 64))
    saved = []
    for answers in balanced(q, 6, start=5):
        saved.append(k.answer(answers).id)
        time.sleep(0.05)
    guess = order_by_ctime(shard_ctimes(k.data / "responses", RESPONSE_SHARDS))
    require(guess is None or sorted(guess) == sorted(saved), "only the six wait")
    assert guess is None or guess != saved, "the saving order, read off ls -lc"
    assert ctimes_follow_names(k.data), "ls -lc orders the folder by something else than names"


def ctimes_follow_names(folder: Path) -> bool:
    """Everything in ``folder``, ordered by ctime, is in the order of its path (ties allowed)."""
    paths = sorted(str(p) for p in folder.rglob("*"))
    times = [os.lstat(p).st_ctime_ns for p in paths]
    return times == sorted(times)


def pair_by_ctime(sigs: dict[str, int], resps: dict[str, int]) -> dict[str, str] | None:
    """Each signature with the first response saved after it (None if any times tie)."""
    events = sorted(
        [(t, "s", i) for i, t in sigs.items()] + [(t, "r", i) for i, t in resps.items()]
    )
    if len({t for t, _k, _i in events}) != len(events):
        return None
    pairs, last_sig = {}, None
    for _t, kind, rid in events:
        if kind == "s":
            last_sig = rid
        elif last_sig is not None and last_sig not in pairs:
            pairs[last_sig] = rid
    return pairs


def test_in_both_mode_ctimes_do_not_pair_a_parents_signature_with_their_answers(kiosks, library):
    k = kiosks(parents=True, mode="both")
    q = library.questionnaires["parents"]
    k.next_ids(ids_in_shards([5, 19, 33, 60], 64))
    sig_ids = list(ids_in_shards([2, 7, 11, 13], 16))
    truth = {}
    for n, answers in enumerate(balanced(q, 4)):
        sig = signature(
            library.aups["aup-parents"], n, id=sig_ids[n], signer=Signer.PARENTS,
            signer_name=f"Parent {n}", child_name=f"Child {n}", relationship="Dad",
            year_group="year-5", class_name="5C", kiosk_id=k.kiosk_id,
        )  # fmt: skip
        k.services.save_signature(sig)
        time.sleep(0.05)
        truth[sig.id] = k.answer(answers).id
        time.sleep(0.05)
    guess = pair_by_ctime(
        shard_ctimes(k.data / "signatures", SIGNATURE_SHARDS),
        shard_ctimes(k.data / "responses", RESPONSE_SHARDS),
    )
    assert guess is None or guess != truth, "every parent's name paired with their answers"
    assert ctimes_follow_names(k.data), "ls -lc orders the folder by something else than names"


def test_a_copied_kiosk_folder_holds_no_answer_name_or_time(kiosks, library):
    k = kiosks(mode="both")
    k.services.set_audience(AgeBand.AGES_11_14, "year-8")
    q = library.questionnaires["pupils-11-14"]
    for answers in balanced(q, 8):
        k.answer(answers)
    for n in range(7):
        k.services.save_signature(
            signature(library.aups["aup-ks3-4"], n, id=next(ids_in_shards([n], 16)),
                      signer_name=f"Zebedee Quartermaine {n}", year_group="year-8",
                      class_name="8Q", kiosk_id=k.kiosk_id)
        )  # fmt: skip
    k.services.sync_now()
    for answers in balanced(q, 3, start=8):  # these wait
        k.answer(answers)
    secrets_ = [x.id for x in q.questions] + ["year-8", "Zebedee", "Quartermaine"]
    require(all("-" in x or len(x) >= 7 for x in secrets_), "words base64 cannot make by chance")
    skip = {"kiosk.json", "aup-texts.json"}
    for path in k.data.rglob("*"):
        if path.is_dir() or "questionnaire-texts" in path.parts or path.name in skip:
            continue
        text = path.read_text("utf-8", errors="replace")
        for word in secrets_:
            assert word not in text, f"{word!r} in clear in {path.relative_to(k.data)}"
    state = json.loads(DataFolder(k.data).sync_state.read_text("utf-8"))
    allowed = {"hub_url", "secret", "counter", "last_sync", "last_error", "school_key"}
    assert set(state) <= allowed  # school_key: the public key the hub handed over
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", state["last_sync"])
    assert state["last_error"] is None
    for path in (k.data / "responses").rglob("*"):
        assert path.stat().st_mtime == 0, f"{path} is dated"


def test_every_response_to_the_shipped_questionnaires_seals_to_one_size(library, school):
    years = [g.id for g in library.school.year_groups]
    sizes = set()
    for q in library.questionnaires.values():
        for pick, year_group in ((lambda _q: None, None), (_longest, max(years, key=len))):
            r = Response(
                id="f" * 32, questionnaire_id=q.id, questionnaire_version=q.version,
                content_hash=q.content_hash, band=q.band, year_group=year_group,
                academic_year="2025/26", term=Term.AUTUMN, kiosk_id="k" * 60,
                answers={x.id: pick(x) for x in q.questions},
            )  # fmt: skip
            sizes.add(len(seal_response(r, school.public).sealed))
    assert len(sizes) == 1, sizes


def _longest(question: Any) -> str:
    return str(max((o.id for o in question.options), key=len))


def test_a_schools_own_longer_questionnaire_seals_skips_and_answers_to_different_sizes(
    library, school
):
    doc = library.questionnaires["pupils-11-14"].model_dump(mode="json")
    long_option = "i-would-tell-a-trusted-adult-straight-away"
    doc["questions"] = [
        {
            "id": f"q{i:02d}-how-often-do-you-talk-to-people-you-met-online",
            "text": f"Question {i}",
            "strand": "online-relationships",
            "options": [
                {"id": "yes", "label": "Yes"},
                {"id": "no", "label": "No"},
                {"id": long_option, "label": "I'd tell a trusted adult"},
            ],
        }
        for i in range(20)
    ]
    q = Questionnaire.model_validate(doc)  # content the school may write
    sizes = {
        len(seal_response(r, school.public).sealed)
        for r in (
            sealed_pupils_plain(q, {}),
            sealed_pupils_plain(q, {x.id: long_option for x in q.questions}),
        )
    }
    assert len(sizes) == 1, f"two sizes: {sorted(sizes)}"


def sealed_pupils_plain(q: Questionnaire, answers: dict[str, str | None]) -> Response:
    return Response(
        id="a" * 32, questionnaire_id=q.id, questionnaire_version=q.version,
        content_hash=q.content_hash, band=q.band, academic_year="2025/26", term=Term.AUTUMN,
        kiosk_id="kiosk-hall", answers={x.id: answers.get(x.id) for x in q.questions},
    )  # fmt: skip


def test_every_signature_seals_to_one_size_whoever_signs_and_however_long_they_draw(
    library, school
):
    aup = library.aups["aup-parents"]
    typed = signature(aup, 1, strokes=[], typed_signature="Jo", signer_name="Jo")
    drawn = signature(
        aup, 2, signer=Signer.PARENTS, signer_name="É" * 80, child_name="ß" * 80,
        relationship="\\" * 80, class_name='"' * 80,
        strokes=[[(759.9, 259.9)] for _ in range(MAX_POINTS)],
    )  # fmt: skip
    sizes = {len(seal_signature(s, school.public).sealed) for s in (typed, drawn)}
    assert len(sizes) == 1, sizes


def a_day_of_use(k: Kiosk, hub: Hub, library, school: School, tmp_path: Path) -> None:
    """Answers, signatures, a push, a USB bundle, and the lead's export from the hub."""
    q = library.questionnaires["pupils-7-11"]
    for answers in balanced(q, 6):
        k.answer(answers)
    for n in range(5):
        k.services.save_signature(
            signature(library.aups["aup-ks2"], n, id=next(ids_in_shards([n], 16)),
                      kiosk_id=k.kiosk_id)
        )  # fmt: skip
    require(k.services.sync_now() == 11, "pushed")
    for answers in balanced(q, 2):
        k.answer(answers)
    hub.import_file(k.services.sync.bundle())
    publish(hub.root, library, school.key, tmp_path / "out")


LOCKS = {".writer.lock", ".signatures.lock", ".ledger.lock"}


def test_no_file_or_folder_in_either_data_folder_dates_a_save_push_or_export(
    kiosks, hub, library, school, tmp_path
):
    k = kiosks(mode="both")
    a_day_of_use(k, hub, library, school, tmp_path)
    for root in (k.data, hub.root):
        for path in [root, *root.rglob("*")]:
            if path.name in LOCKS or path == DataFolder(hub.root).hub_incoming:
                continue  # a lock's time is its first use; the journal folder: see below
            assert path.stat().st_mtime == 0, f"{path.relative_to(root.parent)} is dated"


def test_the_hubs_journal_folder_does_not_date_the_last_push(kiosks, hub, library):
    k = kiosks()
    for answers in balanced(library.questionnaires["pupils-7-11"], 5):
        k.answer(answers)
    require(k.services.sync_now() == 5, "pushed")
    mtime = DataFolder(hub.root).hub_incoming.stat().st_mtime
    assert mtime % 3600 == 0, f"hub/incoming says {dt.datetime.fromtimestamp(mtime)}"


def test_the_hub_log_names_no_record_and_keeps_only_the_hour(kiosks, hub, library, school):
    k = kiosks()
    q = library.questionnaires["pupils-7-11"]
    records = [k.answer(a) for a in balanced(q, 6)]
    k.services.sync_now()
    # The same id with other content (a forger with the kiosk's secret, or a re-sealed record).
    other = sealed_pupils(q, [first_answers(q)], school.public, kiosk_id=k.kiosk_id)[0]
    clash = other.model_copy(update={"id": records[0].id})
    secret = hub.secret_for(k.kiosk_id)
    assert secret is not None
    with pytest.raises(BundleRefused, match="nothing from this bundle"):
        hub.import_file(make_bundle(k.kiosk_id, secret, [clash], [], []))
    lines = DataFolder(hub.root).hub_log.read_text("utf-8").splitlines()
    require(len(lines) >= 3, "pair, push and refusal were logged")
    for line in lines:
        entry = json.loads(line)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:00", entry["at"])
        assert not any(r.id in line or r.id[:16] in line for r in records)


def test_every_file_and_folder_written_in_a_day_of_use_is_its_owners_alone(
    kiosks, hub, library, school, tmp_path
):
    old = os.umask(0o022)  # the usual umask: nothing here passes because the test is strict
    try:
        k = kiosks(mode="both")
        a_day_of_use(k, hub, library, school, tmp_path)
    finally:
        os.umask(old)
    for root in (k.data, hub.root):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            want = 0o700 if path.is_dir() else 0o600
            assert mode == want, f"{path.relative_to(root.parent)} is {oct(mode)}"


# =============================================================================================
# The network: pairing, pushes, and a bundle on a USB stick
# =============================================================================================


def test_a_captured_push_holds_only_sealed_records_in_fives_never_mixed(kiosks, library, school):
    k = kiosks(mode="both", wiretap=True)
    tap: Wiretap = k.transport
    q = library.questionnaires["pupils-7-11"]
    for answers in balanced(q, MIN_BATCH - 1):
        k.answer(answers)

    def sign(n: int) -> None:
        k.services.save_signature(
            signature(library.aups["aup-ks2"], n, id=next(ids_in_shards([n], 16)),
                      signer_name=f"Zebedee {n}", kiosk_id=k.kiosk_id)
        )  # fmt: skip

    for n in range(MIN_BATCH - 1):
        sign(n)
    k.services.sync_now()
    assert tap.pushes() == [], "four of each wait: nothing is sent"
    k.answer(first_answers(q))
    k.services.sync_now()
    sign(MIN_BATCH)
    k.services.sync_now()
    pushes = tap.pushes()
    assert [(len(p["responses"]), len(p["signatures"])) for p in pushes] == [(5, 0), (0, 5)]
    for push in pushes:
        for kind in ("responses", "signatures"):
            ids = [r["id"] for r in push[kind]]
            assert ids == sorted(ids)
        records = json.dumps([push["responses"], push["signatures"], push["manifest"]])
        for word in [x.id for x in q.questions] + ["Zebedee", "7-11"]:
            assert word not in records
    assert len(list(open_raw(pushes[0]["responses"], school.key))) == 5
    with pytest.raises(KeyProblem):
        list(open_raw(pushes[0]["responses"], demo_key()))


def test_pairing_traffic_carries_neither_the_code_nor_the_kiosks_secret(kiosks, hub):
    k = kiosks(pair=False, wiretap=True)
    tap: Wiretap = k.transport
    code = hub.new_pairing_code()
    k.services.pair_with_hub(pairing_text(HUB_URL, code))
    (seen,) = [c for c in tap.seen if c.url.endswith("/pair")]
    wire = seen.body + seen.answer + json.dumps(seen.headers).encode()
    assert code.encode() not in wire and code.replace("-", "").encode() not in wire
    secret = hub.secret_for(k.kiosk_id)
    assert secret is not None
    assert secret.hex().encode() not in wire and base64.b64encode(secret) not in wire
    assert set(json.loads(seen.body)) == {"kiosk_id", "proof"}


def test_a_bundle_on_a_usb_stick_holds_no_answer_or_name_in_clear(kiosks, library, school):
    k = kiosks(mode="both")
    q = library.questionnaires["pupils-7-11"]
    for answers in balanced(q, 3):
        k.answer(answers)
    k.services.save_signature(
        signature(library.aups["aup-ks2"], 1, signer_name="Zebedee Quartermaine",
                  kiosk_id=k.kiosk_id)
    )  # fmt: skip
    bundle = k.services.sync.bundle()
    body = json.loads(bundle.split(b"\n", 2)[2])
    records = json.dumps([body["responses"], body["signatures"], body["manifest"]])
    for word in [x.id for x in q.questions] + ["Zebedee", "Quartermaine", "7-11"]:
        assert word not in records
    assert len(list(open_raw(body["responses"], school.key))) == 3


# =============================================================================================
# The demo key
# =============================================================================================


def test_a_kiosk_paired_with_the_hub_while_on_the_demo_key_sends_no_answer_anyone_can_open(
    kiosks, hub, library
):
    """F4 (fixed): pupils answer on a fresh kiosk (the demo key, nothing paired); then staff
    pair it with the hub. Nothing sealed to the demo key crosses the network, and the paired
    kiosk seals what comes next to the school's key, which pairing handed over."""
    k = kiosks(public_key=None, wiretap=True, pair=False)
    require(k.services.answers_key()[1], "the kiosk is on the demo key")
    for answers in balanced(library.questionnaires["pupils-7-11"], 5):
        k.answer(answers)
    k.pair(hub)
    key, demo = k.services.answers_key()
    assert not demo and key == hub.school_key, "paired: it seals to the school's key"
    assert k.services.sealed_elsewhere() == 10, "the 5 on the demo key stay (about 10)"
    with contextlib.suppress(PairingProblem):
        k.services.sync.push_all(everything=True)
    tap: Wiretap = k.transport
    opened = [r for p in tap.pushes() for r in open_raw(p["responses"], demo_key())]
    assert not opened, f"{len(opened)} answers opened off the wire with the demo key"
    assert on_hub(hub) == 0


def test_a_kiosk_with_someone_elses_key_sends_no_answer_they_can_open(kiosks, hub, library):
    """F4 (fixed): a technician installs a valid public key of their own on a kiosk before it
    is paired. Pairing hands the kiosk the school's key (the hub's), which replaces theirs:
    what it seals from then on, they cannot open, off the wire or on the hub's disk."""
    from nacl.public import PrivateKey

    theirs = PrivateKey.generate()
    k = kiosks(public_key=bytes(theirs.public_key), wiretap=True)
    opened = answers_off_the_wire(k, library, SchoolKey(theirs))
    assert not opened, f"{len(opened)} answers opened off the wire with the technician's key"
    assert on_hub(hub) == 5, "the answers sealed to the school's key reached the hub"


def put_their_key(k: Kiosk) -> Any:
    """The technician puts a key of their own in kiosk.json after pairing; the kiosk app,
    restarted, reads it. Returns their private key."""
    from nacl.public import PrivateKey

    theirs = PrivateKey.generate()
    settings = load_settings(k.data).model_copy(
        update={"public_key": public_key_text(bytes(theirs.public_key))}
    )
    save_settings(k.data, settings)
    k.services.settings = load_settings(k.data)
    return theirs


def test_a_kiosk_key_changed_after_pairing_sends_nothing_sealed_to_it(kiosks, hub, library):
    """F4, the other way round: the technician edits kiosk.json after pairing (the app
    restarted reads it). The kiosk takes no answers, and records they sealed to their key
    themselves are never sent; the hub would refuse them whole anyway."""
    k = kiosks()
    theirs = put_their_key(k)
    assert not k.services.can_take_answers()
    q = library.questionnaires["pupils-7-11"]
    k.services.store.save_many(sealed_pupils(q, balanced(q, 5), bytes(theirs.public_key),
                                             kiosk_id=k.kiosk_id))  # fmt: skip
    with pytest.raises(PairingProblem, match="this kiosk's key is not the school's key"):
        k.services.sync_now()
    assert on_hub(hub) == 0


def test_a_kiosk_key_changed_after_pairing_takes_no_signature_sealed_to_it(kiosks, library):
    """Found by the red team of issue 11: with the technician's key in kiosk.json after
    pairing, a parent's signature (a name) was sealed to it. Now the kiosk offers no
    signing, and a signature it is handed anyway is refused, never sealed to that key."""
    k = kiosks()
    put_their_key(k)
    assert not k.services.can_sign()
    aup = next(iter(library.aups.values()))
    with pytest.raises(RuntimeError, match="no school public key"):
        k.services.save_signature(signature(aup))
    assert k.services.signature_count() == 0


def answers_off_the_wire(k: Kiosk, library, key: SchoolKey) -> list[dict[str, Any]]:
    """Five pupils answer; the kiosk syncs; every answer a wiretap opens with ``key`` (each
    record tried on its own, whatever key it says it was sealed to)."""
    for answers in balanced(library.questionnaires["pupils-7-11"], 5):
        k.answer(answers)
    with contextlib.suppress(PairingProblem):  # refused: the safe behaviour
        k.services.sync_now()
    tap: Wiretap = k.transport
    opened = []
    for record in (r for p in tap.pushes() for r in p["responses"]):
        with contextlib.suppress(KeyProblem):  # sealed to another key: it does not open
            opened += open_raw([{**record, "key": key.fingerprint}], key)
    return opened


def test_a_damaged_school_key_never_sends_answers_to_the_demo_key(kiosks, library, school):
    text = public_key_text(school.public)
    damaged = text[:-2] + ("A" if text[-2] != "A" else "B") + text[-1]
    k = kiosks(pair=False, key_text=damaged)
    require(k.services.public_key() is None, "the key no longer parses")
    q = library.questionnaires["pupils-7-11"]
    try:
        record = k.answer(first_answers(q))
    except (KeyProblem, RuntimeError):
        return  # refused to take answers it cannot seal to the school: safe
    assert record.key != fingerprint(demo_public_key()), "sealed to the demo key"


def esafety(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


@pytest.mark.slow
def test_an_export_never_opens_school_answers_with_the_demo_key_nor_demo_ones_silently(
    tmp_path, library, school
):
    q = library.questionnaires["pupils-7-11"]
    data = tmp_path / "hub-data"
    save_direct(data, q, balanced(q, 30), school.public)
    no_key = esafety("export", "--data", str(data), "--out", str(tmp_path / "o1"), "--quiet")
    assert no_key.returncode != 0 and "DEMO" in no_key.stderr
    assert not any(p.is_file() for p in (tmp_path / "o1").rglob("*"))
    assert not DataFolder(data).release_ledger.exists()
    with ResponseStore(data) as store:  # one kiosk was left on the demo key
        store.save_many(sealed_pupils(q, [first_answers(q)], demo_public_key(), kiosk_id="kiosk-x"))
    mixed = esafety(
        "export", "--data", str(data), "--out", str(tmp_path / "o2"), "--quiet",
        "--key", str(school.private_path), env={"ESAFETY_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    if mixed.returncode == 0:  # opened, then: it must say so, loudly
        assert re.search(
            r"\b1 responses? were sealed to the sample school's DEMO key", mixed.stderr
        )
    else:
        assert "another key" in mixed.stderr


# =============================================================================================
# The tablets' own link, and passphrases
# =============================================================================================


@pytest.mark.slow
def test_a_kiosk_open_to_the_school_network_does_not_serve_pupils_in_clear(tmp_path):
    """F5: `--host 0.0.0.0` and nothing else serves HTTPS only; plain http:// gets no page."""
    port = free_port()
    log = (tmp_path / "kiosk.log").open("wb")
    proc = subprocess.Popen(
        [EXE, "kiosk", "--data", str(tmp_path / "k"), "--host", "0.0.0.0", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                require(proc.poll() is None, (tmp_path / "kiosk.log").read_text())
                require(time.monotonic() < deadline, "the kiosk did not start")
                time.sleep(0.2)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                in_clear = r.status == 200 and b"<html" in r.read().lower()
        except OSError:
            in_clear = False
        assert not in_clear, "the pupils' page (and its websocket) is served over plain HTTP"
        # The same port speaks HTTPS, with the certificate the kiosk keeps (and checks the
        # address in it): the page is there for a tablet that has accepted that certificate.
        own = ssl.create_default_context(
            cafile=str(tmp_path / "k" / "tls" / "kiosk-certificate.pem")
        )
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=10, context=own) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    "passphrase",
    ["password12", "Password123!", "qwertyuiop1", "1234567890", "iloveyou2026", "p@ssw0rd2026",
     "sampleschool2026", "Sample School 2026!", "e-safety kiosk 2026!", "letmeinletmein"],
)  # fmt: skip
def test_passphrases_anyone_would_guess_first_are_refused(library, passphrase):
    with pytest.raises(WeakPassphrase):
        check_passphrase(passphrase, [library.school.name])


@pytest.mark.parametrize(
    "passphrase", ["monkey dragon", "letmein monkey", "Summer2026!!", "Kiosk-Online-Safety-2026"]
)
def test_passphrases_a_guesser_tries_early_are_refused(library, passphrase):
    try:
        check_passphrase(passphrase, [library.school.name])
    except WeakPassphrase:
        return
    raise AssertionError(f"{passphrase!r} was accepted for the school's private key")


def test_a_copy_of_a_running_kiosks_folder_opens_only_with_the_school_key(
    kiosks, library, tmp_path
):
    """A technician's `cp -r` of a running kiosk: the copy is sealed records and counts only."""
    k = kiosks()
    q = library.questionnaires["pupils-7-11"]
    for answers in balanced(q, 3):
        k.answer(answers)
    copy = tmp_path / "copy"
    shutil.copytree(k.data, copy)
    with ResponseStore(copy, writer=False) as store:
        records = list(store.records())
    assert len(records) == 3 and all(r.key == k.services.key_fingerprint() for r in records)
    with pytest.raises(KeyProblem):
        list(open_raw((r.model_dump(mode="json") for r in records), demo_key()))
