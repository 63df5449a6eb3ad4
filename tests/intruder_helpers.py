"""What the intruder tests share: a kiosk as the app runs it, a hub, a wiretap, and a lead's export.

Everything here drives the real components: ``KioskServices`` (the kiosk app's core,
without a browser), ``QuestionnaireFlow`` (what a pupil's taps drive), ``Hub`` behind
the test ``FakeTransport``, and the real release pipeline (``build_report`` and
``Release.record``). Only the PNG/SVG charts and the PDF are skipped when publishing:
they show the same rows as the CSV tables, and take seconds to draw.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports.export import answers_csv, favourable_csv, strands_csv
from exports.report import build_report
from exports.suppress import Thresholds
from kiosk.ui.services import KioskServices
from surveys.agreements.store import SignatureStore
from surveys.clock import FakeClock
from surveys.content.library import ContentLibrary
from surveys.flow import QuestionnaireFlow
from surveys.idle import IdlePolicy
from surveys.keys import SchoolKey, public_key_text
from surveys.model import AgeBand, Questionnaire, Response, SealedResponse, Term
from surveys.sealed import seal_response
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, save_settings
from surveys.sync.hub import Hub
from surveys.sync.pairing import pairing_text
from tests.exports.attacker import best_guess, one_release, two_releases
from tests.exports.release_data import table
from tests.surveys.sync.fakes import FakeTransport

HUB_URL = "http://hub.school.test:8560"
#: "Now" for the release tests: spring 2025/26, so autumn 2025/26 has closed.
TODAY = dt.date(2026, 2, 2)
CLOSED_YEAR, CLOSED_TERM = "2025/26", Term.AUTUMN
#: A school day in that closed term, and its last one.
IN_AUTUMN, LAST_DAY_OF_AUTUMN = dt.date(2025, 11, 12), dt.date(2025, 12, 19)

Answers = dict[str, str | None]


class SetUpFailed(RuntimeError):
    """The attack's stage could not be set: not an AssertionError, so never taken for a finding."""


def require(condition: bool, what: str) -> None:
    if not condition:
        raise SetUpFailed(what)


# -- ids chosen so that each record has a shard of its own -----------------------------------


def ids_in_shards(shards: Iterable[int], modulus: int) -> Iterator[str]:
    """Random record ids, the n-th in shard ``shards[n]`` (a shard is ``int(id, 16) % modulus``)."""
    for s in shards:
        raw = uuid.uuid4().int
        yield f"{raw - raw % modulus + s:032x}"[-32:]


# -- a kiosk, as the app runs it -------------------------------------------------------------


@dataclass
class Kiosk:
    """One kiosk's services over a real data folder, its sync going through ``transport``."""

    services: KioskServices
    clock: FakeClock
    transport: Any = None

    @property
    def data(self) -> Path:
        return self.services.data_dir

    @property
    def kiosk_id(self) -> str:
        return self.services.settings.kiosk_id

    def next_ids(self, ids: Iterable[str]) -> None:
        """The ids the next finished questionnaires get (the clock makes them)."""
        chosen = iter(ids)
        self.clock.ids = lambda: next(chosen, None) or uuid.uuid4().hex

    def answer(self, answers: Answers) -> SealedResponse:
        """A pupil at a tablet: every question answered or skipped, then Finish.

        The same calls the kiosk's session makes in ``finish``: seal, save durably,
        then forget (``flow.saved``).
        """
        q = self.services.questionnaire()
        require(q is not None, "the kiosk is not set up for anyone")
        assert q is not None
        flow = QuestionnaireFlow(
            q,
            kiosk_id=self.kiosk_id,
            year_group=self.services.settings.year_group,
            clock=self.clock,
        )
        flow.read_intro()  # the intro, then the rights, then the first question
        flow.begin()
        for question in q.questions:
            choice = answers.get(question.id)
            if choice is None:
                flow.skip()
            else:
                flow.answer(choice)
        record = self.services.seal_response(flow.finish())
        self.services.save_response(record)
        flow.saved()
        return record

    def pair(self, hub: Hub) -> None:
        """Staff type the hub's pairing text on the staff screen."""
        self.services.pair_with_hub(pairing_text(HUB_URL, hub.new_pairing_code()))

    def close(self) -> None:
        self.services.store.close()
        if self.services.signatures is not None:
            self.services.signatures.close()


def make_kiosk(
    data: Path,
    library: ContentLibrary,
    *,
    public_key: bytes | None,
    band: AgeBand | None = AgeBand.AGES_7_11,
    parents: bool = False,
    mode: str = "survey",
    day: dt.date = IN_AUTUMN,
    transport: Any = None,
    key_text: str | None = None,
) -> Kiosk:
    """A kiosk folder set up as staff would (band or parents, mode, the school's key or none)."""
    text = (
        key_text if key_text is not None else (public_key_text(public_key) if public_key else None)
    )
    settings = KioskSettings(
        audience="parents" if parents else "pupils",
        band=None if parents else band,
        mode=mode,  # type: ignore[arg-type]
        public_key=text,
    )
    save_settings(data, settings)
    clock = FakeClock(day=day)
    services = KioskServices(
        library=library,
        store=ResponseStore(data),
        data_dir=data,
        idle=IdlePolicy(90, 120),
        signatures=SignatureStore(data),
        clock=clock,
    )
    if transport is not None:
        services.sync.transport = transport
    return Kiosk(services, clock, transport)


# -- the wire -------------------------------------------------------------------------------


