"""Staff: pairing with the lead's hub, and how sync is going."""

from __future__ import annotations

import flet as ft

from kiosk.ui.host import Host, SyncView
from kiosk.ui.theme import PALETTE, body_text, quiet_button


def build(s: Host, sync: SyncView) -> list[ft.Control]:
    responses, signatures = sync.pending_responses, sync.pending_signatures
    out: list[ft.Control] = [
        ft.Text(s.t("staff_sync_heading"), size=24, weight=ft.FontWeight.BOLD),
    ]
    if sync.paired:
        out.append(body_text(s.t("staff_sync_paired", hub=sync.hub_url or ""), size=20))
        out.append(
            body_text(
                s.t(
                    "staff_sync_status",
                    last=sync.last_sync or s.t("staff_sync_never"),
                    responses=responses,
                    signatures=signatures,
                ),
                size=20,
            )
        )
        if sync.sealed_elsewhere:
            out.append(
                body_text(
                    s.t("staff_sync_other_key", count=sync.sealed_elsewhere),
                    size=18,
                    color=PALETTE.warn,
                )
            )
        if sync.last_error:
            out.append(
                body_text(
                    s.t("staff_sync_error", error=sync.last_error), size=18, color=PALETTE.warn
                )
            )
        out.append(quiet_button(s.t("staff_sync_now"), s.on_async(s.sync_now), icon=ft.Icons.SYNC))
    else:
        out.append(
            ft.Container(
                body_text(s.t("staff_sync_not_paired", responses=responses), size=20), width=860
            )
        )
    field = ft.TextField(label=s.t("staff_sync_pair_label"), width=760, text_size=20)

    async def pair() -> None:
        await s.pair_with_hub(field.value or "")

    out += [field, quiet_button(s.t("staff_sync_pair"), s.on_async(pair), icon=ft.Icons.LINK)]
    if sync.message:
        out.append(body_text(sync.message, size=20, color=PALETTE.primary))
    return out
