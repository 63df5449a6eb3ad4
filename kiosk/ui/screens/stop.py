"""Stopping: one calm confirmation, then the help cards (nothing of the pupil's is kept)."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE, STOP_ICON, big_button, body_text, heading, quiet_button
from kiosk.ui.widgets.route_card import route_card
from surveys.flow import QuestionnaireFlow


def build_confirm(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    """ "Do you want to stop?" Asked once; the answers are still held until "Yes, stop"."""
    young = flow.questionnaire.presentation == "faces"
    return [
        ft.Icon(STOP_ICON, size=96, color=PALETTE.picture),
        heading(s.t("stop_confirm_heading"), size=48 if young else 44),
        ft.Container(body_text(s.t("stop_confirm_body"), size=28 if young else 26), width=820),
        ft.Row(
            [
                big_button(s.t("stop_confirm_yes"), s.on(s.stop_survey), width=360, height=100),
                quiet_button(
                    s.t("stop_confirm_no"),
                    s.flow_action(lambda f: f.carry_on()),
                    icon=ft.Icons.ARROW_BACK,
                    size=26,
                    height=100,
                ),
            ],
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=32,
            wrap=True,
        ),
    ]


def build_stopped(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    """Stopped: nothing kept; where to get help; then the start screen for the next child."""
    routes = s.help_routes(flow.questionnaire)
    return [
        ft.Icon(ft.Icons.FAVORITE, size=80, color=PALETTE.primary),
        heading(s.t("stopped_heading"), size=48),
        body_text(s.t("stopped_body"), size=28),
        ft.Container(body_text(s.t("stopped_help"), size=24), width=860),
        *[route_card(s, r) for r in routes],
        big_button(s.t("thanks_done"), s.on(s.reset)),
    ]
