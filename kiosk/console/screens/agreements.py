"""Agreements: who signed, who has not, what is out of date — by class, searchable.

Drawn from an :class:`~exports.lead_register.AgreementsRegister` the desk opened with
the school's key. A class list is chosen in the browser (its bytes go to the desk,
kept in memory only); the downloads are the files ``esafety register`` writes.
"""

from __future__ import annotations

import flet as ft

from exports.lead_register import AgreementsRegister
from kiosk.console.host import ConsoleHost, Handler
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE

__all__ = ["build_agreements"]

#: Rows drawn at most in one table; a search narrows the rest.
MAX_ROWS = 200
#: Signatures listed before any search (the rest are a search or a download away).
FIRST_ROWS = 15


def _table(
    headers: tuple[str, ...], rows: list[list[str]], *, warn: tuple[int, ...] = ()
) -> ft.DataTable:
    """A plain table; a cell in a ``warn`` column other than current/signed is in bold."""

    def cell(i: int, value: str) -> ft.DataCell:
        odd = i in warn and value not in ("current", "signed")
        return ft.DataCell(
            text(value, size=16, bold=odd, color=PALETTE.warn if odd else PALETTE.text)
        )

    return ft.DataTable(
        columns=[
            ft.DataColumn(label=ft.Text(h, size=16, weight=ft.FontWeight.BOLD)) for h in headers
        ],
        rows=[ft.DataRow([cell(i, v) for i, v in enumerate(row)]) for row in rows],
        column_spacing=24,
        data_row_max_height=64,
    )


def build_agreements(
    host: ConsoleHost,
    register: AgreementsRegister,
    *,
    search: str,
    class_list_name: str,
    anything_arrived: bool,
) -> list[ft.Control]:
    shown = register.matching(search)
    n = len(register.rows)
    summary = (
        f"{n} signed agreement{'s' * (n != 1)}: {n - register.out_of_date} current, "
        f"{register.out_of_date} out of date."
        if n
        else "No signed agreements have arrived yet."
        if anything_arrived
        else "No signed agreements have arrived yet: kiosks send them when they sync."
    )
    if register.pupils is not None:
        summary += (
            f" Class list {class_list_name}: {register.lacking} of {len(register.pupils)} "
            "pupils lack a current agreement."
        )
    return [
        title("Agreements"),
        text(summary, size=20, bold=True),
        _find(host, shown, search),
        _by_class(host, register, shown),
        _downloads(host, register),
    ]


def _find(host: ConsoleHost, shown: AgreementsRegister, search: str) -> ft.Control:
    """Find a name: the search box, then the signatures that match (a few if no search)."""
    box = ft.TextField(label="Search by name or class", value=search, width=520, text_size=20)

    async def find() -> None:
        await host.search_register(box.value or "")

    async def clear() -> None:
        await host.search_register("")

    box.on_submit = host.on_async(find)
    box.on_change = lambda _e: host.touch()
    rows = [
        [
            r.signer_name,
            r.relationship,
            f"{r.child_name}, {r.class_name}" if r.child_name else r.class_name,
            f"{r.agreement} v{r.version}",
            r.signed_on,
            r.status,
        ]
        for r in shown.rows
    ]
    most = MAX_ROWS if search else FIRST_ROWS
    found: list[ft.Control] = []
    if search:
        found.append(
            text(f'{len(rows)} signature{"s" * (len(rows) != 1)} match "{search}".', bold=True)
        )
    if rows:
        headers = ("Signed by", "Relationship", "Child, class", "Agreement", "Signed on", "Status")
        found.append(_table(headers, rows[:most], warn=(5,)))
        if len(rows) > most:
            found.append(
                text(f"Showing {most} of {len(rows)}: search by name or class to find someone.")
            )
    buttons: list[ft.Control] = [
        box,
        action_button("Search", host.on_async(find), icon=ft.Icons.SEARCH, main=False),
    ]
    if search:
        buttons.append(action_button("Show everyone", host.on_async(clear), main=False))
    return panel([text("Find a name", size=22, bold=True), ft.Row(buttons, wrap=True), *found])


def _by_class(
    host: ConsoleHost, register: AgreementsRegister, shown: AgreementsRegister
) -> ft.Control:
    """By class: signed and out of date; with a class list, who has not signed."""

    async def choose() -> None:
        picked = await ft.FilePicker().pick_files(
            dialog_title="Choose the class list (CSV)",
            file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=["csv"],
            with_data=True,
        )
        if picked and picked[0].bytes is not None:
            await host.use_class_list(picked[0].name, picked[0].bytes)

    listed = register.pupils is not None
    heads: tuple[str, ...] = ("Class", "Signed (current)", "Out of date")
    heads += ("Not signed (class list)",) if listed else ()
    counts = [
        [c.class_name, str(c.current), str(c.out_of_date)] + ([str(c.not_signed)] if listed else [])
        for c in shown.by_class()
    ]
    part: list[ft.Control] = [text("By class: who has not signed", size=22, bold=True)]
    if counts:
        part.append(_table(heads, counts[:MAX_ROWS]))
        if len(counts) > MAX_ROWS:
            part.append(
                text(f"Showing {MAX_ROWS} of {len(counts)} classes: search by class to find one.")
            )
    lacking = [
        [p.class_name, p.name, p.pupil_agreement, p.parent_agreement]
        for p in shown.pupils or []
        if p.pupil_agreement != "signed" or p.parent_agreement != "signed"
    ]
    if not listed:
        part.append(
            text(
                "To see who has not signed, choose the class list from your school's system, "
                'saved as CSV with a "name" and a "class" column.'
            )
        )
    elif lacking:
        part.append(text("Pupils without a current agreement", size=20, bold=True))
        part.append(
            _table(("Class", "Pupil", "Pupil's own", "Parent's"), lacking[:MAX_ROWS], warn=(2, 3))
        )
    else:
        part.append(text("Everyone on the class list has both agreements signed.", bold=True))
    part.append(
        action_button(
            "Choose another class list" if listed else "Choose a class list",
            host.on_async(choose),
            icon=ft.Icons.UPLOAD_FILE,
            main=not listed,
        )
    )
    return panel(part)


def _downloads(host: ConsoleHost, register: AgreementsRegister) -> ft.Control:
    def offer(kind: str) -> Handler:
        async def go() -> None:
            await host.download_register(kind)

        return host.on_async(go)

    buttons: list[ft.Control] = [
        action_button(
            "Download the register (CSV)", offer(".csv"), icon=ft.Icons.DOWNLOAD, main=False
        ),
        action_button("Printable page", offer(".html"), icon=ft.Icons.PRINT, main=False),
    ]
    if register.pupils is not None:
        buttons.append(
            action_button(
                "Class list status (CSV)",
                offer("-class-list.csv"),
                icon=ft.Icons.DOWNLOAD,
                main=False,
            )
        )
    return panel(
        [
            text("Download", size=22, bold=True),
            ft.Row(buttons, wrap=True, spacing=12),
            text(
                "These files hold names: keep them on school systems, and delete them "
                "when you no longer need them.",
                color=PALETTE.warn,
                bold=True,
            ),
        ]
    )
