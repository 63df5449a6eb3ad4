"""The lead's console, timed in Debian's headless Chromium at a big school's size.

Fills a hub folder with ``--responses`` demo answers (sealed to a fresh school key, in
the hub's own store: minutes at 100,000), starts ``esafety hub`` on this computer, and
times what the lead waits for:

1. first paint: page load until the first screen (Choose a password) is there;
2. setting the password (Argon2id) and signing in again after Lock;
3. unlocking the school's key (Argon2id, then reading which keys the answers need);
4. Trends before anything is published (reads and counts every answer, ledger only);
5. the evidence pack: Make until Ready to save, then Save until the PDF is downloaded;
6. Trends after the pack (read again: the ledger moved on), and a second chart (cached).

Prints figures; asserts nothing (the checks are tests/e2e/test_console_trends.py).

    .venv/bin/python tests/benchmarks/bench_console.py [--responses 100000] [--data DIR]

``--data`` keeps (and reuses) the hub folder and its keys between runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import content as shipped
from surveys.content.library import load_content
from surveys.demo import write_demo_data
from surveys.keys import make_key_pair, parse_public_key
from surveys.storage.layout import DataFolder
from surveys.sync.hub import Hub

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
PASSWORD = "kettle orbit violin meadow"
PASSPHRASE = "heron copper tulip anchor"
CHART = "<the chart>"
SHOTS = Path(__file__).resolve().parents[2] / "out" / "shots"


def prepare(data: Path, responses: int) -> tuple[Path, Path]:
    keys = data.parent / f"{data.name}-keys"
    private, public = keys / "school-private-key.json", keys / "school-public-key.txt"
    if not private.exists():
        private, public = make_key_pair(keys, PASSPHRASE)
    if not (data / "responses").is_dir():
        started = time.perf_counter()
        library = load_content(Path(shipped.__file__).parent)
        hub = Hub(data)
        try:
            written = write_demo_data(
                hub.store, library, responses, public=parse_public_key(public.read_text())
            )
        finally:
            hub.close()
        print(f"wrote {written} demo responses in {time.perf_counter() - started:.0f} s")
    return private, public


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=100_000)
    ap.add_argument("--data", help="hub folder to fill (kept); default a temporary one")
    args = ap.parse_args()
    temp = None if args.data else tempfile.mkdtemp(prefix="bench-console-")
    data = Path(args.data or Path(temp or ".") / "hub")
    private, public = prepare(data, args.responses)
    for old in data.glob("hub/lead-*.json"):
        old.unlink()  # a fresh password each run (the first screen is Choose a password)
    DataFolder(data).release_ledger.unlink(missing_ok=True)  # nothing published: Trends empty
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    exe = str(Path(sys.executable).parent / "esafety")
    log = open(data.parent / "bench-console-hub.log", "wb")  # noqa: SIM115 - closed below
    hub = subprocess.Popen(
        [exe, "hub", "--data", str(data), "--host", "127.0.0.1", "--port", str(port),
         "--public-key", str(public), "--key", str(private)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        figures = drive(url)
    finally:
        hub.terminate()
        hub.wait(timeout=30)
        log.close()
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"\nlead's console, {args.responses} responses ({os.cpu_count()} cores)")
    for what, seconds in figures:
        print(f"  {what:<58} {seconds:6.2f} s")
    print("load:", os.getloadavg())
    return 0


def drive(url: str) -> list[tuple[str, float]]:
    from playwright.sync_api import sync_playwright

    out: list[tuple[str, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 820}).new_page()

        def shown(words: str, timeout: float = 1_800_000) -> None:
            if words == CHART:  # the chart itself, by its alt text
                found = page.get_by_role("img", name="Line chart", exact=False)
            else:
                found = page.get_by_text(words, exact=False)
            found.first.wait_for(timeout=timeout)

        def tap(name: str) -> None:
            page.get_by_role("button", name=name, exact=True).click()

        def type_(label: str, words: str) -> None:
            field = page.get_by_label(label)
            field.click()
            page.wait_for_timeout(200)
            field.press_sequentially(words, delay=20)
            page.wait_for_timeout(300)

        def timed(what: str, act, until: str) -> None:  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            act()
            shown(until)
            out.append((what, time.perf_counter() - started))

        def first_paint() -> None:
            page.goto(url)
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
            page.locator("flt-semantics-placeholder").dispatch_event("click")

        timed("first paint: page load to Choose a password", first_paint, "Choose a password")
        type_("New password", PASSWORD)
        type_("The same password again", PASSWORD)
        timed("set the password (Argon2id) to Home", lambda: tap("Set the password"), "Home")
        tap("Lock")
        shown("Locked")
        type_("Password", PASSWORD)
        timed("sign in to Home", lambda: tap("Sign in"), "What has arrived")
        tap("Trends")
        shown("Unlock the school's key")
        type_("Passphrase for the private key", PASSPHRASE)
        timed(
            "unlock the key + Trends before any release (reads all)",
            lambda: tap("Unlock"),
            "Nothing has been published yet",
        )
        timed("Downloads (with AUP coverage)", lambda: tap("Downloads"), "Signed agreements by")
        timed("make the evidence pack (Make to Ready to save)",
              lambda: tap("Make the evidence pack"), "Ready to save")  # fmt: skip
        started = time.perf_counter()
        with page.expect_download(timeout=120_000) as saving:
            tap("Save evidence-pack.pdf")
        size = Path(saving.value.path()).stat().st_size
        out.append((f"save evidence-pack.pdf ({size // 1024} KB)", time.perf_counter() - started))
        page.screenshot(path=str(SHOTS / "console-bench-downloads.png"))
        timed("Trends after the pack (reads the answers again)", lambda: tap("Trends"), CHART)
        page.screenshot(path=str(SHOTS / "console-bench-trends.png"))
        timed("Home (cached Trends next)", lambda: tap("Home"), "What has arrived")
        timed("Trends again (report cached: one chart drawn)", lambda: tap("Trends"), CHART)
        browser.close()
    return out


if __name__ == "__main__":
    sys.exit(main())
