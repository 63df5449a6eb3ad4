"""Thank you: saved, anonymous, and where to get help — then it resets by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from kiosk.screens.help import route_card
from kiosk.theme import PALETTE, big_button, body_text, heading
from surveys.flow import QuestionnaireFlow

if TYPE_CHECKING:
    from kiosk.session import PupilSession


def build(s: PupilSession, flow: QuestionnaireFlow) -> list[ft.Control]:
    routes = s.server.help_routes(flow.questionnaire)
    return [
        ft.Icon(ft.Icons.FAVORITE, size=80, color=PALETTE.primary),
        heading(s.t("thanks_heading"), size=52),
        body_text(s.t("thanks_saved"), size=28),
        ft.Container(body_text(s.t("thanks_not_reporting"), size=24), width=860),
        *[route_card(s, r) for r in routes],
        big_button(s.t("thanks_done"), s.on(s.reset)),
    ]
