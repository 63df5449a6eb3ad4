"""The way in: choose the lead's password (first use), or sign in with it."""

from __future__ import annotations

import flet as ft

from kiosk.console.host import ConsoleHost
from kiosk.console.widgets import action_button, panel, password_field, text, title
from kiosk.ui.theme import PALETTE

__all__ = ["build_choose_password", "build_sign_in"]


def _centre(controls: list[ft.Control]) -> list[ft.Control]:
    return [ft.Container(ft.Column(controls, spacing=18), padding=ft.Padding.only(top=40))]


def build_choose_password(host: ConsoleHost, school: str) -> list[ft.Control]:
    first = password_field("New password")
    again = password_field("The same password again")

    async def choose(_e: object = None) -> None:
        await host.choose_password(first.value or "", again.value or "")

    again.on_submit = host.on_async(choose)
    return _centre(
        [
            title(f"{school}: the e-safety lead's console"),
            text(
                "Choose a password for this console. Only you should know it: it opens "
                "the kiosks, the trends and the agreements register."
            ),
            text(
                "Use four or more ordinary words that don't go together, like "
                '"kettle orbit violin meadow".',
                color=PALETTE.muted,
            ),
            panel([first, again, action_button("Set the password", host.on_async(choose))]),
        ]
    )


def build_sign_in(host: ConsoleHost, school: str, why: str = "") -> list[ft.Control]:
    field = password_field("Password")

    async def sign_in(_e: object = None) -> None:
        await host.sign_in(field.value or "")

    field.on_submit = host.on_async(sign_in)
    return _centre(
        [
            title(f"{school}: the e-safety lead's console"),
            *([text(why, color=PALETTE.muted)] if why else []),
            panel([field, action_button("Sign in", host.on_async(sign_in), icon=ft.Icons.LOGIN)]),
        ]
    )
