"""The school's words as types: age bands, strands, questionnaires, strings, responses.

Content models are pydantic models with ``extra="forbid"``: a school's typo in a
field name is an error that names the field, never a silently ignored key.
Help routes and the school's own file live in :mod:`surveys.school`; the shared
kinds (ids, bands, audiences) in :mod:`surveys.kinds`. Both are re-exported here.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from surveys.kinds import AgeBand, Audience, ContentId, StrictModel, Text
from surveys.pictures import FACE_ICONS, FaceIcon, default_picture
from surveys.school import (
    WORDING_KEYS,
    HelpRoute,
    OptOut,
    RouteWording,
    SafeguardingLead,
    SchoolProfile,
    SurveyLetter,
    YearGroup,
)

__all__ = [
    "FACE_ICONS",
    "KIOSK_ID_PATTERN",
    "SKIPPED",
    "WORDING_KEYS",
    "AgeBand",
    "Audience",
    "ContentId",
    "HelpRoute",
    "KioskId",
    "OptOut",
    "Option",
    "Question",
    "Questionnaire",
    "Response",
    "Rights",
    "RouteWording",
    "SafeguardingLead",
    "SchoolProfile",
    "SealedResponse",
    "Strand",
    "StringTable",
    "SurveyLetter",
    "Term",
    "YearGroup",
    "content_hash",
    "valid_kiosk_id",
]

#: A kiosk's id names folders on disk, so it is letters, digits and hyphens only.
KIOSK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"
KioskId = Annotated[str, StringConstraints(pattern=KIOSK_ID_PATTERN)]


def valid_kiosk_id(text: str) -> bool:
    """Whole-string check (``re.match`` with ``$`` would let a trailing newline through)."""
    return re.fullmatch(KIOSK_ID_PATTERN.strip("^$"), text) is not None


#: What an answer holds when the pupil tapped "I'd rather not say".
SKIPPED = None


class Strand(enum.StrEnum):
    """The eight Education for a Connected World strands."""

    SELF_IMAGE_AND_IDENTITY = "self-image-and-identity"
    ONLINE_RELATIONSHIPS = "online-relationships"
    ONLINE_REPUTATION = "online-reputation"
    ONLINE_BULLYING = "online-bullying"
    MANAGING_ONLINE_INFORMATION = "managing-online-information"
    HEALTH_WELLBEING_AND_LIFESTYLE = "health-wellbeing-and-lifestyle"
    PRIVACY_AND_SECURITY = "privacy-and-security"
    COPYRIGHT_AND_OWNERSHIP = "copyright-and-ownership"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Term(enum.StrEnum):
    """The three terms of an English school year, in calendar order within the year."""

    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


_Strict = StrictModel


class Option(_Strict):
    """One answer a pupil can tap."""

    id: ContentId
    label: Text
    #: A picture from :data:`FACE_ICONS`, shown large for young children.
    icon: FaceIcon | None = None

    @property
    def picture(self) -> FaceIcon:
        """The picture shown: the content's own, else a neutral one (never a thumb)."""
        return self.icon or default_picture(self.id)


class Question(_Strict):
    """One question, shown alone on its own screen."""

    id: ContentId
    text: Text
    #: The EfCW strand it measures; ``none`` only for a question about the school
    #: itself (such as whether lessons helped), which no strand's trend should hold.
    strand: Strand | None
    #: Sensitive questions get the higher small-number threshold in every export.
    sensitive: bool = False
    #: The youngest age this question suits (e.g. 13 for relationship questions).
    min_age: int | None = Field(default=None, ge=4, le=18)
    options: list[Option] = Field(min_length=2, max_length=6)
    #: Option ids that count as the "good" answer in trend charts.
    favourable: list[ContentId] = Field(default_factory=list)
    #: A headline question gets its own trend chart in the evidence pack.
    headline: bool = False
    #: One calm line of help shown on this question's screen, the same whatever
    #: the answer (so an onlooker learns nothing). Required when ``sensitive``.
    help_line: Text | None = None
    #: Help route ids that fit this question's topic: shown first when Help is
    #: tapped on it, and added to the help cards at the end.
    help_routes: list[ContentId] = Field(default_factory=list)

    @property
    def text_hash(self) -> str:
        """The hash of what a pupil saw: the words and the answers. Trends follow it,
        so a question whose wording changes starts a new series."""
        return content_hash(
            {"text": self.text, "options": [[o.id, o.label] for o in self.options]}
        )[:16]

    @field_validator("strand", mode="before")
    @classmethod
    def _no_strand(cls, value: object) -> object:
        return None if value == "none" else value

    @model_validator(mode="after")
    def _options_consistent(self) -> Question:
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                f"option ids must differ within a question; repeated: {', '.join(dupes)}"
            )
        unknown = [f for f in self.favourable if f not in ids]
        if unknown:
            raise ValueError(
                f"favourable names {', '.join(unknown)}, which is not one of this "
                f"question's options ({', '.join(ids)})"
            )
        return self


