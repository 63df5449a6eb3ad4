"""One question per screen, and the finish step.

Every screen has "I want to stop". For ages 4–7, "I'd rather not say" and "I want
to stop" are picture buttons as big as the answers; a sensitive question shows
its own line of help, the same whatever the answer.
"""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Handler, Host
from kiosk.ui.theme import (
    FACE_ICON,
    PALETTE,
    SKIP_ICON,
    STOP_ICON,
    big_button,
    body_text,
    heading,
    quiet_button,
)
from kiosk.ui.widgets.talk_button import talk_button
from surveys.flow import QuestionnaireFlow
from surveys.model import Option


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
    skip = s.flow_action(lambda f: f.skip())
    stop = s.flow_action(lambda f: f.ask_to_stop())
    back = quiet_button(
        s.t("question_back"), s.flow_action(lambda f: f.back()), icon=ft.Icons.ARROW_BACK
    )
    if young:
        # Back sits beside the progress, so the answers and the two picture buttons
        # (skip, stop) fit one tablet screen with the help line below them.
        body: list[ft.Control] = [
            ft.Row(
                [
                    ft.Container(back, width=150),
                    ft.Container(progress, expand=True),
                    ft.Container(width=150),
                ],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            ft.Container(heading(question.text, size=40), width=1000),
            ft.Row(
                [_face_button(s, question.id, o, o.id == chosen) for o in question.options],
                alignment=ft.MainAxisAlignment.CENTER,
                wrap=True,
                spacing=20,
                run_spacing=20,
            ),
            ft.Row(
                [
                    _picture_button(s.t("question_skip"), SKIP_ICON, skip),
                    _picture_button(s.t("stop_button"), STOP_ICON, stop),
                ],
                alignment=ft.MainAxisAlignment.CENTER,
                spacing=20,
            ),
        ]
    else:
        body = [
            progress,
            ft.Container(heading(question.text, size=36), width=940),
            ft.Column(
                [_word_button(s, question.id, o, o.id == chosen) for o in question.options],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                spacing=16,
            ),
        ]
    if question.help_line:
        body.append(help_line(question.help_line, young))
    if not young:
        body.append(
            ft.Row(
                [
                    back,
                    quiet_button(s.t("question_skip"), skip, icon=ft.Icons.NOT_INTERESTED),
                    quiet_button(s.t("stop_button"), stop, icon=STOP_ICON),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                width=820,
            )
        )
    if not s.kiosk.parents:
        body.append(talk_button(s, young=young))
    return body


def help_line(words: str, young: bool) -> ft.Control:
    """A sensitive question's own calm line of help: shown before any answer, so it is
    the same for every pupil and tells an onlooker nothing."""
    return ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.SUPPORT_AGENT, size=40, color=PALETTE.picture),
                ft.Text(words, size=24 if young else 22, color=PALETTE.text, expand=True),
            ],
            spacing=18,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        bgcolor=PALETTE.calm,
        border_radius=18,
        padding=ft.Padding.symmetric(horizontal=24, vertical=14),
        width=900,
    )


def _pick(s: Host, option_id: str):  # type: ignore[no-untyped-def]
    return s.flow_action(lambda f: f.answer(option_id))


def _option_style(chosen: bool, radius: int, across: int = 24) -> ft.ButtonStyle:
    return ft.ButtonStyle(
        bgcolor=PALETTE.chosen if chosen else PALETTE.option,
        color=PALETTE.text,
        shape=ft.RoundedRectangleBorder(radius=radius),
        side=ft.BorderSide(
            5 if chosen else 2, PALETTE.primary if chosen else PALETTE.option_border
        ),
        padding=ft.Padding.symmetric(horizontal=across, vertical=16),
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


#: A 4–7 picture button: answers, "I'd rather not say" and "I want to stop" alike.
FACE_W, FACE_H, FACE_PICTURE = 180, 176, 76


def _answer_key(question_id: str, option: Option) -> str:
    """Each question's answers are buttons of their own (a different ``key``), so the
    next question's answers are new buttons, not the last ones morphed
    (``kiosk.ui.morph``): the tapped answer's ink ripple (about 24 frames, drawn in
    software on a tablet without a GPU) ends with its question instead of playing on
    the next question's answer in the same place."""
    return f"{question_id}/{option.id}"


def _face_button(s: Host, question_id: str, option: Option, chosen: bool) -> ft.Control:
    """A big picture button for young children: the picture and the word together."""
    icon, colour = FACE_ICON[option.picture]
    return ft.Button(
        content=ft.Column(
            [
                *([_chosen_mark(s, chosen, 26)] if chosen else []),
                ft.Icon(icon, size=FACE_PICTURE if not chosen else 56, color=colour),
                ft.Text(
                    option.label, size=26, weight=ft.FontWeight.BOLD, text_align=ft.TextAlign.CENTER
                ),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=6,
        ),
        width=FACE_W,
        height=FACE_H,
        style=_option_style(chosen, 28, across=8),
        on_click=_pick(s, option.id),
        key=_answer_key(question_id, option),
    )


def _picture_button(label: str, icon: ft.IconData, on_click: Handler) -> ft.Control:
    """ "I'd rather not say" or "I want to stop" for ages 4–7: as big as an answer,
    set apart by a calm fill instead of the answers' white."""
    return ft.Button(
        content=ft.Column(
            [
                ft.Icon(icon, size=FACE_PICTURE - 16, color=PALETTE.picture),
                ft.Text(
                    label,
                    size=22,
                    weight=ft.FontWeight.BOLD,
                    color=PALETTE.text,
                    text_align=ft.TextAlign.CENTER,
                ),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=6,
        ),
        width=FACE_W,
        height=FACE_H,
        style=ft.ButtonStyle(
            bgcolor=PALETTE.calm,
            color=PALETTE.text,
            shape=ft.RoundedRectangleBorder(radius=28),
            side=ft.BorderSide(2, PALETTE.calm),
            padding=ft.Padding.symmetric(horizontal=8, vertical=16),
        ),
        on_click=on_click,
    )


def _word_button(s: Host, question_id: str, option: Option, chosen: bool) -> ft.Control:
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
        key=_answer_key(question_id, option),
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
            ft.Row(
                [
                    quiet_button(
                        s.t("question_back"),
                        s.flow_action(lambda f: f.back()),
                        icon=ft.Icons.ARROW_BACK,
                    ),
                    quiet_button(
                        s.t("stop_button"),
                        s.flow_action(lambda f: f.ask_to_stop()),
                        icon=STOP_ICON,
                    ),
                ],
                alignment=ft.MainAxisAlignment.CENTER,
                spacing=32,
            )
        )
    return controls
