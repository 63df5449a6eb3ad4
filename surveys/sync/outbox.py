"""The kiosk's side of sync: its pairing with the hub, its outbox, and pushing.

Finalised records are immutable and carry their UUID. The kiosk remembers
which ids the hub has acknowledged (``sync/state.json``); everything else is
pending. A push sends pending records in batches; only an answer from the hub
marks them acknowledged, so an interrupted push is simply sent again (and the
hub's merge makes that harmless).

Network I/O goes through an injected :class:`~surveys.sync.transport.Transport`
(one method, ``post``), so tests and the real kiosk run the same code
(``UrllibTransport`` is the real one; tests use a fake that calls a hub directly).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from surveys.agreements.sealing import SealedSignature
from surveys.agreements.store import SignatureStore
from surveys.model import Response
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import load_texts
from surveys.sync.bundle import body_of, mac_of, make_bundle
from surveys.sync.pairing import PairingProblem, code_key, open_secret, parse_pairing_text, proof
from surveys.sync.transport import Transport, UrllibTransport

__all__ = ["KioskSync", "PushResult", "SyncState"]

BATCH = 2000


class SyncState(BaseModel):
    """What this kiosk knows about its hub."""

    hub_url: str | None = None
    secret: str | None = None  # hex; shared with the hub only
    counter: int = 0  # the number of the last push request sent
    acked_responses: set[str] = Field(default_factory=set)
    acked_signatures: set[str] = Field(default_factory=set)
    last_sync: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class PushResult:
    sent: int
    added: int
    pending_after: int


class KioskSync:
    """One kiosk's outbox and its conversation with the hub."""

    def __init__(
        self,
        root: Path,
        kiosk_id: str,
        store: ResponseStore,
        signatures: SignatureStore | None,
        transport: Transport | None = None,
    ) -> None:
        self.root = Path(root)
        self.kiosk_id = kiosk_id
        self.store = store
        self.signatures = signatures
        self.transport = transport or UrllibTransport()
        self._lock = threading.Lock()
        #: One push at a time (background thread and "Sync now"), so numbers arrive in order.
        self._push_lock = threading.RLock()
        self.state = self._load()

    # -- state ----------------------------------------------------------------------

    @property
    def paired(self) -> bool:
        return self.state.secret is not None and self.state.hub_url is not None

    def pending(self) -> tuple[list[Response], list[SealedSignature]]:
        acked_r, acked_s = self.state.acked_responses, self.state.acked_signatures
        responses = [
            r for r in self.store.responses() if r.kiosk_id == self.kiosk_id and r.id not in acked_r
        ]
        sigs = [
            s
            for s in (self.signatures.records() if self.signatures else [])
            if s.kiosk_id == self.kiosk_id and s.id not in acked_s
        ]
        return responses, sigs

    def pending_counts(self) -> tuple[int, int]:
        responses, sigs = self.pending()
        return len(responses), len(sigs)

    # -- pairing --------------------------------------------------------------------

    def pair(self, text: str) -> str:
        """Pair with the hub named in ``text`` (as shown on the hub). Returns its address.

        Raises:
            PairingProblem: the text is wrong, the hub refused, or it cannot be reached.
        """
        url, code = parse_pairing_text(text)
        key = code_key(code, self.kiosk_id)
        body = json.dumps({"kiosk_id": self.kiosk_id, "proof": proof(key, self.kiosk_id)})
        try:
            status, answer = self.transport.post(
                f"{url}/pair", body.encode(), {"Content-Type": "application/json"}
            )
        except OSError as exc:
            raise PairingProblem(f"cannot reach the hub at {url} ({exc})") from None
        if status != 200:
            raise PairingProblem(_reason(answer, status))
        secret = open_secret(key, json.loads(answer)["sealed_secret"])
        with self._lock:
            self.state = SyncState(hub_url=url, secret=secret.hex())
            self._save()
        return url

    # -- pushing --------------------------------------------------------------------

    def push_once(self) -> PushResult:
        """Send one batch of pending records. Raises OSError/PairingProblem on failure."""
        with self._push_lock:
            return self._push_once()

    def _push_once(self) -> PushResult:
        if not self.paired:
            raise PairingProblem("this kiosk is not paired with a hub")
        responses, sigs = self.pending()
        responses, sigs = responses[:BATCH], sigs[:BATCH]
        if not responses and not sigs:
            self._note(None)
            return PushResult(0, 0, 0)
        texts = _texts_for(self.root, responses)
        body = body_of(self.kiosk_id, responses, sigs, texts)
        with self._lock:
            self.state.counter += 1  # saved before sending: a number is never reused
            counter = self.state.counter
            self._save()
        assert self.state.secret is not None and self.state.hub_url is not None
        secret = bytes.fromhex(self.state.secret)
        signed = str(counter).encode() + b"\n" + body
        headers = {
            "Content-Type": "application/json",
            "X-Esafety-Kiosk": self.kiosk_id,
            "X-Esafety-Counter": str(counter),
            "X-Esafety-Mac": mac_of(secret, signed, b"push"),
        }
        try:
            status, answer = self.transport.post(f"{self.state.hub_url}/push", body, headers)
        except OSError as exc:
            self._note(f"hub not reachable: {exc}")
            raise
        if status != 200:
            reason = _reason(answer, status)
            self._note(reason)
            raise PairingProblem(reason)
        result = json.loads(answer)
        with self._lock:
            self.state.acked_responses |= {r.id for r in responses}
            self.state.acked_signatures |= {s.id for s in sigs}
            self._save()
        self._note(None)
        left = sum(self.pending_counts())
        return PushResult(len(responses) + len(sigs), int(result.get("added", 0)), left)

    def push_all(self) -> int:
        """Push until nothing is pending; returns how many records were sent."""
        sent = 0
        with self._push_lock:
            while True:
                result = self._push_once()
                sent += result.sent
                if result.sent == 0 or result.pending_after == 0:
                    return sent

    # -- bundles ------------------------------------------------------------------------

    def bundle(self, *, pending_only: bool = False) -> bytes:
        """A bundle file of this kiosk's records (all of them, or only those not yet acked)."""
        if not self.paired:
            raise PairingProblem(
                "this kiosk is not paired with the hub, so the hub would refuse its bundles: "
                "pair it first (Staff, then Sync)"
            )
        assert self.state.secret is not None
        if pending_only:
            responses, sigs = self.pending()
        else:
            responses = [r for r in self.store.responses() if r.kiosk_id == self.kiosk_id]
            sigs = [
                s
                for s in (self.signatures.records() if self.signatures else [])
                if s.kiosk_id == self.kiosk_id
            ]
        texts = _texts_for(self.root, responses)
        return make_bundle(self.kiosk_id, bytes.fromhex(self.state.secret), responses, sigs, texts)

    # -- files --------------------------------------------------------------------------

    def _note(self, error: str | None) -> None:
        with self._lock:
            self.state.last_error = error
            if error is None:
                self.state.last_sync = dt.datetime.now().isoformat(timespec="minutes")
            self._save()

    def _load(self) -> SyncState:
        path = DataFolder(self.root).sync_state
        if path.is_file():
            return SyncState.model_validate_json(path.read_text(encoding="utf-8"))
        return SyncState()

    def _save(self) -> None:
        write_json_atomic(DataFolder(self.root).sync_state, self.state.model_dump(mode="json"))


def _texts_for(root: Path, responses: Iterable[Response]) -> list[Any]:
    texts = load_texts(root)
    wanted = {r.content_hash for r in responses}
    return [q for h, q in texts.items() if h in wanted]


def _reason(answer: bytes, status: int) -> str:
    try:
        return str(json.loads(answer)["detail"])
    except (ValueError, KeyError, TypeError):
        return f"the hub answered {status}"
