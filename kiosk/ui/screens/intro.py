"""Before the first question: what this is (the intro), then the pupil's rights.

Two screens, so each fits a tablet with its one clear action in sight: the
rights are seven short points with a picture each, too many to sit under the
intro at a size a six-year-old can read.
"""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Handler, Host
from kiosk.ui.theme import (
    PALETTE,
    RIGHTS_ICON,
    STOP_ICON,
    big_button,
    body_text,
    heading,
    quiet_button,
)
from surveys.flow import QuestionnaireFlow


def build_intro(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    q = flow.questionnaire
    young = q.presentation == "faces"
    return [
        heading(q.title, size=48 if young else 40),
        ft.Container(body_text(q.intro, size=30 if young else 26), width=860),
        _actions(s, s.t("intro_next"), s.flow_action(lambda f: f.read_intro())),
    ]


def build_rights(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    q = flow.questionnaire
    young = q.presentation == "faces"
    size = 25 if young else 23
    rows: list[ft.Control] = []
    for name, words in q.rights.points() if q.rights else []:
        rows.append(
            ft.Row(
                [
                    ft.Icon(RIGHTS_ICON[name], size=40 if young else 36, color=PALETTE.picture),
                    ft.Text(words, size=size, color=PALETTE.text, expand=True),
                ],
                spacing=20,
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            )
        )
    return [
        heading(s.t("rights_heading"), size=40 if young else 36),
        ft.Container(
            ft.Column(rows, spacing=10),
            bgcolor=PALETTE.calm,
            border_radius=20,
            padding=ft.Padding.symmetric(horizontal=28, vertical=16),
            width=980,
        ),
        _actions(s, s.t("intro_continue"), s.flow_action(lambda f: f.begin())),
    ]


def _actions(s: Host, label: str, on: Handler) -> ft.Control:
    """The one clear action on, and beside it the quiet way to stop."""
    return ft.Row(
        [
            big_button(label, on, height=96, icon=ft.Icons.ARROW_FORWARD, key=label),
            quiet_button(
                s.t("stop_button"),
                s.flow_action(lambda f: f.ask_to_stop()),
                icon=STOP_ICON,
                size=24,
                height=96,
            ),
        ],
        alignment=ft.MainAxisAlignment.CENTER,
        spacing=32,
        wrap=True,
    )
