"""Content loading and the error catalogue: where, what, and how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

import content as shipped
from surveys.content.errors import Code, ContentError, Severity
from surveys.content.library import check_content, load_content
from surveys.model import AgeBand, Audience


def errors(folder: Path):
    _lib, problems = check_content(folder)
    return [p for p in problems if p.severity == Severity.ERROR]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test fixture expects {old!r} in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_content_has_no_errors():
    assert errors(shipped.SHIPPED_DIR) == []


def test_shipped_content_has_one_questionnaire_per_band_and_parents(library):
    for band in AgeBand:
        q = library.for_band(band)
        assert q is not None and q.audience == Audience.PUPILS
        # Every strand twice (16), a warm-up or the lessons question, at most 20.
        assert 16 <= len(q.questions) <= 20, band
    assert library.for_parents() is not None


def test_every_shipped_question_route_and_strand_is_sound(library):
    for q in library.questionnaires.values():
        assert q.help_routes[0] == "school", "the school's own route comes first"
        for question in q.questions:
            if question.min_age and q.band:
                assert question.min_age <= q.band.youngest
        sensitive = [i for i, qq in enumerate(q.questions) if qq.sensitive]
        if sensitive:  # NSPCC guidance: sensitive questions in the middle
            assert sensitive[0] > 0 and sensitive[-1] < len(q.questions) - 1, q.id
    young = library.for_band(AgeBand.AGES_4_7)
    assert young.presentation == "faces"
    assert all(o.icon for qq in young.questions for o in qq.options)


def test_yes_and_no_stay_words_not_booleans(library):
    ids = {o.id for q in library.questionnaires.values() for qq in q.questions for o in qq.options}
    assert "yes" in ids and "no" in ids


def test_yaml_syntax_error_names_file_and_line(content_copy):
    path = content_copy / "questionnaires" / "pupils-7-11.yaml"
    path.write_text("id: pupils-7-11\nquestions: [unclosed\n", encoding="utf-8")
    (problem,) = [p for p in errors(content_copy) if p.file.endswith("pupils-7-11.yaml")]
    assert problem.code == Code.YAML_SYNTAX
    assert problem.line is not None


def test_unknown_strand_names_the_question_and_lists_the_allowed_strands(content_copy):
    path = content_copy / "questionnaires" / "pupils-7-11.yaml"
    lib = load_content(content_copy)
    first = lib.for_band(AgeBand.AGES_7_11).questions[0]
    edit(path, f"strand: {first.strand.value}", "strand: online-gaming")
    (problem,) = [p for p in errors(content_copy) if "pupils-7-11" in p.file]
    assert problem.code == Code.SCHEMA
    assert f'question "{first.id}"' in problem.entry and problem.entry.endswith("strand")
    assert "online-bullying" in problem.fix
    assert problem.line and problem.line > 1


def test_misspelt_field_is_an_error_not_ignored(content_copy):
    edit(content_copy / "questionnaires" / "parents.yaml", "title:", "titel:")
    codes = {(p.code, p.entry) for p in errors(content_copy) if "parents" in p.file}
    assert (Code.SCHEMA, "titel") in codes and (Code.SCHEMA, "title") in codes


def test_unknown_help_route_is_named_with_the_known_ones(content_copy):
    edit(content_copy / "questionnaires" / "pupils-14-18.yaml", "childline,", "chidline,")
    (problem,) = [p for p in errors(content_copy) if "14-18" in p.file]
    assert problem.code == Code.UNKNOWN_ROUTE
    assert "childline" in problem.fix


def test_teen_question_in_a_younger_band_is_refused(content_copy):
    path = content_copy / "questionnaires" / "pupils-7-11.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    sensitive: true", "    sensitive: true\n    min_age: 13", 1))
    codes = [p.code for p in errors(content_copy) if "7-11" in p.file]
    assert codes == [Code.QUESTION_TOO_OLD]


def test_staff_only_route_cannot_be_shown_to_pupils(content_copy):
    edit(
        content_copy / "questionnaires" / "pupils-11-14.yaml",
        "childline,",
        "professionals-online-safety-helpline,",
    )
    codes = [p.code for p in errors(content_copy) if "11-14" in p.file]
    assert Code.ROUTE_WRONG_AUDIENCE in codes


def test_duplicate_question_ids_are_refused(content_copy):
    lib = load_content(content_copy)
    q = lib.for_band(AgeBand.AGES_11_14)
    edit(
        content_copy / "questionnaires" / "pupils-11-14.yaml",
        f"id: {q.questions[1].id}",
        f"id: {q.questions[0].id}",
    )
    assert Code.DUPLICATE_ID in [p.code for p in errors(content_copy)]


def test_a_broken_questionnaire_is_set_aside_and_the_others_still_load(content_copy):
    edit(content_copy / "questionnaires" / "pupils-11-14.yaml", "band:", "bnad:")
    lib = load_content(content_copy)
    assert lib.for_band(AgeBand.AGES_11_14) is None
    assert lib.for_band(AgeBand.AGES_7_11) is not None
    reasons = lib.unavailable_for(AgeBand.AGES_11_14)
    assert reasons and all(r.file == "questionnaires/pupils-11-14.yaml" for r in reasons)


def test_missing_ui_string_stops_the_kiosk_with_the_key_named(content_copy):
    path = content_copy / "strings" / "en.yaml"
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("  start_button:")]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    (problem,) = caught.value.problems
    assert problem.code == Code.MISSING_STRING and "start_button" in problem.entry


def test_placeholder_mismatch_is_caught(content_copy):
    edit(content_copy / "strings" / "en.yaml", "Question {number} of {total}", "Question {num}")
    problems = [p for p in errors(content_copy) if p.code == Code.PLACEHOLDER_MISMATCH]
    assert problems and "question_progress" in problems[0].entry


def test_unconfirmed_facts_are_warnings_not_errors():
    _lib, problems = check_content(shipped.SHIPPED_DIR)
    unconfirmed = [p for p in problems if p.code == Code.UNCONFIRMED_FACT]
    assert unconfirmed and all(p.severity == Severity.WARNING for p in unconfirmed)


def test_any_text_edit_changes_the_content_hash(library, content_copy):
    before = library.for_band(AgeBand.AGES_7_11)
    edit(
        content_copy / "questionnaires" / "pupils-7-11.yaml",
        before.questions[0].text[:12],
        before.questions[0].text[:12].upper(),
    )
    after = load_content(content_copy).for_band(AgeBand.AGES_7_11)
    assert after.version == before.version
    assert after.content_hash != before.content_hash
