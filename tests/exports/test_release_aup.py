"""The evidence pack's AUP coverage page follows the small-number rules like every other figure."""

from __future__ import annotations

import datetime as dt
import re

from exports.evidence import aup_lines
from exports.export import write_export
from exports.register import ALL_YEAR_GROUPS, coverage_by_year
from exports.report import build_report
from exports.suppress import suppress_column
from surveys.agreements.aup import Signer
from surveys.model import Term
from tests.exports.release_data import balanced, key, save
from tests.surveys.agreements.signatures import signature

TODAY = dt.date(2026, 10, 5)


def pupils(library, year_group: str, how_many: int, first: int):
    ks2 = library.aups["aup-ks2"]
    return [
        signature(ks2, n, year_group=year_group, signer_name=f"Pupil {n}", class_name=year_group)
        for n in range(first, first + how_many)
    ]


def own_column(library, signed) -> dict[str, int | None]:
    coverage = coverage_by_year(signed, library.aups, library.school, TODAY)
    return {year: own for year, own, _parents in coverage}


def test_a_single_signature_in_a_year_group_is_hidden_and_cannot_be_worked_out_from_the_total(
    library,
):
    signed = [
        *pupils(library, "year-3", 1, 1),
        *pupils(library, "year-4", 6, 10),
        *pupils(library, "year-5", 9, 20),
        *pupils(library, "year-6", 12, 40),
    ]
    own = own_column(library, signed)
    assert own["Year 3"] is None  # the one pupil who signed
    assert own[ALL_YEAR_GROUPS] == 28
    shown = [n for year, n in own.items() if year != ALL_YEAR_GROUPS and n is not None]
    assert shown and all(n >= 5 for n in shown)
    # The total less what is shown is what the hidden cells add up to: with the one
    # signature and zeros alone it would be 1, so Year 4's 6 is hidden as well.
    assert own["Year 4"] is None and 28 - sum(shown) >= 5


def test_one_year_group_beside_zeros_is_hidden_though_the_total_is_shown(library):
    parents = library.aups["aup-parents"]
    signed = [
        signature(parents, n, signer=Signer.PARENTS, signer_name=f"Parent {n}",
                  child_name=f"Child {n % 6}", relationship="Parent", year_group="year-6",
                  class_name="6A")
        for n in range(12)
    ]  # fmt: skip
    coverage = coverage_by_year(signed, library.aups, library.school, TODAY)
    by_year = {year: parents for year, _own, parents in coverage}
    assert by_year.pop(ALL_YEAR_GROUPS) == 6  # six children, each counted once
    assert set(by_year.values()) == {None}  # "every other year: nobody" would name Year 6


def test_the_coverage_page_prints_hidden_counts_as_c_and_says_why(library):
    coverage = coverage_by_year(pupils(library, "year-5", 2, 1), library.aups, library.school)
    lines = aup_lines(coverage, 5)
    assert "c: fewer than 5" in lines[0]
    assert "Year 5: c pupils with their own current agreement; c with a parent's" in lines[6]
    assert not any(re.search(r"\b\d+ (pupils|with)", line) for line in lines)


def test_zero_and_small_counts_never_stand_alone_beside_a_shown_total():
    assert suppress_column([0, 7, 9, 30]) == ([None, None, 9, 30], 46)
    assert suppress_column([3, 3, 20]) == ([None, None, 20], 26)
    assert suppress_column([4]) == ([None], None)
    assert suppress_column([2, 2]) == ([None, None], None)
    assert suppress_column([12, 15], 10) == ([12, 15], 27)


def test_the_pack_with_coverage_has_its_page_and_is_written_whole(tmp_path, library):
    data = tmp_path / "data"
    q = library.questionnaires["pupils-4-7"]
    save(data, q, balanced(q, 30), "2025/26", Term.AUTUMN)
    signed = [*pupils(library, "year-4", 1, 1), *pupils(library, "year-5", 8, 10)]
    coverage = coverage_by_year(signed, library.aups, library.school, TODAY)

    def pages(**kw) -> int:
        out = tmp_path / f"out{len(kw)}"
        write_export(build_report(data, library, key=key(), today=TODAY), out, **kw)
        return len(re.findall(rb"/Type /Page\b", (out / "evidence-pack.pdf").read_bytes()))

    assert pages(aup=coverage) == pages() + 1
