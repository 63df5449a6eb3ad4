"""Agreement content: shipped files load clean; a school's mistakes name the file, entry and fix."""

from __future__ import annotations

import re
from pathlib import Path

from surveys.agreements.aup import Signer
from surveys.content.aups import changed_without_new_version, remember_texts
from surveys.content.errors import Code, Severity
from surveys.content.library import check_content, load_content


def test_the_shipped_agreements_load_with_no_problems(library):
    assert not [p for p in library.problems if p.file.startswith("aups/")]
    assert {a.signer for a in library.aups.values()} == set(Signer)
    pupil_years = [y for a in library.aups.values() if not a.symbols for y in a.year_groups]
    assert sorted(pupil_years) == sorted(g.id for g in library.school.year_groups)
    # The symbol-supported version is offered beside KS1 and KS2's, for the same years.
    symbols = library.aups["aup-ks1-2-symbols"]
    both = library.aups["aup-eyfs-ks1"].year_groups + library.aups["aup-ks2"].year_groups
    assert symbols.symbols and symbols.year_groups == both
    assert library.aups["aup-ks3-4"].year_groups[-1] == "year-11"  # a key stage, not a band


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / "aups" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def codes(folder: Path) -> dict[Code, list]:
    _lib, problems = check_content(folder)
    out: dict[Code, list] = {}
    for p in problems:
        if p.file.startswith("aups"):
            out.setdefault(p.code, []).append(p)
    return out


def test_a_broken_agreement_names_the_file_entry_and_fix_and_is_set_aside(content_copy):
    _edit(content_copy, "ks2.yaml", "signer: pupils", "signer: pupils\ncolour: blue")
    found = codes(content_copy)[Code.SCHEMA]
    assert found[0].file == "aups/ks2.yaml" and found[0].entry == "colour"
    assert "remove `colour`" in found[0].fix and found[0].line
    lib = load_content(content_copy)
    assert "aup-ks2" not in lib.aups
    assert any(u.file == "aups/ks2.yaml" for u in lib.unavailable)


def test_year_groups_must_exist_and_belong_to_one_pupil_agreement(content_copy):
    _edit(content_copy, "ks3-4.yaml", "year-7", "year-6")
    (twice,) = codes(content_copy)[Code.YEAR_GROUP_TWICE]
    assert twice.file == "aups/ks3-4.yaml" and "already in aups/ks2.yaml" in twice.message
    _edit(content_copy, "ks2.yaml", "year-3", "year-33")
    found = codes(content_copy)
    assert found[Code.UNKNOWN_YEAR_GROUP][0].entry == "year group 1"
    uncovered = found[Code.YEAR_GROUP_UNCOVERED]
    assert {p.entry for p in uncovered} >= {"year group year-3"}
    assert all(p.severity == Severity.WARNING for p in uncovered)


def test_pictures_need_an_icon_on_every_point(content_copy):
    _edit(content_copy, "eyfs-ks1.yaml", "    icon: ", "    # icon: ")
    (p,) = codes(content_copy)[Code.SCHEMA]
    assert "needs an icon on every point" in p.message


def test_text_edited_without_a_new_version_is_caught(content_copy, tmp_path):
    data = tmp_path / "kiosk-data"
    data.mkdir()
    before = load_content(content_copy).aups
    remember_texts(before, data)
    assert changed_without_new_version(before, data) == []

    v = before["aup-parents"].version
    _edit(content_copy, "parents.yaml", f"version: {v}", f"version: {v}  ")  # not a text change
    _edit(content_copy, "parents.yaml", "review_by: 2027-07-01", "review_by: 2027-08-01")
    assert changed_without_new_version(load_content(content_copy).aups, data) == []
    parents_file = content_copy / "aups" / "parents.yaml"
    text = parents_file.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    parents_file.write_text(text.replace(title_line, 'title: "Something else"'), "utf-8")
    (p,) = changed_without_new_version(load_content(content_copy).aups, data)
    assert p.code == Code.CHANGED_WITHOUT_NEW_VERSION and "aup-parents" in p.file
    assert f"raise version to {v + 1}" in p.fix

    parents_file.write_text(
        parents_file.read_text(encoding="utf-8").replace(f"version: {v}", f"version: {v + 1}", 1),
        "utf-8",
    )
    assert changed_without_new_version(load_content(content_copy).aups, data) == []


def test_every_shipped_agreement_has_a_review_date_and_a_passed_one_is_warned(content_copy):
    import datetime as dt

    lib = load_content(content_copy)
    assert all(a.review_by for a in lib.aups.values())
    soon = min(a.review_by for a in lib.aups.values())
    _lib, before = check_content(content_copy, today=soon)
    assert not [p for p in before if p.code == Code.REVIEW_DATE_PASSED]
    _lib, after = check_content(content_copy, today=soon + dt.timedelta(days=1))
    passed = [p for p in after if p.code == Code.REVIEW_DATE_PASSED]
    assert {p.file for p in passed} == {
        f"aups/{f.name}"
        for f in (content_copy / "aups").glob("*.yaml")
        if f"review_by: {soon}" in f.read_text(encoding="utf-8")
    }
    assert all(p.severity == Severity.WARNING and "review_by" in p.fix for p in passed)
    _edit(content_copy, "visitors.yaml", f"review_by: {soon}\n", "")
    (missing,) = codes(content_copy)[Code.NO_REVIEW_DATE]
    assert missing.file == "aups/visitors.yaml" and "review_by:" in missing.fix


