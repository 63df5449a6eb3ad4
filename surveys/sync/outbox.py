"""The kiosk's side of sync: its pairing with the hub, its outbox, and pushing.

Finalised records are sealed, immutable and carry their UUID. Everything on the
kiosk is waiting for the hub: when the hub acknowledges a push, those records
are removed from the kiosk, so ``sync/state.json`` holds only the pairing, the
push counter and the day of the last push (never a list of ids, which would
date the rest). An interrupted push is simply sent again, and the hub's merge
makes that harmless. Pushes go in batches of at least :data:`MIN_BATCH`, and
responses never travel in the same push as signed agreements.

Network I/O goes through an injected :class:`~surveys.sync.transport.Transport`
(one method, ``post``), so tests and the real kiosk run the same code
(``UrllibTransport`` is the real one; tests use a fake that calls a hub directly).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from surveys.agreements.sealing import SealedSignature
from surveys.agreements.store import SignatureStore
from surveys.keys import fingerprint
from surveys.model import SealedResponse
from surveys.sealed import demo_public_key
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import load_texts
from surveys.sync.bundle import body_of, mac_of, make_bundle, without_ids
from surveys.sync.pairing import PairingProblem, code_key, open_secret, parse_pairing_text, proof
from surveys.sync.transport import Transport, UrllibTransport

__all__ = ["MIN_BATCH", "KioskSync", "SyncState"]

BATCH = 2000
#: The fewest records of one kind a push sends by itself (see :meth:`KioskSync.push_all`).
MIN_BATCH = 5


class SyncState(BaseModel):
    """What this kiosk knows about its hub."""

    hub_url: str | None = None
    secret: str | None = None  # hex; shared with the hub only
    counter: int = 0  # the number of the last push request sent
    #: The day (not the time) of the last push that went through.
    last_sync: str | None = None
    last_error: str | None = None


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

    def pending(self) -> tuple[list[SealedResponse], list[SealedSignature]]:
        """Everything on this kiosk that may leave it: what the hub has acknowledged has left
        already, and answers sealed to the sample school's demo key never do (anyone could
        open them off the network or a USB stick)."""
        demo = fingerprint(demo_public_key())
        responses = [
            r for r in self.store.records() if r.kiosk_id == self.kiosk_id and r.key != demo
        ]
        sigs = [
            s
            for s in (self.signatures.records() if self.signatures else [])
            if s.kiosk_id == self.kiosk_id
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

    def push_all(self, *, everything: bool = False) -> int:
        """Push what is waiting, in batches; returns how many records were sent.

        Responses and signed agreements go in separate pushes, so none puts a
        signature (a name) beside a response. Each kind is sent only when at least
        :data:`MIN_BATCH` are waiting (``everything``, for the end of the day,
        sends what there is): a push then never tells the hub when one pupil
        finished. What the hub acknowledges is removed from this kiosk.

        Raises:
            OSError: the hub cannot be reached (nothing is lost).
            PairingProblem: not paired, or the hub refused the push.
        """
        sent = 0
        with self._push_lock:
            if not self.paired:
                raise PairingProblem("this kiosk is not paired with a hub")
            responses, sigs = self.pending()
            for kind, records in (("responses", responses), ("signatures", sigs)):
                if len(records) < (1 if everything else MIN_BATCH):
                    continue
                for start in range(0, len(records), BATCH):
                    sent += self._push(kind, records[start : start + BATCH])
            self._note(None, sent=sent > 0)
        return sent

    def _push(self, kind: str, records: list[Any]) -> int:
        responses = records if kind == "responses" else []
        sigs = records if kind == "signatures" else []
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
        # The hub has them durably: they leave this kiosk. A crash before this line
        # only means they are sent again, and the hub's merge ignores a repeat.
        ids = [r.id for r in records]
        if responses:
            self.store.remove(ids)
        elif self.signatures is not None:
            self.signatures.remove(ids)
        return len(records)

    # -- bundles ------------------------------------------------------------------------

    def bundle(self) -> bytes:
        """A bundle file of every record on this kiosk (the hub's have left it already)."""
        if not self.paired:
            raise PairingProblem(
                "this kiosk is not paired with the hub, so the hub would refuse its bundles: "
                "pair it first (Staff, then Sync)"
            )
        assert self.state.secret is not None
        responses, sigs = self.pending()
        texts = _texts_for(self.root, responses)
        return make_bundle(self.kiosk_id, bytes.fromhex(self.state.secret), responses, sigs, texts)

    # -- files --------------------------------------------------------------------------

    def _note(self, error: str | None, *, sent: bool = False) -> None:
        """Keep the last error (naming no record), and the day of the last push that went."""
        with self._lock:
            self.state.last_error = without_ids(error) if error else None
            if sent:
                self.state.last_sync = dt.date.today().isoformat()
            self._save()

    def _load(self) -> SyncState:
        path = DataFolder(self.root).sync_state
        if path.is_file():
            return SyncState.model_validate_json(path.read_text(encoding="utf-8"))
        return SyncState()

    def _save(self) -> None:
        write_json_atomic(DataFolder(self.root).sync_state, self.state.model_dump(mode="json"))


def _texts_for(root: Path, responses: list[SealedResponse]) -> list[Any]:
    """Every questionnaire text kept here: a sealed response does not say which it used."""
    return list(load_texts(root).values()) if responses else []


def _reason(answer: bytes, status: int) -> str:
    try:
        return str(json.loads(answer)["detail"])
    except (ValueError, KeyError, TypeError):
        return f"the hub answered {status}"
