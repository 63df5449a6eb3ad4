"""The help screen (every route as a card with an offline QR code), and the idle warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import big_button, body_text, heading
from kiosk.ui.widgets.route_card import route_card
from surveys.model import HelpRoute


def build(s: Host, routes: list[HelpRoute], close: Callable[[Any], Any]) -> list[ft.Control]:
    return [
        heading(s.t("help_heading")),
        body_text(s.t("help_intro")),
        *[route_card(s, r) for r in routes],
        big_button(s.t("help_close"), close),
    ]


def idle_warning(s: Host, stay: Callable[[Any], Any]) -> ft.AlertDialog:
    return ft.AlertDialog(
        modal=True,
        title=ft.Text(s.t("idle_heading"), size=34, weight=ft.FontWeight.BOLD),
        content=ft.Text(s.t("idle_body"), size=24),
        actions=[big_button(s.t("idle_stay"), stay, width=360)],
        actions_alignment=ft.MainAxisAlignment.CENTER,
    )
