"""The AUP register: who signed which agreement and version, by class — and who has not.

Pure functions over opened signatures (see :mod:`surveys.agreements.sealing`); the CLI
opens them with the lead's private key and writes what these return.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exports.suppress import MIN_NORMAL, suppress_column
from exports.tables import csv_bytes
from surveys.agreements.aup import Aup, AupRef, Signature, Signer
from surveys.model import SchoolProfile

__all__ = [
    "ClassListError",
    "PupilStatus",
    "RegisterRow",
    "build_register",
    "coverage_by_year",
    "not_signed",
    "parse_class_list",
    "read_class_list",
    "register_csv",
    "register_html",
    "status_csv",
]

CURRENT = "current"


@dataclass(frozen=True)
class RegisterRow:
    """One signature, as the register lists it."""

    class_name: str
    year_group: str
    child_name: str
    signer_name: str
    relationship: str
    signer: str
    agreement: str
    version: int
    signed_on: str
    status: str
    signed_by: str
    kiosk_id: str
    #: For the printable register: the drawn strokes, or the name typed instead.
    strokes: tuple[tuple[tuple[float, float], ...], ...] = ()
    typed_signature: str = ""


def version_status(ref: AupRef, aups: dict[str, Aup], today: dt.date | None = None) -> str:
    """``current``, or why a signature of ``ref`` no longer counts.

    A new version replaces older signatures from its ``effective`` date, not before.
    """
    now = aups.get(ref.id)
    if now is None:
        return "agreement no longer in use"
    if ref.version > now.version:
        return f"signed v{ref.version}, newer than this content folder's v{now.version}"
    if ref.version < now.version:
        if today is not None and now.effective > today:
            return CURRENT
        return f"out of date (signed v{ref.version}, now v{now.version})"
    if ref.version == now.version and ref.content_hash != now.content_hash:
        return f"text changed since signing without a new version (v{ref.version})"
    return CURRENT


def _status(sig: Signature, aups: dict[str, Aup], today: dt.date | None = None) -> str:
    own = version_status(sig.aup, aups, today)
    if own != CURRENT:
        return own
    if sig.child_aup is not None:
        child = version_status(sig.child_aup, aups, today)
        if child != CURRENT:
            return f"child's agreement {child}"
    return CURRENT


_GROUP_ORDER = {Signer.PUPILS: 0, Signer.PARENTS: 0, Signer.STAFF: 1, Signer.VISITORS: 2}


def build_register(
    signatures: Sequence[Signature],
    aups: dict[str, Aup],
    school: SchoolProfile,
    today: dt.date | None = None,
) -> list[RegisterRow]:
    """Every signature, sorted by year group, class and child, with its status on ``today``."""
    years = {g.id: (i, g.name) for i, g in enumerate(school.year_groups)}
    rows = []
    for sig in signatures:
        order, year = years.get(sig.year_group or "", (len(years), ""))
        cls = sig.class_name or {Signer.STAFF: "Staff", Signer.VISITORS: "Visitors"}.get(
            sig.signer, ""
        )
        child = sig.signer_name if sig.signer == Signer.PUPILS else (sig.child_name or "")
        row = RegisterRow(
            class_name=cls,
            year_group=year,
            child_name=child,
            signer_name=sig.signer_name,
            relationship=sig.relationship
            or ("pupil (own agreement)" if sig.signer == Signer.PUPILS else ""),
            signer=sig.signer.value,
            agreement=sig.aup.id,
            version=sig.aup.version,
            signed_on=sig.signed_on.isoformat(),
            status=_status(sig, aups, today),
            signed_by="typed name" if sig.typed_signature else "drawn signature",
            kiosk_id=sig.kiosk_id,
            strokes=tuple(tuple(stroke) for stroke in sig.strokes),
            typed_signature=sig.typed_signature or "",
        )
        rows.append(((_GROUP_ORDER[sig.signer], order, _key(cls), _key(child), sig.id), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class PupilStatus:
    """One pupil from the class list: their own and their parent's agreement."""

    name: str
    class_name: str
    pupil_agreement: str
    parent_agreement: str


class ClassListError(ValueError):
    """The class list CSV cannot be read; the message says how to fix it."""


#: A whole school's list is well under 1 MB; a bigger file is not a class list.
MAX_CLASS_LIST_BYTES = 5 * 1024 * 1024
#: The longest name or class kept (longer is a wrong column or a pasted document).
MAX_FIELD = 200


