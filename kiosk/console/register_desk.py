"""Agreements and Content: the register of signed agreements, and what content is live."""

from __future__ import annotations

from kiosk.console.part import DeskPart
from kiosk.console.widgets import key_panel, text, title

__all__ = ["RegisterDesk"]


class RegisterDesk(DeskPart):
    async def draw_agreements(self) -> None:
        if self.school_key is None:
            self.render(
                "agreements",
                [title("Agreements"), key_panel(self, "Signed agreements hold names.")],
            )
            return
        self.render("agreements", [title("Agreements"), text("Not built yet.")])

    async def search_register(self, text: str) -> None:
        await self.draw_agreements()

    async def use_class_list(self, name: str, data: bytes) -> None:
        await self.draw_agreements()

    async def download_register(self) -> None:
        await self.draw_agreements()

    async def draw_content(self) -> None:
        self.render("content", [title("Content"), text("Not built yet.")])
