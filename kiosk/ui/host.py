"""The narrow host a screen talks to: attributes down, messages up.

A screen module is a set of functions ``build_*(host, …) -> list[ft.Control]``.
It reads what it shows from the arguments and from small frozen snapshots
(:class:`KioskView`, :class:`StaffView`), and it reports what the person did
by calling one :class:`Host` message per action. It never touches the
session's state, the services, the stores or the disk, and screens never call
each other. :class:`~kiosk.ui.session.PupilSession` is the one real host; its
messages do the work (slow work off the UI loop) and redraw.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from surveys.agreements.signing import SigningFlow
from surveys.content.errors import ContentProblem, Unavailable
from surveys.flow import QuestionnaireFlow
from surveys.model import AgeBand, HelpRoute, Questionnaire, SchoolProfile, YearGroup
from surveys.requests.model import Reason, TalkForm

__all__ = ["REASON_WORDS", "Handler", "Host", "KioskView", "StaffView", "SyncView"]

#: The words (``content/strings`` keys) for each reason a pupil may give for asking to talk.
REASON_WORDS: dict[Reason, str] = {
    Reason.ONLINE: "talk_reason_online",
    Reason.UNKIND: "talk_reason_unkind",
    Reason.UPSETTING: "talk_reason_upsetting",
    Reason.OTHER: "talk_reason_other",
}

#: What Flet calls when a control is used.
Handler = Callable[[Any], Any]


@dataclass(frozen=True)
class KioskView:
    """What this kiosk offers right now (the start screen and the signing screens read it)."""

    school: SchoolProfile
    offers_survey: bool
    offers_agreements: bool
    #: Staff have chosen a band, or parents.
    is_set_up: bool
    #: The questionnaire for that choice is there and passed its checks.
    has_questionnaire: bool
    parents: bool
    #: The school's public key is installed and an agreement is ready to sign.
    can_sign: bool
    #: A pupil's request to talk to someone can be sealed and passed on (the school's key).
    can_pass_on_requests: bool = False
    #: Set up for ages 4–7: the simplest words and the biggest buttons.
    young: bool = False


@dataclass(frozen=True)
class SyncView:
    """How sync with the lead's hub is going, for the staff screen."""

    paired: bool
    hub_url: str | None
    last_sync: str | None
    last_error: str | None
    pending_responses: int
    pending_signatures: int
    #: Records here sealed to a key that is not the school's (never sent), to the nearest 10.
    sealed_elsewhere: int
    #: One line about the last thing staff asked for (pair, sync now), or "".
    message: str


@dataclass(frozen=True)
class StaffView:
    """Everything the staff settings screen shows, read once (off the UI loop) per visit."""

    who_label: str
    band: AgeBand | None
    year_group: str | None
    parents: bool
    mode: str
    #: The school's year groups in the chosen band.
    year_groups: list[YearGroup]
    #: Records waiting on this kiosk (the hub's have left), to the nearest 10.
    total_responses: int
    responses_this_term: int
    signature_count: int
    #: Pupils' requests to talk to someone waiting here, exactly (the lead needs every one).
    request_count: int
    key_fingerprint: str | None
    #: Answers are being sealed to the sample school's demo key (no school key yet).
    demo_key: bool
    #: Agreements set aside because their text changed without a new version.
    agreement_problems: list[ContentProblem]
    #: Content files set aside, each with its problems.
    unavailable: list[Unavailable]
    warnings: int
    #: The address tablets type, when serving the school network ("" on this computer only).
    address: str
    #: SHA-256 of the HTTPS certificate, for the technician to check on each tablet ("" if none).
    tls_fingerprint: str
    #: The school network is served over plain HTTP (``--insecure-lan``).
    insecure_lan: bool
    sync: SyncView
    #: Why the last save on this kiosk failed (a full disk, …), "" if saves work.
    save_problem: str = ""


class Host(Protocol):
    """The calls a screen may make. Each message is one thing a person did."""

    @property
    def kiosk(self) -> KioskView: ...

    @property
    def message(self) -> str:
        """One line of feedback for the screen being drawn (a wrong PIN, say), or ""."""
        ...

    def t(self, key: str, **values: Any) -> str:
        """The kiosk's words (``content/strings``), with ``{placeholders}`` filled in."""
        ...

    def on(self, action: Callable[[], Any]) -> Handler:
        """A handler that counts as activity (for the idle timer), then runs ``action``."""
        ...

    def on_async(self, action: Callable[[], Awaitable[Any]]) -> Handler: ...

    def touch(self) -> None:
        """Activity that is not a tap (typing, drawing): keeps the idle reset away."""
        ...

    def help_routes(self, questionnaire: Questionnaire | None) -> list[HelpRoute]: ...

    # -- a pupil or parent ---------------------------------------------------------

    def show_start(self) -> None: ...

    def show_help(self) -> None: ...

    def begin(self) -> None: ...

    def flow_action(self, action: Callable[[QuestionnaireFlow], Any]) -> Handler: ...

    async def finish(self) -> None: ...

    def stop_survey(self) -> None:
        """The pupil confirmed "I want to stop": forget every answer, save nothing,
        and show the help cards (then the start screen, after "I've finished")."""
        ...

    def begin_signing(self) -> None: ...

    def signing_action(self, action: Callable[[SigningFlow], str | None]) -> Handler:
        """Apply one step to the signing flow and redraw; a returned string key is shown."""
        ...

    async def confirm_signature(self) -> None: ...

    def ask_to_talk(self) -> None:
        """ "I'd like to talk to someone": open the form; Go back returns to this screen."""
        ...

    def talk_action(self, action: Callable[[TalkForm], Any]) -> Handler:
        """Apply one change to the talk form (a reason chosen) and redraw it."""
        ...

    async def send_talk(self, first_name: str, class_name: str) -> None:
        """Seal and save the request (off the UI loop), forget it, then say what happens next."""
        ...

    def talk_back(self) -> None:
        """Leave the talk screens for exactly the screen the pupil came from."""
        ...

    def reset(self) -> None:
        """Forget this person (answers, fields, strokes) and show the start screen."""
        ...

    # -- staff ----------------------------------------------------------------------

    def show_staff(self) -> None: ...

    async def choose_pin(self, pin: str, again: str) -> None: ...

    async def unlock(self, pin: str) -> None: ...

    async def choose_audience(self, band: AgeBand | None, year_group: str | None) -> None:
        """Who answers here (``None`` = parents)."""
        ...

    async def choose_mode(self, mode: str) -> None: ...

    async def install_key(self, text: str) -> None: ...

    async def pair_with_hub(self, text: str) -> None: ...

    async def sync_now(self) -> None: ...

    def draw_settings(self) -> None: ...
