"""The school's own file and the help cards: who to tell, how to reach them, in whose words.

``school.yaml`` (:class:`SchoolProfile`) names the school, its Designated Safeguarding
Lead's card, its year groups and what the printed guides need; ``help-routes.yaml``
holds the :class:`HelpRoute` cards, each with optional words per audience.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from surveys.kinds import AgeBand, Audience, ContentId, StrictModel, Text

__all__ = [
    "WORDING_KEYS",
    "HelpRoute",
    "OptOut",
    "RouteWording",
    "SafeguardingLead",
    "SchoolProfile",
    "SchoolRoute",
    "SurveyLetter",
    "YearGroup",
]


#: A web address a QR code can open: https only, no spaces.
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$")]

#: Who a card's own wording can be for: the four pupil bands, parents and staff.
WORDING_KEYS: tuple[str, ...] = ("4-7", "7-11", "11-14", "14-18", "parents", "staff")


class RouteWording(StrictModel):
    """A card's words for one audience (a band's children, parents or staff).

    A field left out keeps the card's default words. ``esafety content check``
    asks a 4-7 or 7-11 wording for both ``for_whom`` and ``honest_line``.
    """

    name: Text | None = None
    for_whom: Text | None = None
    where: Text | None = None
    honest_line: Text | None = None


class HelpRoute(StrictModel):
    """Somewhere to get help: who it is for, how to reach it, and an honest line about it.

    ``for_band`` holds the card's words for one audience (keys: a band such as
    ``"4-7"``, or ``parents`` / ``staff``); ``left_off_for`` lists the pupil bands
    never shown the card at all.
    """

    id: ContentId
    name: Text
    for_whom: Text
    honest_line: Text
    phone: str | None = None
    #: The page the card's QR code opens (and the address printed under it).
    url: Url | None = None
    #: Every web address of this service the card lists, copied from the service's
    #: own website. ``esafety content check`` refuses a ``url`` not among them, so
    #: a QR code never opens some other page (``qr-not-listed``).
    urls: list[Url] = Field(default_factory=list)
    where: str | None = None
    min_age: int | None = Field(default=None, ge=0, le=99)
    audience: list[Audience] = Field(min_length=1)
    #: A fact not yet confirmed from the source: shown to staff, never to pupils.
    check_before_use: str | None = None
    #: The card's words for one audience, by band ("4-7") or "parents" / "staff".
    for_band: dict[str, RouteWording] = Field(default_factory=dict)
    #: Pupil bands that never see this card (e.g. 13+ services for ages 4-7).
    left_off_for: list[AgeBand] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reachable(self) -> HelpRoute:
        if not (self.phone or self.url or self.where):
            raise ValueError("a help route needs at least one of phone, url or where")
        return self

    def suits(self, band: AgeBand | None) -> bool:
        """Whether a pupil in ``band`` may be shown this card (``None``: no band known)."""
        if band is None:
            return True
        too_old = self.min_age is not None and self.min_age > band.oldest
        return not too_old and band not in self.left_off_for

    def worded_for(self, key: str | None) -> HelpRoute:
        """This card in ``key``'s words (a band value, "parents" or "staff"); the default
        words where that audience has none."""
        wording = self.for_band.get(key) if key else None
        if wording is None:
            return self
        own = {k: v for k, v in wording.model_dump().items() if v is not None}
        return self.model_copy(update=own)


class YearGroup(StrictModel):
    """A year group as the school names it, and the age band it belongs to."""

    id: ContentId
    name: Text
    band: AgeBand


class SchoolRoute(StrictModel):
    """The school's own route: the Designated Safeguarding Lead, by name and place."""

    name: Text
    for_whom: Text
    where: Text
    honest_line: Text
    #: The card's words for one audience, as on a help route.
    for_band: dict[str, RouteWording] = Field(default_factory=dict)


class SafeguardingLead(StrictModel):
    """The Designated Safeguarding Lead, as the printed guides name them."""

    name: Text
    where: Text
    #: Who to tell when the DSL is away (the deputy DSL).
    deputy: Text | None = None


class OptOut(StrictModel):
    """How a parent opts their child out of the survey, for the parent letter."""

    how: Text
    by: Text


class SurveyLetter(StrictModel):
    """What the printed guides need beyond the help card: the DSL, opting out, a contact."""

    safeguarding_lead: SafeguardingLead
    opt_out: OptOut
    #: Who parents contact with questions about the survey.
    contact: Text
    #: When the survey runs, in the school's words ("in the week of 12 October").
    when: Text


class SchoolProfile(StrictModel):
    """What a school fills in about itself."""

    id: ContentId
    version: int = Field(ge=1)
    name: Text
    own_route: SchoolRoute
    #: The school's online-safety web page, shown as a QR code after signing.
    online_safety_page: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    year_groups: list[YearGroup] = Field(min_length=1)
    #: For the printed teacher's guide and parent letter (``esafety guides``).
    survey_letter: SurveyLetter | None = None

    def own_help_route(self) -> HelpRoute:
        r = self.own_route
        return HelpRoute(
            id="school",
            name=r.name,
            for_whom=r.for_whom,
            honest_line=r.honest_line,
            where=r.where,
            audience=[Audience.PUPILS, Audience.PARENTS, Audience.STAFF],
            for_band=r.for_band,
        )
