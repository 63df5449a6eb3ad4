"""Trends and Downloads: the parts of a console session that read the answers.

Both need the school's key (the answers are sealed); until it is unlocked they show
the key panel. Trends shows only figures already released (the release ledger), read
once per session and dropped on lock; Downloads makes what ``esafety export`` writes
(:func:`exports.lead.make_export`) in a worker thread, while an async loop on the page
moves a progress bar on from what the worker last said.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import shutil
from pathlib import Path
from urllib.parse import urljoin

import flet as ft

from exports.evidence import aup_lines
from exports.lead import (
    ALL_BANDS,
    AnswerKeys,
    TrendView,
    aup_coverage,
    make_export,
    released_report,
    trend_choices,
    trend_view,
    zip_charts,
)
from exports.report import Report
from exports.suppress import Thresholds
from kiosk.console.part import DeskPart
from kiosk.console.screens import downloads, trends
from kiosk.console.widgets import key_panel, text, title
from surveys.keys import KeyProblem, SchoolKey

__all__ = ["ReportDesk"]

log = logging.getLogger("esafety.console")

#: The files offered after a make, in this order (the rest stay in the folder, in charts.zip).
OFFERED = ["evidence-pack.pdf", "safer-answers.csv", "strands.csv", "answers.csv", "charts.zip"]
_PACKS = itertools.count(1)


class _Job:
    """What the worker making the pack last said (written by it, read by the page's loop)."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None
        self.words = "reading and counting answers"

    def step(self, words: str) -> None:
        self.done += 1
        self.words = words

    def known(self, rest: int) -> None:
        self.total = self.done + rest

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total else None


class ReportDesk(DeskPart):
    #: (the answers' keys it was read with, the released report): this session's only.
    _released: tuple[AnswerKeys, Report] | None = None
    _aup: tuple[AnswerKeys, list[str]] | None = None
    _trend: dict[str, str] | None = None
    _files: dict[str, Path] | None = None
    _making: downloads.ProgressPanel | None = None

    def forget_reports(self) -> None:
        """On lock: drop the figures, the choices and the files made in this session."""
        self._released = self._aup = self._trend = self._files = self._making = None

    def _no_content(self, place: str, heading: str) -> bool:
        if self.services.library is not None:
            return False
        self.render(
            place,
            [title(heading), text("The content has problems: see Content for what to fix.")],
        )
        return True

    # -- trends -------------------------------------------------------------------------

    async def _released_report(self, answers: AnswerKeys) -> Report | None:
        """The released figures (read once per key); None if the console locked meanwhile."""
        if self._released is None or self._released[0] is not answers:
            assert self.services.library is not None
            epoch = self._epoch
            self.render("trends", trends.build_reading())  # seconds with many answers
            report = await asyncio.to_thread(
                released_report, self.services.data, self.services.library, answers
            )
            if not self.still(epoch):  # locked while reading: keep nothing (the key least)
                return None
            self._released = (answers, report)
        return self._released[1]

    async def draw_trends(self) -> None:
        answers = self.answers
        if answers is None:
            self.render("trends", [title("Trends"), key_panel(self, "Trends open the answers.")])
            return
        if self._no_content("trends", "Trends"):
            return
        try:
            report = await self._released_report(answers)
        except (ValueError, KeyProblem) as exc:  # a damaged shard or record names itself
            self.render("trends", [title("Trends"), text(str(exc))])
            return
        if report is None:
            return
        choices = trend_choices(report)
        if not choices.topics:
            self.render("trends", trends.build_nothing_released(self))
            return
        last = str(len(report.periods) - 1)
        choice = (
            self._trend
            if self._trend and self._trend["topic"] in dict(choices.topics)
            else {
                "topic": choices.topics[0][0],
                "band": ALL_BANDS,
                "first": str(max(0, len(report.periods) - 9)),
                "last": last,
            }
        )
        self._trend = choice
        epoch = self._epoch
        view, png = await asyncio.to_thread(_chart, report, choice)
        if not self.still(epoch):
            return
        self.render("trends", trends.build_trends(self, choices, choice, view, png))

    async def show_trend(self, choice: dict[str, str]) -> None:
        self._trend = {k: choice.get(k, "") for k in ("topic", "band", "first", "last")}
        if not (self._trend["first"].isdigit() and self._trend["last"].isdigit()):
            self._trend = None
        await self.draw_trends()

    # -- downloads ----------------------------------------------------------------------

    async def draw_downloads(self) -> None:
        answers = self.answers
        if answers is None or self.school_key is None:
            self.render(
                "downloads",
                [title("Downloads"), key_panel(self, "The evidence pack opens the answers.")],
            )
            return
        if self._no_content("downloads", "Downloads"):
            return
        if self._aup is None or self._aup[0] is not answers:
            epoch = self._epoch
            try:
                lines = await asyncio.to_thread(self._aup_lines, self.school_key)
            except (ValueError, KeyProblem) as exc:
                self.say(str(exc))
                lines = []
            if not self.still(epoch):  # locked while counting: keep nothing
                return
            self._aup = (answers, lines)
        files = [n for n in OFFERED if self._files and n in self._files]
        source = (
            f"Made from the answers on this hub ({self.services.data}), as `esafety export` "
            "makes them. Saved files are yours to keep safe; the copies here are deleted "
            "when you lock."
        )
        self.render(
            "downloads",
            downloads.build_downloads(
                self, files=files, source=source, aup=self._aup[1], progress=self._making
            ),
        )

    def _aup_lines(self, key: SchoolKey) -> list[str]:
        assert self.services.library is not None
        threshold = Thresholds().normal
        cover = aup_coverage(self.services.data, self.services.library, key, threshold)
        return aup_lines(cover, threshold)

    async def make_downloads(self) -> None:
        answers, key, library = self.answers, self.school_key, self.services.library
        if self._making is not None or answers is None or key is None or library is None:
            await self.draw_downloads()
            return
        epoch = self._epoch
        out = self.session_folder() / f"pack-{next(_PACKS)}"
        job = _Job()
        data = self.services.data

        def make() -> list[Path]:
            threshold = Thresholds().normal
            aup = aup_coverage(data, library, key, threshold)
            _report, written = make_export(
                data, library, answers, out, aup=aup, progress=job.step, steps_known=job.known
            )
            return [*written, zip_charts(out)]

        self._making = panel = downloads.ProgressPanel()
        self._files = None
        await self.draw_downloads()
        log.info("the console is making the evidence pack")
        task = asyncio.ensure_future(asyncio.to_thread(make))
        while not task.done():
            await asyncio.wait({task}, timeout=0.4)
            if self.still(epoch):
                self.touch()  # a job the lead started is activity
                panel.show(job.fraction, job.words)
                self.page.update()
        try:
            written = task.result()
        except (ValueError, KeyProblem, OSError) as exc:
            written = []
            self.say(f"The evidence pack could not be made: {exc}.")
        if not self.still(epoch):  # locked meanwhile: keep nothing it made
            shutil.rmtree(out, ignore_errors=True)
            with contextlib.suppress(OSError):  # the session's folder, made again by it
                out.parent.rmdir()
            return
        self._making = None
        self._released = None  # the release ledger has moved on: Trends reads it again
        if written:
            self._files = {p.name: p for p in written if p.name in OFFERED}
            self.say("")
        if self._place == "downloads":
            await self.draw_downloads()

    async def save_file(self, name: str) -> None:
        path = (self._files or {}).get(name)
        if path is None or not path.is_file():
            self.say("That file is no longer here: make the evidence pack again.")
            await self.draw_downloads()
            return
        # page.url is the page's websocket (ws://host:port): the file comes over http.
        base = (self.page.url or "").replace("ws://", "http://", 1).replace("wss://", "https://", 1)
        url = urljoin(base, self.downloads.offer(path))
        await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")


def _chart(report: Report, choice: dict[str, str]) -> tuple[TrendView, bytes]:
    """The chosen chart as PNG bytes (off the UI loop: drawing takes a moment)."""
    last = int(choice["last"]) if choice["last"].isdigit() else None
    view = trend_view(report, choice["topic"], choice["band"], int(choice["first"] or 0), last)
    png = view.chart.png(dpi=90)
    view.chart.figure.clear()
    return view, png
