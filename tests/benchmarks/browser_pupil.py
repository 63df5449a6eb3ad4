"""The one real-browser pupil of ``bench_load.py --browser``, timed inside the page.

Playwright's ``wait_for`` finds the next screen by polling: it looks 0, 20, 50,
100, 100 ms apart, then every 500 ms (``retryWithProgressAndBackoff`` in its
driver), so a screen drawn 80 ms after the tap was seen at about 170 ms, and
the figure jumped between those steps. That was the benchmark's clock, not the
kiosk. Here the page times itself, with ``performance.now()``:

* **tap**: the ``pointerdown`` Playwright's click makes (a capturing listener on
  ``window``, before Flutter sees it);
* **sent**: the first websocket message the Flutter client sends after it (the
  click event; ``WebSocket`` is wrapped before the app starts);
* **answered**: the first websocket message that comes back after that (the
  kiosk's patch);
* **shown**: the moment the next screen's words are in Flutter's accessibility
  tree (a ``MutationObserver``: Flutter updates that tree at the end of the frame
  that lays out and paints the new screen);
* **drawn**: the next ``requestAnimationFrame`` after that, i.e. the browser has
  put that frame on the screen. *tap -> drawn* is the figure against the target.

The Playwright round trip (its click call until the page reports the words
shown) is kept for comparison; it adds Playwright's own checks before a click.
"""

from __future__ import annotations

import asyncio
import base64
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]

#: Installed in the page before Flet's app loads (``add_init_script``).
TIMER_JS = """
(() => {
  const b = (window.__bench = { down: 0, sent: [], got: [], want: null, found: null });
  const Native = window.WebSocket;
  class Timed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => b.got.push(performance.now()));
    }
    send(data) {
      b.sent.push(performance.now());
      return super.send(data);
    }
  }
  window.WebSocket = Timed;
  // Flutter draws in requestAnimationFrame callbacks: time each one it asks for.
  const nativeFrame = window.requestAnimationFrame.bind(window);
  b.frames = [];
  window.requestAnimationFrame = (callback) => nativeFrame((stamp) => {
    const start = performance.now();
    try { callback(stamp); } finally { b.frames.push([start, performance.now() - start]); }
  });
  // Frames Flutter drew from the last tap until now, and the ms they took.
  b.framesSinceTap = () => {
    const mine = b.frames.filter(([start]) => start >= b.down);
    const ms = mine.reduce((sum, [, took]) => sum + took, 0);
    b.frames = [];
    return { count: mine.length, ms, before: mine.filter(([s]) => s < b.found).length };
  };
  window.addEventListener("pointerdown", () => { b.down = performance.now(); }, true);
  const present = (words) => {
    const root = document.querySelector("flt-semantics-host") || document.body;
    if (root.textContent.toLowerCase().includes(words)) return true;
    for (const el of root.querySelectorAll("[aria-label]"))
      if (el.getAttribute("aria-label").toLowerCase().includes(words)) return true;
    return false;
  };
  const check = () => {
    if (!b.want || b.found) return;
    if (!present(b.want.words)) return;
    const shown = performance.now();
    b.found = shown;
    nativeFrame(() => b.want.resolve({ shown, drawn: performance.now() }));
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["aria-label"],
  });
  // Arm before the tap: resolves once ``words`` are shown (and were not before).
  b.arm = (words) => {
    words = words.toLowerCase();
    if (present(words)) return false;
    b.found = null;
    b.sent = [];
    b.got = [];
    b.down = 0;
    b.done = new Promise((resolve) => { b.want = { words, resolve }; });
    return true;
  };
  b.result = async () => {
    const { shown, drawn } = await b.done;
    b.want = null;
    const sent = b.sent.find((t) => t >= b.down) ?? NaN;
    const got = b.got.find((t) => t >= sent) ?? NaN;
    return { down: b.down, sent, got, shown, drawn };
  };
})();
"""

#: The parts of one tap, in the order they happen (names of :data:`TIMER_JS`'s marks).
PARTS = (
    ("tap -> click sent (Flutter's gesture)", "down", "sent"),
    ("click sent -> patch back (kiosk + network)", "sent", "got"),
    ("patch back -> words shown (Flutter frame)", "got", "shown"),
    ("words shown -> frame drawn", "shown", "drawn"),
)


