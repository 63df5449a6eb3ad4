"""Trends and Downloads: the parts of a console session that read the answers.

Both need the school's key (the answers are sealed); until it is unlocked they show
the key panel. Trends shows only figures already released (the release ledger);
Downloads makes what ``esafety export`` writes, in a worker, with a progress bar.
"""

from __future__ import annotations

from kiosk.console.part import DeskPart
from kiosk.console.widgets import key_panel, text, title

__all__ = ["ReportDesk"]


class ReportDesk(DeskPart):
    async def draw_trends(self) -> None:
        if self.answers is None:
            self.render("trends", [title("Trends"), key_panel(self, "Trends open the answers.")])
            return
        self.render("trends", [title("Trends"), text("Not built yet.")])

    async def show_trend(self, choice: dict[str, str]) -> None:
        await self.draw_trends()

    async def draw_downloads(self) -> None:
        if self.answers is None:
            self.render(
                "downloads",
                [title("Downloads"), key_panel(self, "The evidence pack opens the answers.")],
            )
            return
        self.render("downloads", [title("Downloads"), text("Not built yet.")])

    async def make_downloads(self) -> None:
        await self.draw_downloads()
