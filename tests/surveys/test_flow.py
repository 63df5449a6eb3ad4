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


def start(flow):
    """Past the intro and the rights, to the first question."""
    flow.read_intro()
    flow.begin()


def test_answer_skip_back_finish(flow):
    q = flow.questionnaire
    start(flow)
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
    start(flow)
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
    start(flow)
    while flow.step == Step.QUESTION:
        flow.answer(first_option(flow))
    first = flow.finish()
    assert flow.step == Step.FINISH  # nothing is forgotten until saved()
    assert flow.finish().id == first.id
    flow.saved()
    assert flow.step == Step.THANKS
    with pytest.raises(FlowError):
        flow.question  # noqa: B018


def test_back_from_first_question_returns_to_the_rights_then_the_intro(flow):
    start(flow)
    flow.back()
    assert flow.step == Step.RIGHTS
    flow.back()
    assert flow.step == Step.INTRO


def test_the_rights_cannot_be_passed_by(flow):
    with pytest.raises(FlowError):
        flow.begin()  # straight from the intro to a question
    flow.read_intro()
    assert flow.step == Step.RIGHTS


def test_a_questionnaire_without_rights_goes_from_the_intro_to_the_first_question(library):
    parents = library.for_parents().model_copy(update={"rights": None})
    flow = QuestionnaireFlow(parents, kiosk_id="kiosk-test")
    flow.read_intro()
    assert flow.step == Step.QUESTION and flow.position == 1
    flow.back()
    assert flow.step == Step.INTRO


def test_stopping_asks_once_then_forgets_every_answer_and_saves_nothing(flow):
    start(flow)
    flow.answer(first_option(flow))
    flow.skip()
    flow.ask_to_stop()
    assert flow.step == Step.STOPPING
    flow.stop()
    assert flow.step == Step.STOPPED and flow.answered_count == 0
    with pytest.raises(FlowError):
        flow.finish()  # there is nothing to save, and no way to save it
    with pytest.raises(FlowError):
        flow.question  # noqa: B018
    flow.reset()
    start(flow)
    assert flow.chosen is None and flow.answered_count == 0 and flow.position == 1


def test_stop_needs_its_one_confirmation(flow):
    start(flow)
    with pytest.raises(FlowError):
        flow.stop()
    assert flow.step == Step.QUESTION


def test_carrying_on_returns_to_the_same_screen_with_every_answer_kept(flow):
    start(flow)
    flow.answer(first_option(flow))
    flow.answer(first_option(flow))
    flow.ask_to_stop()
    flow.carry_on()
    assert flow.step == Step.QUESTION and flow.position == 3
    flow.back()
    assert flow.chosen == flow.question.options[0].id and flow.answered_count == 2


@pytest.mark.parametrize("where", ["intro", "rights", "finish"])
def test_a_pupil_can_stop_before_the_first_question_and_at_finish(flow, where):
    if where != "intro":
        flow.read_intro()
    if where == "finish":
        flow.begin()
        while flow.step == Step.QUESTION:
            flow.answer(first_option(flow))
        flow.finish()  # a save was tried (say it failed): stopping still keeps nothing
    flow.ask_to_stop()
    flow.carry_on()
    assert flow.step == Step(where)
    flow.ask_to_stop()
    flow.stop()
    assert flow.step == Step.STOPPED and flow.answered_count == 0


def test_there_is_no_stopping_after_the_answers_are_saved(flow):
    start(flow)
    while flow.step == Step.QUESTION:
        flow.skip()
    flow.finish()
    flow.saved()
    with pytest.raises(FlowError):
        flow.ask_to_stop()


def test_reset_forgets_everything(flow):
    start(flow)
    flow.answer(first_option(flow))
    flow.reset()
    assert flow.step == Step.INTRO
    start(flow)
    assert flow.chosen is None and flow.answered_count == 0


def test_unknown_option_is_refused(flow):
    start(flow)
    with pytest.raises(FlowError):
        flow.answer("not-an-option")