@dataclass
class Captured:
    url: str
    body: bytes
    headers: dict[str, str]
    status: int
    answer: bytes


@dataclass
class Wiretap:
    """Someone on the school network: every request and answer between kiosk and hub, raw."""

    inner: FakeTransport
    seen: list[Captured] = field(default_factory=list)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        status, answer = self.inner.post(url, body, headers)
        self.seen.append(Captured(url, body, dict(headers), status, answer))
        return status, answer

    def pushes(self) -> list[dict[str, Any]]:
        return [json.loads(c.body) for c in self.seen if c.url.endswith("/push")]


# -- the lead's export, and the intruder's arithmetic ------------------------------------------


def publish(
    data: Path,
    library: ContentLibrary,
    key: SchoolKey,
    out: Path,
    *,
    today: dt.date = TODAY,
    thresholds: Thresholds | None = None,
    since_year: int | None = None,
) -> Path:
    """An export's tables, made as ``write_export`` makes them: the ledger first, then files."""
    report = build_report(
        data, library, key=key, today=today, thresholds=thresholds, since_year=since_year
    )
    report.release.record()
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "answers.csv").write_bytes(answers_csv(report.rows))
    (out / "tables" / "safer-answers.csv").write_bytes(favourable_csv(report.rows))
    (out / "tables" / "strands.csv").write_bytes(strands_csv(report))
    return out


def tally(q: Questionnaire, pupils: Iterable[Answers]) -> Counter[tuple[str, str]]:
    """How many of ``pupils`` gave each answer ("skipped" for a skip): what an attacker who
    made those answers knows."""
    out: Counter[tuple[str, str]] = Counter()
    for answers in pupils:
        for question in q.questions:
            out[(question.id, answers.get(question.id) or "skipped")] += 1
    return out


def band_counts(
    out: Path | None, questionnaire: str, year: str = CLOSED_YEAR, term: Term = CLOSED_TERM
) -> dict[tuple[str, str], str]:
    """(question, answer) -> the published count ("c" if hidden) of one term's band rows."""
    if out is None:
        return {}
    return {
        (r["question_id"], r["answer_id"]): r["count"]
        for r in table(out, "answers.csv")
        if (r["questionnaire"], r["academic_year"], r["term"], r["year_group"])
        == (questionnaire, year, term.value, "all")
    }


def left_over(
    before: Path | None,
    after: Path,
    questionnaire: str,
    known: Counter[tuple[str, str]],
) -> set[tuple[str, str]]:
    """The intruder's subtraction: (question, answer) cells where the published count went up
    by exactly one more than the answers the intruder put in themselves."""
    old, new = band_counts(before, questionnaire), band_counts(after, questionnaire)
    found = set()
    for cell, count in new.items():
        was = old.get(cell, "0")
        if "c" in (count, was):
            continue
        if int(count) - int(was) - known[cell] == 1:
            found.add(cell)
    return found


def guessed(
    before: Path | None, after: Path, q: Questionnaire, known: Counter[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The intruder's best guess (:mod:`tests.exports.attacker`) of the one pupil's answers.

    The residual of a band cell is its count in ``after`` less its count in ``before``
    (if given: fresh noise on both) and less the answers the intruder made (``known``).
    """
    old, new = band_counts(before, q.id), band_counts(after, q.id)
    residuals: dict[tuple[str, str], int | None] = {}
    for cell, count in new.items():
        was = old.get(cell, "0")
        hidden = "c" in (count, was)
        residuals[cell] = None if hidden else int(count) - int(was) - known[cell]
    guess = best_guess(residuals, two_releases if before is not None else one_release)
    return set(guess.items())


def answers_of(q: Questionnaire, answers: Answers) -> set[tuple[str, str]]:
    return {(question.id, answers.get(question.id) or "skipped") for question in q.questions}


def sealed_pupils(
    q: Questionnaire,
    pupils: Iterable[Answers],
    public: bytes,
    *,
    year: str = CLOSED_YEAR,
    term: Term = CLOSED_TERM,
    kiosk_id: str,
    year_group: str | None = None,
    ids: Iterable[str] | None = None,
) -> list[SealedResponse]:
    """Responses made and sealed with nothing but the public key (which is public); with
    ``ids`` chosen (one per pupil), else fresh random ones."""
    chosen = iter(ids) if ids is not None else None
    return [
        seal_response(
            Response(
                id=next(chosen) if chosen is not None else uuid.uuid4().hex,
                questionnaire_id=q.id,
                questionnaire_version=q.version,
                content_hash=q.content_hash,
                band=q.band,
                year_group=year_group,
                academic_year=year,
                term=term,
                kiosk_id=kiosk_id,
                answers={question.id: answers.get(question.id) for question in q.questions},
            ),
            public,
        )
        for answers in pupils
    ]


def shard_ctimes(folder: Path, pattern: str) -> dict[str, int]:
    """Record id -> the change time (ns) of the shard file it is in: ``ls -lc`` and ``cat``."""
    out: dict[str, int] = {}
    for path in sorted(folder.glob(pattern)):
        ctime = path.stat().st_ctime_ns
        doc = json.loads(path.read_text(encoding="utf-8"))
        for table_ in doc.values():
            for record in table_.values():
                out[record["id"]] = ctime
    return out


def order_by_ctime(ctimes: dict[str, int]) -> list[str] | None:
    """The saving order a technician reads off the shards' ctimes; None if ctimes tie."""
    if len(set(ctimes.values())) != len(ctimes):
        return None
    return sorted(ctimes, key=ctimes.__getitem__)