@dataclass
class BrowserTimes:
    """Seconds per tap: the whole in-page figure, its parts, and Playwright's round trip."""

    drawn: list[float] = field(default_factory=list)
    parts: dict[str, list[float]] = field(default_factory=dict)
    playwright: list[float] = field(default_factory=list)
    #: (click sent, patch back) per tap, in seconds of the system's monotonic clock,
    #: as DevTools reports them: the same clock as the kiosk's :data:`STAMPED` log.
    wire: list[tuple[float, float]] = field(default_factory=list)
    #: Bytes of websocket messages from the kiosk per tap.
    received: list[int] = field(default_factory=list)
    #: Per tap until the next: frames Flutter drew (``count``, ``before`` the words
    #: were shown) and the main thread's ms in them (``ms``).
    frames: list[dict[str, float]] = field(default_factory=list)
    #: Chromium's CPU seconds per tap (Finish and "I've finished" included), by process.
    cpu: dict[str, float] = field(default_factory=dict)
    #: A tap was timed whose frames are not yet counted.
    pending: bool = False

    def add(self, marks: dict[str, float], round_trip: float, wire: Wire) -> None:
        self.drawn.append((marks["drawn"] - marks["down"]) / 1000)
        for name, a, b in PARTS:
            self.parts.setdefault(name, []).append((marks[b] - marks[a]) / 1000)
        self.playwright.append(round_trip)
        self.wire.append(wire.pair())
        self.received.append(wire.bytes_in())

    def split(self, stamps: Path) -> dict[str, list[float]]:
        """Click sent -> patch back split at the kiosk, from its :data:`STAMPED` log."""
        ins: list[float] = []
        outs: list[float] = []
        for line in stamps.read_text().splitlines():
            kind, at, _ = line.split()
            (ins if kind == "in" else outs).append(float(at))
        parts: dict[str, list[float]] = {k: [] for k in SPLIT}
        for sent, got in self.wire:
            came = next((t for t in ins if t >= sent - 0.002), math.nan)
            went = next((t for t in outs if t >= came), math.nan)
            for name, value in zip(SPLIT, (came - sent, went - came, got - went), strict=True):
                parts[name].append(value)
        return parts


#: Click sent -> patch back, split where the kiosk reads the click and sends the patch.
SPLIT = (
    "click sent -> read by the kiosk",
    "kiosk: click read -> patch sent",
    "patch sent -> in the page",
)

#: ``esafety kiosk`` with the moments its websocket reads and sends Chromium's
#: messages written to a file (argv[1]), on the system's monotonic clock, which is
#: the clock of DevTools' timestamps on Linux. Only the browser's connection.
STAMPED = """
import sys, time
from starlette.websockets import WebSocket
from kiosk.cli.main import main
out = open(sys.argv[1], "w", buffering=1)
receive, send = WebSocket.receive_bytes, WebSocket.send_bytes
def chrome(ws):
    return "Chrome" in ws.headers.get("user-agent", "")
async def receive_bytes(self):
    data = await receive(self)
    if chrome(self):
        out.write(f"in {time.monotonic():.6f} {len(data)}\\n")
    return data
async def send_bytes(self, data):
    if chrome(self):
        out.write(f"out {time.monotonic():.6f} {len(data)}\\n")
    await send(self, data)
WebSocket.receive_bytes, WebSocket.send_bytes = receive_bytes, send_bytes
main(sys.argv[2:])
"""


async def _cpu_by_process(system: Any) -> dict[str, float]:
    """Chromium's CPU seconds so far, by kind of process (browser, renderer, gpu...)."""
    info = await system.send("SystemInfo.getProcessInfo")
    out: dict[str, float] = {}
    for process in info["processInfo"]:
        out[process["type"]] = out.get(process["type"], 0.0) + process["cpuTime"]
    return out


