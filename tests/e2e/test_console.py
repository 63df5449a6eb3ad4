"""The lead's console in a real browser: the way a new e-safety lead would use it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from tests.e2e import console
from tests.e2e.conftest import Screen
from tests.e2e.console import PASSWORD

start_hub = console.start_hub

pytestmark = pytest.mark.browser


def try_password(screen: Screen, password: str, then: str) -> None:
    """Type a password, press Sign in, and wait until the door is drawn again with ``then``
    (a fresh, empty field: the same words as before may still be on screen)."""
    screen.type("Password", password)
    screen.tap("Sign in")
    field = screen.page.get_by_label("Password")
    deadline = time.monotonic() + 20
    while field.input_value() and time.monotonic() < deadline:
        screen.page.wait_for_timeout(100)
    screen.wait_for_text(then)


def set_password(screen: Screen) -> None:
    screen.type("New password", PASSWORD)
    screen.type("The same password again", PASSWORD)
    screen.tap("Set the password")
    screen.wait_for_text("To do first")


def test_a_new_lead_sets_the_password_and_pairs_a_kiosk(start_hub, open_screen) -> None:
    hub = start_hub()
    screen = open_screen(hub.url)
    screen.wait_for_text("Choose a password for this console")
    screen.shot("console-01-choose-password")
    set_password(screen)
    screen.wait_for_text("Pair your first kiosk")
    screen.shot("console-02-home-new")
    screen.tap("Kiosks")
    screen.tap("Show a pairing code")
    screen.wait_for_text("ESKHUB ")
    assert "It works once, for 10 minutes" in screen.text()
    screen.shot("console-03-pair")
    screen.tap("Lock")
    screen.wait_for_text("Locked. Sign in to carry on.")
    assert "ESKHUB" not in screen.text()


def test_a_wrong_password_is_throttled_and_the_count_kept_on_disk(start_hub, open_screen) -> None:
    hub = start_hub()
    screen = open_screen(hub.url)
    set_password(screen)
    screen.tap("Lock")
    for _ in range(2):
        try_password(screen, "not the password at all", "Try again")
    try_password(screen, "still not the password", "wait 30 seconds")  # the third
    # The right password now is refused too, until the wait is over.
    try_password(screen, PASSWORD, "Too many tries")
    assert "To do first" not in screen.text()
    assert (hub.data / "hub" / "lead-guard.json").is_file()


def test_the_console_refuses_a_host_that_is_not_this_computer(start_hub) -> None:
    hub = start_hub()
    request = urllib.request.Request(hub.url, headers={"Host": "evil.example:80"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403
    assert b"only on the hub computer" in refused.value.read()
    # The kiosks' endpoints still answer whatever name they use.
    health = urllib.request.Request(hub.url + "health", headers={"Host": "hub.school.lan"})
    with urllib.request.urlopen(health, timeout=5) as ok:
        assert ok.status == 200


def test_idle_locks_the_console_and_forgets_the_key(start_hub, open_screen) -> None:
    hub = start_hub(idle=8)
    screen = open_screen(hub.url)
    set_password(screen)
    screen.tap("Agreements")
    screen.type("Passphrase for the private key", "heron copper tulip anchor")
    screen.tap("Unlock")
    screen.page.get_by_text("Unlock the school's key").wait_for(state="detached", timeout=20_000)
    started = time.monotonic()
    screen.wait_for_text("without a tap", timeout=30_000)
    assert time.monotonic() - started >= 3
    screen.type("Password", PASSWORD)
    screen.tap("Sign in")
    screen.wait_for_text("To do first")
    screen.tap("Agreements")
    screen.wait_for_text("Unlock the school's key")  # the key was forgotten
