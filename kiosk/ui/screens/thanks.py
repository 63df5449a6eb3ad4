"""Thank you: saved, anonymous, and where to get help.

The help cards are the ones that fit this questionnaire (its ages and the topics of
its questions; the same for every pupil). The screen stays until "I've finished"
or the kiosk's normal idle reset, long enough to scan a QR code.
"""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE, big_button, body_text, heading
from kiosk.ui.widgets.route_card import route_card
from kiosk.ui.widgets.talk_button import talk_button
from surveys.flow import QuestionnaireFlow


def build(s: Host, flow: QuestionnaireFlow) -> list[ft.Control]:
    routes = s.help_routes(flow.questionnaire)
    return [
        ft.Icon(ft.Icons.FAVORITE, size=80, color=PALETTE.primary),
        heading(s.t("thanks_heading"), size=52),
        body_text(s.t("thanks_saved"), size=28),
        ft.Container(body_text(s.t("thanks_not_reporting"), size=24), width=860),
        *([] if s.kiosk.parents else [talk_button(s, young=s.kiosk.young)]),
        *[route_card(s, r) for r in routes],
        big_button(s.t("thanks_done"), s.on(s.reset)),
    ]
