"""Two printable pages for the adults around the survey, from ``school.yaml`` and the
questionnaires: the teacher's one-page guide and the letter to parents and carers.

Each is a self-contained HTML page with print CSS for one A4 sheet (the browser's
Print, or ``esafety guides --pdf``). HTML rather than a drawn PDF: the words wrap
and reflow like a letter, a school can open and read it anywhere, and Chromium's
print gives the PDF. Nothing here reads answers: only content.

    teacher_guide(library) -> str     before / during (upset, disclosure) / after
    parent_letter(library) -> str     what, anonymous, voluntary, opting out, contact
    sample_values(library) -> list    which values are still the shipped samples
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from surveys.content.library import ContentLibrary
from surveys.model import AgeBand, Questionnaire, SurveyLetter

__all__ = ["GuideError", "Taking", "parent_letter", "sample_values", "taking_part", "teacher_guide"]

#: A generous time per question, for "about N minutes" (rounded up to 5 minutes).
SECONDS_PER_QUESTION = 30

#: The shipped sample values: a page still carrying one says so, in red, at the top.
SAMPLE_MARKS = ("Sample School", "example.org", "Mrs Patel", "Mr Okafor", "01234 567 890")

CSS = """
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.3;
       color: #1d2a33; margin: 0; }
h1 { font-size: 19pt; margin: 0 0 2pt; color: #1f5f7a; }
h2 { font-size: 12.5pt; margin: 9pt 0 3pt; color: #1f5f7a; }
p, li { margin: 0 0 3pt; }
ul { margin: 0; padding-left: 15pt; }
.school { font-size: 11.5pt; color: #4a5a66; margin-bottom: 6pt; }
.key { border: 2pt solid #1f5f7a; border-radius: 6pt; padding: 6pt 9pt; margin: 6pt 0;
       background: #eef6f9; font-size: 11.5pt; }
.sample { border: 1.5pt dashed #b3261e; color: #b3261e; padding: 3pt 7pt; margin-bottom: 6pt;
          font-weight: bold; font-size: 9.5pt; }
.say { font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
td, th { border-bottom: 0.6pt solid #b8c7d0; padding: 2.5pt 4pt; text-align: left;
         vertical-align: top; }
.letter { font-size: 12pt; line-height: 1.4; }
.letter p { margin-bottom: 5pt; }
.cols { display: flex; gap: 12pt; }
.cols > div { flex: 1; }
@media screen { body { max-width: 180mm; margin: 10mm auto; } }
"""


class GuideError(ValueError):
    """``school.yaml`` lacks what the printed pages need; the message names the fix."""


@dataclass(frozen=True)
class Taking:
    """One band's part in the survey: who, how many questions, about how long."""

    band: AgeBand
    years: list[str]
    questions: int

    @property
    def span(self) -> str:
        """The year groups as a range: "Reception to Year 2"."""
        return self.years[0] if len(self.years) == 1 else f"{self.years[0]} to {self.years[-1]}"

    @property
    def minutes(self) -> int:
        return max(5, math.ceil(self.questions * SECONDS_PER_QUESTION / 60 / 5) * 5)


def taking_part(library: ContentLibrary) -> list[Taking]:
    """The bands with a working questionnaire and a year group of this school, youngest first."""
    found: list[Taking] = []
    for band in AgeBand:
        q = library.for_band(band)
        years = [g.name for g in library.school.year_groups if g.band == band]
        if q is not None and years:
            found.append(Taking(band, years, len(q.questions)))
    return found


def sample_values(library: ContentLibrary) -> list[str]:
    """The shipped sample values still in ``school.yaml`` (empty once all are replaced)."""
    text = library.school.model_dump_json()
    return [m for m in SAMPLE_MARKS if m in text]


def _letter(library: ContentLibrary) -> SurveyLetter:
    letter = library.school.survey_letter
    if letter is None:
        raise GuideError(
            "school.yaml has no survey_letter (the DSL, how to opt out and by when, a "
            "contact): copy the survey_letter block from the shipped school.yaml and fill it in"
        )
    return letter


def _page(title: str, library: ContentLibrary, body: str, *, kind: str) -> str:
    samples = sample_values(library)
    warn = (
        f'<p class="sample">SAMPLE: school.yaml still has the shipped sample values '
        f"({escape(', '.join(samples))}). Replace them before printing.</p>"
        if samples
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f'<body class="{kind}"><main>{warn}{body}</main></body></html>\n'
    )


def _script(q: Questionnaire | None) -> str:
    """What to read out before the first question, in that band's own on-screen words."""
    if q is None or q.rights is None:
        return ""
    r = q.rights
    said = [r.voluntary, r.skip, r.stop]
    return " ".join(s for s in said if s)


def teacher_guide(library: ContentLibrary) -> str:
    """The one-page guide for the adult running the survey with a class."""
    school, letter = library.school, _letter(library)
    dsl = letter.safeguarding_lead
    deputy = f" If {escape(dsl.name)} is away, tell {escape(dsl.deputy)}." if dsl.deputy else ""
    rows = "".join(
        f"<tr><td><b>{escape(t.span)}</b><br>{t.questions} questions, "
        f"about {t.minutes} min</td>"
        f'<td class="say">“{escape(_script(library.for_band(t.band)))}”</td></tr>'
        for t in taking_part(library)
    )
    body = f"""
<h1>Running the online-safety survey</h1>
<p class="school">A guide for the adult in the room · {escape(school.name)}</p>
<p class="key"><b>If a child tells you something worrying:</b> listen, do not promise to keep
it a secret, and tell our Designated Safeguarding Lead, <b>{escape(dsl.name)}</b>
({escape(dsl.where)}), the same day.{deputy} If a child is in danger now, call 999.</p>
<h2>Before: what to say first</h2>
<p>The survey is anonymous: it asks no names, and nobody (not even you) sees one child's
answers. Read out their group's words (they are also on the screen):</p>
<table><tr><th>Who</th><th>Read out</th></tr>{rows}</table>
<p>For ages 4–7 you may read the questions aloud; don't suggest an answer.</p>
<div class="cols"><div>
<h2>During: a child is upset</h2>
<ul>
<li><b>Stop.</b> They can tap “I want to stop” at any time: nothing they answered is kept.</li>
<li><b>Comfort.</b> Stay with them, somewhere a little quieter; no need to ask why.</li>
<li><b>Help cards.</b> Tap Help (top right) to show who they can talk to.</li>
<li><b>Asking for an adult.</b> “I'd like to talk to someone” (on every screen) sends
{escape(dsl.name)} a request, with their name only if they give it.</li>
<li>If you are worried about them, tell {escape(dsl.name)} today.</li>
</ul></div><div>
<h2>During: a child tells you something</h2>
<ul>
<li><b>Listen</b> calmly and let them talk. Thank them for telling you.</li>
<li><b>Don't promise secrecy.</b> Say: “I can't keep this a secret. I need to tell
someone whose job is to help keep you safe.”</li>
<li><b>Don't ask leading questions.</b> Only “Tell me more”, “Is there anything else?”</li>
<li><b>Write down their words</b>, as they said them, with the date and time.</li>
<li><b>Tell {escape(dsl.name)} the same day</b>, before you go home.</li>
</ul></div></div>
<h2>After</h2>
<ul>
<li>Check each child tapped “I've finished”, so the next child starts afresh.</li>
<li>Tell the online-safety lead if the kiosk misbehaved, or if several children were upset
by the same question.</li>
</ul>
"""
    return _page("Running the online-safety survey", library, body, kind="guide")


def parent_letter(library: ContentLibrary) -> str:
    """The information letter to parents and carers, with how to opt a child out."""
    school, letter = library.school, _letter(library)
    taking = taking_part(library)
    if not taking:
        raise GuideError(
            "no working questionnaire covers any year group in school.yaml: run "
            "`esafety content check` and fix what it lists"
        )
    spans = [t.span for t in taking]
    years = ", ".join(spans[:-1]) + (" and " if len(spans) > 1 else "") + spans[-1]
    longest = max((t.minutes for t in taking), default=5)
    when = letter.when[:1].upper() + letter.when[1:]
    page = school.online_safety_page
    see = (
        f"You can read every question on our online-safety page: <b>{escape(page)}</b>."
        if page
        else f"To see the questions, ask {escape(letter.contact)}."
    )
    body = f"""
<h1>Our online-safety survey</h1>
<p class="school">{escape(school.name)}: information for parents and carers</p>
<p>Dear parent or carer,</p>
<p>{escape(when)}, pupils in {escape(years)} will be asked to answer a short
survey about staying safe online, on a school tablet, in class. It takes about
{longest} minutes. Children are asked, in words that suit their age, what they do online,
how it makes them feel and whether they know where to get help.</p>
<h2>It is anonymous</h2>
<p>The survey does not ask for your child's name, and the tablet keeps no name, time or
order with the answers. The answers are sealed so that only the school's online-safety lead
can count them, and results are only shown as totals for groups big enough that no child
can be picked out. Because the answers carry no name, once sent they cannot be found again
or withdrawn.</p>
<h2>It is voluntary</h2>
<p>Taking part is your child's choice. They can skip any question, or stop at any time, and
nothing they answered is kept. A member of staff stays with them, and the tablet shows
where to get help at every step.</p>
<h2>What the answers are for</h2>
<p>The results help the school plan online-safety lessons and support for pupils and
families.</p>
<div class="key"><b>Opting your child out.</b> If you would rather your child did not take
part, please {escape(letter.opt_out.how)} by <b>{escape(letter.opt_out.by)}</b>. You don't
need to give a reason, and your child will not be treated differently.</div>
<h2>Seeing the questions, and questions for us</h2>
<p>{see} If you have any questions about the survey, please contact
{escape(letter.contact)}.</p>
<p>If you are ever worried about a child's safety, online or off, please speak to our
Designated Safeguarding Lead, {escape(letter.safeguarding_lead.name)}
({escape(letter.safeguarding_lead.where)}).</p>
<p>Thank you,<br>{escape(school.name)}</p>
"""
    return _page("Our online-safety survey", library, body, kind="letter")
