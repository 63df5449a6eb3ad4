"""Downloads: make the evidence pack (with a progress bar), then save each file.

What a file is made from and where it came from is said on the page; the desk makes
the files (:func:`exports.lead.make_export`, the same as ``esafety export``).
"""

from __future__ import annotations

import flet as ft

from kiosk.console.host import ConsoleHost
from kiosk.console.widgets import action_button, panel, text, title
from kiosk.ui.theme import PALETTE

__all__ = ["ProgressPanel", "build_downloads"]

#: What each file is, in the school's words (by name; charts.zip holds every chart).
WHAT = {
    "evidence-pack.pdf": "The evidence pack: trends, what changed, agreements (for Ofsted "
    "and governors)",
    "safer-answers.csv": "Table: % giving the safer answer, per question, band and term",
    "strands.csv": "Table: each strand's figures per band and term",
    "answers.csv": "Table: how many gave each answer",
    "charts.zip": "Every chart (PNG and SVG) with its alt text",
    "alt-text.md": "The charts' alt text, to paste under each chart",
}


class ProgressPanel:
    """The bar and the words of a job in progress; :meth:`show` moves them on."""

    def __init__(self) -> None:
        self.bar = ft.ProgressBar(value=None, height=14, border_radius=7, color=PALETTE.primary)
        self.words = text("Starting…", size=20)
        self.control = panel(
            [
                text("Making the evidence pack", size=22, bold=True),
                self.words,
                self.bar,
                text(
                    "This can take a few minutes with many answers. You can leave this "
                    "page open; the files will be listed here.",
                    color=PALETTE.muted,
                ),
            ],
            colour=PALETTE.calm,
        )

    def show(self, fraction: float | None, words: str) -> None:
        self.bar.value = fraction
        if words.startswith("saving "):  # one chart file after another, by file name
            words = "saving the charts"
        words = words.replace("charting ", "drawing the chart: ")
        done = f" ({fraction:.0%})" if fraction is not None else ""
        self.words.value = words[:1].upper() + words[1:] + "…" + done


def _file_row(host: ConsoleHost, name: str) -> ft.Control:
    async def save() -> None:
        await host.save_file(name)

    return ft.Row(
        [
            action_button(
                f"Save {name}",
                host.on_async(save),
                icon=ft.Icons.DOWNLOAD,
                main=name == "evidence-pack.pdf",
            ),
            ft.Container(text(WHAT.get(name, ""), color=PALETTE.muted), expand=True),
        ],
        spacing=16,
    )


def _make_panel(host: ConsoleHost, *, again: bool) -> ft.Control:
    async def make() -> None:
        await host.make_downloads()

    return panel(
        [
            text("Make it again" if again else "Make the evidence pack", size=22, bold=True),
            text(
                "Counts the answers, hides small numbers, and publishes last term's "
                "figures (and earlier terms'): once published, a term's figures never "
                "change. Makes the PDF, the tables (CSV) and the charts — what "
                "`esafety export` writes."
            ),
            action_button(
                "Make the evidence pack",
                host.on_async(make),
                icon=ft.Icons.PICTURE_AS_PDF,
                main=not again,
            ),
        ]
    )


def build_downloads(
    host: ConsoleHost,
    *,
    files: list[str],
    source: str,
    aup: list[str],
    progress: ProgressPanel | None = None,
) -> list[ft.Control]:
    """Before: one button. During: the progress panel. After: a Save button per file."""
    out: list[ft.Control] = [title("Downloads")]
    if progress is not None:
        out.append(progress.control)
    elif files:
        out.append(
            panel(
                [
                    text("Ready to save", size=22, bold=True),
                    *(_file_row(host, name) for name in files),
                    text(
                        "These files hold no names: figures from fewer than 5 answers are "
                        "hidden (c). The agreements register does hold names: it is saved "
                        "from Agreements, not here.",
                    ),
                    text(source, color=PALETTE.muted),
                ]
            )
        )
    if progress is None:
        out.append(_make_panel(host, again=bool(files)))
    if aup:
        out.append(
            panel(
                [
                    text("Signed agreements by year group", size=22, bold=True),
                    *(text(line) for line in aup[1:]),
                    text(aup[0], color=PALETTE.muted),
                ]
            )
        )
    return out