class Wire:
    """Websocket frames as Chromium's network side records them (DevTools ``Network``)."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, float, int]] = []  # (sent|got, seconds, bytes)

    async def attach(self, page: Any) -> None:
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameSent", lambda e: self._add("sent", e))
        cdp.on("Network.webSocketFrameReceived", lambda e: self._add("got", e))

    def _add(self, kind: str, event: dict[str, Any]) -> None:
        data = event["response"]["payloadData"]
        size = len(base64.b64decode(data)) if event["response"]["opcode"] == 2 else len(data)
        self.frames.append((kind, event["timestamp"], size))

    def _pair(self) -> tuple[float, float] | None:
        sent = next((t for k, t, _ in self.frames if k == "sent"), None)
        got = next((t for k, t, _ in self.frames if k == "got" and sent and t >= sent), None)
        return None if sent is None or got is None else (sent, got)

    async def settled(self) -> None:
        """Wait (a little) until the tap's click and the kiosk's answer have been reported."""
        for _ in range(200):
            if self._pair():
                return
            await asyncio.sleep(0.01)
        raise RuntimeError(f"DevTools never reported the tap's frames: {self.frames}")

    def pair(self) -> tuple[float, float]:
        return self._pair() or (math.nan, math.nan)

    def bytes_in(self) -> int:
        return sum(n for k, _, n in self.frames if k == "got")


async def browser_pupil(
    url: str,
    laps: list[list[tuple[str, str]]],
    again: tuple[str, str],
    rng: random.Random,
    pace: tuple[float, float],
    times: BrowserTimes,
    *,
    trace: str | None = None,
    mouse: bool = False,
) -> list[float]:
    """Tap through each lap's steps (words, the next screen's words) in Chromium, tapping
    ``again`` (Thank you's "I've finished", then Start's words) between laps; the
    seconds of each Finish.

    Taps are touches, as on a tablet: a mouse (``mouse``, Playwright's ``click``)
    also hovers, and the pointer left over the next screen's button starts its
    hover animation. With ``trace``, a Chrome performance trace is written there.
    """
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1180, "height": 820}, has_touch=True)
        await page.add_init_script(TIMER_JS)
        wire = Wire()
        await wire.attach(page)
        await page.goto(url)
        placeholder = page.locator("flt-semantics-placeholder")
        await placeholder.wait_for(state="attached", timeout=60_000)
        await placeholder.dispatch_event("click")  # Flutter's accessibility tree, once

        async def tap(words: str) -> None:
            button = page.get_by_role("button", name=words, exact=True)
            await (button.click() if mouse else button.tap())

        async def frames_of_last_tap() -> None:
            if times.pending:
                times.frames.append(await page.evaluate("() => window.__bench.framesSinceTap()"))
                times.pending = False

        await page.get_by_role("button", name=laps[0][0][0], exact=True).wait_for(timeout=60_000)
        if trace:
            await browser.start_tracing(page=page, path=trace, screenshots=False)
        system = await browser.new_browser_cdp_session()
        cpu_before = await _cpu_by_process(system)
        finishes: list[float] = []
        for lap, steps in enumerate(laps):
            if lap:
                await asyncio.sleep(rng.uniform(*pace))
                await frames_of_last_tap()
                await tap(again[0])
                await page.get_by_role("button", name=again[1], exact=True).wait_for()
            for i, (words, after) in enumerate(steps):
                await asyncio.sleep(rng.uniform(*pace))
                await frames_of_last_tap()
                if not await page.evaluate("w => window.__bench.arm(w)", after):
                    raise RuntimeError(f"{after!r} was on the screen before tapping {words!r}")
                wire.frames.clear()
                start = time.perf_counter()
                await tap(words)
                marks: dict[str, Any] = await asyncio.wait_for(
                    page.evaluate("() => window.__bench.result()"), 60
                )
                took = time.perf_counter() - start
                await wire.settled()
                if i == len(steps) - 1:
                    finishes.append(took)
                else:
                    times.add(marks, took, wire)
                    times.pending = True
        await asyncio.sleep(rng.uniform(*pace))
        await frames_of_last_tap()
        cpu_after = await _cpu_by_process(system)
        taps = sum(len(steps) for steps in laps) + len(laps) - 1
        times.cpu = {k: (cpu_after[k] - cpu_before.get(k, 0.0)) / taps for k in cpu_after}
        if trace:
            await browser.stop_tracing()
        await browser.close()
        return finishes
