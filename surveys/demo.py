"""Synthetic anonymised responses for trying exports and for benchmarks.

The data is made to look like a real school's: several kiosks, five academic
years, three terms, every band, some skipped questions, and favourable answers
that slowly become more common (so a trend chart has a trend to show).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator

from surveys.content.library import ContentLibrary
from surveys.model import Questionnaire, Response, SealedResponse, Term
from surveys.sealed import demo_public_key, seal_response
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts
from surveys.terms import academic_year, term_of

__all__ = ["demo_responses", "write_demo_data"]

YEARS_BACK = 5
BATCH = 2000


def demo_responses(
    library: ContentLibrary,
    count: int,
    *,
    seed: int = 1,
    end_year: int = 2026,
    kiosks: int = 3,
    today: dt.date | None = None,
    kiosk_ids: list[str] | None = None,
) -> Iterator[Response]:
    """``count`` plausible responses spread over the five academic years up to ``end_year``,
    never in a term that has not started yet (by ``today``)."""
    rng = random.Random(seed)
    now = today or dt.date.today()
    current = (int(academic_year(now)[:4]), list(Term).index(term_of(now)))
    questionnaires = sorted(library.questionnaires.values(), key=lambda q: q.id)
    if not questionnaires:
        raise ValueError("no working questionnaire in the content folder")
    end_year = min(end_year, current[0])
    years = [end_year - YEARS_BACK + 1 + i for i in range(YEARS_BACK)]
    kiosk_ids = kiosk_ids or [f"kiosk-demo{k + 1}" for k in range(kiosks)]
    year_groups = library.school.year_groups
    for _ in range(count):
        q = rng.choice(questionnaires)
        while True:
            year_index = rng.randrange(len(years))
            start = years[year_index]
            term = rng.choice(list(Term))
            if (start, list(Term).index(term)) <= current:
                break
        progress = (year_index * 3 + list(Term).index(term)) / (len(years) * 3)
        groups = [g.id for g in year_groups if g.band == q.band] if q.band else []
        yield Response(
            id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            content_hash=q.content_hash,
            band=q.band,
            year_group=rng.choice(groups) if groups and rng.random() < 0.7 else None,
            academic_year=f"{start}/{(start + 1) % 100:02d}",
            term=term,
            kiosk_id=rng.choice(kiosk_ids),
            answers=_answers(q, rng, progress),
        )


def _answers(q: Questionnaire, rng: random.Random, progress: float) -> dict[str, str | None]:
    answers: dict[str, str | None] = {}
    for question in q.questions:
        if rng.random() < 0.06:
            answers[question.id] = None  # "I'd rather not say"
            continue
        good = [o.id for o in question.options if o.id in question.favourable]
        if good and rng.random() < 0.45 + 0.3 * progress:
            answers[question.id] = rng.choice(good)
        else:
            answers[question.id] = rng.choice([o.id for o in question.options])
    return answers


def write_demo_data(
    store: ResponseStore,
    library: ContentLibrary,
    count: int,
    *,
    seed: int = 1,
    kiosk_ids: list[str] | None = None,
    public: bytes | None = None,
) -> int:
    """Write ``count`` demo responses through the kiosk's own store; returns how many.

    Each is sealed, as a kiosk seals it, to ``public`` (default: the sample
    school's demo key). The same seed makes the same ids, and an id already
    stored is skipped, so a second run adds nothing.
    """
    key = public or demo_public_key()
    keep_texts(store.root, library.questionnaires.values())
    stored = {r["id"] for r in store.raw_records()}
    written = 0
    batch: list[SealedResponse] = []
    for r in demo_responses(library, count, seed=seed, kiosk_ids=kiosk_ids):
        if r.id in stored:
            continue
        batch.append(seal_response(r, key))
        if len(batch) >= BATCH:
            written += store.save_many(batch)
            batch = []
    if batch:
        written += store.save_many(batch)
    return written
