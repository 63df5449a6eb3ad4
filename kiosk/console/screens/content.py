"""Content: which questionnaires and agreements the kiosks run, and ``content check``'s
problems in its own words (file, entry, fix), errors first."""

from __future__ import annotations

import flet as ft

from kiosk.console.host import ConsoleHost
from kiosk.console.widgets import action_button, panel, text
from kiosk.ui.theme import PALETTE
from surveys.content.errors import ContentProblem, Severity
from surveys.content.library import ContentLibrary

__all__ = ["build_content"]


def _problem(p: ContentProblem) -> ft.Control:
    said, _, fix = str(p).partition("\n")
    error = p.severity == Severity.ERROR
    return ft.Container(
        ft.Column(
            [
                text(said, size=17, bold=True, color=PALETTE.warn if error else PALETTE.text),
                text(fix.strip(), size=17),
            ],
            spacing=4,
        ),
        bgcolor="#FCE8D5" if error else PALETTE.calm,
        padding=12,
        border_radius=8,
    )


def _table(headers: tuple[str, ...], rows: list[list[str]]) -> ft.DataTable:
    return ft.DataTable(
        columns=[
            ft.DataColumn(label=ft.Text(h, size=16, weight=ft.FontWeight.BOLD)) for h in headers
        ],
        rows=[ft.DataRow([ft.DataCell(text(v, size=16)) for v in row]) for row in rows],
        column_spacing=24,
        data_row_max_height=64,
    )


def build_content(
    host: ConsoleHost, library: ContentLibrary | None, problems: list[ContentProblem]
) -> list[ft.Control]:
    errors = [p for p in problems if p.severity == Severity.ERROR]
    warnings = [p for p in problems if p.severity != Severity.ERROR]
    if not problems:
        headline = "No problems: the content is ready for the kiosks."
    else:
        headline = (
            f"{len(errors)} error{'s' * (len(errors) != 1)}, "
            f"{len(warnings)} warning{'s' * (len(warnings) != 1)}"
            + (
                ": the kiosks set aside what has an error. Fix the errors, then Check again."
                if errors
                else ": the kiosks run this content. Fix the warnings when you can."
            )
        )
    out: list[ft.Control] = [
        panel(
            [
                text("Content check", size=22, bold=True),
                text(headline, bold=True, color=PALETTE.warn if errors else PALETTE.text),
                *[_problem(p) for p in errors + warnings],
                text(
                    f"Content folder: {library.folder}" if library else "",
                    color=PALETTE.muted,
                ),
                action_button(
                    "Check again", host.on_async(host.check_content), icon=ft.Icons.REFRESH
                ),
            ],
            colour=PALETTE.card,
        )
    ]
    if library is None:
        out.append(
            panel([text("The kiosks cannot run this content until the errors above are fixed.")])
        )
        return out

    questionnaires = [
        [
            q.id,
            q.title,
            f"Pupils, ages {q.band.value}" if q.band else "Parents and carers",
            str(q.version),
        ]
        for q in library.questionnaires.values()
    ]
    out.append(
        panel(
            [
                text("Questionnaires", size=22, bold=True),
                _table(("Id", "Title", "For", "Version"), questionnaires)
                if questionnaires
                else text("None is live."),
            ]
        )
    )
    years = {g.id: g.name for g in library.school.year_groups}
    agreements = [
        [
            a.id,
            a.title,
            a.signer.value.capitalize()
            + (f" ({', '.join(years.get(y, y) for y in a.year_groups)})" if a.year_groups else ""),
            str(a.version),
            f"{a.effective:%d %b %Y}",
            f"{a.review_by:%d %b %Y}" if a.review_by else "none set",
        ]
        for a in library.aups.values()
    ]
    out.append(
        panel(
            [
                text("Agreements", size=22, bold=True),
                _table(
                    ("Id", "Title", "Signed by", "Version", "In use from", "Review by"), agreements
                )
                if agreements
                else text("None is live."),
            ]
        )
    )
    if library.unavailable:
        out.append(
            panel(
                [
                    text("Set aside (not shown on the kiosks)", size=22, bold=True),
                    *[
                        text(f"{u.file}: {len(u.problems)} error(s) above")
                        for u in library.unavailable
                    ],
                ]
            )
        )
    return out