def test_secret_in_a_pupil_agreement_is_warned_and_private_is_not(content_copy):
    assert Code.SECRET_NOT_PRIVATE not in codes(content_copy)
    _edit(
        content_copy,
        "eyfs-ks1.yaml",
        "My name and home are private.",
        "My name and home are a secret.",
    )
    (p,) = codes(content_copy)[Code.SECRET_NOT_PRIVATE]
    assert p.entry == "section 2 › point 2 › text" and "private" in p.fix


def test_pupil_agreements_say_what_the_issue_asked_for(library):
    def words(aid: str) -> str:
        a = library.aups[aid]
        return " ".join([a.intro, a.closing, *(p.text for s in a.sections for p in s.points)])

    for aid in ("aup-eyfs-ks1", "aup-ks2", "aup-ks1-2-symbols", "aup-ks3-4", "aup-post-16"):
        text = words(aid).lower()
        assert re.search(r"(not|never) my fault", text) and "trouble" in text, aid
        assert "break" in text, aid  # consequences
        assert "secret" not in text, aid
    for aid in ("aup-eyfs-ks1", "aup-ks2", "aup-ks1-2-symbols"):
        text = words(aid).lower()
        assert "can see what i do" in text, aid  # monitoring (ICO code 11)
        assert "private" in text and "kind" in text and "tell" in text, aid
    easy = words("aup-ks1-2-symbols").lower()  # the same messages, in symbols
    assert "i tell a grown-up i trust" in easy and "upsets me? i stop and tell" in easy
    for aid in ("aup-ks3-4", "aup-post-16"):
        assert "extremist" in words(aid) and "out of school" in words(aid), aid
    parents = library.aups["aup-parents"]
    assert parents.sections[0].heading == "What the school promises"
    assert len(parents.sections) <= 5
    staff = words("aup-staff").lower()
    assert "encrypted" in staff and "training" in staff and "own phone" in staff
    assert "before i use them in a lesson" in staff


def test_a_symbol_agreement_names_an_unknown_or_missing_symbol_and_is_set_aside(content_copy):
    """A copy of the shipped symbol agreement with one point broken each way."""
    name = "ks1-2-symbols.yaml"
    assert not codes(content_copy)  # the shipped one is clean
    _edit(content_copy, name, "symbol: tablet", "symbol: tablett")
    _edit(content_copy, name, "        symbol: look\n", "")
    found = codes(content_copy)
    (unknown,) = found[Code.UNKNOWN_SYMBOL]
    assert unknown.file == f"aups/{name}" and unknown.entry == "section 1 › point 1 › symbol"
    assert "tablett" in unknown.message and "tablet, talk, adult" in unknown.fix
    assert unknown.line and unknown.severity == Severity.ERROR
    (missing,) = found[Code.MISSING_SYMBOL]
    assert missing.file == f"aups/{name}" and missing.entry == "section 1 › point 2"
    assert "Grown-ups can see what I do." in missing.message and "add `symbol:`" in missing.fix
    lib = load_content(content_copy)
    assert "aup-ks1-2-symbols" not in lib.aups  # set aside; the others still run
    assert "aup-ks2" in lib.aups
    assert any(u.file == f"aups/{name}" for u in lib.unavailable)


def test_a_symbol_point_is_short_and_easy_and_only_a_symbol_version_needs_symbols(content_copy):
    name = "ks1-2-symbols.yaml"
    _edit(
        content_copy,
        name,
        "I am kind online.",
        "I am always kind and respectful to everybody online, including strangers.",
    )
    found = codes(content_copy)
    (long,) = found[Code.LONG_SYMBOL_POINT]
    (hard,) = found[Code.READING_LEVEL]
    assert long.entry == hard.entry == "section 3 › point 4 › text"
    assert long.severity == hard.severity == Severity.WARNING
    assert (
        "11 words" in long.message and "limit for symbol-supported agreements is 2" in hard.message
    )
    # The words agreements need no symbol, but a symbol they give must be a real one.
    assert Code.MISSING_SYMBOL not in found
    _edit(content_copy, "ks2.yaml", "icon: link", "icon: link\n        symbol: chain")
    assert codes(content_copy)[Code.UNKNOWN_SYMBOL][0].file == "aups/ks2.yaml"


def test_a_symbol_version_shares_its_years_with_the_words_one_but_not_with_another(
    content_copy,
):
    (content_copy / "aups" / "second-symbols.yaml").write_text(
        (content_copy / "aups" / "ks1-2-symbols.yaml")
        .read_text(encoding="utf-8")
        .replace("id: aup-ks1-2-symbols", "id: aup-second-symbols"),
        encoding="utf-8",
    )
    (twice, *_rest) = codes(content_copy)[Code.YEAR_GROUP_TWICE]
    assert twice.file == "aups/second-symbols.yaml" and "with symbols" in twice.fix
    assert "ks1-2-symbols.yaml" in twice.message
    _edit(content_copy, "visitors.yaml", "presentation: words", "presentation: symbols")
    (schema,) = codes(content_copy)[Code.SCHEMA]
    assert "for pupil agreements only" in schema.message
