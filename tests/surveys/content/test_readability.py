"""Reading level (issue 13, item 4): `esafety content check` scores every item a pupil or
parent reads with the Flesch-Kincaid grade (textstat) and warns above the band's limit."""

from __future__ import annotations

from pathlib import Path

import content as shipped
from surveys.content.errors import Code, Severity
from surveys.content.library import check_content
from surveys.content.readability import LIMITS, grade

LONG = (
    "Considering everything you have experienced recently, how comfortable would you "
    "generally feel approaching an appropriate responsible adult regarding difficulties?"
)


def reading(folder: Path):
    _lib, found = check_content(folder)
    return [p for p in found if p.code == Code.READING_LEVEL]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test fixture expects {old!r} in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_grades_follow_the_words_not_a_fixed_number():
    assert grade("Do you like games?") < 3 < grade(LONG)
    assert LIMITS == {
        "4-7": 3, "7-11": 4, "11-14": 6, "14-18": 8, "parents": 8, "symbol-supported agreements": 2,
    }  # fmt: skip


def test_shipped_content_has_no_reading_level_warning():
    found = reading(shipped.SHIPPED_DIR)
    assert found == [], "\n".join(str(p) for p in found)


def test_a_hard_question_is_a_warning_naming_the_item_score_and_limit(content_copy, library):
    from surveys.model import AgeBand

    first = library.for_band(AgeBand.AGES_7_11).questions[0]
    edit(content_copy / "questionnaires" / "pupils-7-11.yaml", first.text, LONG)
    (problem,) = reading(content_copy)
    assert problem.severity == Severity.WARNING
    assert problem.file == "questionnaires/pupils-7-11.yaml"
    assert f'question "{first.id}"' in problem.entry and problem.entry.endswith("text")
    assert f"grade {grade(LONG)}" in problem.message and "limit for 7-11 is 4" in problem.message
    assert problem.line and "shorter" in problem.fix


def test_the_same_words_pass_for_older_pupils_when_under_their_limit(content_copy, library):
    from surveys.model import AgeBand

    text = "Before you post a photo, do you check who will be able to see it?"
    assert 4 < grade(text) <= 6
    young = library.for_band(AgeBand.AGES_7_11).questions[0]
    older = library.for_band(AgeBand.AGES_11_14).questions[0]
    edit(content_copy / "questionnaires" / "pupils-7-11.yaml", young.text, text)
    edit(content_copy / "questionnaires" / "pupils-11-14.yaml", older.text, text)
    files = [p.file for p in reading(content_copy)]
    assert files == ["questionnaires/pupils-7-11.yaml"]


def test_a_pupil_agreement_is_held_to_its_youngest_band_and_parents_to_8(content_copy):
    aups = content_copy / "aups"
    ks34 = (aups / "ks3-4.yaml").read_text(encoding="utf-8")
    kept, _closing = ks34.rsplit("\nclosing:", 1)
    (aups / "ks3-4.yaml").write_text(f'{kept}\nclosing: "{LONG}"\n', encoding="utf-8")
    found = [p for p in reading(content_copy) if p.file == "aups/ks3-4.yaml"]
    assert [p.entry for p in found] == ["closing"]
    assert "limit for 11-14 is 6" in found[0].message
