"""What the hub's web server takes from anyone on the network, before any handler runs.

An ASGI layer around the hub's FastAPI app (pure ASGI, so it sees every request,
on every path, before FastAPI reads a byte of the body):

* **Body limits, while streaming.** Each path has a limit (a pairing is a few
  hundred bytes, a push at most :data:`kiosk.hub.web.MAX_PUSH`, anything else
  none). A declared ``Content-Length`` over it is refused at once; a body sent
  without one is counted as it arrives and refused with 413 the moment it passes
  the limit: the hub never holds more than the limit of one request.
* **Few at a time.** At most :data:`SLOTS` requests per path are being read or
  handled at once. A few more (:data:`QUEUE`) wait up to :data:`WAIT_SECONDS` for a
  slot, their bodies unread (three kiosks pushing at the end of a lesson all get
  through); any other gets 503 with ``Retry-After`` at once, and a kiosk pushes
  again later by itself. So twelve parallel 64 MiB pushes cost two bodies, not twelve.
* **No slow bodies.** A body that stalls for :data:`IDLE_SECONDS` is dropped with
  408, and so is one that arrives slower, on the whole, than :data:`MIN_RATE`
  (it has :data:`IDLE_SECONDS` plus a second per ``MIN_RATE`` bytes received, as
  Apache's ``mod_reqtimeout`` ``body=20,MinRate=500``): a byte every 19 s no longer
  holds a slot for as long as its declared length lasts (a 4 KiB pairing: 21 hours).
* **A ticket before a slot.** A path may have a *gate* (``/push`` has one: the
  kiosk's ticket, :meth:`surveys.sync.hub.Hub.admit_push`). Its request must declare
  its length (411 if not), and the gate reads the headers before the request may wait
  for a slot or a byte of its body is read: a refusal is answered at once (403), so
  someone without a kiosk's secret never holds a slot, however slowly they send. The
  gate names the sender; while one request of a sender is waiting or being read,
  another gets 429 at once, so a stolen secret holds at most one slot (and the
  :data:`MIN_RATE` limit still applies to it). The body is cut at its declared length.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from starlette.exceptions import HTTPException

__all__ = [
    "IDLE_SECONDS",
    "MIN_RATE",
    "QUEUE",
    "RETRY_AFTER",
    "SLOTS",
    "WAIT_SECONDS",
    "Gate",
    "Refused",
    "RequestGuard",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Requests per path read or handled at once (pushes are merged one at a time anyway).
SLOTS = 2
#: Requests per path that may wait for a slot, and for how many seconds.
QUEUE = 8
WAIT_SECONDS = 5.0
#: Seconds a kiosk is asked to wait when the slots are full.
RETRY_AFTER = 30
#: Seconds a body may go without a byte arriving.
IDLE_SECONDS = 20.0
#: Bytes a second a body must average, beyond its first :data:`IDLE_SECONDS`.
MIN_RATE = 500


class Refused(Exception):
    """What a gate raises: answer ``status`` with ``detail``, the body unread."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


#: Reads a request's headers (names in lower case; the first of each) before the request
#: takes a slot; returns who sends it (one request each at a time) or raises :class:`Refused`.
Gate = Callable[[dict[str, str]], str]


class RequestGuard:
    """Per-path body limits and concurrency slots around ``app``.

    ``limits`` maps a path to its largest body in bytes (any other path: none);
    ``guarded`` are the paths whose requests take a slot; ``gates`` maps a path to the
    :data:`Gate` its requests must pass first.
    """

    def __init__(
        self,
        app: ASGIApp,
        limits: dict[str, int],
        guarded: tuple[str, ...],
        *,
        slots: int = SLOTS,
        idle_seconds: float = IDLE_SECONDS,
        gates: dict[str, Gate] | None = None,
    ) -> None:
        self.app, self.limits, self.guarded, self.gates = app, limits, guarded, gates or {}
        self.slots, self.idle_seconds = slots, idle_seconds
        self.busy: dict[str, int] = dict.fromkeys(guarded, 0)
        self.waiting: dict[str, int] = dict.fromkeys(guarded, 0)
        #: The most requests of one path ever read or handled at once (for tests).
        self.most = 0
        #: Per gated path, the senders with a request waiting or being read.
        self.senders: dict[str, set[str]] = {path: set() for path in self.gates}
        self._slots: dict[str, anyio.Semaphore] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.limits.get(path, 0)
        declared = _header(scope, b"content-length")
        if declared is not None and _length(declared) > limit:
            await _answer(send, 413, _too_large(limit))
            return
        sender = None
        if path in self.gates:
            if declared is None:
                await _answer(send, 411, "say the body's length (Content-Length)")
                return
            try:
                sender = self.gates[path](_headers(scope))
            except Refused as exc:
                await _answer(send, exc.status, exc.detail)
                return
            if sender in self.senders[path]:  # one event loop: no lock needed
                busy = "another request from this kiosk is being taken: try again shortly"
                await _answer(send, 429, busy, {"retry-after": str(RETRY_AFTER)})
                return
            self.senders[path].add(sender)
            limit = _length(declared)  # the gate vouched for this length, no more
        try:
            await self._admit(scope, receive, send, limit)
        finally:
            if sender is not None:
                self.senders[path].discard(sender)

    async def _admit(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Hand the request on: at once, or for a guarded path once it has a slot."""
        path = scope["path"]
        if path not in self.guarded:
            await self.app(scope, _limited(receive, limit, self.idle_seconds), send)
            return
        slots = self._slots.setdefault(path, anyio.Semaphore(self.slots))
        got = False
        if self.waiting[path] < QUEUE:  # one event loop: no lock needed around the counts
            self.waiting[path] += 1
            try:
                with anyio.move_on_after(WAIT_SECONDS):
                    await slots.acquire()
                    got = True
            finally:
                self.waiting[path] -= 1
        if not got:
            await _answer(
                send, 503, "the hub is busy: try again shortly", {"retry-after": str(RETRY_AFTER)}
            )
            return
        self.busy[path] += 1
        self.most = max(self.most, self.busy[path])
        try:
            await self.app(scope, _limited(receive, limit, self.idle_seconds), send)
        finally:
            self.busy[path] -= 1
            slots.release()


def _too_large(limit: int) -> str:
    if limit == 0:
        return "this address takes no body"
    return f"too large (more than {limit:,} bytes): push in smaller batches"


def _limited(receive: Receive, limit: int, idle_seconds: float) -> Receive:
    """``receive`` that counts the body as it comes and stops it at ``limit``, a stall, or
    an average under :data:`MIN_RATE`.

    Raises Starlette's ``HTTPException``: FastAPI answers it (413 or 408) from
    wherever the handler was reading the body.
    """
    received = 0
    started = anyio.current_time()
    whole = False  # the body has all arrived: what follows is only the wait for a disconnect

    async def receive_limited() -> Message:
        nonlocal received, whole
        wait = idle_seconds
        if not whole:
            budget = started + idle_seconds + received / MIN_RATE - anyio.current_time()
            wait = max(0.0, min(wait, budget))
        try:
            with anyio.fail_after(wait):
                message = await receive()
        except TimeoutError:
            raise HTTPException(408, "the body stopped arriving: send it again") from None
        if message["type"] == "http.request":
            whole = not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, _too_large(limit))
        return message

    return receive_limited


def _length(text: str) -> int:
    """A Content-Length's bytes; one that is not a length counts as endless."""
    ok = text.isascii() and text.isdigit() and len(text) <= 20
    return int(text) if ok else 2**64


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        found.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _answer(
    send: Send, status: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    # The body is left unread: close the connection rather than read what follows.
    raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
