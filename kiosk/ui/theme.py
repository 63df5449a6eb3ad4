"""Sizes, colours and the few building blocks every screen shares.

Calm colours, big type, touch targets well over 48 px (bigger for under-8s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

__all__ = [
    "AUP_ICON",
    "FACE_ICON",
    "PALETTE",
    "RIGHTS_ICON",
    "SKIP_ICON",
    "STOP_ICON",
    "SYMBOL_ICON",
    "big_button",
    "body_text",
    "heading",
    "quiet_button",
]


class PALETTE:
    background = "#F6F8FB"
    primary = "#1F5F8B"  # deep calm blue; white text on it passes WCAG AA
    on_primary = "#FFFFFF"
    option = "#FFFFFF"
    option_border = "#B7C7D6"
    chosen = "#DCEBF7"
    text = "#1B2733"
    muted = "#4A5A6A"
    card = "#FFFFFF"
    warn = "#8A3B12"
    #: Pictures that judge nothing (yes, no, not sure, skip, stop): one calm slate.
    picture = "#3E5C76"
    #: The soft panel behind rights and help lines.
    calm = "#E8F1F8"


FACE_ICON = {
    "very-happy": (ft.Icons.SENTIMENT_VERY_SATISFIED, "#2E7D32"),
    "happy": (ft.Icons.SENTIMENT_SATISFIED, "#558B2F"),
    "neutral": (ft.Icons.SENTIMENT_NEUTRAL, "#8D6E00"),
    "sad": (ft.Icons.SENTIMENT_DISSATISFIED, "#C25E00"),
    "very-sad": (ft.Icons.SENTIMENT_VERY_DISSATISFIED, "#B3261E"),
    "thumb-up": (ft.Icons.THUMB_UP, "#2E7D32"),
    "thumb-down": (ft.Icons.THUMB_DOWN, "#B3261E"),
    "question": (ft.Icons.HELP_OUTLINE, PALETTE.picture),
    # Neutral: a tick and a cross in the same colour say which, not whether it is good.
    "yes": (ft.Icons.DONE, PALETTE.picture),
    "no": (ft.Icons.CLOSE, PALETTE.picture),
}

#: Pictures beside each of a pupil's rights (see ``surveys.model.Rights``).
RIGHTS_ICON = {
    "voluntary": ft.Icons.VOLUNTEER_ACTIVISM,
    "skip": ft.Icons.SKIP_NEXT,
    "stop": ft.Icons.BACK_HAND,
    "what_for": ft.Icons.LIGHTBULB,
    "who_sees": ft.Icons.BAR_CHART,
    "adult_helper": ft.Icons.RECORD_VOICE_OVER,
    "no_take_back": ft.Icons.LOCK,
}

#: The two picture buttons beside the answers for ages 4–7.
SKIP_ICON = ft.Icons.SKIP_NEXT
STOP_ICON = ft.Icons.BACK_HAND

#: Pictures beside agreement points (see ``surveys.agreements.aup.AUP_ICONS``).
AUP_ICON = {
    "ask": ft.Icons.RECORD_VOICE_OVER,
    "tell": ft.Icons.FAMILY_RESTROOM,
    "kind": ft.Icons.VOLUNTEER_ACTIVISM,
    "private": ft.Icons.LOCK,
    "stop": ft.Icons.BACK_HAND,
    "think": ft.Icons.LIGHTBULB,
    "time": ft.Icons.SCHEDULE,
    "people": ft.Icons.GROUPS,
    "games": ft.Icons.SPORTS_ESPORTS,
    "photo": ft.Icons.PHOTO_CAMERA,
    "check": ft.Icons.FACT_CHECK,
    "device": ft.Icons.TABLET_ANDROID,
    "link": ft.Icons.LINK,
    "shield": ft.Icons.SHIELD,
    "heart": ft.Icons.FAVORITE,
    "home": ft.Icons.HOME,
}

#: The symbols of a symbol-supported agreement (see ``surveys.pictures.SYMBOLS``).
SYMBOL_ICON = {
    "tablet": ft.Icons.TABLET_ANDROID,
    "talk": ft.Icons.RECORD_VOICE_OVER,
    "adult": ft.Icons.ESCALATOR_WARNING,
    "stop": ft.Icons.BACK_HAND,
    "think": ft.Icons.LIGHTBULB,
    "private": ft.Icons.LOCK,
    "look": ft.Icons.VISIBILITY,
    "safe": ft.Icons.SHIELD,
    "kind": ft.Icons.VOLUNTEER_ACTIVISM,
    "people": ft.Icons.GROUPS,
    "picture": ft.Icons.PHOTO_CAMERA,
    "game": ft.Icons.SPORTS_ESPORTS,
    "link": ft.Icons.LINK,
    "sad": ft.Icons.SENTIMENT_DISSATISFIED,
    "heart": ft.Icons.FAVORITE,
    "phone": ft.Icons.PHONE,
    "time": ft.Icons.HOURGLASS_BOTTOM,
    "home": ft.Icons.HOME,
}

Handler = Callable[[Any], Any]


def heading(text: str, size: int = 40) -> ft.Text:
    return ft.Text(
        text,
        size=size,
        weight=ft.FontWeight.BOLD,
        color=PALETTE.text,
        text_align=ft.TextAlign.CENTER,
    )


def body_text(text: str, size: int = 26, color: str = PALETTE.text) -> ft.Text:
    return ft.Text(text, size=size, color=color, text_align=ft.TextAlign.CENTER)


def big_button(
    label: str,
    on_click: Handler,
    *,
    width: int = 420,
    height: int = 88,
    size: int = 30,
    icon: Any = None,
    disabled: bool = False,
    key: str | None = None,
) -> ft.Button:
    """The one clear action on a screen.

    ``key``: a screen morphed from the last (``kiosk.ui.morph``) keeps a button
    with the same key (or none) and changes it; one with another key is a new
    button, so the tapped one's ink ripple does not play on it.
    """
    return ft.Button(
        content=ft.Text(label, size=size, weight=ft.FontWeight.BOLD),
        icon=icon,
        on_click=on_click,
        width=width,
        height=height,
        disabled=disabled,
        key=key,
        style=ft.ButtonStyle(
            bgcolor=PALETTE.primary,
            color=PALETTE.on_primary,
            shape=ft.RoundedRectangleBorder(radius=20),
            icon_size=size,
        ),
    )


def quiet_button(
    label: str,
    on_click: Handler,
    *,
    icon: Any = None,
    size: int = 22,
    height: int = 64,
) -> ft.OutlinedButton:
    """Secondary actions (Back, I'd rather not say, Help): clear but not shouting."""
    return ft.OutlinedButton(
        content=ft.Text(label, size=size),
        icon=icon,
        on_click=on_click,
        height=height,
        style=ft.ButtonStyle(
            color=PALETTE.primary,
            shape=ft.RoundedRectangleBorder(radius=16),
            side=ft.BorderSide(2, PALETTE.primary),
            padding=ft.Padding.symmetric(horizontal=24),
            icon_size=size + 4,
        ),
    )
