"""A transport for ``KioskSync`` that hands each request straight to a real, in-process ``Hub``.

It maps URLs and headers to hub calls the way ``kiosk/hub/web.py`` does (``POST /pair`` ->
``Hub.pair``, ``POST /push`` -> ``Hub.admit_push`` (the ticket), then ``Hub.import_push``;
a refusal is a 403 with its reason as ``detail``), so the kiosk's code and the hub's code
both run for real, with no network.
It can be told to fail on cue:

- ``unreachable(n)``: the next ``n`` requests raise ``OSError`` before the hub sees them;
- ``lose_answers(n)``: the hub handles the next ``n`` requests, then the answer is lost on
  the way back (``OSError``), so the kiosk never hears that the hub merged them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from surveys.sync.bundle import Bundle, BundleRefused, parse_body
from surveys.sync.hub import Hub

#: The most a push body may hold (as the web app's ``MAX_BODY``).
MAX_BODY = 64 * 1024 * 1024


@dataclass
class FakeTransport:
    hub: Hub
    #: Every request the hub handled: (path, status), in order.
    handled: list[tuple[str, int]] = field(default_factory=list)
    #: The body of every push the hub took, parsed (what travelled, record by record).
    bodies: list[Bundle] = field(default_factory=list)
    #: Requests that failed before reaching the hub.
    refused_to_connect: int = 0
    _unreachable: int = 0
    _lose_answers: int = 0

    def unreachable(self, times: int = 1) -> None:
        """The next ``times`` requests fail as if the hub were switched off."""
        self._unreachable = times

    def lose_answers(self, times: int = 1) -> None:
        """The hub handles the next ``times`` requests, but its answers never arrive."""
        self._lose_answers = times

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self._unreachable:
            self._unreachable -= 1
            self.refused_to_connect += 1
            raise ConnectionRefusedError(111, "Connection refused (fake: hub unreachable)")
        path = urlsplit(url).path
        status, answer = self._handle(path, body, {k.lower(): v for k, v in headers.items()})
        self.handled.append((path, status))
        if path == "/push" and status == 200:
            self.bodies.append(parse_body(headers["X-Esafety-Kiosk"], body))
        if self._lose_answers:
            self._lose_answers -= 1
            raise TimeoutError("timed out (fake: the hub's answer was lost)")
        return status, json.dumps(answer).encode()

    def _handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, object]:
        if path == "/pair":
            try:
                request = json.loads(body)
                kiosk_id, proof = str(request["kiosk_id"]), str(request["proof"])
            except (ValueError, KeyError, TypeError):
                return 422, {"detail": "not a pairing request"}
            try:
                return 200, {"sealed": self.hub.pair(kiosk_id, proof)}
            except BundleRefused as exc:
                return 403, {"detail": str(exc)}
        if path == "/push":
            if len(body) > MAX_BODY:
                return 413, {"detail": "too large: push in smaller batches"}
            if headers.get("content-length") != str(len(body)):
                return 411, {"detail": "say the body's length (Content-Length)"}
            try:
                kiosk_id = headers["x-esafety-kiosk"]
                counter = int(headers["x-esafety-counter"])
                mac = headers["x-esafety-mac"]
            except (KeyError, ValueError):
                return 422, {"detail": "missing or malformed X-Esafety headers"}
            try:
                # The web app's guard checks the ticket first, before it reads the body.
                ticket = headers.get("x-esafety-ticket")
                self.hub.admit_push(kiosk_id, headers["x-esafety-counter"], len(body), ticket)
                result = self.hub.import_push(kiosk_id, counter, mac, body)
            except BundleRefused as exc:
                return 403, {"detail": str(exc)}
            return 200, result.answer()
        return 404, {"detail": "Not Found"}
