"""CSV that spreadsheets open safely: UTF-8 with a BOM, and no cell Excel would run as a formula."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["csv_bytes", "neutralise"]

#: A cell starting with one of these is a formula (or a DDE trick) to a spreadsheet
#: (OWASP "CSV injection", CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet shows as typed: a leading ``'`` makes a formula inert.

    Leading spaces do not hide a formula (spreadsheets trim them), so they are looked past.
    """
    text = "" if value is None else str(value)
    text = text.replace("\0", "")
    # Look past anything a spreadsheet may trim or fold: Unicode spaces, zero-width
    # characters, and fullwidth look-alikes (＝ becomes = under NFKC).
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    if text.startswith(FORMULA_STARTS) or folded.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: BOM (so Excel reads UTF-8), header, rows, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
