"""Coverage (issue 13, item 2): every strand in every band, at least twice, and the table
in docs/coverage.md is the one made from the shipped content."""

from __future__ import annotations

from pathlib import Path

from surveys.content.coverage import MIN_PER_STRAND, coverage, coverage_markdown, thin_cells
from surveys.content.library import load_content
from surveys.model import AgeBand, Strand

DOC = Path(__file__).parents[3] / "docs" / "coverage.md"


def test_every_strand_is_measured_at_least_twice_in_every_band(library):
    assert thin_cells(library) == []
    table = coverage(library)
    for band in AgeBand:
        for strand in Strand:
            assert len(table[f"ages {band.value}"][strand.label]) >= MIN_PER_STRAND


def test_every_band_has_a_headline_question_on_knowing_how_to_report(library):
    for band in AgeBand:
        q = library.for_band(band)
        heads = {qq.id for qq in q.questions if qq.headline and qq.favourable}
        assert "know-who-to-tell" in heads, band
        if band != AgeBand.AGES_4_7:
            assert "know-how-to-report" in heads, band
    assert "know-ceop" in {qq.id for qq in library.for_band(AgeBand.AGES_14_18).questions}


def test_the_docs_table_is_the_one_made_from_the_shipped_content(library):
    made = coverage_markdown(library)
    assert made in DOC.read_text(encoding="utf-8"), "run `esafety content coverage` into docs"


def test_a_strand_with_one_question_is_named_as_thin(content_copy):
    path = content_copy / "questionnaires" / "pupils-7-11.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("strand: copyright-and-ownership") == 2
    path.write_text(
        text.replace("strand: copyright-and-ownership", "strand: privacy-and-security", 1),
        encoding="utf-8",
    )
    thin = thin_cells(load_content(content_copy))
    assert thin == [("ages 7-11", "Copyright and ownership", 1)]
