"""Staff: choose or enter the PIN, then set who the kiosk is for and see counts and problems."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Handler, Host, StaffView
from kiosk.ui.screens import sync_panel
from kiosk.ui.theme import PALETTE, big_button, body_text, heading, quiet_button
from surveys.model import AgeBand
from surveys.storage.settings import PIN_RULE


def _pin_field(label: str) -> ft.TextField:
    return ft.TextField(
        label=label,
        password=True,
        keyboard_type=ft.KeyboardType.NUMBER,
        width=360,
        text_size=28,
        max_length=8,
    )


def _feedback(s: Host) -> list[ft.Control]:
    return [body_text(s.message, size=22, color=PALETTE.warn)] if s.message else []


def build_choose_pin(s: Host) -> list[ft.Control]:
    first, again = (
        _pin_field(s.t("staff_new_pin_label")),
        _pin_field(s.t("staff_confirm_pin_label")),
    )

    async def save() -> None:
        await s.choose_pin(first.value or "", again.value or "")

    return [
        heading(s.t("staff_choose_pin_heading")),
        ft.Container(body_text(s.t("staff_choose_pin_body", rule=PIN_RULE), size=22), width=760),
        first,
        again,
        *_feedback(s),
        big_button(s.t("staff_save_pin"), s.on_async(save)),
        quiet_button(s.t("staff_cancel"), s.on(s.show_start)),
    ]


def build_pin(s: Host) -> list[ft.Control]:
    pin = _pin_field(s.t("staff_pin_label"))

    async def unlock() -> None:
        await s.unlock(pin.value or "")

    pin.on_submit = s.on_async(unlock)
    return [
        ft.Icon(ft.Icons.LOCK_OUTLINE, size=72, color=PALETTE.primary),
        heading(s.t("staff_pin_heading")),
        pin,
        *_feedback(s),
        big_button(s.t("staff_unlock"), s.on_async(unlock)),
        quiet_button(s.t("staff_cancel"), s.on(s.show_start)),
    ]


def _choice(label: str, chosen: bool, on_click: Handler) -> ft.Control:
    return ft.Button(
        content=ft.Text(label, size=22, weight=ft.FontWeight.BOLD if chosen else None),
        icon=ft.Icons.CHECK if chosen else None,
        on_click=on_click,
        height=64,
        style=ft.ButtonStyle(
            bgcolor=PALETTE.primary if chosen else PALETTE.option,
            color=PALETTE.on_primary if chosen else PALETTE.primary,
            shape=ft.RoundedRectangleBorder(radius=14),
            side=ft.BorderSide(2, PALETTE.primary),
        ),
    )


def build_settings(s: Host, view: StaffView) -> list[ft.Control]:
    def choose(band: AgeBand | None, year: str | None = None) -> Handler:
        return s.on_async(lambda: s.choose_audience(band, year))

    parents = view.parents
    bands = [_choice(b.label, not parents and view.band == b, choose(b)) for b in AgeBand]
    bands.append(_choice(s.t("staff_parents_choice"), parents, choose(None)))
    controls: list[ft.Control] = [
        heading(s.t("staff_heading"), size=36),
        body_text(s.t("staff_current", who=view.who_label), size=24),
        ft.Text(s.t("staff_who_heading"), size=24, weight=ft.FontWeight.BOLD),
        ft.Row(bands, wrap=True, alignment=ft.MainAxisAlignment.CENTER, width=900),
    ]
    if view.band is not None and not parents:
        row = [_choice(s.t("staff_any_year"), view.year_group is None, choose(view.band))]
        row += [
            _choice(g.name, view.year_group == g.id, choose(view.band, g.id))
            for g in view.year_groups
        ]
        controls += [
            ft.Text(s.t("staff_year_heading"), size=24, weight=ft.FontWeight.BOLD),
            ft.Row(row, wrap=True, alignment=ft.MainAxisAlignment.CENTER, width=900),
        ]
    controls += _mode(s, view)
    controls.append(
        body_text(
            s.t("staff_counts", total=view.total_responses, term=view.responses_this_term),
            size=22,
        )
    )
    controls += _requests(s, view)
    controls += _signing_key(s, view)
    controls += sync_panel.build(s, view.sync)
    if view.address:
        controls.append(
            body_text(s.t("staff_address", address=view.address), size=20, color=PALETTE.muted)
        )
    if view.insecure_lan:
        controls.append(
            ft.Container(
                body_text(s.t("staff_insecure_lan"), size=20, color=PALETTE.warn), width=860
            )
        )
    elif view.address and view.tls_fingerprint:
        controls.append(
            ft.Container(
                body_text(
                    s.t("staff_tls_fingerprint", fingerprint=view.tls_fingerprint),
                    size=18,
                    color=PALETTE.muted,
                ),
                width=860,
            )
        )
    controls += _problems(s, view)
    controls.append(big_button(s.t("staff_open"), s.on(s.show_start)))
    return controls


def _mode(s: Host, view: StaffView) -> list[ft.Control]:
    def choose(mode: str) -> Handler:
        return s.on_async(lambda: s.choose_mode(mode))

    labels = {"survey": "staff_mode_survey", "aup": "staff_mode_aup", "both": "staff_mode_both"}
    row = [_choice(s.t(key), view.mode == m, choose(m)) for m, key in labels.items()]
    return [
        ft.Text(s.t("staff_mode_heading"), size=24, weight=ft.FontWeight.BOLD),
        ft.Row(row, wrap=True, alignment=ft.MainAxisAlignment.CENTER, width=900),
    ]


def _requests(s: Host, view: StaffView) -> list[ft.Control]:
    """Pupils' requests to talk to someone: the exact number, and what to do about them."""
    waiting = view.request_count > 0
    return [
        ft.Container(
            ft.Column(
                [
                    ft.Text(
                        s.t("staff_requests", count=view.request_count),
                        size=24,
                        weight=ft.FontWeight.BOLD,
                        color=PALETTE.warn if waiting else PALETTE.text,
                    ),
                    ft.Text(s.t("staff_requests_todo"), size=20, color=PALETTE.text),
                ],
                spacing=6,
            ),
            width=860,
            padding=16,
            bgcolor="#FFF4EC" if waiting else PALETTE.calm,
            border_radius=12,
        )
    ]