class Rights(_Strict):
    """What a pupil is told before the first question, in their own words.

    After the NSPCC's research-with-children guidance. Every point is optional
    here so that ``esafety content check`` can name the one that is missing
    (``missing-rights``) instead of a bare schema error.
    """

    #: Taking part is up to them.
    voluntary: Text | None = None
    #: Any question can be skipped.
    skip: Text | None = None
    #: They can stop at any time, and nothing is kept.
    stop: Text | None = None
    #: What the answers are for.
    what_for: Text | None = None
    #: Who sees them: totals only.
    who_sees: Text | None = None
    #: Once sent they cannot be taken back, because they carry no name.
    no_take_back: Text | None = None
    #: For ages 4–7: an adult may read the questions and will see the taps.
    adult_helper: Text | None = None

    #: The points every questionnaire with rights must make.
    REQUIRED: ClassVar[tuple[str, ...]] = (
        "voluntary",
        "skip",
        "stop",
        "what_for",
        "who_sees",
        "no_take_back",
    )

    def points(self) -> list[tuple[str, str]]:
        """(point, words) in the order a pupil reads them: the adult helper right
        after who sees the answers, since the helper sees them too."""
        order = (*self.REQUIRED[:5], "adult_helper", "no_take_back")
        return [(name, text) for name in order if (text := getattr(self, name))]


class Questionnaire(_Strict):
    """A versioned questionnaire for one audience (and, for pupils, one age band)."""

    id: ContentId
    version: int = Field(ge=1)
    title: Text
    audience: Literal[Audience.PUPILS, Audience.PARENTS]
    band: AgeBand | None = None
    #: ``faces`` draws big picture buttons (for ages 4–7); ``words`` draws text buttons.
    presentation: Literal["faces", "words"] = "words"
    #: Read before the first question: what this is, that it is anonymous, that
    #: every question can be skipped, and that it is not how to report a worry.
    intro: Text
    #: The pupil's rights, shown with the intro (required for every pupil band).
    rights: Rights | None = None
    questions: list[Question] = Field(min_length=1, max_length=20)
    #: Help route ids shown on the thank-you screen, in order.
    help_routes: list[ContentId] = Field(min_length=1)

    @model_validator(mode="after")
    def _band_matches_audience(self) -> Questionnaire:
        if self.audience == Audience.PUPILS and self.band is None:
            raise ValueError("a pupil questionnaire needs a band: one of 4-7, 7-11, 11-14, 14-18")
        if self.audience == Audience.PARENTS and self.band is not None:
            raise ValueError("a parent questionnaire has no band; remove the band line")
        return self

    @property
    def content_hash(self) -> str:
        return content_hash(self.model_dump(mode="json"))

    @property
    def all_help_routes(self) -> list[str]:
        """Route ids for the help cards at the end: this questionnaire's own, in order,
        then those its questions name, so the cards fit the topics every pupil here
        was asked about (the same for every pupil: nothing about their answers)."""
        ids = list(self.help_routes)
        for q in self.questions:
            ids += [r for r in q.help_routes if r not in ids]
        return ids

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


class StringTable(_Strict):
    """The kiosk's words in one language, by key."""

    id: ContentId
    version: int = Field(ge=1)
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    strings: dict[str, Text]

    def get(self, key: str, **values: Any) -> str:
        text = self.strings[key]
        return text.format(**values) if values else text

    def placeholders(self, key: str) -> set[str]:
        return set(re.findall(r"{(\w+)}", self.strings.get(key, "")))


class Response(_Strict):
    """One pupil's finished questionnaire, as stored: anonymous and order-free.

    There is no name, no device user and no clock time. ``id`` is a random UUID
    made when the pupil finishes, so it says nothing about when.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    questionnaire_id: str
    questionnaire_version: int
    content_hash: str
    band: AgeBand | None
    year_group: str | None = None
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}/\d{2}$")]
    term: Term
    kiosk_id: KioskId
    #: Question id -> option id, or ``None`` for "I'd rather not say".
    answers: dict[str, str | None]


class SealedResponse(_Strict):
    """One response as a kiosk stores and sends it: the answers sealed to the school's key.

    Only what sharding and counting need is in clear: the random id, the kiosk,
    the academic year and term (already in the file's path). Everything else,
    band and year group included, is inside ``sealed``, which only the lead's
    private key opens (see :mod:`surveys.sealed`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    kiosk_id: KioskId
    academic_year: Annotated[str, StringConstraints(pattern=r"^\d{4}/\d{2}$")]
    term: Term
    #: Fingerprint of the public key it was sealed to (``3F2A-91C0``).
    key: str
    #: The padded response JSON, sealed (libsodium sealed box), in base64.
    sealed: str


def content_hash(data: Any) -> str:
    """A stable SHA-256 of JSON-able content: any edit to the text changes it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
