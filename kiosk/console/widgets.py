"""What every console screen shares: the frame (title, places, Lock), panels, the key panel.

The console has the kiosk's look (:mod:`kiosk.ui.theme`) at a desk's size: the lead sits
at a laptop, so type is smaller than a pupil's (18–32 px) and pages are wider.
"""

from __future__ import annotations

import itertools

import flet as ft

from kiosk.console.host import PLACES, ConsoleHost, Handler
from kiosk.ui.theme import PALETTE

#: Each page body gets a new key: see :func:`frame`.
_DRAWN = itertools.count()

__all__ = [
    "action_button",
    "feedback",
    "frame",
    "key_panel",
    "panel",
    "password_field",
    "text",
    "title",
]


def title(words: str) -> ft.Text:
    return ft.Text(words, size=32, weight=ft.FontWeight.BOLD, color=PALETTE.text)


def text(words: str, *, size: int = 18, bold: bool = False, color: str = PALETTE.text) -> ft.Text:
    return ft.Text(
        words,
        size=size,
        color=color,
        weight=ft.FontWeight.BOLD if bold else None,
    )


def panel(controls: list[ft.Control], *, colour: str = PALETTE.card) -> ft.Container:
    """A white card (or ``colour``) holding one part of a screen."""
    return ft.Container(
        ft.Column(controls, spacing=12),
        bgcolor=colour,
        padding=20,
        border_radius=12,
        border=ft.Border.all(1, PALETTE.option_border),
    )


def action_button(
    label: str, on_click: Handler | None, *, icon: ft.IconData | None = None, main: bool = True
) -> ft.Button | ft.OutlinedButton:
    """``main``: the one clear action on a screen (filled); otherwise an outlined one."""
    if main:
        return ft.Button(
            content=ft.Text(label, size=20, weight=ft.FontWeight.BOLD),
            icon=icon,
            on_click=on_click,
            height=56,
            style=ft.ButtonStyle(
                bgcolor=PALETTE.primary,
                color=PALETTE.on_primary,
                shape=ft.RoundedRectangleBorder(radius=12),
                padding=ft.Padding.symmetric(horizontal=24),
            ),
        )
    return ft.OutlinedButton(
        content=ft.Text(label, size=18),
        icon=icon,
        on_click=on_click,
        height=52,
        style=ft.ButtonStyle(
            color=PALETTE.primary,
            shape=ft.RoundedRectangleBorder(radius=12),
            side=ft.BorderSide(2, PALETTE.primary),
        ),
    )


def password_field(label: str, *, width: int = 420) -> ft.TextField:
    return ft.TextField(
        label=label, password=True, can_reveal_password=True, width=width, text_size=20
    )


def feedback(host: ConsoleHost) -> list[ft.Control]:
    """The one line of feedback (a wrong password, a pairing refused), if any."""
    if not host.message:
        return []
    return [
        ft.Container(
            text(host.message, size=18, bold=True, color=PALETTE.warn),
            bgcolor="#FCE8D5",
            padding=12,
            border_radius=8,
        )
    ]


def frame(host: ConsoleHost, school: str, place: str, body: list[ft.Control]) -> list[ft.Control]:
    """The page: a top bar with the school, the places and Lock; then the place's body.

    At the door (``place`` ""), the bar holds only the school's name."""
    tabs: list[ft.Control] = []
    for name, label in PLACES if place else []:

        async def go(name: str = name) -> None:
            await host.go(name)

        here = name == place
        tabs.append(
            ft.TextButton(
                content=ft.Text(
                    label,
                    size=18,
                    weight=ft.FontWeight.BOLD if here else None,
                    color=PALETTE.on_primary,
                ),
                on_click=host.on_async(go),
                style=ft.ButtonStyle(
                    bgcolor="#174A6C" if here else PALETTE.primary,
                    shape=ft.RoundedRectangleBorder(radius=8),
                    padding=ft.Padding.symmetric(horizontal=16, vertical=12),
                ),
            )
        )
    bar = ft.Container(
        ft.Row(
            [
                ft.Text(
                    f"{school} — e-safety lead",
                    size=18,
                    weight=ft.FontWeight.BOLD,
                    color=PALETTE.on_primary,
                ),
                *(
                    [
                        ft.Row(tabs, spacing=4, wrap=True),
                        ft.TextButton(
                            content=ft.Text("Lock", size=18, color=PALETTE.on_primary),
                            icon=ft.Icon(ft.Icons.LOCK, color=PALETTE.on_primary),
                            on_click=host.on(host.lock),
                        ),
                    ]
                    if place
                    else []
                ),
            ],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            wrap=True,
        ),
        bgcolor=PALETTE.primary,
        padding=ft.Padding.symmetric(horizontal=20, vertical=8),
    )
    content = ft.Container(
        ft.Column(
            [*feedback(host), *body], spacing=20, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        ),
        padding=ft.Padding.symmetric(horizontal=32, vertical=24),
        width=1100,
        key=f"{place or 'door'}-{next(_DRAWN)}",
    )
    return [bar, ft.Row([content], alignment=ft.MainAxisAlignment.CENTER)]


def key_panel(host: ConsoleHost, why: str) -> ft.Container:
    """Ask for the private key's passphrase (the key file's path filled in if known)."""
    where = ft.TextField(
        label="School private key file", value=host.key.key_file, width=620, text_size=18
    )
    phrase = password_field("Passphrase for the private key", width=620)

    async def unlock(_e: object = None) -> None:
        await host.unlock_key(phrase.value or "", where.value or "")

    phrase.on_submit = host.on_async(unlock)
    return panel(
        [
            text("Unlock the school's key", size=22, bold=True),
            text(why),
            text(
                "The key stays open in this window only, and is forgotten when you lock, "
                "after 15 minutes without a tap, or when the hub stops.",
                color=PALETTE.muted,
            ),
            where,
            phrase,
            action_button("Unlock", host.on_async(unlock), icon=ft.Icons.KEY),
        ],
        colour=PALETTE.calm,
    )
