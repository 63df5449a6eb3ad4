"""What every ``esafety`` sub-command shares: the content folder, this computer's address,
the passphrase prompt, and the kiosk's default port."""

from __future__ import annotations

import getpass
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import content as shipped_content

__all__ = ["DEFAULT_PORT", "ask_passphrase", "content_dir", "lan_address"]

DEFAULT_PORT = 8550


def content_dir(value: str | None) -> Path:
    """The content folder given with ``--content``, or the shipped sample content."""
    return Path(value) if value else shipped_content.SHIPPED_DIR


def lan_address() -> str:
    """This computer's address on the school network, for tablets to type.

    Where the name resolves only to a loopback address (Debian's ``127.0.1.1``), it is the
    address this computer would send from (found without sending anything).
    """
    try:
        named = socket.gethostbyname(socket.gethostname())
    except OSError:
        named = ""
    if named and not named.startswith("127."):
        return named
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return named or "this-computer"


def ask_passphrase(
    prompt: str, *, confirm: bool = False, check: Callable[[str], None] | None = None
) -> str:
    """The private key's passphrase: from ``ESAFETY_PASSPHRASE`` (scripts), else asked for.

    ``check`` runs on it before it is asked for again (it raises if the passphrase will not do).
    """
    given = os.environ.get("ESAFETY_PASSPHRASE")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise SystemExit(
            "esafety: no terminal to ask for the passphrase; set ESAFETY_PASSPHRASE instead"
        )
    first = getpass.getpass(prompt)
    if check is not None:
        check(first)
    if confirm and getpass.getpass("Type it again: ") != first:
        raise SystemExit("esafety: the two passphrases are different; nothing was made")
    return first
