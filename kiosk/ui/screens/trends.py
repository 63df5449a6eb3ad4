"""Staff: the headline trend charts, drawn from this kiosk's answers with small numbers hidden."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host
from kiosk.ui.theme import PALETTE, big_button, body_text, heading, quiet_button

Charts = list[tuple[str, str, bytes]]  # title, alt text, PNG


def build(s: Host, charts: Charts | None) -> list[ft.Control]:
    controls: list[ft.Control] = [heading(s.t("staff_trends_heading"), size=36)]
    if charts is None:
        controls += [ft.ProgressRing(), body_text(s.t("staff_trends_working"), size=22)]
        return controls
    if not charts:
        controls.append(ft.Container(body_text(s.t("staff_trends_none"), size=22), width=860))
    for _title, alt, png in charts:
        controls.append(
            ft.Container(
                ft.Image(src=png, width=900, semantics_label=alt, fit=ft.BoxFit.CONTAIN),
                bgcolor=PALETTE.card,
                border_radius=12,
                padding=8,
            )
        )
    controls += [
        ft.Container(body_text(s.t("staff_trends_note"), size=18, color=PALETTE.muted), width=860),
        big_button(s.t("staff_trends_back"), s.on(s.draw_settings)),
        quiet_button(s.t("staff_open"), s.on(s.show_start)),
    ]
    return controls
