"""Help routes as cards (with offline QR codes), and the idle warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from kiosk.theme import PALETTE, big_button, body_text, heading
from surveys.model import HelpRoute

if TYPE_CHECKING:
    from kiosk.session import PupilSession


def route_card(s: PupilSession, route: HelpRoute, *, width: int = 860) -> ft.Control:
    """Who it's for, how to reach it, one honest line, and a QR code for the website."""
    from kiosk.server import cached_qr

    lines: list[ft.Control] = [
        ft.Text(route.name, size=28, weight=ft.FontWeight.BOLD, color=PALETTE.text),
        ft.Text(route.for_whom, size=22, color=PALETTE.text),
    ]
    if route.phone:
        lines.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.PHONE, size=28, color=PALETTE.primary),
                    ft.Text(
                        route.phone,
                        size=26,
                        weight=ft.FontWeight.BOLD,
                        color=PALETTE.primary,
                        expand=True,
                    ),
                ]
            )
        )
    if route.where:
        lines.append(ft.Text(s.t("help_where", where=route.where), size=22, color=PALETTE.text))
    if route.min_age:
        lines.append(ft.Text(s.t("help_age", age=route.min_age), size=20, color=PALETTE.muted))
    lines.append(ft.Text(route.honest_line, size=20, italic=True, color=PALETTE.muted))
    row: list[ft.Control] = [ft.Column(lines, spacing=6, expand=True)]
    if route.url:
        row.append(
            ft.Column(
                [
                    ft.Image(
                        src=cached_qr(route.url),
                        width=150,
                        height=150,
                        semantics_label=s.t("help_qr_label", name=route.name),
                    ),
                    ft.Text(
                        route.url.removeprefix("https://").removesuffix("/"),
                        size=14,
                        color=PALETTE.muted,
                        width=170,
                        text_align=ft.TextAlign.CENTER,
                    ),
                ],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                spacing=4,
            )
        )
    return ft.Container(
        content=ft.Row(row, vertical_alignment=ft.CrossAxisAlignment.CENTER, spacing=20),
        bgcolor=PALETTE.card,
        border=ft.Border.all(1, PALETTE.option_border),
        border_radius=20,
        padding=24,
        width=width,
    )


def build(
    s: PupilSession, routes: list[HelpRoute], close: Callable[[Any], Any]
) -> list[ft.Control]:
    return [
        heading(s.t("help_heading")),
        body_text(s.t("help_intro")),
        *[route_card(s, r) for r in routes],
        big_button(s.t("help_close"), close),
    ]


def idle_warning(s: PupilSession, stay: Callable[[Any], Any]) -> ft.AlertDialog:
    return ft.AlertDialog(
        modal=True,
        title=ft.Text(s.t("idle_heading"), size=34, weight=ft.FontWeight.BOLD),
        content=ft.Text(s.t("idle_body"), size=24),
        actions=[big_button(s.t("idle_stay"), stay, width=360)],
        actions_alignment=ft.MainAxisAlignment.CENTER,
    )
