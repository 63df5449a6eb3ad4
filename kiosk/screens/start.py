"""The start screen: one big Start button, or a calm 'ask a teacher'."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from kiosk.theme import PALETTE, big_button, body_text, heading
from surveys.model import Audience

if TYPE_CHECKING:
    from kiosk.session import PupilSession


def build(s: PupilSession) -> list[ft.Control]:
    server, t = s.server, s.t
    school = ft.Text(server.library.school.name, size=22, color=PALETTE.muted)
    parents = server.settings.audience == Audience.PARENTS
    title = t("start_parents_heading") if parents else t("start_heading")
    subtitle = t("start_parents_subtitle") if parents else t("start_subtitle")
    icon = ft.Icon(ft.Icons.SHIELD_OUTLINED, size=96, color=PALETTE.primary)
    if not server.is_set_up():
        return [school, icon, heading(t("start_heading")), body_text(t("start_not_set_up"))]
    if server.questionnaire() is None:
        return [school, icon, heading(title), body_text(t("start_not_ready"))]
    return [
        school,
        icon,
        heading(title, size=48),
        body_text(subtitle, size=28, color=PALETTE.muted),
        big_button(t("start_button"), s.on(s.begin), height=110, size=40),
    ]