def read_class_list(path: Path) -> list[tuple[str, str]]:
    """(name, class) pairs from a CSV with ``name`` and ``class`` columns (any case).

    Raises:
        ClassListError: the file cannot be read, is too big, or a row is wrong; the
            message names the file, the row and the fix.
    """
    try:
        if Path(path).stat().st_size > MAX_CLASS_LIST_BYTES:
            raise ClassListError(
                f"{path}: larger than {MAX_CLASS_LIST_BYTES // 2**20} MB, which no class list "
                "is; export just the name and class columns from the school's system"
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ClassListError(f"{path}: cannot read it ({exc}); save it as CSV (UTF-8)") from None
    return parse_class_list(data, str(path))


def parse_class_list(data: bytes, source: str) -> list[tuple[str, str]]:
    """As :func:`read_class_list`, from the file's bytes (a file chosen in the browser);
    ``source`` names it in messages."""
    if len(data) > MAX_CLASS_LIST_BYTES:
        raise ClassListError(
            f"{source}: larger than {MAX_CLASS_LIST_BYTES // 2**20} MB, which no class list "
            "is; export just the name and class columns from the school's system"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ClassListError(f"{source}: cannot read it ({exc}); save it as CSV (UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _pupils(source, reader)
    except csv.Error as exc:  # a field over csv's own limit (128 KB), a stray quote, …
        raise ClassListError(
            f"{source}, row {reader.line_num + 1}: not readable as CSV ({exc}); "
            "save the list again as CSV (UTF-8) with just name and class columns"
        ) from None


def _pupils(path: str, reader: csv.DictReader[str]) -> list[tuple[str, str]]:
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    if "name" not in fields or "class" not in fields:
        found = ", ".join(f[:40] for f in reader.fieldnames or []) or "nothing"
        raise ClassListError(
            f"{path}: the first row must name the columns `name` and `class` (found: {found})"
        )
    pupils = []
    for line, row in enumerate(reader, start=2):
        name = (row.get(fields["name"]) or "").strip()
        cls = (row.get(fields["class"]) or "").strip()
        if not name and not cls:
            continue
        if not name or not cls:
            raise ClassListError(f"{path}, row {line}: needs both a name and a class")
        if len(name) > MAX_FIELD or len(cls) > MAX_FIELD:
            raise ClassListError(
                f"{path}, row {line}: a name or class longer than {MAX_FIELD} characters; "
                "check that row holds a pupil's name and class, nothing else"
            )
        pupils.append((name, cls))
    return pupils


def not_signed(
    class_list: Sequence[tuple[str, str]],
    signatures: Sequence[Signature],
    aups: dict[str, Aup],
    today: dt.date | None = None,
) -> list[PupilStatus]:
    """For each pupil on the list: has the current version been signed, by them and by a parent?"""
    best: dict[tuple[str, str, str], str] = {}
    for sig in signatures:
        if sig.signer not in (Signer.PUPILS, Signer.PARENTS):
            continue
        child = sig.signer_name if sig.signer == Signer.PUPILS else sig.child_name or ""
        key = (sig.signer.value, _key(child), _key(sig.class_name or ""))
        status = _status(sig, aups, today)
        if best.get(key) != "signed":  # a current signature outranks any older one
            best[key] = "signed" if status == CURRENT else status
    out = []
    for name, cls in sorted(class_list, key=lambda p: (_key(p[1]), _key(p[0]))):
        own = best.get((Signer.PUPILS.value, _key(name), _key(cls)), "not signed")
        parent = best.get((Signer.PARENTS.value, _key(name), _key(cls)), "not signed")
        out.append(PupilStatus(name, cls, own, parent))
    return out


ALL_YEAR_GROUPS = "All year groups"


def coverage_by_year(
    signatures: Sequence[Signature],
    aups: dict[str, Aup],
    school: SchoolProfile,
    today: dt.date | None = None,
    *,
    threshold: int = MIN_NORMAL,
) -> list[tuple[str, int | None, int | None]]:
    """Per year group, then all together: pupils with a current own agreement, and with a
    current parent's one — for the evidence pack, so small numbers are hidden (``None``).

    Each child counts once however many times they (or their parents) signed. Each
    column is suppressed with its total (:func:`exports.suppress.suppress_column`):
    a count below ``threshold`` is hidden, and never alone beside a shown total.
    """
    own: dict[str, set[tuple[str, str]]] = {}
    parents: dict[str, set[tuple[str, str]]] = {}
    for sig in signatures:
        if sig.signer not in (Signer.PUPILS, Signer.PARENTS) or not sig.year_group:
            continue
        if _status(sig, aups, today) != CURRENT:
            continue
        child = sig.signer_name if sig.signer == Signer.PUPILS else sig.child_name or ""
        target = own if sig.signer == Signer.PUPILS else parents
        target.setdefault(sig.year_group, set()).add((_key(child), _key(sig.class_name or "")))
    years = school.year_groups
    own_shown, own_total = suppress_column([len(own.get(g.id, ())) for g in years], threshold)
    par_shown, par_total = suppress_column([len(parents.get(g.id, ())) for g in years], threshold)
    return [
        *((g.name, o, p) for g, o, p in zip(years, own_shown, par_shown, strict=True)),
        (ALL_YEAR_GROUPS, own_total, par_total),
    ]


def _key(text: str) -> str:
    """Names and classes compared as people write them: case and spacing ignored."""
    return "".join(text.casefold().split())


REGISTER_HEADER = [
    "class", "year group", "child", "signed by", "relationship", "signer", "agreement",
    "version", "date signed", "status", "signature", "kiosk",
]  # fmt: skip


def register_csv(rows: Sequence[RegisterRow]) -> bytes:
    return csv_bytes(
        REGISTER_HEADER,
        (
            [r.class_name, r.year_group, r.child_name, r.signer_name, r.relationship, r.signer,
             r.agreement, r.version, r.signed_on, r.status, r.signed_by, r.kiosk_id]
            for r in rows
        ),
    )  # fmt: skip


def status_csv(pupils: Sequence[PupilStatus]) -> bytes:
    return csv_bytes(
        ["class", "pupil", "pupil's own agreement", "parent's agreement"],
        ([p.class_name, p.name, p.pupil_agreement, p.parent_agreement] for p in pupils),
    )


def signature_svg(row: RegisterRow) -> str:
    """The signature as a small inline SVG (drawn), or the typed name in italics."""
    if not row.strokes:
        return f"<i>{html.escape(row.typed_signature)}</i> (typed)"
    lines = "".join(
        "<polyline fill='none' stroke='#1B2733' stroke-width='10' stroke-linecap='round' "
        "stroke-linejoin='round' points='" + " ".join(f"{x:g},{y:g}" for x, y in stroke) + "'/>"
        for stroke in row.strokes
    )
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 760 260' width='152' height='52' "
        f"role='img' aria-label='signature of {html.escape(row.signer_name)}'>{lines}</svg>"
    )


def register_html(
    school: SchoolProfile,
    rows: Sequence[RegisterRow],
    pupils: Sequence[PupilStatus] | None,
    made_on: str,
) -> bytes:
    """A printable page: one table per class, then (with a class list) who has not signed."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Online safety agreements — {e(school.name)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#1B2733}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
        "th,td{border:1px solid #B7C7D6;padding:4px 8px;text-align:left;font-size:11pt}"
        "th{background:#DCEBF7}.old{color:#8A3B12;font-weight:bold}"
        "h2{page-break-after:avoid;margin-top:1.5em}@media print{body{margin:0}}</style>",
        "</head><body>",
        f"<h1>Online safety agreements — {e(school.name)}</h1>",
        f"<p>Made {e(made_on)} from {len(rows)} signature(s). Personal data: keep this "
        "document secure and destroy it when no longer needed.</p>",
    ]
    current_class = None
    for r in rows:
        if r.class_name != current_class:
            if current_class is not None:
                parts.append("</table>")
            current_class = r.class_name
            title = f"{r.class_name} ({r.year_group})" if r.year_group else r.class_name
            parts.append(f"<h2>{e(title or 'No class given')}</h2><table><tr>")
            parts += [
                f"<th>{h}</th>"
                for h in (
                    "Child",
                    "Signed by",
                    "Relationship",
                    "Agreement",
                    "Date",
                    "Status",
                    "Signature",
                )
            ]
            parts.append("</tr>")
        cls = "" if r.status == CURRENT else " class='old'"
        parts.append(
            f"<tr><td>{e(r.child_name)}</td><td>{e(r.signer_name)}</td>"
            f"<td>{e(r.relationship)}</td><td>{e(r.agreement)} v{r.version}</td>"
            f"<td>{e(r.signed_on)}</td><td{cls}>{e(r.status)}</td>"
            f"<td>{signature_svg(r)}</td></tr>"
        )
    if current_class is not None:
        parts.append("</table>")
    if pupils is not None:
        parts.append("<h2>Class list: current agreements</h2><table><tr>")
        parts += [f"<th>{h}</th>" for h in ("Class", "Pupil", "Own agreement", "Parent's")]
        parts.append("</tr>")
        for p in pupils:
            own = "" if p.pupil_agreement == "signed" else " class='old'"
            par = "" if p.parent_agreement == "signed" else " class='old'"
            parts.append(
                f"<tr><td>{e(p.class_name)}</td><td>{e(p.name)}</td>"
                f"<td{own}>{e(p.pupil_agreement)}</td><td{par}>{e(p.parent_agreement)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")
