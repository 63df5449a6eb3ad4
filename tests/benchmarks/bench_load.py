"""A class (or a year group) answering the questionnaire at once, and what it costs the kiosk.

Starts ``esafety kiosk`` (a 7–11 kiosk, PIN set) on this computer and runs N
pupils through the whole questionnaire: Start, Next, "OK, let's go", one answer
per question (chosen at random, seeded), Finish. Each simulated pupil is a
small websocket client speaking Flet's own protocol (msgpack, as the tablet's
Flutter client does) and keeps a copy of its screen's controls, so it finds
buttons by their words; it waits 0.5–2 s (seeded) before each tap, as a pupil
reading. With ``--browser`` one of the N is a real headless Chromium instead.

Prints, for taps (tap -> the screen that follows is there) and for Finish
(Finish -> "Thank you!"): p50 / p95 / p99 / max in ms; the kiosk process's CPU
seconds and memory (from /proc); and checks that exactly N responses were saved,
with the answers the pupils tapped. Prints figures; asserts nothing but the count
(tests/kiosk/test_bench_load.py drives 3 pupils through it).

    .venv/bin/python tests/benchmarks/bench_load.py [--pupils 30|60|240] [--browser] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
import websockets

if __package__ in (None, ""):  # run as a script: the project is two folders up
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import content as shipped
from surveys.content.library import ContentLibrary, load_content
from surveys.model import AgeBand, Questionnaire
from tests.benchmarks.browser_pupil import STAMPED, BrowserTimes, browser_pupil

REGISTER_CLIENT, PAGE_PATCH, CONTROL_EVENT, INVOKE_METHOD = 1, 2, 3, 5
REPLACE, ADD, REMOVE, MOVE = 0, 1, 2, 3
#: ``esafety`` under cProfile. uvicorn re-raises SIGTERM after its graceful stop; a
#: Python handler turns it into SystemExit, so the profile is written.
PROFILED = """
import cProfile, signal, sys
from kiosk.cli.main import main
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
cProfile.run("main(sys.argv[2:])", sys.argv[1])
"""


# -- Flet's protocol: a copy of the page's controls, kept up to date by its patches --------


class Screen:
    """The page as the server last described it: nested dicts and lists (``_i``: id)."""

    def __init__(self, page: dict[str, Any]) -> None:
        self.root = page

    def apply(self, patch: list[Any]) -> None:
        """Apply one ObjectPatch message: ``[path table, *ops]`` (flet/controls/object_patch.py)."""
        paths: dict[int, list[Any]] = {}

        def walk(node: list[Any], prefix: list[Any]) -> None:
            paths[node[0]] = prefix
            for part, child in (node[1] if len(node) > 1 else {}).items():
                walk(child, [*prefix, part])

        walk(patch[0], [])
        for op in patch[1:]:
            kind = op[0]
            if kind == MOVE:
                value = self._remove(paths[op[1]], op[2])
                self._put(paths[op[3]], op[4], value, insert=True)
            elif kind == REMOVE:
                self._remove(paths[op[1]], op[2])
            else:
                self._put(paths[op[1]], op[2], op[3], insert=kind == ADD)

    def _at(self, path: list[Any]) -> Any:
        node: Any = self.root
        for part in path:
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def _put(self, path: list[Any], key: Any, value: Any, *, insert: bool) -> None:
        node = self._at(path)
        if isinstance(node, list):
            if insert:
                node.insert(int(key), value)
            else:
                node[int(key)] = value
        else:
            node[key] = value

    def _remove(self, path: list[Any], key: Any) -> Any:
        node = self._at(path)
        return node.pop(int(key)) if isinstance(node, list) else node.pop(key, None)

    def texts(self, node: Any = None) -> Iterator[str]:
        """Every word on the page (Text values and string contents), in order."""
        node = self.root if node is None else node
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and key in ("value", "text", "content", "label"):
                    yield value
                elif isinstance(value, (dict, list)):
                    yield from self.texts(value)
        elif isinstance(node, list):
            for item in node:
                yield from self.texts(item)

    def shows(self, words: str) -> bool:
        return any(words in t for t in self.texts())

    def button(self, words: str, node: Any = None) -> int | None:
        """The id of the tappable control whose own words are exactly ``words``."""
        node = self.root if node is None else node
        if isinstance(node, dict):
            if node.get("on_click") is True and words in self.texts(node):
                return int(node["_i"])
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return None
        for child in children:
            if isinstance(child, (dict, list)):
                found = self.button(words, child)
                if found is not None:
                    return found
        return None


def frame(action: int, body: dict[str, Any]) -> bytes:
    return b"\x00" + msgpack.packb([action, body])


class Tablet:
    """One simulated tablet: a websocket speaking Flet's protocol, and its :class:`Screen`."""

    def __init__(self, ws: Any, screen: Screen) -> None:
        self.ws = ws
        self.screen = screen
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, url: str) -> Tablet:
        ws = await websockets.connect(url, max_size=None, open_timeout=60, ping_interval=None)
        page = {"route": "/", "web": True, "width": 1180.0, "height": 820.0, "platform": "linux"}
        page |= {"pwa": False, "debug": False, "platform_brightness": "light", "media": {}}
        await ws.send(frame(REGISTER_CLIENT, {"session_id": "", "page_name": "", "page": page}))
        _, body = msgpack.unpackb((await ws.recv())[1:], strict_map_key=False)
        if body.get("error"):
            raise RuntimeError(f"the kiosk refused the tablet: {body['error']}")
        return cls(ws, Screen(body["page_patch"]))

    async def _read(self) -> None:
        async for message in self.ws:
            if message[:1] != b"\x00":
                continue
            action, body = msgpack.unpackb(message[1:], strict_map_key=False)
            if action == PAGE_PATCH and body.get("id") == 1:
                self.screen.apply(body["patch"])
                self.changed.set()
            elif action == INVOKE_METHOD:  # e.g. scroll_to: done, as the Flutter app answers
                done = {"control_id": body["control_id"], "call_id": body["call_id"]}
                await self.ws.send(frame(INVOKE_METHOD, done | {"result": None, "error": None}))

    async def until(self, ready: Callable[[Screen], bool], timeout: float = 60) -> None:
        """Wait until the screen satisfies ``ready`` (checked after every patch)."""
        deadline = time.perf_counter() + timeout
        while not ready(self.screen):
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0 or self.reader.done():
                raise TimeoutError(f"the screen never became ready: {list(self.screen.texts())}")
            await asyncio.wait_for(self.changed.wait(), left)

    async def tap(self, words: str, then: Callable[[Screen], bool]) -> float:
        """Tap the button with ``words``; seconds until the screen satisfies ``then``."""
        target = self.screen.button(words)
        if target is None:
            raise LookupError(f"no button {words!r} on the screen: {list(self.screen.texts())}")
        start = time.perf_counter()
        await self.ws.send(frame(CONTROL_EVENT, {"target": target, "name": "click", "data": None}))
        await self.until(then)
        return time.perf_counter() - start

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


