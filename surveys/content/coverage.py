"""Which EfCW strands each questionnaire measures: the strand x band coverage table.

Every pupil band should measure every strand with at least two questions, so a
strand's trend never rests on one question. There is no rotation by term: every
question is asked every term, so the table holds for autumn, spring and summer
alike. ``esafety content coverage`` prints it; docs/coverage.md is this table for
the shipped content (a test keeps the two the same).
"""

from __future__ import annotations

from surveys.content.library import ContentLibrary
from surveys.model import AgeBand, Questionnaire, Strand

__all__ = ["MIN_PER_STRAND", "coverage", "coverage_markdown", "thin_cells"]

#: The fewest questions a strand needs in a band for an honest strand trend.
MIN_PER_STRAND = 2


def _columns(library: ContentLibrary) -> list[tuple[str, Questionnaire | None]]:
    cols: list[tuple[str, Questionnaire | None]] = [
        (f"ages {b.value}", library.for_band(b)) for b in AgeBand
    ]
    return [*cols, ("parents", library.for_parents())]


def coverage(library: ContentLibrary) -> dict[str, dict[str, list[str]]]:
    """Column (``ages 7-11``, ``parents``) -> strand label (or ``no strand``) -> question ids."""
    table: dict[str, dict[str, list[str]]] = {}
    for name, q in _columns(library):
        cells: dict[str, list[str]] = {s.label: [] for s in Strand}
        cells["no strand"] = []
        for question in q.questions if q else []:
            key = question.strand.label if question.strand else "no strand"
            cells[key].append(question.id)
        table[name] = cells
    return table


def thin_cells(library: ContentLibrary) -> list[tuple[str, str, int]]:
    """(band, strand, count) for every pupil band whose strand has too few questions."""
    table = coverage(library)
    return [
        (f"ages {b.value}", s.label, len(table[f"ages {b.value}"][s.label]))
        for b in AgeBand
        for s in Strand
        if len(table[f"ages {b.value}"][s.label]) < MIN_PER_STRAND
    ]


def coverage_markdown(library: ContentLibrary) -> str:
    """The table in Markdown: question counts per strand and band, then the ids."""
    table = coverage(library)
    cols = list(table)
    rows = [*(s.label for s in Strand), "no strand"]
    out = [
        "| strand | " + " | ".join(cols) + " |",
        "| --- | " + " | ".join("---:" for _ in cols) + " |",
    ]
    for row in rows:
        out.append(f"| {row} | " + " | ".join(str(len(table[c][row])) for c in cols) + " |")
    totals = [sum(len(v) for v in table[c].values()) for c in cols]
    out.append("| **questions** | " + " | ".join(str(t) for t in totals) + " |")
    out.append("")
    for c in cols:
        out.append(
            f"- **{c}**: "
            + "; ".join(f"{row}: {', '.join(table[c][row])}" for row in rows if table[c][row])
        )
    return "\n".join(out) + "\n"
