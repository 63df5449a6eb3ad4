"""Requests: pupils who asked to talk to someone, oldest waiting first, to mark seen or acted on.

Drawn from the :class:`~exports.requests.RequestRow` list the desk opened with the
school's key; each mark and download is one host call. The downloads are the files
``esafety requests`` writes.
"""

from __future__ import annotations

import flet as ft

from exports.requests import RequestRow, long_day
from kiosk.console.host import ConsoleHost, Handler
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE

__all__ = ["build_requests"]

#: Requests drawn at most (waiting and seen come first); the download holds them all.
MAX_ROWS = 60


def build_requests(
    host: ConsoleHost, rows: list[RequestRow], summary: str, *, anything_arrived: bool
) -> list[ft.Control]:
    waiting = any(r.status.value == "waiting" for r in rows)
    head = summary if rows else "No pupil has asked to talk to someone yet."
    if not rows and not anything_arrived:
        head += " Kiosks send a request as soon as a pupil makes it."
    out: list[ft.Control] = [
        title("Requests"),
        text(head, size=22, bold=True, color=PALETTE.warn if waiting else PALETTE.text),
    ]
    if waiting:
        out.append(
            text(
                "A pupil who asked should be seen the same day. Mark a request seen when you "
                "have spoken to the pupil, and acted on when you have done what was needed.",
            )
        )
    if rows:
        drawn = [_request(host, r) for r in rows[:MAX_ROWS]]
        if len(rows) > MAX_ROWS:
            drawn.append(text(f"Showing {MAX_ROWS} of {len(rows)}: the download lists all."))
        out.append(panel([text("Oldest waiting first", size=22, bold=True), *drawn]))
        out.append(_downloads(host))
    return out


def _request(host: ConsoleHost, row: RequestRow) -> ft.Control:
    """One request: who, class, reason, the day asked, its status; and its marks."""
    status = row.status.value
    if row.status_on:
        status += f" ({long_day(row.status_on)})"
    waiting = row.status.value == "waiting"
    facts: list[ft.Control] = [
        ft.Row(
            [
                text(row.name, size=22, bold=True),
                text(f"Class {row.class_name}", size=20),
                text(
                    status, size=18, bold=waiting, color=PALETTE.warn if waiting else PALETTE.text
                ),
            ],
            spacing=24,
            wrap=True,
        ),
        text(f"{row.reason} · asked {long_day(row.asked_on)}"),
    ]
    if row.note:
        facts.append(text(f"Note: {row.note}", color=PALETTE.muted))
    if row.status.value != "acted on":
        note = ft.TextField(label="Note (optional)", width=420, text_size=18, max_length=500)
        note.on_change = lambda _e: host.touch()

        def mark(status: str) -> Handler:
            async def go() -> None:
                await host.mark_request(row.id, status, note.value or "")

            return host.on_async(go)

        buttons: list[ft.Control] = [note]
        if waiting:
            buttons.append(action_button("Mark seen", mark("seen"), icon=ft.Icons.VISIBILITY))
        buttons.append(
            action_button("Mark acted on", mark("acted on"), icon=ft.Icons.CHECK, main=not waiting)
        )
        facts.append(
            ft.Row(buttons, wrap=True, spacing=12, vertical_alignment=ft.CrossAxisAlignment.START)
        )
    return ft.Container(
        ft.Column(facts, spacing=8),
        bgcolor="#FFF4EC" if waiting else PALETTE.card,
        padding=16,
        border_radius=10,
        border=ft.Border.all(
            2 if waiting else 1, PALETTE.warn if waiting else PALETTE.option_border
        ),
    )


def _downloads(host: ConsoleHost) -> ft.Control:
    def offer(kind: str) -> Handler:
        async def go() -> None:
            await host.download_requests(kind)

        return host.on_async(go)

    return panel(
        [
            text("Download", size=22, bold=True),
            ft.Row(
                [
                    action_button(
                        "Download the requests (CSV)",
                        offer(".csv"),
                        icon=ft.Icons.DOWNLOAD,
                        main=False,
                    ),
                    action_button(
                        "Printable page", offer(".html"), icon=ft.Icons.PRINT, main=False
                    ),
                ],
                wrap=True,
                spacing=12,
            ),
            text(
                "These files hold names: keep them on school systems, and delete them "
                "when you no longer need them.",
                color=PALETTE.warn,
                bold=True,
            ),
        ]
    )
