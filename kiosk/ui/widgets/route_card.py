"""A help route as a card: who it is for, how to reach it, one honest line, a QR code."""

from __future__ import annotations

import flet as ft

from exports.qr import cached_qr
from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE
from surveys.model import HelpRoute

__all__ = ["route_card"]


def route_card(s: Host, route: HelpRoute, *, width: int = 860) -> ft.Control:
    """Who it's for, how to reach it, one honest line, and a QR code for the website."""
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
