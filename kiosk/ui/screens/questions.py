"""Intro, one-question-per-screen, and the finish step."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import FACE_ICON, PALETTE, big_button, body_text, heading, quiet_button
from surveys.flow import QuestionnaireFlow
from surveys.model import Option


def build_intro(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    q = flow.questionnaire
    young = q.presentation == "faces"
    return [
        heading(q.title, size=48 if young else 40),
        ft.Container(
            body_text(q.intro, size=30 if young else 26),
            width=820,
        ),
        big_button(s.t("intro_continue"), s.flow_action(lambda f: f.begin()), height=100),
    ]


def build_question(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    question = flow.question
    young = flow.questionnaire.presentation == "faces"
    chosen = flow.chosen
    progress = ft.Column(
        [
            ft.Text(
                s.t("question_progress", number=flow.position, total=flow.total),
                size=22,
                color=PALETTE.muted,
            ),
            ft.ProgressBar(
                value=flow.position / flow.total,
                width=600,
                height=12,
                color=PALETTE.primary,
                bgcolor="#DDE5EE",
                border_radius=6,
            ),
        ],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
    )
    if young:
        options: ft.Control = ft.Row(
            [_face_button(s, o, o.id == chosen) for o in question.options],
            alignment=ft.MainAxisAlignment.CENTER,
            wrap=True,
            spacing=24,
            run_spacing=24,
        )
    else:
        options = ft.Column(
            [_word_button(s, o, o.id == chosen) for o in question.options],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=16,
        )
    nav = ft.Row(
        [
            quiet_button(
                s.t("question_back"), s.flow_action(lambda f: f.back()), icon=ft.Icons.ARROW_BACK
            ),
            quiet_button(
                s.t("question_skip"),
                s.flow_action(lambda f: f.skip()),
                icon=ft.Icons.NOT_INTERESTED,
            ),
        ],
        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
        width=820,
    )
    return [
        progress,
        ft.Container(heading(question.text, size=44 if young else 36), width=900),
        options,
        nav,
    ]


def _pick(s: Host, option_id: str):  # type: ignore[no-untyped-def]
    return s.flow_action(lambda f: f.answer(option_id))


def _option_style(chosen: bool, radius: int) -> ft.ButtonStyle:
    return ft.ButtonStyle(
        bgcolor=PALETTE.chosen if chosen else PALETTE.option,
        color=PALETTE.text,
        shape=ft.RoundedRectangleBorder(radius=radius),
        side=ft.BorderSide(
            5 if chosen else 2, PALETTE.primary if chosen else PALETTE.option_border
        ),
        padding=ft.Padding.symmetric(horizontal=24, vertical=16),
    )


def _chosen_mark(s: Host, chosen: bool, size: int) -> ft.Icon:
    # The icon's label joins the button's accessible name: "chosen Yes".
    if chosen:
        return ft.Icon(
            ft.Icons.CHECK_CIRCLE,
            size=size,
            color=PALETTE.primary,
            semantics_label=s.t("question_chosen"),
        )
    return ft.Icon(ft.Icons.CIRCLE_OUTLINED, size=size, color=PALETTE.option_border)


def _face_button(s: Host, option: Option, chosen: bool) -> ft.Control:
    """A big picture button for young children: the face and the word together."""
    icon, colour = FACE_ICON.get(option.icon or "question", FACE_ICON["question"])
    return ft.Button(
        content=ft.Column(
            [
                *([_chosen_mark(s, chosen, 30)] if chosen else []),
                ft.Icon(icon, size=110 if not chosen else 90, color=colour),
                ft.Text(
                    option.label, size=30, weight=ft.FontWeight.BOLD, text_align=ft.TextAlign.CENTER
                ),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=6,
        ),
        width=220,
        height=250,
        style=_option_style(chosen, 28),
        on_click=_pick(s, option.id),
    )


def _word_button(s: Host, option: Option, chosen: bool) -> ft.Control:
    return ft.Button(
        content=ft.Row(
            [
                _chosen_mark(s, chosen, 34),
                ft.Text(option.label, size=28, expand=True),
            ],
            spacing=20,
        ),
        width=720,
        style=_option_style(chosen, 20),
        on_click=_pick(s, option.id),
    )


def build_finish(
    s: Host, flow: QuestionnaireFlow, *, saving: bool = False, failed: bool = False
) -> list[ft.Control]:
    controls: list[ft.Control] = [
        ft.Icon(ft.Icons.CHECK_CIRCLE_OUTLINE, size=96, color=PALETTE.primary),
        heading(s.t("finish_heading")),
        ft.Container(body_text(s.t("finish_body")), width=760),
    ]
    if failed:
        controls.append(body_text(s.t("finish_failed"), color=PALETTE.warn))
    if saving:
        label = s.t("finish_saving")
    elif failed:
        label = s.t("finish_retry")
    else:
        label = s.t("finish_button")
    controls.append(big_button(label, s.on_async(s.finish), disabled=saving, height=100))
    if not saving:
        controls.append(
            quiet_button(
                s.t("question_back"), s.flow_action(lambda f: f.back()), icon=ft.Icons.ARROW_BACK
            )
        )
    return controls
