"""One point of a symbol-supported (easy read) agreement: a big symbol, then a short sentence.

The symbol is read out by its word ("tablet", "talk") to anyone using a screen
reader, the way a symbol board labels each picture.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from kiosk.ui.theme import PALETTE

__all__ = ["symbol_row"]

#: The symbol's tile and picture, and the text beside it: big enough to read across a table.
TILE, PICTURE, TEXT = 84, 64, 30


def symbol_row(word: str, icon: Any, text: str) -> ft.Control:
    tile = ft.Container(
        ft.Icon(icon, size=PICTURE, color=PALETTE.primary),
        width=TILE,
        height=TILE,
        bgcolor=PALETTE.calm,
        border_radius=18,
        alignment=ft.Alignment.CENTER,
    )
    return ft.Row(
        [
            ft.Semantics(label=word, image=True, content=tile),
            ft.Text(text, size=TEXT, weight=ft.FontWeight.W_600, color=PALETTE.text, expand=True),
        ],
        spacing=28,
        width=860,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
