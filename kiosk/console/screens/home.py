"""Home: what needs doing first, then the kiosks, responses per term and agreements."""

from __future__ import annotations

import flet as ft

from kiosk.console.host import PLACES, ConsoleHost
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE
from surveys.sync.overview import Overview

__all__ = ["build_home"]


def build_home(host: ConsoleHost, view: Overview) -> list[ft.Control]:
    out: list[ft.Control] = [title("Home")]
    if view.jobs:
        rows: list[ft.Control] = [text("To do first", size=22, bold=True)]
        for job in view.jobs:
            line: list[ft.Control] = [
                ft.Icon(
                    ft.Icons.PRIORITY_HIGH if job.urgent else ft.Icons.ARROW_FORWARD,
                    color=PALETTE.warn if job.urgent else PALETTE.primary,
                ),
                ft.Container(text(job.text, bold=job.urgent), expand=True),
            ]
            if job.place in dict(PLACES):

                async def open_place(place: str = job.place) -> None:
                    await host.go(place)

                label = dict(PLACES)[job.place]
                line.append(action_button(f"Open {label}", host.on_async(open_place), main=False))
            rows.append(ft.Row(line))
        out.append(panel(rows, colour="#FCE8D5" if view.jobs[0].urgent else PALETTE.calm))
    else:
        out.append(panel([text("Nothing needs doing: every kiosk is in touch.", bold=True)]))

    async def to_kiosks() -> None:
        await host.go("kiosks")

    kiosk_rows = [
        ft.DataRow(
            [
                ft.DataCell(text(k.kiosk_id, bold=True)),
                ft.DataCell(text(k.last_seen)),
                ft.DataCell(text(f"about {k.responses}")),
                ft.DataCell(text(str(k.signed_agreements))),
                ft.DataCell(text(str(k.problems) if k.problems else "none")),
            ]
        )
        for k in view.kiosks
    ]
    out.append(
        panel(
            [
                text("Kiosks", size=22, bold=True),
                ft.DataTable(
                    columns=[
                        ft.DataColumn(label=h)
                        for h in ("Kiosk", "Last seen", "Responses", "Agreements", "Problems")
                    ],
                    rows=kiosk_rows,
                )
                if kiosk_rows
                else text("No kiosk has been paired or sent anything yet."),
                action_button("Pair a kiosk", host.on_async(to_kiosks), main=not view.kiosks),
            ]
        )
    )
    terms = [
        text(f"{term}: about {n} responses") for term, n in reversed(view.responses_by_term.items())
    ]
    out.append(
        panel(
            [
                text("What has arrived", size=22, bold=True),
                *(terms or [text("No responses yet.")]),
                text(f"Signed agreements: {view.signed_agreements}"),
                text(
                    "Counts are to the nearest 10: answers are opened only for trends and "
                    "downloads, with the school's key.",
                    color=PALETTE.muted,
                ),
            ]
        )
    )
    return out
