"""Acceptable Use Policies as content, and the signature record a kiosk seals.

An :class:`Aup` is a versioned agreement for one kind of signer. Pupil agreements
name the school's year groups they are for (a key stage, not an EfCW band:
KS3–4 runs from Year 7 to Year 11). A parent signs the parents' agreement after
reading their child's own one, so a :class:`Signature` refers to both.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from surveys.model import ContentId, KioskId, content_hash

__all__ = [
    "AUP_ICONS",
    "Aup",
    "AupPoint",
    "AupRef",
    "AupSection",
    "Signature",
    "Signer",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: Typed by a person at the kiosk: any characters, but not endless.
Typed = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]

#: Pictures a content file may put beside a point; the kiosk maps each to a Material icon.
AupIcon = Literal[
    "ask", "tell", "kind", "private", "stop", "think", "time", "people",
    "games", "photo", "check", "device", "link", "shield", "heart", "home",
]  # fmt: skip
AUP_ICONS: tuple[str, ...] = get_args(AupIcon)


class Signer(enum.StrEnum):
    """Who signs an agreement."""

    PUPILS = "pupils"
    PARENTS = "parents"
    STAFF = "staff"
    VISITORS = "visitors"
    GOVERNORS = "governors"
    CONTRACTORS = "contractors"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AupPoint(_Strict):
    """One promise, one sentence."""

    text: Text
    icon: AupIcon | None = None
    #: A word from :data:`surveys.pictures.SYMBOLS`: the symbol drawn beside the point
    #: (instead of ``icon``). Needed on every point of a ``presentation: symbols``
    #: agreement; ``esafety content check`` names an unknown or missing one.
    symbol: Text | None = None


class AupSection(_Strict):
    """A heading and a few points: shown as one screen, so short."""

    heading: Text
    points: list[AupPoint] = Field(min_length=1, max_length=6)


class Aup(_Strict):
    """A versioned Acceptable Use Policy for one kind of signer."""

    id: ContentId
    version: int = Field(ge=1)
    #: The day this version takes effect; signatures of older versions are out of date.
    effective: dt.date
    #: The day the school reviews this agreement by (at least once a year);
    #: ``esafety content check`` warns once it has passed.
    review_by: dt.date | None = None
    title: Text
    signer: Signer
    #: Pupil agreements only: the school's year group ids this agreement is for.
    year_groups: list[ContentId] = Field(default_factory=list)
    #: ``pictures`` draws a big icon beside every point (for the youngest);
    #: ``symbols`` is a symbol-supported (easy read) version for pupils who read with
    #: symbols: a short point and a big symbol on each row, offered beside the
    #: agreement for the same year groups.
    presentation: Literal["pictures", "words", "symbols"] = "words"
    intro: Text
    sections: list[AupSection] = Field(min_length=1, max_length=8)
    #: What the signer agrees to, shown beside the signature.
    closing: Text

    @model_validator(mode="after")
    def _consistent(self) -> Aup:
        if self.signer == Signer.PUPILS and not self.year_groups:
            raise ValueError("a pupil agreement needs year_groups: the years it is for")
        if self.signer != Signer.PUPILS and self.year_groups:
            raise ValueError(f"only pupil agreements have year_groups, not {self.signer.value}")
        if self.symbols and self.signer != Signer.PUPILS:
            raise ValueError("presentation: symbols is for pupil agreements only")
        if self.presentation == "pictures":
            missing = [
                f"section {i + 1} point {j + 1}"
                for i, s in enumerate(self.sections)
                for j, p in enumerate(s.points)
                if p.icon is None
            ]
            if missing:
                raise ValueError(
                    "presentation: pictures needs an icon on every point; missing on "
                    + ", ".join(missing)
                )
        return self

    @property
    def symbols(self) -> bool:
        """A symbol-supported version: offered beside the words one for the same years."""
        return self.presentation == "symbols"

    @property
    def content_hash(self) -> str:
        """The hash of what a signer reads: ``review_by`` is the school's own
        reminder, so moving it never asks anyone to sign again."""
        text = self.model_dump(mode="json", exclude={"review_by"})
        for section in text["sections"]:
            for point in section["points"]:
                if point["symbol"] is None:
                    del point["symbol"]  # points without one hash as they did before symbols
        return content_hash(text)

    @property
    def ref(self) -> AupRef:
        return AupRef(id=self.id, version=self.version, content_hash=self.content_hash)


class AupRef(_Strict):
    """Which text was read: id, version, and the hash of exactly those words."""

    id: str
    version: int
    content_hash: str


class Signature(_Strict):
    """One signed agreement: personal data, only ever stored sealed to the school's key.

    Holds the date, never the time. ``child_aup`` is the child's own agreement a
    parent read before signing theirs.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    aup: AupRef
    child_aup: AupRef | None = None
    signer: Signer
    signed_on: dt.date
    kiosk_id: KioskId
    #: The person signing: the parent, the pupil, the member of staff or the visitor.
    signer_name: Typed
    #: A parent's relationship to the child ("Mum", "Carer"); staff/visitor role.
    relationship: Typed | None = None
    child_name: Typed | None = None
    year_group: str | None = None
    class_name: Typed | None = None
    #: Finger strokes as (x, y) points on the pad; empty when the name was typed instead.
    strokes: list[list[tuple[float, float]]] = Field(default_factory=list)
    #: The name typed instead of drawing, for anyone who cannot draw.
    typed_signature: Typed | None = None

    @model_validator(mode="after")
    def _signed(self) -> Signature:
        if not self.strokes and not self.typed_signature:
            raise ValueError("a signature needs strokes or a typed name")
        return self
