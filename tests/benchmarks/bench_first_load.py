"""What a tablet downloads to open the kiosk, and 30 tablets opening it at once.

Starts ``esafety kiosk`` (a 7–11 kiosk, PIN set) on this computer and opens it in
Debian's headless Chromium, counting what crosses the network with the browser's
own figures (Chrome DevTools Protocol: bytes on the wire, headers included):

1. a first visit (empty cache): requests, bytes, seconds until the start
   screen's first button (Start) is there;
2. a second visit in the same browser profile (cache warm);
3. 30 tablets at once: 30 HTTP clients, each fetching exactly the files the
   browser fetched on its first visit (6 connections each, as a browser), all
   starting together; total bytes, p50/p95 seconds until a tablet has them all.

Prints figures; asserts nothing (the checks are tests/e2e/test_first_load.py).

    .venv/bin/python tests/benchmarks/bench_first_load.py [--tablets 30] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
#: What Chromium asks for (over HTTP it leaves out br and zstd).
ACCEPT_ENCODING = "gzip, deflate"


@dataclass
class Visit:
    """What one page load fetched over the network (cache hits not counted)."""

    requests: int = 0
    wire_bytes: int = 0
    from_cache: int = 0
    seconds_to_button: float = 0.0
    urls: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    encodings: dict[str, int] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_kiosk(root: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """``esafety kiosk`` on a free port, with a 7–11 questionnaire and a PIN set."""
    from surveys.model import AgeBand
    from surveys.storage.settings import KioskSettings, PinHash, save_settings

    data = root / "data"
    save_settings(data, KioskSettings(pin=PinHash.make("2468"), band=AgeBand.AGES_7_11))
    port = _free_port()
    exe = shutil.which("esafety", path=str(Path(sys.executable).parent)) or "esafety"
    log = (root / "kiosk.log").open("wb")
    proc = subprocess.Popen(
        [exe, "kiosk", "--data", str(data), "--port", str(port)], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return url, proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit((root / "kiosk.log").read_text())


def visit(context, url: str) -> Visit:
    """Open ``url`` in a new tab of ``context``; count the network until Start is there."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    v = Visit()
    seen: dict[str, dict] = {}

    def on_response(e: dict) -> None:
        r = e["response"]
        seen[e["requestId"]] = r
        if r.get("fromDiskCache") or r.get("fromPrefetchCache") or r.get("fromServiceWorker"):
            v.from_cache += 1

    def on_finished(e: dict) -> None:
        r = seen.get(e["requestId"])
        if r is None or r.get("fromDiskCache") or r["url"].startswith("data:"):
            return
        v.requests += 1
        v.wire_bytes += int(e["encodedDataLength"])
        v.urls.append(r["url"])
        v.statuses[r["status"]] = v.statuses.get(r["status"], 0) + 1
        headers = {k.lower(): val for k, val in r.get("headers", {}).items()}
        enc = headers.get("content-encoding", "none")
        v.encodings[enc] = v.encodings.get(enc, 0) + 1
        v.lines.append(f"{r['status']} {enc:4} {int(e['encodedDataLength']):>9,} {r['url']}")

    def on_memory(e: dict) -> None:
        v.from_cache += 1

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.requestServedFromCache", on_memory)
    t = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    page.get_by_role("button", name="Start", exact=True).wait_for(timeout=60_000)
    v.seconds_to_button = time.perf_counter() - t
    page.wait_for_timeout(1500)  # late fetches (fonts, icons) count too
    page.close()
    return v


async def one_tablet(url: str, paths: list[str], verify: bool) -> tuple[float, int]:
    """Fetch every path as a browser would (6 connections); seconds and bytes on the wire."""
    limits = httpx.Limits(max_connections=6)
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    t = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, headers=headers, verify=verify) as client:

        async def get(path: str) -> int:
            async with client.stream("GET", url.rstrip("/") + path) as r:
                async for _ in r.aiter_raw():
                    pass
                return int(r.num_bytes_downloaded)

        sizes = await asyncio.gather(*(get(p) for p in paths))
    return time.perf_counter() - t, sum(sizes)


async def tablets_at_once(url: str, paths: list[str], n: int) -> list[tuple[float, int]]:
    return list(await asyncio.gather(*(one_tablet(url, paths, False) for _ in range(n))))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def show(name: str, v: Visit) -> None:
    print(
        f"{name}: {v.requests} requests, {v.wire_bytes:,} bytes on the wire, "
        f"{v.from_cache} from the browser's cache, Start after {v.seconds_to_button:.2f} s; "
        f"statuses {dict(sorted(v.statuses.items()))}, encodings {v.encodings}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tablets", type=int, default=30)
    ap.add_argument("--url", help="a kiosk already running (default: start one)")
    ap.add_argument("--list", action="store_true", help="print the files fetched")
    ap.add_argument(
        "--settle", type=float, default=10, help="seconds between start-up and the first visit"
    )
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        url = args.url
        if url is None:
            url, proc = start_kiosk(Path(tmp))
            time.sleep(args.settle)  # as in a classroom: the kiosk was started before the lesson
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                ctx = browser.new_context(
                    viewport={"width": 1180, "height": 820}, ignore_https_errors=True
                )
                first = visit(ctx, url)
                second = visit(ctx, url)
                ctx.close()
                browser.close()
            show("first visit ", first)
            show("second visit", second)
            print(f"second visit / first: {second.wire_bytes / first.wire_bytes:.1%} of the bytes")
            if args.list:
                for name, v in (("first", first), ("second", second)):
                    print(f"{name} visit fetched:", *v.lines, sep="\n  ")
            base = url.rstrip("/")
            paths = [u[len(base) :] or "/" for u in first.urls if u.startswith(base)]
            paths = [p for p in paths if not p.startswith("/ws")]
            t = time.perf_counter()
            results = asyncio.run(tablets_at_once(url, paths, args.tablets))
            wall = time.perf_counter() - t
            times = [r[0] for r in results]
            total = sum(r[1] for r in results)
            print(
                f"{args.tablets} tablets at once ({len(paths)} files each): "
                f"{total / 1e6:.1f} MB in all, {total / 1e6 / args.tablets:.2f} MB each, "
                f"p50 {pct(times, 50):.2f} s, p95 {pct(times, 95):.2f} s, "
                f"all done {wall:.2f} s"
            )
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
