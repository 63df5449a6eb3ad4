"""'I'd like to talk to someone': a short form (all optional), then honest next steps.

The form asks for a first name, a class and one reason, and says plainly that
none of them is needed. After Send the pupil reads who will come and when, and
what to do if they are in danger now; "Go back" returns them to exactly where
they were. Ages 4–7 get the simplest words.
"""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import REASON_WORDS, Handler, Host
from kiosk.ui.theme import PALETTE, big_button, body_text, heading, quiet_button
from kiosk.ui.widgets.talk_button import TALK_ICON
from surveys.model import AgeBand
from surveys.requests.model import CLASS_MAX, NAME_MAX, Reason, TalkForm


def _words(s: Host, key: str, young_key: str) -> str:
    return s.t(young_key) if s.kiosk.young else s.t(key)


def _field(label: str, value: str, longest: int, s: Host) -> ft.TextField:
    field = ft.TextField(
        label=label,
        value=value,
        max_length=longest,
        width=520,
        text_size=28,
        capitalization=ft.TextCapitalization.WORDS,
    )
    field.on_change = lambda _e: s.touch()  # typing is activity too
    return field


def build_form(
    s: Host, form: TalkForm, *, saving: bool = False, failed: bool = False
) -> list[ft.Control]:
    """Name, class and a reason (each optional); Send and Go back."""
    young = s.kiosk.young
    controls: list[ft.Control] = [
        ft.Icon(TALK_ICON, size=80, color=PALETTE.picture),
        heading(s.t("talk_heading"), size=44),
    ]
    if not s.kiosk.can_pass_on_requests:
        # No school key: nothing can be sealed, so say honestly what to do instead.
        return [
            *controls,
            ft.Container(body_text(s.t("talk_no_key"), size=28), width=820),
            danger_box(s),
            big_button(s.t("talk_back"), s.on(s.talk_back), icon=ft.Icons.ARROW_BACK),
        ]
    name = _field(s.t("talk_name_label"), form.first_name, NAME_MAX, s)
    klass = _field(s.t("talk_class_label"), form.class_name, CLASS_MAX, s)

    def pick(reason: Reason) -> Handler:
        def apply(f: TalkForm) -> None:
            f.keep(name.value or "", klass.value or "")
            f.choose(reason)

        return s.talk_action(apply)

    async def send() -> None:
        await s.send_talk(name.value or "", klass.value or "")

    controls += [
        ft.Container(
            body_text(
                _words(s, "talk_form_body", "talk_form_body_young"), size=28 if young else 26
            ),
            width=820,
        ),
        name,
        klass,
        ft.Text(
            _words(s, "talk_reason_heading", "talk_reason_heading_young"),
            size=26,
            weight=ft.FontWeight.BOLD,
        ),
        ft.Column(
            [_reason(s, r, form.reason == r, pick(r), young) for r in REASON_WORDS],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=12,
        ),
    ]
    if s.message:
        controls.append(body_text(s.message, size=24, color=PALETTE.warn))
    if failed:
        controls.append(body_text(s.t("talk_failed"), size=24, color=PALETTE.warn))
    controls.append(danger_box(s))  # before Send: a pupil in danger now need not send first
    controls.append(
        ft.Row(
            [
                big_button(
                    s.t("talk_sending") if saving else s.t("talk_send"),
                    s.on_async(send),
                    disabled=saving,
                    width=320,
                    icon=ft.Icons.SEND,
                ),
                quiet_button(
                    s.t("talk_back"), s.on(s.talk_back), icon=ft.Icons.ARROW_BACK, height=88
                ),
            ],
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=32,
            wrap=True,
        )
    )
    return controls


def _reason(s: Host, reason: Reason, chosen: bool, on_click: Handler, young: bool) -> ft.Control:
    mark = (
        ft.Icon(
            ft.Icons.CHECK_CIRCLE,
            size=34,
            color=PALETTE.primary,
            semantics_label=s.t("question_chosen"),
        )
        if chosen
        else ft.Icon(ft.Icons.CIRCLE_OUTLINED, size=34, color=PALETTE.option_border)
    )
    return ft.Button(
        content=ft.Row(
            [mark, ft.Text(s.t(REASON_WORDS[reason]), size=26, expand=True)], spacing=18
        ),
        width=640,
        height=84 if young else 72,
        on_click=on_click,
        style=ft.ButtonStyle(
            bgcolor=PALETTE.chosen if chosen else PALETTE.option,
            color=PALETTE.text,
            shape=ft.RoundedRectangleBorder(radius=18),
            side=ft.BorderSide(
                4 if chosen else 2, PALETTE.primary if chosen else PALETTE.option_border
            ),
        ),
    )


def build_sent(s: Host) -> list[ft.Control]:
    """What happens next, and when; who and where; and what to do in danger now."""
    route = s.kiosk.school.own_route
    name, where = route.name, route.where
    young = route.for_band.get(AgeBand.AGES_4_7.value) if s.kiosk.young else None
    if young is not None:  # the card in the youngest children's words ("Talk to Mrs Patel")
        name, where = young.name or name, young.where or where
    return [
        ft.Icon(ft.Icons.FAVORITE, size=80, color=PALETTE.primary),
        heading(s.t("talk_sent_heading"), size=48),
        ft.Container(
            body_text(_words(s, "talk_sent_body", "talk_sent_body_young"), size=28), width=860
        ),
        ft.Container(
            ft.Column(
                [
                    ft.Text(name, size=26, weight=ft.FontWeight.BOLD, color=PALETTE.text),
                    ft.Text(where, size=24, color=PALETTE.text),
                ],
                spacing=6,
            ),
            bgcolor=PALETTE.calm,
            border_radius=18,
            padding=20,
            width=860,
        ),
        danger_box(s),
        big_button(s.t("talk_back"), s.on(s.talk_back), icon=ft.Icons.ARROW_BACK),
    ]


def danger_box(s: Host) -> ft.Control:
    """In danger now: an adult in this room, 999, Childline (the same on every talk screen)."""
    return ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.WARNING_AMBER_ROUNDED, size=48, color=PALETTE.warn),
                ft.Column(
                    [
                        ft.Text(
                            s.t("talk_danger_heading"),
                            size=28,
                            weight=ft.FontWeight.BOLD,
                            color=PALETTE.warn,
                        ),
                        ft.Text(
                            _words(s, "talk_danger_body", "talk_danger_body_young"),
                            size=26,
                            color=PALETTE.text,
                        ),
                    ],
                    spacing=6,
                    expand=True,
                ),
            ],
            spacing=18,
        ),
        bgcolor="#FFF4EC",
        border=ft.Border.all(3, PALETTE.warn),
        border_radius=18,
        padding=20,
        width=860,
    )