# -- a pupil ------------------------------------------------------------------------------


@dataclass
class Results:
    taps: list[float] = field(default_factory=list)
    finishes: list[float] = field(default_factory=list)
    browser: BrowserTimes = field(default_factory=BrowserTimes)
    #: The browser's click sent -> patch back, split at the kiosk (:meth:`BrowserTimes.split`).
    split: dict[str, list[float]] = field(default_factory=dict)
    answers: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Journey:
    """The taps of one questionnaire, each with the words the next screen shows."""

    library: ContentLibrary
    q: Questionnaire

    def t(self, key: str, **values: Any) -> str:
        return self.library.strings.get(key, **values)

    def steps(self, rng: random.Random) -> tuple[list[tuple[str, str]], dict[str, str]]:
        n = len(self.q.questions)
        steps = [
            (self.t("start_button"), self.t("intro_next")),
            (self.t("intro_next"), self.t("intro_continue")),
            (self.t("intro_continue"), self.t("question_progress", number=1, total=n)),
        ]
        answers: dict[str, str] = {}
        for i, question in enumerate(self.q.questions):
            option = rng.choice(question.options)
            answers[question.id] = option.id
            after = (
                self.t("question_progress", number=i + 2, total=n)
                if i + 1 < n
                else self.t("finish_heading")
            )
            steps.append((option.label, after))
        steps.append((self.t("finish_button"), self.t("thanks_heading")))
        return steps, answers

    def again(self) -> tuple[str, str]:
        """The tap from Thank you back to Start (the next pupil's turn), and Start's words."""
        return self.t("thanks_done"), self.t("start_button")


