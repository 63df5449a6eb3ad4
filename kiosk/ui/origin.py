"""The kiosk's websocket answers only pages it served itself.

A browser lets any web page open a websocket to any address, the kiosk's too,
and says which page did it in the ``Origin`` header. Without a check, a page on
the internet, opened on any tablet or on the kiosk computer, could drive a
kiosk session from inside the school network: type guesses at the staff PIN,
or set the first PIN. So the websocket is refused (closed before Flet accepts it,
code 1008, "policy") unless its ``Origin`` names the host and port the page
was served from (the ``Host`` header), or there is no ``Origin`` (no browser
sends a websocket without one; a program could send any Origin it liked anyway).

A page can choose its own name, though, and point it at the kiosk (DNS
rebinding): its Origin then matches its Host. On the kiosk computer that page's
websocket comes from 127.0.0.1, the address the first staff PIN is set from. So
a websocket from this computer must also name it by a name of its own: a
loopback address, ``localhost``, or this computer's host name (as the hub's
pairing page does). Across the network the kiosk is HTTPS, where a rebound
name fails the certificate.

This is pure ASGI around Flet's app (``flet_web.fastapi.app``), whose
``/ws`` handler (``app_handler`` in ``flet_web/fastapi/app.py``) accepts every
websocket it is given: nothing of Flet's is changed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["OriginCheck", "loopback", "names_this_computer", "same_origin"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def same_origin(origin: str | None, host: str | None, scheme: str) -> bool:
    """Whether a websocket's ``Origin`` names the ``Host`` it was sent to (or is absent)."""
    if origin is None:
        return True
    if not host:
        return False
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    secure = scheme in ("wss", "https")
    if parts.scheme not in (("https",) if secure else ("http",)) or not parts.hostname:
        return False
    default = 443 if secure else 80
    netloc = (
        parts.hostname.lower() if port in (None, default) else f"{parts.hostname.lower()}:{port}"
    )
    served = host.lower()
    if served.endswith(f":{default}"):
        served = served[: -len(f":{default}")]
    # urlsplit drops the brackets of an IPv6 host: put them back to compare.
    if ":" in parts.hostname:
        netloc = netloc.replace(parts.hostname.lower(), f"[{parts.hostname.lower()}]", 1)
    return netloc == served


def loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def names_this_computer(host: str | None) -> bool:
    """Whether a ``Host`` header names this computer: a loopback address, ``localhost``
    (or a name under it), or this computer's own host name; any port."""
    if not host:
        return False
    name = host.lower()
    if name.startswith("["):
        name = name[: name.find("]") + 1]
    else:
        name = name.rsplit(":", 1)[0]
    name = name.rstrip(".")
    own = socket.gethostname().lower()  # a system call, no DNS look-up
    return loopback(name) or name in ("localhost", own) or name.endswith(".localhost")


class OriginCheck:
    """ASGI: refuse a websocket whose Origin is not the host it was served from, or that
    comes from this computer naming another (a rebound name)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            host = headers.get(b"host")
            client = scope.get("client") or ("", 0)
            if not same_origin(headers.get(b"origin"), host, scope["scheme"]) or (
                loopback(str(client[0])) and not names_this_computer(host)
            ):
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)
