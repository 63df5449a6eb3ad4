"""Trends: pick a band, a strand or headline question and the terms; see the chart, what
changed, and the same figures as a table. Only figures already published are shown."""

from __future__ import annotations

import flet as ft

from exports.lead import TrendChoices, TrendView
from kiosk.console.host import ConsoleHost
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE

__all__ = ["build_nothing_released", "build_reading", "build_trends"]


def build_reading() -> list[ft.Control]:
    """While the published figures are read (the first time in a session)."""
    return [
        title("Trends"),
        panel(
            [
                ft.Row(
                    [
                        ft.ProgressRing(width=28, height=28),
                        text("Reading the published figures…", size=22, bold=True),
                    ],
                    spacing=16,
                ),
                text(
                    "The answers are opened and counted once in this window: with many "
                    "answers this takes a few seconds.",
                    color=PALETTE.muted,
                ),
            ],
            colour=PALETTE.calm,
        ),
    ]


def build_nothing_released(host: ConsoleHost) -> list[ft.Control]:
    """No term has been published yet: say so, and where publishing happens."""

    async def to_downloads() -> None:
        await host.go("downloads")

    return [
        title("Trends"),
        panel(
            [
                text("Nothing has been published yet.", size=22, bold=True),
                text(
                    "Trends show only figures that have been published, so that nothing "
                    "new can be worked out from them. Make the evidence pack: that "
                    "publishes last term's figures (and earlier terms'). The term we are "
                    "in now is published once it has ended."
                ),
                action_button(
                    "Go to Downloads", host.on_async(to_downloads), icon=ft.Icons.DOWNLOAD
                ),
            ],
            colour=PALETTE.calm,
        ),
    ]


def _dropdown(label: str, options: list[tuple[str, str]], value: str, width: int) -> ft.Dropdown:
    return ft.Dropdown(
        label=label,
        value=value,
        options=[ft.DropdownOption(key=k, text=t) for k, t in options],
        width=width,
        text_size=16,
        menu_height=420,
    )


def build_trends(
    host: ConsoleHost,
    choices: TrendChoices,
    choice: dict[str, str],
    view: TrendView,
    png: bytes,
) -> list[ft.Control]:
    """The pickers, then the chart (alt text as its label), its sentence and its table."""
    topic = _dropdown("What to show", choices.topics, choice["topic"], 1036)
    band = _dropdown("Band", choices.bands, choice["band"], 340)
    first = _dropdown("From term", choices.terms, choice["first"], 300)
    last = _dropdown("To term", choices.terms, choice["last"], 300)

    async def show() -> None:
        await host.show_trend(
            {
                "topic": topic.value or choice["topic"],
                "band": band.value or choice["band"],
                "first": first.value or choice["first"],
                "last": last.value or choice["last"],
            }
        )

    for picker in (topic, band, first, last):
        picker.on_select = host.on_async(show)

    table = ft.DataTable(
        columns=[
            ft.DataColumn(label=ft.Text(c, size=16, weight=ft.FontWeight.BOLD))
            for c in view.columns
        ],
        rows=[ft.DataRow([ft.DataCell(text(cell, size=16)) for cell in row]) for row in view.rows],
        heading_row_height=44,
        data_row_max_height=40,
    )
    note = (
        f"c = hidden: too few answers to show (fewer than {view.threshold}), so "
        "nobody's answer can be worked out."
        if view.hidden
        else "Every figure here is shown: enough pupils answered each term."
    )
    return [
        title("Trends"),
        panel(
            [
                topic,
                ft.Row([band, first, last], spacing=16, wrap=True),
                action_button("Show the chart", host.on_async(show), icon=ft.Icons.SHOW_CHART),
            ]
        ),
        panel(
            [
                ft.Image(
                    src=png, semantics_label=view.chart.alt, width=1000, fit=ft.BoxFit.CONTAIN
                ),
                text("What changed", size=22, bold=True),
                text(view.sentence),
            ]
        ),
        panel(
            [
                text("The same figures as a table (% giving the safer answer)", size=22, bold=True),
                ft.Row([table], scroll=ft.ScrollMode.AUTO),
                text(note, color=PALETTE.muted),
            ]
        ),
    ]
