"""Signing an agreement: who, year, read page by page, details, sign, check, thank you."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import flet as ft
import flet.canvas as cv

from exports.qr import cached_qr
from kiosk.ui.host import Handler, Host
from kiosk.ui.theme import (
    AUP_ICON,
    PALETTE,
    SYMBOL_ICON,
    big_button,
    body_text,
    heading,
    quiet_button,
)
from kiosk.ui.widgets.signature_pad import SignaturePad
from kiosk.ui.widgets.symbol_row import symbol_row
from surveys.agreements.aup import Signer
from surveys.agreements.signing import SigningFlow

WHO_KEYS = {
    Signer.PARENTS: "aup_who_parent",
    Signer.PUPILS: "aup_who_pupil",
    Signer.STAFF: "aup_who_staff",
    Signer.VISITORS: "aup_who_visitor",
    Signer.GOVERNORS: "aup_who_governor",
    Signer.CONTRACTORS: "aup_who_contractor",
}
WHO_ICONS = {
    Signer.PARENTS: ft.Icons.FAMILY_RESTROOM,
    Signer.PUPILS: ft.Icons.BACKPACK,
    Signer.STAFF: ft.Icons.BADGE,
    Signer.VISITORS: ft.Icons.PERSON_PIN,
    Signer.GOVERNORS: ft.Icons.ACCOUNT_BALANCE,
    Signer.CONTRACTORS: ft.Icons.ENGINEERING,
}
#: The "easy read with symbols" choice for pupils: shapes, like a symbol board.
SYMBOLS_CHOICE = ft.Icons.INTERESTS


def _back(s: Host, label_key: str = "question_back") -> ft.Control:
    return quiet_button(
        s.t(label_key), s.signing_action(lambda f: f.back()), icon=ft.Icons.ARROW_BACK
    )


def _who_button(s: Host, who: Signer, symbols: bool) -> ft.Control:
    key, icon = (
        ("aup_who_pupil_symbols", SYMBOLS_CHOICE) if symbols else (WHO_KEYS[who], WHO_ICONS[who])
    )
    return ft.Button(
        content=ft.Row(
            [
                ft.Icon(icon, size=44, color=PALETTE.primary),
                ft.Text(s.t(key), size=26, weight=ft.FontWeight.BOLD, expand=True),
            ],
            spacing=18,
        ),
        width=540,
        height=96,
        on_click=s.signing_action(partial(SigningFlow.choose, signer=who, symbols=symbols)),
        style=ft.ButtonStyle(
            bgcolor=PALETTE.option,
            color=PALETTE.text,
            shape=ft.RoundedRectangleBorder(radius=20),
            side=ft.BorderSide(2, PALETTE.option_border),
        ),
    )


def build_who(s: Host, flow: SigningFlow) -> list[ft.Control]:
    """Every choice on one screen: two columns on a landscape tablet, one on a portrait one."""
    grid = ft.Row(
        [_who_button(s, who, symbols) for who, symbols in flow.library.choices()],
        wrap=True,
        alignment=ft.MainAxisAlignment.CENTER,
        spacing=20,
        run_spacing=16,
        width=1100,
    )
    return [heading(s.t("aup_who_heading")), grid, quiet_button(s.t("staff_cancel"), s.on(s.reset))]


def build_year(s: Host, flow: SigningFlow) -> list[ft.Control]:
    years = [
        g for g in s.kiosk.school.year_groups if flow.library.for_year(g.id, symbols=flow.symbols)
    ]
    key = "aup_year_heading_parent" if flow.signer == Signer.PARENTS else "aup_year_heading_pupil"
    grid = ft.Row(
        [
            ft.Button(
                content=ft.Text(g.name, size=26, weight=ft.FontWeight.BOLD),
                width=220,
                height=84,
                on_click=s.signing_action(partial(SigningFlow.choose_year, year_group=g.id)),
                style=ft.ButtonStyle(
                    bgcolor=PALETTE.option,
                    color=PALETTE.primary,
                    shape=ft.RoundedRectangleBorder(radius=18),
                    side=ft.BorderSide(2, PALETTE.primary),
                ),
            )
            for g in years
        ],
        wrap=True,
        alignment=ft.MainAxisAlignment.CENTER,
        spacing=16,
        run_spacing=16,
        width=960,
    )
    return [heading(s.t(key)), grid, _back(s)]


def build_read(s: Host, flow: SigningFlow) -> list[ft.Control]:
    page = flow.page
    aup, section = page.aup, page.aup.sections[page.section]
    pictures = aup.presentation == "pictures"
    whose = ""
    if flow.signer == Signer.PARENTS:
        whose = s.t("aup_childs_part") if aup is flow.child_aup else s.t("aup_your_part")
    top: list[ft.Control] = [
        ft.Text(
            s.t("aup_page", number=flow.page_index + 1, total=len(flow.pages)),
            size=22,
            color=PALETTE.muted,
        )
    ]
    if whose:
        top.append(ft.Text(whose, size=24, weight=ft.FontWeight.BOLD, color=PALETTE.primary))
    if page.first:
        top += [heading(aup.title, size=40), ft.Container(body_text(aup.intro, size=24), width=860)]
    points: list[ft.Control] = [
        symbol_row(p.symbol or "", SYMBOL_ICON.get(p.symbol or "", ft.Icons.CHECK), p.text)
        if aup.symbols
        else ft.Row(
            [
                ft.Icon(
                    SYMBOL_ICON[p.symbol]
                    if p.symbol in SYMBOL_ICON
                    else AUP_ICON.get(p.icon or "check", ft.Icons.CHECK),
                    size=64 if pictures else 36,
                    color=PALETTE.primary,
                ),
                ft.Text(p.text, size=30 if pictures else 24, color=PALETTE.text, expand=True),
            ],
            spacing=24,
            width=860,
        )
        for p in section.points
    ]
    last = flow.page_index == len(flow.pages) - 1
    go_on = s.t("aup_read_done") if last else s.t("aup_next_page")
    onward = big_button(go_on, s.signing_action(lambda f: f.next_page()), width=520)
    # Symbol rows are tall: Back sits beside the next step, so four rows fit on a landscape
    # tablet with nothing to scroll to.
    steps: list[ft.Control] = (
        [ft.Row([_back(s), onward], alignment=ft.MainAxisAlignment.CENTER, spacing=32)]
        if aup.symbols
        else [onward, _back(s)]
    )
    return [
        ft.Column(top, horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=12),
        ft.Text(section.heading, size=32, weight=ft.FontWeight.BOLD, color=PALETTE.text),
        ft.Column(points, spacing=12 if aup.symbols else 20),
        *steps,
    ]


def _field(label: str, value: str) -> ft.TextField:
    return ft.TextField(label=label, value=value, width=620, text_size=26, max_length=80)


def _label_key(flow: SigningFlow, name: str) -> str:
    """The string key naming a details field for this signer."""
    if name == "relationship":
        return {
            Signer.STAFF: "aup_role",
            Signer.GOVERNORS: "aup_governor_role",
            Signer.VISITORS: "aup_organisation",
            Signer.CONTRACTORS: "aup_company",
        }.get(flow.signer or Signer.PARENTS, "aup_relationship")
    return {"signer_name": "aup_your_name", "child_name": "aup_child_name"}.get(name, "aup_class")


def build_details(s: Host, flow: SigningFlow) -> list[ft.Control]:
    fields = {
        name: _field(s.t(_label_key(flow, name)), getattr(flow, name)) for name in flow.needs()
    }
    for f in fields.values():
        f.on_change = lambda _e: s.touch()  # typing is activity too

    def typed() -> dict[str, str]:
        return {name: f.value or "" for name, f in fields.items()}

    controls: list[ft.Control] = [heading(s.t("aup_details_heading"))]
    for name, f in fields.items():
        if name == "relationship" and flow.signer == Signer.PARENTS:
            controls.append(ft.Text(s.t("aup_relationship"), size=24, weight=ft.FontWeight.BOLD))
            controls.append(_relationship_choices(s, flow, typed))
        else:
            controls.append(f)
    if s.message:
        controls.append(body_text(s.message, size=22, color=PALETTE.warn))

    def go_on(f: SigningFlow) -> str | None:
        return "aup_details_missing" if f.set_details(**typed()) else None

    controls += [big_button(s.t("aup_details_next"), s.signing_action(go_on), width=420), _back(s)]
    return controls


def _relationship_choices(
    s: Host, flow: SigningFlow, typed: Callable[[], dict[str, str]]
) -> ft.Control:
    def pick(word: str) -> Handler:
        def apply(f: SigningFlow) -> None:
            f.keep_details(**{**typed(), "relationship": word})

        return s.signing_action(apply)

    words = [w.strip() for w in s.t("aup_relationships").split(",") if w.strip()]
    return ft.Row(
        [
            ft.Button(
                content=ft.Text(w, size=22, weight=ft.FontWeight.BOLD),
                icon=ft.Icons.CHECK if flow.relationship == w else None,
                height=64,
                on_click=pick(w),
                style=ft.ButtonStyle(
                    bgcolor=PALETTE.primary if flow.relationship == w else PALETTE.option,
                    color=PALETTE.on_primary if flow.relationship == w else PALETTE.primary,
                    shape=ft.RoundedRectangleBorder(radius=14),
                    side=ft.BorderSide(2, PALETTE.primary),
                ),
            )
            for w in words
        ],
        wrap=True,
        alignment=ft.MainAxisAlignment.CENTER,
        width=760,
    )


def build_sign(s: Host, flow: SigningFlow) -> list[ft.Control]:
    controls: list[ft.Control] = [
        heading(s.t("aup_sign_heading")),
        ft.Container(body_text(flow.aup.closing, size=24), width=860),
    ]
    if flow.typing:
        field = _field(s.t("aup_typed_label"), flow.typed_signature)

        def typed_signature(_e: object) -> None:
            s.touch()
            flow.set_typed_signature(field.value or "")

        field.on_change = typed_signature
        controls += [
            field,
            quiet_button(
                s.t("aup_draw_instead"), s.signing_action(lambda f: f.type_instead(False))
            ),
        ]
    else:

        def drawn(strokes: list[list[tuple[float, float]]]) -> None:
            s.touch()  # drawing is activity too
            flow.set_strokes(strokes)

        pad = SignaturePad(
            on_change=drawn,
            semantics_label=s.t("aup_pad_label"),
            strokes=flow.strokes,
        )
        controls += [
            pad.control,
            ft.Row(
                [
                    quiet_button(s.t("aup_clear"), s.on(pad.clear), icon=ft.Icons.CLEAR),
                    quiet_button(
                        s.t("aup_type_instead"),
                        s.signing_action(lambda f: f.type_instead(True)),
                        icon=ft.Icons.KEYBOARD,
                    ),
                ],
                alignment=ft.MainAxisAlignment.CENTER,
                spacing=24,
            ),
        ]
    if s.message:
        controls.append(body_text(s.message, size=22, color=PALETTE.warn))

    def go_on(f: SigningFlow) -> str | None:
        if not f.signed:
            return "aup_sign_missing"
        f.to_review()
        return None

    controls += [big_button(s.t("aup_sign_next"), s.signing_action(go_on), width=420), _back(s)]
    return controls


def build_review(
    s: Host, flow: SigningFlow, *, saving: bool = False, failed: bool = False
) -> list[ft.Control]:
    lines = [(s.t("aup_review_agreement"), f"{flow.aup.title} (v{flow.aup.version})")]
    if flow.child_aup is not None:
        lines.append(
            (s.t("aup_childs_part"), f"{flow.child_aup.title} (v{flow.child_aup.version})")
        )
    year = next((g.name for g in s.kiosk.school.year_groups if g.id == flow.year_group), "")
    for name in flow.needs():
        value = getattr(flow, name)
        shown = f"{value} ({year})" if name == "class_name" and year else value
        lines.append((s.t(_label_key(flow, name)), shown))
    if flow.typing:
        lines.append((s.t("aup_review_signature"), flow.typed_signature))
    table = ft.Column(
        [
            ft.Row(
                [
                    ft.Text(k, size=22, color=PALETTE.muted, width=300),
                    ft.Text(v, size=24, weight=ft.FontWeight.BOLD, expand=True),
                ],
                width=860,
            )
            for k, v in lines
        ],
        spacing=10,
    )
    controls: list[ft.Control] = [heading(s.t("aup_review_heading")), table]
    if not flow.typing:
        controls.append(_signature_preview(s, flow.strokes))
    if failed:
        controls.append(body_text(s.t("aup_save_failed"), color=PALETTE.warn))
    label = s.t("finish_saving") if saving else s.t("aup_confirm")
    controls.append(big_button(label, s.on_async(s.confirm_signature), disabled=saving, width=520))
    if not saving:
        controls.append(_back(s, "aup_change"))
    return controls


def _signature_preview(s: Host, strokes: list[list[tuple[float, float]]]) -> ft.Control:
    """The drawn signature at half size, to check (not to draw on)."""
    paint = ft.Paint(color=PALETTE.text, stroke_width=3, stroke_cap=ft.StrokeCap.ROUND)
    shapes: list[cv.Shape] = [
        cv.Line(a[0] / 2, a[1] / 2, b[0] / 2, b[1] / 2, paint=paint)
        for stroke in strokes
        for a, b in zip(stroke, stroke[1:] or stroke, strict=False)
    ]
    return ft.Semantics(
        label=s.t("aup_review_drawn"),
        image=True,
        content=ft.Container(
            cv.Canvas(shapes=shapes, width=380, height=130),
            bgcolor=PALETTE.card,
            border=ft.Border.all(1, PALETTE.option_border),
            border_radius=8,
        ),
    )


def build_thanks(s: Host) -> list[ft.Control]:

    url = s.kiosk.school.online_safety_page
    controls: list[ft.Control] = [
        ft.Icon(ft.Icons.TASK_ALT, size=96, color=PALETTE.primary),
        heading(s.t("aup_thanks_heading"), size=48),
        ft.Container(body_text(s.t("aup_thanks_body"), size=26), width=860),
    ]
    if url:
        controls += [
            ft.Image(
                src=cached_qr(url), width=200, height=200, semantics_label=s.t("aup_thanks_qr")
            ),
            ft.Text(url.removeprefix("https://"), size=18, color=PALETTE.muted),
        ]
    controls.append(big_button(s.t("thanks_done"), s.on(s.reset)))
    return controls
