"""The calm "I'd like to talk to someone" button on the start, question and thank-you screens."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE

__all__ = ["TALK_ICON", "talk_button"]

TALK_ICON = ft.Icons.RECORD_VOICE_OVER


def talk_button(s: Host, *, young: bool = False) -> ft.Control:
    """Secondary, never shouting, but big enough for a five-year-old's finger."""
    size = 26 if young else 22
    return ft.Button(
        content=ft.Row(
            [
                ft.Icon(TALK_ICON, size=size + 10, color=PALETTE.picture),
                ft.Text(s.t("talk_button"), size=size, weight=ft.FontWeight.BOLD),
            ],
            spacing=14,
            tight=True,
        ),
        on_click=s.on(s.ask_to_talk),
        height=88 if young else 72,
        style=ft.ButtonStyle(
            bgcolor=PALETTE.calm,
            color=PALETTE.text,
            shape=ft.RoundedRectangleBorder(radius=20),
            side=ft.BorderSide(2, PALETTE.picture),
            padding=ft.Padding.symmetric(horizontal=28, vertical=12),
        ),
    )
