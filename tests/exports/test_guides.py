"""The two printed pages for the adults (issue 11, item 7), from school.yaml and the
questionnaires. That each fits one A4 page is checked in a browser:
tests/e2e/test_help_cards.py."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from exports.guides import GuideError, parent_letter, taking_part, teacher_guide
from surveys.content.library import load_content
from surveys.model import AgeBand


def words(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_teacher_guide_names_the_school_and_dsl_and_says_no_secrecy(library):
    text = words(teacher_guide(library))
    letter = library.school.survey_letter
    assert letter is not None
    assert library.school.name in text and letter.safeguarding_lead.name in text
    assert letter.safeguarding_lead.where in text
    assert "do not promise to keep it a secret" in text and "Don't promise secrecy" in text
    assert "Don't ask leading questions" in text and "Write down their words" in text
    assert "the same day" in text and "999" in text
    # What to say first, in each band's own on-screen words.
    for band in AgeBand:
        q = library.for_band(band)
        assert q.rights is not None and q.rights.voluntary in text, band


def test_the_parent_letter_says_anonymous_voluntary_and_how_to_opt_out(library):
    text = words(parent_letter(library))
    letter = library.school.survey_letter
    assert letter is not None
    for fact in (
        library.school.name,
        letter.opt_out.how,
        letter.opt_out.by,
        letter.contact,
        letter.safeguarding_lead.name,
        library.school.online_safety_page,
        "It is anonymous",
        "It is voluntary",
        "Opting your child out",
        "Reception to Year 2",
    ):
        assert fact in text, fact


def test_sample_values_are_marked_until_the_school_replaces_them(library, content_copy):
    assert "SAMPLE" in teacher_guide(library) and "SAMPLE" in parent_letter(library)
    school = content_copy / "school.yaml"
    text = school.read_text(encoding="utf-8")
    for old, new in [
        ("Sample School", "Hill Top Primary"),
        ("example.org", "hilltop.sch.uk"),
        ("Mrs Patel", "Ms Adeyemi"),
        ("Mr Okafor", "Mr Grant"),
        ("01234 567 890", "01632 960 123"),
    ]:
        text = text.replace(old, new)
    school.write_text(text, encoding="utf-8")
    ours = load_content(content_copy)
    guide = teacher_guide(ours)
    assert "SAMPLE" not in guide and "Hill Top Primary" in guide and "Ms Adeyemi" in guide


def test_a_school_name_is_shown_as_text_never_as_markup(content_copy):
    school = content_copy / "school.yaml"
    school.write_text(
        school.read_text(encoding="utf-8").replace(
            'name: "Sample School"', 'name: "St <b>Mary</b> & John"'
        ),
        encoding="utf-8",
    )
    html = parent_letter(load_content(content_copy))
    assert "St &lt;b&gt;Mary&lt;/b&gt; &amp; John" in html and "<b>Mary" not in html


def test_without_survey_letter_the_error_says_what_to_add(content_copy):
    school = content_copy / "school.yaml"
    text = school.read_text(encoding="utf-8")
    start, end = text.index("\nsurvey_letter:\n"), text.index("\nyear_groups:\n")
    school.write_text(text[:start] + text[end:], encoding="utf-8")
    ours = load_content(content_copy)
    with pytest.raises(GuideError, match="survey_letter"):
        teacher_guide(ours)


def test_only_year_groups_with_a_questionnaire_take_part(library):
    taking = taking_part(library)
    assert [t.band for t in taking] == list(AgeBand)
    assert taking[0].span == "Reception to Year 2"
    # Every strand twice (issue 13): 17 short questions at a generous 30 s, about 10 minutes.
    assert taking[0].questions == 17 and taking[0].minutes == 10


def test_the_guides_command_writes_both_pages(tmp_path: Path):
    exe = str(Path(sys.executable).parent / "esafety")
    done = subprocess.run(
        [exe, "guides", "--out", str(tmp_path / "print")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "sample values" in done.stderr
    for name in ("teacher-guide.html", "parent-letter.html"):
        assert "@page { size: A4" in (tmp_path / "print" / name).read_text(encoding="utf-8")
