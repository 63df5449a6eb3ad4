"""Signing an agreement at the kiosk, as a plain state machine.

    WHO --choose--> YEAR (pupils, parents) --> READ page 1 .. page N --> DETAILS
        --> SIGN (draw, or type the name) --> REVIEW --finish--> THANKS (after saved())

A pupil may choose the symbol-supported (easy read) version instead of the words
one, where the school has one for their year (``choose(PUPILS, symbols=True)``).
``back`` steps back one screen; ``reset`` (from anywhere) forgets every field.
DETAILS cannot be reached until every page of the text has been shown, so
nobody signs what they were never shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from surveys.agreements.aup import Aup, Signature, Signer
from surveys.clock import Clock, SystemClock
from surveys.flow import FlowError

__all__ = ["AgreementLibrary", "Page", "SigningFlow", "SigningStep"]

#: Most points a pad keeps: about 15 s of drawing at one point per 15 ms, several times a
#: signature. Every sealed signature is padded to the size of the largest possible one
#: (:data:`surveys.agreements.sealing.PAD_TO`), so this bound sets each record's size:
#: 4,000 points made every record 104 KB on disk; 1,000 make it about 33 KB.
MAX_POINTS = 1000


class SigningStep(enum.StrEnum):
    WHO = "who"
    YEAR = "year"
    READ = "read"
    DETAILS = "details"
    SIGN = "sign"
    REVIEW = "review"
    THANKS = "thanks"


@dataclass(frozen=True)
class Page:
    """One screen of agreement text: a section of one agreement (the first carries the intro)."""

    aup: Aup
    section: int

    @property
    def first(self) -> bool:
        return self.section == 0


class AgreementLibrary:
    """The agreements a kiosk can offer, looked up the way the signing screens ask."""

    def __init__(self, aups: dict[str, Aup]) -> None:
        self.aups = aups

    def for_signer(self, signer: Signer) -> Aup | None:
        if signer == Signer.PUPILS:
            return None  # depends on the year group
        return next((a for a in self.aups.values() if a.signer == signer), None)

    def for_year(self, year_group: str, *, symbols: bool = False) -> Aup | None:
        """The pupil agreement for a year group: the words one, or the symbol-supported one."""
        return next(
            (
                a
                for a in self.aups.values()
                if a.signer == Signer.PUPILS
                and a.symbols == symbols
                and year_group in a.year_groups
            ),
            None,
        )

    def choices(self) -> list[tuple[Signer, bool]]:
        """Who can sign here, in the order the kiosk offers them: (signer, with symbols).

        A symbol-supported pupil agreement is its own choice, just after the pupils' one.
        """
        words = {a.signer for a in self.aups.values() if not a.symbols}
        if Signer.PUPILS not in words:
            words.discard(Signer.PARENTS)  # a parent reads their child's agreement first
        symbols = any(a.symbols for a in self.aups.values())
        order = [
            Signer.PARENTS, Signer.PUPILS, Signer.STAFF, Signer.GOVERNORS, Signer.CONTRACTORS,
            Signer.VISITORS,
        ]  # fmt: skip
        out = []
        for s in order:
            if s in words:
                out.append((s, False))
            if s == Signer.PUPILS and symbols:
                out.append((s, True))
        return out

    def signers(self) -> list[Signer]:
        """Who can sign here, in the order the kiosk offers them."""
        return list(dict.fromkeys(s for s, _symbols in self.choices()))


class SigningFlow:
    """One person signing one agreement; everything typed or drawn lives only here."""

    def __init__(self, library: AgreementLibrary, *, kiosk_id: str, clock: Clock | None = None):
        self.library = library
        self.kiosk_id = kiosk_id
        self._clock = clock or SystemClock()
        self.reset()

    # -- state a screen reads ----------------------------------------------------

    def reset(self) -> None:
        """Forget everything: who, year, names, strokes, how far they read."""
        self.step = SigningStep.WHO
        self.signer: Signer | None = None
        #: A pupil reading the symbol-supported version.
        self.symbols = False
        self.year_group: str | None = None
        self.pages: list[Page] = []
        self.page_index = 0
        self.furthest_page = -1
        self.signer_name = ""
        self.relationship = ""
        self.child_name = ""
        self.class_name = ""
        self.strokes: list[list[tuple[float, float]]] = []
        self.typed_signature = ""
        self.typing = False
        self._pending: Signature | None = None

    @property
    def aup(self) -> Aup:
        """The agreement being signed (for a parent: the parents' one)."""
        if not self.pages:
            raise FlowError("no agreement chosen yet")
        return self.pages[-1].aup

    @property
    def child_aup(self) -> Aup | None:
        return self.pages[0].aup if self.signer == Signer.PARENTS and self.pages else None

    @property
    def page(self) -> Page:
        return self.pages[self.page_index]

    @property
    def read_all(self) -> bool:
        return bool(self.pages) and self.furthest_page == len(self.pages) - 1

    def needs(self) -> list[str]:
        """The detail fields this signer must fill in, in screen order."""
        if self.signer == Signer.PARENTS:
            return ["signer_name", "relationship", "child_name", "class_name"]
        if self.signer == Signer.PUPILS:
            return ["signer_name", "class_name"]
        return ["signer_name", "relationship"]

    def missing(self) -> list[str]:
        return [f for f in self.needs() if not getattr(self, f).strip()]

    @property
    def signed(self) -> bool:
        return bool(self.typed_signature.strip()) if self.typing else bool(self.strokes)

    # -- actions ---------------------------------------------------------------

    def choose(self, signer: Signer, *, symbols: bool = False) -> None:
        self._at(SigningStep.WHO)
        if (signer, symbols) not in self.library.choices():
            with_symbols = " with symbols" if symbols else ""
            raise FlowError(f"no agreement for {signer.value}{with_symbols} on this kiosk")
        self.signer, self.symbols = signer, symbols
        if signer in (Signer.PUPILS, Signer.PARENTS):
            self.step = SigningStep.YEAR
        else:
            aup = self.library.for_signer(signer)
            assert aup is not None
            self._open([aup])

    def choose_year(self, year_group: str) -> None:
        self._at(SigningStep.YEAR)
        pupil_aup = self.library.for_year(year_group, symbols=self.symbols)
        if pupil_aup is None:
            with_symbols = " with symbols" if self.symbols else ""
            raise FlowError(f"no pupil agreement{with_symbols} covers {year_group}")
        self.year_group = year_group
        docs = [pupil_aup]
        if self.signer == Signer.PARENTS:
            parents = self.library.for_signer(Signer.PARENTS)
            if parents is None:
                raise FlowError("no parents' agreement on this kiosk")
            docs.append(parents)
        self._open(docs)

    def next_page(self) -> None:
        """Show the next page; from the last page, go on to the details."""
        self._at(SigningStep.READ)
        if self.page_index < len(self.pages) - 1:
            self.page_index += 1
            self.furthest_page = max(self.furthest_page, self.page_index)
        else:
            self.to_details()

    def to_details(self) -> None:
        if not self.read_all:
            raise FlowError("the whole agreement must be shown before the details and signature")
        self.step = SigningStep.DETAILS

    def keep_details(self, **fields: str) -> None:
        """Keep what was typed so far (spaces tidied, at most 80 characters each)."""
        self._at(SigningStep.DETAILS)
        for name, value in fields.items():
            if name not in self.needs():
                raise FlowError(f"{name} is not asked of {self.signer}")
            setattr(self, name, " ".join(value.split())[:80])

    def set_details(self, **fields: str) -> list[str]:
        """Keep what was typed; go on to sign if nothing needed is missing. Returns what is."""
        self.keep_details(**fields)
        missing = self.missing()
        if not missing:
            self.step = SigningStep.SIGN
        return missing

    def add_stroke(self, points: list[tuple[float, float]]) -> None:
        self._at(SigningStep.SIGN)
        room = MAX_POINTS - sum(len(s) for s in self.strokes)
        if points and room > 0:
            self.strokes.append([(round(x, 1), round(y, 1)) for x, y in points[:room]])

    def set_strokes(self, strokes: list[list[tuple[float, float]]]) -> None:
        self._at(SigningStep.SIGN)
        self.strokes = []
        for s in strokes:
            self.add_stroke(s)

    def clear_signature(self) -> None:
        self._at(SigningStep.SIGN)
        self.strokes = []
        self.typed_signature = ""

    def type_instead(self, typing: bool = True) -> None:
        """Switch between drawing and typing the name as the signature."""
        self._at(SigningStep.SIGN)
        self.typing = typing
        self.strokes, self.typed_signature = [], ""

    def set_typed_signature(self, text: str) -> None:
        self._at(SigningStep.SIGN)
        self.typed_signature = " ".join(text.split())[:80]

    def to_review(self) -> None:
        self._at(SigningStep.SIGN)
        if not self.signed:
            raise FlowError("nothing signed yet")
        self.step = SigningStep.REVIEW

    def back(self) -> None:
        self._pending = None  # anything may change now: a new record (and id) when signed
        if self.step == SigningStep.YEAR:
            self.step, self.signer, self.symbols = SigningStep.WHO, None, False
        elif self.step == SigningStep.READ:
            if self.page_index > 0:
                self.page_index -= 1
            elif self.signer in (Signer.PUPILS, Signer.PARENTS):
                self.step, self.pages, self.furthest_page = SigningStep.YEAR, [], -1
            else:
                self.step, self.signer, self.pages, self.furthest_page = (
                    SigningStep.WHO, None, [], -1,
                )  # fmt: skip
        elif self.step == SigningStep.DETAILS:
            self.step = SigningStep.READ
        elif self.step == SigningStep.SIGN:
            self.step = SigningStep.DETAILS
        elif self.step == SigningStep.REVIEW:
            self.step = SigningStep.SIGN

    def finish(self) -> Signature:
        """The signature to save; the same one (same id) if asked again after a failed save."""
        self._at(SigningStep.REVIEW)
        if self._pending is None:
            if not (self.read_all and self.signed and not self.missing()) or self.signer is None:
                raise FlowError("not ready to sign")
            child = self.child_aup
            self._pending = Signature(
                id=self._clock.new_id(),
                aup=self.aup.ref,
                child_aup=child.ref if child else None,
                signer=self.signer,
                signed_on=self._clock.today(),
                kiosk_id=self.kiosk_id,
                signer_name=self.signer_name,
                relationship=self.relationship or None,
                child_name=self.child_name or None,
                year_group=self.year_group,
                class_name=self.class_name or None,
                strokes=[] if self.typing else self.strokes,
                typed_signature=self.typed_signature if self.typing else None,
            )
        return self._pending

    def saved(self) -> None:
        """The signature is durable: forget every personal detail, show thank you."""
        self._at(SigningStep.REVIEW)
        self.reset()
        self.step = SigningStep.THANKS

    # -- internals ---------------------------------------------------------------

    def _open(self, docs: list[Aup]) -> None:
        self.pages = [Page(a, i) for a in docs for i in range(len(a.sections))]
        self.page_index = 0
        self.furthest_page = 0
        self.step = SigningStep.READ

    def _at(self, step: SigningStep) -> None:
        if self.step != step:
            raise FlowError(f"cannot do that at step {self.step.value} (expected {step.value})")
