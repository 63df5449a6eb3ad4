"""Agreements and Content: the register of signed agreements, and what content is live.

The register needs the school's key (signatures are sealed); until it is unlocked the
key panel shows. Once open, the signatures (and a class list the lead chose) stay in
this session's memory only, and are dropped on lock, idle or close
(:meth:`RegisterDesk.forget_personal`). The only files written are the ones the lead
asks to download, in the session's private folder. The calls are the CLI's own
(:mod:`exports.lead_register`), made off the UI loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import flet as ft

from exports.lead_register import agreements_register, open_agreements, register_files
from exports.register import ClassListError, parse_class_list
from kiosk.console.part import DeskPart
from kiosk.console.screens import agreements, content
from kiosk.console.widgets import key_panel, title
from surveys.agreements.aup import Signature
from surveys.keys import KeyProblem, SchoolKey
from surveys.storage.files import write_bytes_atomic

__all__ = ["RegisterDesk"]

log = logging.getLogger("esafety.console")

#: The register's files, by what the lead taps: (name ending, what it is).
REGISTER_FILES = {
    ".csv": "the register (CSV)",
    "-class-list.csv": "the class list's status (CSV)",
    ".html": "the printable page",
}


@dataclass(frozen=True)
class _Opened:
    """The signatures opened with ``key`` in this session, and what the lead chose."""

    key: SchoolKey
    signatures: list[Signature]
    #: False if the data folder has no signatures folder yet (nothing has arrived).
    any_folder: bool
    search: str = ""
    class_list: list[tuple[str, str]] | None = None
    class_list_name: str = ""


class RegisterDesk(DeskPart):
    _opened: _Opened | None = None

    def forget_personal(self) -> None:
        self._opened = None
        super().forget_personal()

    async def _open(self) -> _Opened | None:
        """The signatures, opened once per unlocked key (off the loop); None on a problem
        (said on the key panel's screen)."""
        key = self.school_key
        if key is None:
            self._opened = None
            return None
        if self._opened is not None and self._opened.key is key:
            return self._opened
        epoch = self._epoch
        try:
            found = await asyncio.to_thread(open_agreements, self.services.data, key)
        except (KeyProblem, ValueError) as exc:
            self.say(f"The signed agreements could not be opened: {exc}")
            return None
        if not self.still(epoch):  # locked while opening: the names go with the key
            return None
        self._opened = _Opened(key, found or [], found is not None)
        log.info("the register was opened in a console session")
        return self._opened

    async def draw_agreements(self) -> None:
        opened = await self._open() if self.school_key is not None else None
        if opened is None or self.services.library is None:
            why = "Signed agreements hold names: they open with the school's key."
            if self.services.library is None:
                why = "The content folder has errors: see Content. " + why
            self.render("agreements", [title("Agreements"), key_panel(self, why)])
            return
        library = self.services.library
        epoch = self._epoch
        register = await asyncio.to_thread(
            agreements_register, opened.signatures, library, opened.class_list
        )
        if not self.still(epoch):
            return
        self.render(
            "agreements",
            agreements.build_agreements(
                self,
                register,
                search=opened.search,
                class_list_name=opened.class_list_name,
                anything_arrived=opened.any_folder,
            ),
        )

    async def search_register(self, text: str) -> None:
        if self._opened is not None:
            self._opened = replace(self._opened, search=text.strip()[:100])
        await self.draw_agreements()

    async def use_class_list(self, name: str, data: bytes) -> None:
        if self._opened is None:
            return await self.draw_agreements()
        epoch = self._epoch
        try:
            pupils = await asyncio.to_thread(parse_class_list, data, name)
        except ClassListError as exc:
            self.say(f"{exc}. The class list was not used.")
            return await self.draw_agreements()
        if not self.still(epoch) or self._opened is None:  # locked while reading it
            return None
        if not pupils:
            self.say(f"{name}: no pupils in it. Each row needs a name and a class.")
            return await self.draw_agreements()
        self._opened = replace(self._opened, class_list=pupils, class_list_name=name)
        self.say(f"Using {name}: {len(pupils)} pupils (kept in this window only).")
        await self.draw_agreements()

    async def download_register(self, kind: str) -> None:
        opened, library = self._opened, self.services.library
        if opened is None or library is None or kind not in REGISTER_FILES:
            return await self.draw_agreements()

        epoch, folder = self._epoch, self.session_folder()

        def make() -> Path | None:
            register = agreements_register(opened.signatures, library, opened.class_list)
            files = register_files(register, library)
            if kind not in files:
                return None
            path = folder / f"agreements-{register.made_on}{kind}"
            write_bytes_atomic(path, files[kind])
            return path

        try:
            path = await asyncio.to_thread(make)
        except OSError:  # the session's folder went with a lock meanwhile
            path = None
            if self.still(epoch):
                raise
        if not self.still(epoch):  # locked while it was made: no file with names stays
            if path is not None:
                path.unlink(missing_ok=True)
            return None
        if path is None:
            self.say("Choose a class list first: that file lists each pupil on it.")
            return await self.draw_agreements()
        self.say(
            f"Downloading {REGISTER_FILES[kind]}. This file holds names: keep it on school systems."
        )
        url = self.downloads.offer(path)
        await self.draw_agreements()
        await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")

    async def draw_content(self) -> None:
        self.render(
            "content",
            [
                title("Content"),
                *content.build_content(self, self.services.library, self.services.problems),
            ],
        )

    async def check_content(self) -> None:
        library, problems = await asyncio.to_thread(self.services.load_content)
        self.services.library, self.services.problems = library, problems
        errors = sum(p.severity == "error" for p in problems)
        self.say(f"Checked again: {errors} error(s), {len(problems) - errors} warning(s).")
        await self.draw_content()
