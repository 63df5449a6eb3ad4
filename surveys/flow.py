"""A pupil's way through one questionnaire, as a plain state machine.

    INTRO --read_intro--> RIGHTS --begin--> QUESTION(0) --answer/skip--> ... --> FINISH
      ^          back        ^         back      |                                 |  finish
      +----------------------+-------------------+                                 v
    reset (from any step) clears every answer                         THANKS (after saved())

    INTRO, RIGHTS, QUESTION, FINISH --ask_to_stop--> STOPPING --carry_on--> where it was
                                                        |  stop
                                                        v
                                                     STOPPED (every answer forgotten;
                                                              the help cards show)

A questionnaire with rights always shows them before the first question: there is
no way from the intro to a question that does not pass RIGHTS. (A parents'
questionnaire may have none; then ``read_intro`` goes straight to the first question.)

The flow holds answers only in memory until :meth:`finish`, which returns the
anonymous :class:`~surveys.model.Response` and forgets them. A pupil who stops
is asked once, then nothing of theirs is kept: stopping never saves.
"""

from __future__ import annotations

import enum

from surveys.clock import Clock, SystemClock
from surveys.model import SKIPPED, Question, Questionnaire, Response
from surveys.terms import academic_year, term_of

__all__ = ["CAN_STOP", "FlowError", "QuestionnaireFlow", "Step"]


class Step(enum.StrEnum):
    INTRO = "intro"
    #: The pupil's rights, in their own words, before the first question.
    RIGHTS = "rights"
    QUESTION = "question"
    FINISH = "finish"
    THANKS = "thanks"
    #: "Do you want to stop?" — one confirmation; the answers are still held.
    STOPPING = "stopping"
    #: Stopped: every answer forgotten, nothing saved; the help cards show.
    STOPPED = "stopped"


#: Where a pupil may ask to stop: before the first question, and on every one after.
CAN_STOP = frozenset({Step.INTRO, Step.RIGHTS, Step.QUESTION, Step.FINISH})


class FlowError(Exception):
    """An action that makes no sense at this step (a screen bug, not a pupil's mistake)."""


class QuestionnaireFlow:
    """One pupil's answers to one questionnaire, from the intro to the thank-you."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        *,
        kiosk_id: str,
        year_group: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.kiosk_id = kiosk_id
        self.year_group = year_group
        self._clock = clock or SystemClock()
        self.step = Step.INTRO
        self.index = 0
        self._answers: dict[str, str | None] = {}
        self._pending: Response | None = None
        self._resume = (Step.INTRO, 0)  # where "carry on" returns to

    # -- what a screen reads -------------------------------------------------

    @property
    def question(self) -> Question:
        if self.step != Step.QUESTION:
            raise FlowError(f"no current question at step {self.step}")
        return self.questionnaire.questions[self.index]

    @property
    def total(self) -> int:
        return len(self.questionnaire.questions)

    @property
    def position(self) -> int:
        """1-based number of the question on screen (``total`` on the finish step)."""
        return self.total if self.step == Step.FINISH else self.index + 1

    @property
    def chosen(self) -> str | None:
        """The option already chosen for the current question (after Back), if any."""
        return self._answers.get(self.question.id)

    @property
    def was_skipped(self) -> bool:
        qid = self.question.id
        return qid in self._answers and self._answers[qid] is SKIPPED

    @property
    def answered_count(self) -> int:
        return sum(1 for v in self._answers.values() if v is not SKIPPED)

    # -- what a pupil does ---------------------------------------------------

    def read_intro(self) -> None:
        """On from the intro: to the rights (or, with none, the first question)."""
        self._expect(Step.INTRO)
        if self.questionnaire.rights is None:
            self.step, self.index = Step.QUESTION, 0
        else:
            self.step = Step.RIGHTS

    def begin(self) -> None:
        """The pupil has read their rights: the first question."""
        self._expect(Step.RIGHTS)
        self.step, self.index = Step.QUESTION, 0

    def answer(self, option_id: str) -> None:
        q = self.question
        if option_id not in {o.id for o in q.options}:
            raise FlowError(f"{option_id!r} is not an option of question {q.id!r}")
        self._answers[q.id] = option_id
        self._advance()

    def skip(self) -> None:
        self._answers[self.question.id] = SKIPPED
        self._advance()

    def back(self) -> None:
        self._pending = None
        if self.step == Step.FINISH:
            self.step, self.index = Step.QUESTION, self.total - 1
        elif self.step == Step.QUESTION and self.index > 0:
            self.index -= 1
        elif self.step == Step.QUESTION:
            self.step = Step.INTRO if self.questionnaire.rights is None else Step.RIGHTS
        elif self.step == Step.RIGHTS:
            self.step = Step.INTRO
        else:
            raise FlowError(f"cannot go back from {self.step}")

    def finish(self) -> Response:
        """The stored form of these answers. Call :meth:`saved` once it is durable.

        Until then the answers stay, so a failed save can be retried (with the same
        id, which makes the retry harmless if the first attempt did land).
        """
        self._expect(Step.FINISH)
        if self._pending is None:
            today = self._clock.today()
            q = self.questionnaire
            self._pending = Response(
                id=self._clock.new_id(),
                questionnaire_id=q.id,
                questionnaire_version=q.version,
                content_hash=q.content_hash,
                band=q.band,
                year_group=self.year_group,
                academic_year=academic_year(today),
                term=term_of(today),
                kiosk_id=self.kiosk_id,
                answers={
                    qq.id: self._answers[qq.id] for qq in q.questions if qq.id in self._answers
                },
            )
        return self._pending

    def saved(self) -> None:
        """The response is durable: show thanks and forget the answers."""
        self._expect(Step.FINISH)
        if self._pending is None:
            raise FlowError("saved() before finish()")
        self._answers, self._pending = {}, None
        self.step, self.index = Step.THANKS, 0

    def ask_to_stop(self) -> None:
        """The pupil tapped "I want to stop": ask once before forgetting anything."""
        if self.step not in CAN_STOP:
            raise FlowError(f"cannot stop from {self.step}")
        self._resume = (self.step, self.index)
        self.step = Step.STOPPING

    def carry_on(self) -> None:
        """Not stopping after all: back to the same screen, answers as they were."""
        self._expect(Step.STOPPING)
        self.step, self.index = self._resume

    def stop(self) -> None:
        """Stop for good: forget every answer, save nothing, show the help cards."""
        self._expect(Step.STOPPING)
        self._answers, self._pending = {}, None
        self.step, self.index = Step.STOPPED, 0

    def reset(self) -> None:
        """Forget everything: the next pupil starts clean."""
        self._answers, self._pending = {}, None
        self.step, self.index = Step.INTRO, 0
        self._resume = (Step.INTRO, 0)

    # -- internals -------------------------------------------------------------

    def _advance(self) -> None:
        if self.index + 1 < self.total:
            self.index += 1
        else:
            self.step = Step.FINISH

    def _expect(self, step: Step) -> None:
        if self.step != step:
            raise FlowError(f"expected step {step}, at {self.step}")
