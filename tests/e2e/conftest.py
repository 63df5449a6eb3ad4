"""Serve the real kiosk (``esafety kiosk``) and drive it in Debian's headless Chromium.

Controls are found as a screen reader finds them: by role and accessible name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(os.environ.get("ESAFETY_SHOTS", Path(__file__).resolve().parents[2] / "out" / "shots"))

pytestmark = pytest.mark.browser


@dataclass
class Kiosk:
    url: str
    data: Path
    proc: subprocess.Popen[bytes]


@pytest.fixture
def start_kiosk(tmp_path: Path) -> Iterator:
    """Start ``esafety kiosk`` as a user would; stopped after the test."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str, data: Path | None = None, port: int | None = None) -> Kiosk:
        data = data or tmp_path / "data"
        port = port or free_port()
        exe = shutil.which("esafety", path=str(Path(sys.executable).parent)) or "esafety"
        log = open(tmp_path / f"kiosk-{port}.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [exe, "kiosk", "--data", str(data), "--port", str(port), *extra],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return Kiosk(url, data, proc)
            except OSError:
                time.sleep(0.2)
            if proc.poll() is not None:
                break
        raise RuntimeError((tmp_path / f"kiosk-{port}.log").read_text())

    yield start
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "browser tests need Debian's Chromium: run `make browser` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Screen:
    """One tablet: a browser page on the kiosk, with helpers that read like the test plan."""

    def __init__(self, page, url: str) -> None:
        self.page = page
        page.goto(url)
        self.reading_on()

    def reading_on(self, timeout: float = 30_000) -> None:
        """Turn on Flutter's accessibility tree (as a screen reader would): once per load."""
        self.page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=timeout)
        self.page.locator("flt-semantics-placeholder").dispatch_event("click")

    def tap(self, name: str, *, exact: bool = True) -> None:
        self.page.get_by_role("button", name=name, exact=exact).click()

    def button(self, name: str, *, exact: bool = True):
        return self.page.get_by_role("button", name=name, exact=exact)

    def type(self, label: str, text: str) -> None:
        # Key by key, as a person types: each key reaches Flutter (and the server)
        # in order, so a following Enter or tap cannot overtake the value.
        # Then read the field back: under load a key can reach a field that is not
        # yet focusable and be lost; what the field holds is what the app was sent.
        field = self.page.get_by_label(label)
        for _ in range(3):
            field.click()
            self.page.wait_for_timeout(200)  # the first key must not arrive before the focus
            field.press_sequentially(text, delay=40)
            self.page.wait_for_timeout(300)
            got = field.input_value()
            if got == text:
                return
            for _key in got:
                field.press("Backspace")
        raise AssertionError(f"typed {text!r} into {label!r} but it holds {got!r}")

    def wait_for_text(self, text: str, timeout: float = 15_000) -> None:
        self.page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)

    def text(self) -> str:
        return self.page.locator("flt-semantics-host").inner_text()

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def open_screen(chromium):
    contexts = []

    def open_(url: str) -> Screen:
        ctx = chromium.new_context(viewport={"width": 1180, "height": 820})
        contexts.append(ctx)
        return Screen(ctx.new_page(), url)

    yield open_
    for ctx in contexts:
        ctx.close()
