"""What a pupil's request to talk to someone holds, and the form they fill in at the kiosk.

A :class:`HelpRequest` holds a fresh random id, the kiosk, the day (a date,
never a time), the kiosk's age band, and what the pupil chose to give: a first
name, a class and one reason, each optional. Nothing else: no survey session,
no response id, no order. :class:`TalkForm` is the plain state machine the
kiosk's "I'd like to talk to someone" screens drive.

Errors:

    RequestProblem(ValueError)   what was typed will not do; ``code`` says which rule
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from surveys.model import AgeBand, KioskId

__all__ = [
    "CLASS_MAX",
    "NAME_MAX",
    "HelpRequest",
    "Reason",
    "RequestProblem",
    "TalkForm",
    "TalkStep",
    "tidy",
]

#: The longest first name and class a request keeps (the form stops typing there).
NAME_MAX = 30
CLASS_MAX = 12


class Reason(enum.StrEnum):
    """Why a pupil would like to talk (optional; the words are ``talk_reason_*`` strings)."""

    ONLINE = "online-worry"
    UNKIND = "someone-unkind"
    UPSETTING = "saw-something-upsetting"
    OTHER = "something-else"


class RequestProblem(ValueError):
    """What was typed will not do. ``code`` names the rule; the message says how to fix it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
ClassName = Annotated[str, StringConstraints(min_length=1, max_length=CLASS_MAX)]


class HelpRequest(BaseModel):
    """One pupil's request to talk to a trusted adult, as sealed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Random, made when the pupil presses Send; shared with nothing else.
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    kiosk_id: KioskId
    first_name: Name | None = None
    class_name: ClassName | None = None
    reason: Reason | None = None
    #: The day it was asked (a date: no time of day is ever kept).
    asked_on: dt.date
    #: The kiosk's age band when it was asked (for the words the lead reads).
    band: AgeBand | None = None


def tidy(text: str, longest: int, what: str) -> str | None:
    """``text`` with its spaces tidied, or None if empty.

    Raises:
        RequestProblem: longer than ``longest`` characters, or holding control characters.
    """
    words = " ".join(text.split())
    if not words:
        return None
    if len(words) > longest:
        raise RequestProblem(
            f"{what}_too_long",
            f"the {what.replace('_', ' ')} is {len(words)} characters long; "
            f"keep it to {longest} or fewer",
        )
    if any(not c.isprintable() for c in words):
        raise RequestProblem(
            f"{what}_not_text", f"the {what.replace('_', ' ')} holds characters that are not text"
        )
    return words


class TalkStep(enum.Enum):
    FORM = "form"
    SENT = "sent"


class TalkForm:
    """A pupil filling in "I'd like to talk to someone", from the form to "sent".

    The typed words live here only until the request is saved (:meth:`sent`
    forgets them); :meth:`reset` forgets a half-filled form.
    """

    def __init__(self) -> None:
        self.step = TalkStep.FORM
        self.first_name = ""
        self.class_name = ""
        self.reason: Reason | None = None

    def keep(self, first_name: str, class_name: str) -> None:
        """What is in the two boxes now (kept across a redraw of the form)."""
        self.first_name, self.class_name = first_name, class_name

    def choose(self, reason: Reason | None) -> None:
        """Pick a reason; picking the chosen one again un-picks it."""
        self.reason = None if reason == self.reason else reason

    def request(self, kiosk_id: str, band: AgeBand | None, today: dt.date) -> HelpRequest:
        """The request to seal, with a fresh random id; the form keeps what was typed
        until :meth:`sent` (so a failed save can be tried again).

        Raises:
            RequestProblem: a name or class will not do.
        """
        return HelpRequest(
            id=secrets.token_hex(16),  # never the clock's ids: nothing shared with a response
            kiosk_id=kiosk_id,
            first_name=tidy(self.first_name, NAME_MAX, "first_name"),
            class_name=tidy(self.class_name, CLASS_MAX, "class_name"),
            reason=self.reason,
            asked_on=today,
            band=band,
        )

    def sent(self) -> None:
        """The request is saved: forget what was typed and chosen, and show what happens next."""
        self.reset()
        self.step = TalkStep.SENT

    def reset(self) -> None:
        """Forget everything typed or chosen."""
        self.first_name = self.class_name = ""
        self.reason = None
        self.step = TalkStep.FORM
