"""The start screen: one big button per thing this kiosk offers, or a calm 'ask a teacher'."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE, big_button, body_text, heading
from kiosk.ui.widgets.talk_button import talk_button


def build(s: Host) -> list[ft.Control]:
    kiosk, t = s.kiosk, s.t
    school = ft.Text(kiosk.school.name, size=22, color=PALETTE.muted)
    icon = ft.Icon(ft.Icons.SHIELD_OUTLINED, size=96, color=PALETTE.primary)
    if not kiosk.offers_survey:
        return [school, icon, *_agreement(s, alone=True)]
    parents = kiosk.parents
    title = t("start_parents_heading") if parents else t("start_heading")
    subtitle = t("start_parents_subtitle") if parents else t("start_subtitle")
    if not kiosk.is_set_up:
        survey: list[ft.Control] = [heading(t("start_heading")), body_text(t("start_not_set_up"))]
    elif not kiosk.has_questionnaire:
        survey = [heading(title), body_text(t("start_not_ready"))]
    else:
        survey = [
            heading(title, size=48),
            body_text(subtitle, size=28, color=PALETTE.muted),
            big_button(t("start_button"), s.on(s.begin), height=110, size=40),
        ]
    # Parents and carers have the help routes; the request to talk is for pupils.
    talk = [] if parents else [talk_button(s, young=kiosk.young)]
    if kiosk.offers_agreements:
        return [
            school,
            icon,
            *survey,
            *talk,
            ft.Divider(height=24),
            *_agreement(s, alone=False),
        ]
    return [school, icon, *survey, *talk]


def _agreement(s: Host, *, alone: bool) -> list[ft.Control]:
    t = s.t
    top: list[ft.Control] = (
        [heading(t("aup_start_heading"), size=48), body_text(t("aup_start_subtitle"), size=28)]
        if alone
        else []
    )
    if not s.kiosk.can_sign:
        return [*top, body_text(t("aup_not_ready"), size=24, color=PALETTE.warn)]
    return [
        *top,
        big_button(
            t("aup_start_button"),
            s.on(s.begin_signing),
            width=620,
            height=110 if alone else 96,
            size=32,
            icon=ft.Icons.DRAW,
        ),
    ]
