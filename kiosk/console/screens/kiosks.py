"""Kiosks: pair one (code + QR), forget one, take a bad record out."""

from __future__ import annotations

import flet as ft

from kiosk.console.host import ConsoleHost
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE
from surveys.sync.overview import Overview

__all__ = ["build_kiosks"]


def build_kiosks(
    host: ConsoleHost, view: Overview, pairing: tuple[str, bytes] | None
) -> list[ft.Control]:
    out: list[ft.Control] = [title("Kiosks")]
    if pairing is None:
        pair: list[ft.Control] = [
            text("Pair a kiosk", size=22, bold=True),
            text("On the kiosk: Staff, then Pair with the hub. Then press the button here."),
            action_button("Show a pairing code", host.on_async(host.new_pairing_code)),
        ]
    else:
        code, png = pairing
        pair = [
            text("Pair a kiosk", size=22, bold=True),
            text(
                "On the kiosk: Staff, then Pair with the hub. Scan this code or type the "
                "text below. It works once, for 10 minutes."
            ),
            ft.Image(src=png, width=240, height=240, semantics_label="Pairing QR code"),
            text(code, size=24, bold=True),
            action_button("Show a new code", host.on_async(host.new_pairing_code), main=False),
        ]
    out.append(panel(pair, colour=PALETTE.calm))
    rows: list[ft.Control] = [text("Paired kiosks", size=22, bold=True)]
    for k in view.kiosks:
        if not k.paired:
            continue

        async def forget(kiosk_id: str = k.kiosk_id) -> None:
            await host.forget_kiosk(kiosk_id)

        rows.append(
            ft.Row(
                [
                    ft.Container(
                        text(f"{k.kiosk_id} — last seen {k.last_seen}", bold=True), expand=True
                    ),
                    action_button(f"Forget {k.kiosk_id}", host.on_async(forget), main=False),
                ]
            )
        )
    if len(rows) == 1:
        rows.append(text("None yet."))
    rows.append(
        text(
            "Forgetting a kiosk keeps what it sent; it must be paired again to send more.",
            color=PALETTE.muted,
        )
    )
    out.append(panel(rows))
    record = ft.TextField(label="Record id (32 letters and digits)", width=520, text_size=18)

    async def remove() -> None:
        await host.remove_record(record.value or "")

    out.append(
        panel(
            [
                text("Take a bad record out", size=22, bold=True),
                text(
                    "Only when an export names a record that should not be here (it says "
                    "which). It is taken out of the hub for good, and the hub's log says so."
                ),
                record,
                action_button("Take it out", host.on_async(remove), main=False),
            ]
        )
    )
    return out