def _signing_key(s: Host, view: StaffView) -> list[ft.Control]:
    out: list[ft.Control] = [ft.Text(s.t("staff_key_heading"), size=24, weight=ft.FontWeight.BOLD)]
    fp = view.key_fingerprint
    if view.demo_key:
        out.append(
            ft.Container(body_text(s.t("staff_demo_key"), size=20, color=PALETTE.warn), width=860)
        )
    if fp:
        count = view.signature_count
        out.append(body_text(s.t("staff_key_installed", fingerprint=fp, count=count), size=20))
    else:
        out.append(
            ft.Container(
                body_text(s.t("staff_key_missing"), size=20, color=PALETTE.warn), width=860
            )
        )
    field = ft.TextField(label=s.t("staff_key_label"), width=760, text_size=20, multiline=True)

    async def install() -> None:
        await s.install_key(field.value or "")

    out += [
        field,
        *_feedback(s),
        quiet_button(s.t("staff_key_install"), s.on_async(install), icon=ft.Icons.KEY),
    ]
    for p in view.agreement_problems:
        out.append(
            body_text(
                f"{s.t('staff_aup_changed')} {p.message}. Fix: {p.fix}.",
                size=18,
                color=PALETTE.warn,
            )
        )
    return out


def _problems(s: Host, view: StaffView) -> list[ft.Control]:
    out: list[ft.Control] = [
        ft.Text(s.t("staff_problems_heading"), size=24, weight=ft.FontWeight.BOLD)
    ]
    if not view.unavailable:
        out.append(body_text(s.t("staff_no_problems"), size=20))
    for item in view.unavailable:
        who = f"{item.band_key} ({item.file})" if item.band_key else item.file
        lines: list[ft.Control] = [
            ft.Text(
                s.t("staff_unavailable", who=who),
                size=20,
                weight=ft.FontWeight.BOLD,
                color=PALETTE.warn,
            )
        ]
        for p in item.problems[:5]:
            where = f"{p.file}, line {p.line}" if p.line else p.file
            lines.append(
                ft.Text(
                    f"{where} — {p.entry}: {p.message}. Fix: {p.fix}.", size=18, color=PALETTE.text
                )
            )
        out.append(
            ft.Container(
                ft.Column(lines, spacing=6),
                width=860,
                padding=16,
                bgcolor="#FFF4EC",
                border_radius=12,
            )
        )
    if view.save_problem:
        out.append(
            body_text(s.t("staff_save_failed", why=view.save_problem), size=18, color=PALETTE.warn)
        )
    if view.warnings:
        out.append(
            body_text(s.t("staff_warnings", count=view.warnings), size=18, color=PALETTE.muted)
        )
    return out
