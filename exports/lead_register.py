"""The agreements register as plain calls, shared by ``esafety register`` and the console.

* :func:`open_agreements`: every signed agreement in a data folder, opened with the
  school's private key (in memory only);
* :func:`agreements_register`: who signed which agreement and version, with its status
  on a day, and (given a class list) each pupil's own and parent's agreement;
* :func:`register_files`: the files ``esafety register`` writes (the register CSV, the
  class list's status CSV, the printable page), as bytes for the caller to put somewhere.

Nothing here prints, asks or writes: callers say what happened in their own way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from exports.register import (
    CURRENT,
    PupilStatus,
    RegisterRow,
    build_register,
    not_signed,
    register_csv,
    register_html,
    status_csv,
)
from surveys.agreements.aup import Signature
from surveys.agreements.sealing import open_signatures
from surveys.agreements.store import SignatureStore
from surveys.content.library import ContentLibrary
from surveys.keys import SchoolKey

__all__ = [
    "AgreementsRegister",
    "ClassCount",
    "agreements_register",
    "open_agreements",
    "register_files",
]


def open_agreements(data: Path, key: SchoolKey) -> list[Signature] | None:
    """Every signed agreement in ``data``, opened with the school's key (in memory only);
    ``None`` if ``data`` has no signatures folder at all.

    Raises:
        KeyProblem: a record sealed to another key, or damaged (it says which).
    """
    store = SignatureStore(data, writer=False)
    if not store.exists():
        return None
    return open_signatures(list(store.records()), key)


@dataclass(frozen=True)
class AgreementsRegister:
    """Who signed what (and, with a class list, who has not), on ``made_on``."""

    rows: list[RegisterRow]
    pupils: list[PupilStatus] | None
    made_on: dt.date

    @property
    def out_of_date(self) -> int:
        return sum(r.status != CURRENT for r in self.rows)

    @property
    def lacking(self) -> int:
        """Pupils on the class list without a current own or parent's agreement."""
        return sum(
            p.pupil_agreement != "signed" or p.parent_agreement != "signed"
            for p in self.pupils or []
        )

    def matching(self, text: str) -> AgreementsRegister:
        """Only the signatures and pupils whose name (signer's or child's) or class holds
        ``text`` (case and spacing ignored); all of them for ""."""
        want = _key(text)
        if not want:
            return self
        rows = [
            r
            for r in self.rows
            if any(want in _key(x) for x in (r.signer_name, r.child_name, r.class_name))
        ]
        pupils = self.pupils
        if pupils is not None:
            pupils = [p for p in pupils if want in _key(p.name) or want in _key(p.class_name)]
        return AgreementsRegister(rows, pupils, self.made_on)

    def by_class(self) -> list[ClassCount]:
        """Per class (in the register's order, then the class list's): current and
        out-of-date signatures, and pupils on the class list lacking an agreement."""
        counts: dict[str, list[int]] = {}
        for r in self.rows:
            n = counts.setdefault(r.class_name or "No class given", [0, 0, 0])
            n[0 if r.status == CURRENT else 1] += 1
        for p in self.pupils or []:
            n = counts.setdefault(p.class_name, [0, 0, 0])
            n[2] += p.pupil_agreement != "signed" or p.parent_agreement != "signed"
        return [ClassCount(c, *n) for c, n in counts.items()]


@dataclass(frozen=True)
class ClassCount:
    class_name: str
    current: int
    out_of_date: int
    #: Pupils on the class list without a current own or parent's agreement.
    not_signed: int


def agreements_register(
    signatures: list[Signature],
    library: ContentLibrary,
    class_list: list[tuple[str, str]] | None = None,
    today: dt.date | None = None,
) -> AgreementsRegister:
    """The register on ``today`` (a new version counts from its effective date)."""
    today = today or dt.date.today()
    rows = build_register(signatures, library.aups, library.school, today)
    pupils = not_signed(class_list, signatures, library.aups, today) if class_list else None
    return AgreementsRegister(rows, pupils, today)


def register_files(register: AgreementsRegister, library: ContentLibrary) -> dict[str, bytes]:
    """The register's files by name ending: ``.csv`` (every signature), ``-class-list.csv``
    (with a class list: each pupil's status) and ``.html`` (the printable page)."""
    files = {".csv": register_csv(register.rows)}
    if register.pupils is not None:
        files["-class-list.csv"] = status_csv(register.pupils)
    files[".html"] = register_html(
        library.school, register.rows, register.pupils, register.made_on.isoformat()
    )
    return files


def _key(text: str) -> str:
    """Names and classes compared as the register compares them: case and spacing ignored."""
    return "".join(text.casefold().split())
