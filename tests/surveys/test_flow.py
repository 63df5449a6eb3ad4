"""The questionnaire flow as a plain state machine."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.clock import FakeClock
from surveys.flow import FlowError, QuestionnaireFlow, Step
from surveys.model import AgeBand, Term


@pytest.fixture
def flow(library):
    q = library.for_band(AgeBand.AGES_7_11)
    ids = iter(f"{n:032x}" for n in range(1, 100))
    clock = FakeClock(day=dt.date(2027, 2, 10), ids=lambda: next(ids))
    return QuestionnaireFlow(q, kiosk_id="kiosk-test", year_group="year-4", clock=clock)


def first_option(flow):
    return flow.question.options[0].id


def test_answer_skip_back_finish(flow):
    q = flow.questionnaire
    flow.begin()
    flow.answer(q.questions[0].options[1].id)
    flow.skip()
    flow.answer(q.questions[2].options[1].id)
    flow.back()
    assert flow.position == 3 and flow.chosen == q.questions[2].options[1].id
    flow.answer(q.questions[2].options[0].id)  # changed my mind
    while flow.step == Step.QUESTION:
        flow.answer(first_option(flow))
    assert flow.step == Step.FINISH
    response = flow.finish()
    assert response.answers[q.questions[0].id] == q.questions[0].options[1].id
    assert response.answers[q.questions[1].id] is None
    assert response.answers[q.questions[2].id] == q.questions[2].options[0].id
    assert len(response.answers) == len(q.questions)
    assert (response.academic_year, response.term) == ("2026/27", Term.SPRING)
    assert response.band == AgeBand.AGES_7_11 and response.year_group == "year-4"
    assert response.content_hash == q.content_hash


def test_response_holds_no_time_or_person(flow):
    flow.begin()
    while flow.step == Step.QUESTION:
        flow.skip()
    stored = flow.finish().model_dump()
    assert set(stored) == {
        "id",
        "questionnaire_id",
        "questionnaire_version",
        "content_hash",
        "band",
        "year_group",
        "academic_year",
        "term",
        "kiosk_id",
        "answers",
    }


def test_a_failed_save_keeps_answers_and_retries_with_the_same_id(flow):
    flow.begin()
    while flow.step == Step.QUESTION:
        flow.answer(first_option(flow))
    first = flow.finish()
    assert flow.step == Step.FINISH  # nothing is forgotten until saved()
    assert flow.finish().id == first.id
    flow.saved()
    assert flow.step == Step.THANKS
    with pytest.raises(FlowError):
        flow.question  # noqa: B018


def test_back_from_first_question_returns_to_the_intro(flow):
    flow.begin()
    flow.back()
    assert flow.step == Step.INTRO


def test_reset_forgets_everything(flow):
    flow.begin()
    flow.answer(first_option(flow))
    flow.reset()
    assert flow.step == Step.INTRO
    flow.begin()
    assert flow.chosen is None and flow.answered_count == 0


def test_unknown_option_is_refused(flow):
    flow.begin()
    with pytest.raises(FlowError):
        flow.answer("not-an-option")