async def pupil(
    url: str,
    journey: Journey,
    rng: random.Random,
    pace: tuple[float, float],
    out: Results,
    laps: int = 1,
) -> None:
    """One simulated tablet: ``laps`` pupils in turn, each from Start to Thank you."""
    tablet = await Tablet.open(url)
    try:
        for lap in range(laps):
            steps, answers = journey.steps(rng)
            if lap:  # "I've finished": the next pupil's turn
                await asyncio.sleep(rng.uniform(*pace))
                done, start = journey.again()
                await tablet.tap(done, lambda s, start=start: s.button(start) is not None)
            else:
                first = steps[0][0]
                await tablet.until(lambda s, first=first: s.button(first) is not None)
            for i, (words, after) in enumerate(steps):
                await asyncio.sleep(rng.uniform(*pace))
                took = await tablet.tap(words, lambda s, after=after: s.shows(after))
                (out.finishes if i == len(steps) - 1 else out.taps).append(took)
            out.answers.append(answers)
    finally:
        await tablet.close()


# -- the kiosk process --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_kiosk(
    data: Path, log: Path, profile: Path | None = None, stamps: Path | None = None
) -> tuple[int, subprocess.Popen[bytes]]:
    """``esafety kiosk`` on a free port, with a 7–11 questionnaire and a PIN set.

    With ``profile``, under cProfile (written there when the kiosk stops); with
    ``stamps``, logging when it reads and sends Chromium's messages (:data:`STAMPED`).
    """
    from surveys.storage.settings import KioskSettings, PinHash, save_settings

    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    port = _free_port()
    exe = shutil.which("esafety", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "kiosk.cli"]
    if profile is not None:
        cmd = [sys.executable, "-c", PROFILED, str(profile)]
    elif stamps is not None:
        cmd = [sys.executable, "-c", STAMPED, str(stamps)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "kiosk", "--data", str(data), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                return port, proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the kiosk did not start:\n{log.read_text()}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_wait_seconds(pid: int) -> float:
    """Seconds the kiosk's event loop was ready to run but waited for a CPU (/proc schedstat).

    On a shared machine this is the time other programs took from it.
    """
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def settle(pid: int, timeout: float = 60.0) -> None:
    """Wait until the kiosk is idle (its start-up work, e.g. gzipping, is done)."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - before < 0.03:
            return
        before = now


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (the most ever) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def saved_answers(data: Path) -> list[dict[str, str | None]]:
    from surveys.sealed import demo_key, open_responses
    from surveys.storage.responses import ResponseStore

    with ResponseStore(data, writer=False) as store:
        return [r.answers for r in open_responses(list(store.records()), demo_key())]


# -- the run ------------------------------------------------------------------------------


@dataclass
class Run:
    pupils: int
    results: Results
    seconds: float
    cpu: float
    client_cpu: float
    cpu_wait: float
    memory: dict[str, float]
    saved: int
    answers_match: bool


def centiles(xs: list[float]) -> str:
    if not xs:
        return "none"
    ms = sorted(x * 1000 for x in xs)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return f"p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f} ms  (n={len(ms)})"


async def drive(
    port: int,
    pupils: int,
    *,
    seed: int,
    browser: bool,
    ramp: float,
    pace: tuple[float, float],
    trace: str | None = None,
    mouse: bool = False,
    laps: int = 1,
) -> Results:
    journey = Journey(load_content(shipped.SHIPPED_DIR), questionnaire())
    out = Results()

    async def one(i: int) -> None:
        rng = random.Random(seed * 100_003 + i)
        await asyncio.sleep(rng.uniform(0, ramp))  # they do not all tap Start together
        if browser and i == 0:
            turns = [journey.steps(rng) for _ in range(laps)]
            url = f"http://127.0.0.1:{port}/"
            out.finishes += await browser_pupil(
                url,
                [steps for steps, _ in turns],
                journey.again(),
                rng,
                pace,
                out.browser,
                trace=trace,
                mouse=mouse,
            )
            out.answers += [answers for _, answers in turns]
        else:
            await pupil(f"ws://127.0.0.1:{port}/ws", journey, rng, pace, out, laps)

    await asyncio.gather(*(one(i) for i in range(pupils)))
    return out


def questionnaire() -> Questionnaire:
    q = load_content(shipped.SHIPPED_DIR).for_band(AgeBand.AGES_7_11)
    assert q is not None, "the shipped content has a 7–11 questionnaire"
    return q


def run(
    pupils: int,
    *,
    seed: int = 1,
    browser: bool = False,
    ramp: float = 5.0,
    pace: tuple[float, float] = (0.5, 2.0),
    root: Path | None = None,
    profile: Path | None = None,
    trace: Path | None = None,
    mouse: bool = False,
    laps: int = 1,
) -> Run:
    """Start a kiosk, run ``pupils`` through it, stop it; figures and the saved count."""
    with tempfile.TemporaryDirectory(prefix="esafety-load-") as tmp:
        root = root or Path(tmp)
        data = root / "data"
        stamps = root / "stamps.log" if browser else None
        port, proc = start_kiosk(data, root / "kiosk.log", profile, stamps)
        try:
            settle(proc.pid)
            cpu0, t0, own0 = cpu_seconds(proc.pid), time.perf_counter(), time.process_time()
            wait0 = cpu_wait_seconds(proc.pid)
            results = asyncio.run(
                drive(
                    port,
                    pupils,
                    seed=seed,
                    browser=browser,
                    ramp=ramp,
                    pace=pace,
                    trace=trace and str(trace),
                    mouse=mouse,
                    laps=laps,
                )
            )
            seconds, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0
            own = time.process_time() - own0
            wait = cpu_wait_seconds(proc.pid) - wait0
            memory = memory_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=120 if profile else 15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if stamps and stamps.exists():
            results.split = results.browser.split(stamps)
        saved = saved_answers(data)
        match = Counter(map(answers_key, saved)) == Counter(map(answers_key, results.answers))
        return Run(pupils, results, seconds, cpu, own, wait, memory, len(saved), match)


def answers_key(answers: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(answers.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--browser", action="store_true", help="one of them a real Chromium")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which they start")
    parser.add_argument("--profile", type=Path, help="run the kiosk under cProfile, to FILE")
    parser.add_argument("--trace", type=Path, help="with --browser: Chrome's trace, to FILE")
    parser.add_argument("--mouse", action="store_true", help="with --browser: click, not touch")
    parser.add_argument(
        "--laps", type=int, default=1, help="pupils per tablet, one after another (more taps)"
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()
    how = f" (one in Chromium, {'mouse' if args.mouse else 'touch'})" if args.browser else ""
    print(
        f"{args.pupils} tablets × {args.laps} pupils{how}, seed "
        f"{args.seed}; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    r = run(
        args.pupils,
        seed=args.seed,
        browser=args.browser,
        ramp=args.ramp,
        profile=args.profile and args.profile.resolve(),
        trace=args.trace and args.trace.resolve(),
        mouse=args.mouse,
        laps=args.laps,
    )
    taps = len(r.results.taps) + len(r.results.browser.drawn) + len(r.results.finishes)
    print(f"tap -> next screen:      {centiles(r.results.taps)}")
    print(f"Finish -> Thank you:     {centiles(r.results.finishes)}")
    if args.browser:
        b = r.results.browser
        print(f"Chromium tap -> drawn:   {centiles(b.drawn)}  (timed in the page)")
        for name, xs in b.parts.items():
            print(f"  {name + ':':44}{centiles(xs)}")
        for name, xs in r.results.split.items():
            print(f"    {name + ':':42}{centiles(xs)}")
        print(f"  {'Playwright round trip (for comparison):':44}{centiles(b.playwright)}")
        frames = sorted(f["count"] for f in b.frames)
        busy = [f["ms"] / 1000 for f in b.frames]
        print(
            f"  frames Flutter drew per tap: median {frames[len(frames) // 2]}, most "
            f"{frames[-1]}; their main-thread time per tap: {centiles(busy)}"
        )
        cpu = ", ".join(f"{k} {1000 * v:.1f}" for k, v in sorted(b.cpu.items()))
        print(f"  Chromium's CPU per tap, ms: {cpu}")
        sizes = sorted(b.received)
        print(f"  bytes from the kiosk per tap: median {sizes[len(sizes) // 2]}, most {sizes[-1]}")
    print(
        f"kiosk CPU: {r.cpu:.1f} s in {r.seconds:.1f} s ({100 * r.cpu / r.seconds:.0f}% of a "
        f"core), {1000 * r.cpu / max(taps, 1):.2f} ms per tap; memory {r.memory['VmRSS']:.0f} "
        f"MB (most {r.memory['VmHWM']:.0f} MB)"
    )
    print(
        f"kiosk waited for a CPU (other programs): {r.cpu_wait:.1f} s; this benchmark's own "
        f"CPU (the simulated tablets): {r.client_cpu:.1f} s"
    )
    expected = args.pupils * args.laps
    ok = r.saved == expected and r.answers_match
    print(
        f"responses saved: {r.saved} of {expected}"
        f"{', answers as tapped' if r.answers_match else ', ANSWERS DIFFER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
