"""Help cards in each audience's own words (issue 11, item 6): the shipped wording, and
what `esafety content check` says when a card has no words for a child who sees it."""

from __future__ import annotations

import re
from pathlib import Path

from surveys.content.checks import CHILD_BANDS
from surveys.content.errors import Code, Severity
from surveys.content.library import check_content
from surveys.model import AgeBand, Audience

#: Words a 4-7 child must never read on a help card.
ADULT_WORDS = re.compile(r"sexual|nude|naked|semi-nude|grooming|cyber crime|scammed", re.I)


def problems(folder: Path, code: Code):
    _lib, found = check_content(folder)
    return [p for p in found if p.code == code]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test fixture expects {old!r} in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_card_a_young_child_can_see_has_their_own_words(library):
    for band in CHILD_BANDS:
        for route in library.routes.values():
            if Audience.PUPILS in route.audience and route.suits(band):
                words = route.for_band.get(band.value)
                assert words is not None and words.for_whom and words.honest_line, (band, route.id)


def test_a_4_7_child_sees_short_child_words_and_no_adult_terms(library):
    q = library.for_band(AgeBand.AGES_4_7)
    shown = library.routes_for(q)
    ids = [r.id for r in shown]
    assert ids[:2] == ["school", "childline"] and "ceop" in ids
    ceop = next(r for r in shown if r.id == "ceop")
    assert ceop.for_whom == library.routes["ceop"].for_band["4-7"].for_whom
    assert ceop.for_whom != library.routes["ceop"].for_whom  # not the adult text
    for route in library.routes_for(None, AgeBand.AGES_4_7):  # every card, e.g. while signing
        text = " ".join([route.name, route.for_whom, route.honest_line, route.where or ""])
        assert not ADULT_WORDS.search(text), (route.id, text)
        assert len(route.for_whom.split()) <= 16, route.id  # very short
    # Teen services and those about sexual images are left off for ages 4-7.
    left = {r.id for r in library.routes.values()} - {
        r.id for r in library.routes_for(None, AgeBand.AGES_4_7)
    }
    assert {"iwf", "report-remove", "shore", "report-harmful-content"} <= left


def test_older_pupils_and_parents_keep_the_default_words(library):
    teen = library.routes_for(library.for_band(AgeBand.AGES_14_18))
    ceop = next(r for r in teen if r.id == "ceop")
    assert ceop.for_whom == library.routes["ceop"].for_whom
    parents = library.routes_for(library.for_parents())
    assert next(r for r in parents if r.id == "ceop").for_whom == library.routes["ceop"].for_whom


def test_missing_child_words_are_named_with_file_entry_and_fix(content_copy):
    routes = content_copy / "help-routes.yaml"
    edit(
        routes,
        '''      "4-7":
        for_whom: "For any child with a worry, big or small."''',
        '''      "11-14":
        for_whom: "For any child with a worry, big or small."''',
    )
    (p,) = problems(content_copy, Code.MISSING_CHILD_WORDING)
    assert p.severity == Severity.ERROR and p.file == "help-routes.yaml"
    assert "childline" in p.entry and "4-7" in p.message and p.line
    assert "for_band" in p.fix and "left_off_for" in p.fix


def test_an_unknown_band_key_is_named_and_the_known_ones_listed(content_copy):
    routes = content_copy / "help-routes.yaml"
    edit(
        routes,
        """      "7-11":
        for_whom: "Any worry, big or small.""",
        """      "7-12":
        for_whom: "Any worry, big or small.""",
    )
    (unknown,) = problems(content_copy, Code.UNKNOWN_WORDING_KEY)
    assert "7-12" in unknown.message and "childline" in unknown.entry
    assert "4-7, 7-11, 11-14, 14-18, parents, staff" in unknown.fix
    # ... and the 7-11 children who see Childline now have no words of their own.
    (missing,) = problems(content_copy, Code.MISSING_CHILD_WORDING)
    assert "7-11" in missing.message


def test_the_schools_own_card_needs_child_words_too(content_copy):
    school = content_copy / "school.yaml"
    text = school.read_text(encoding="utf-8")
    start = text.index("  for_band:\n")
    end = text.index("\n# The page on your school's website")
    school.write_text(text[:start] + text[end:], encoding="utf-8")
    found = problems(content_copy, Code.MISSING_CHILD_WORDING)
    assert {p.file for p in found} == {"school.yaml"} and len(found) == 2
    assert all("left_off_for" not in p.fix for p in found)  # the school's card can't be


def test_a_questionnaire_listing_a_card_left_off_for_its_band_is_an_error(content_copy):
    edit(
        content_copy / "questionnaires" / "pupils-4-7.yaml",
        "help_routes: [school, childline, ceop, police]",
        "help_routes: [school, childline, ceop, police, iwf]",
    )
    (p,) = problems(content_copy, Code.ROUTE_TOO_OLD)
    assert "left off" in p.message and "pupils-4-7.yaml" in p.file


def test_a_wording_only_replaces_what_it_gives(library):
    ceop = library.routes["ceop"]
    young = ceop.worded_for("4-7")
    assert young.url == ceop.url and young.phone == ceop.phone
    assert young.name != ceop.name and young.honest_line != ceop.honest_line
    assert ceop.worded_for("staff") == ceop and ceop.worded_for(None) == ceop
