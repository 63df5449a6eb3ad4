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

Pairing also hands the kiosk the school's public key, and the kiosk adopts it
(it replaces whatever key ``kiosk.json`` had): a kiosk paired with a hub seals to
that hub's school key. Only records sealed to it ever leave; records sealed to
any other key (the demo key, or a key installed before pairing) stay, counted on
the staff screen. If the kiosk's key is changed after pairing, nothing is sent
until staff pair again.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from surveys.agreements.sealing import SealedSignature
from surveys.agreements.store import SignatureStore
from surveys.keys import KeyProblem, fingerprint, parse_public_key, public_key_text
from surveys.model import SealedResponse
from surveys.requests.sealing import SealedRequest
from surveys.requests.store import RequestStore
from surveys.sealed import demo_public_key
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import load_settings, save_settings
from surveys.storage.texts import load_texts
from surveys.sync.bundle import body_of, mac_of, make_bundle, push_ticket, receipt, without_ids
from surveys.sync.pairing import PairingProblem, code_key, open_pairing, parse_pairing_text, proof
from surveys.sync.transport import Transport, UrllibTransport

__all__ = ["MIN_BATCH", "KioskSync", "SettingsFileKey", "SyncState"]

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
    #: The school's public key (as text) the hub handed over when they were paired.
    school_key: str | None = None


class SettingsFileKey:
    """The key this kiosk seals to, as ``kiosk.json`` holds it (the ``esafety`` commands).

    The kiosk app passes its own pair of functions instead, over the settings it
    holds in memory (:class:`kiosk.ui.services.KioskServices`).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def get(self) -> str | None:
        if not DataFolder(self.root).settings.is_file():
            return None
        return load_settings(self.root).public_key

    def set(self, text: str) -> None:
        settings = load_settings(self.root)
        save_settings(self.root, settings.model_copy(update={"public_key": text}))


class KioskSync:
    """One kiosk's outbox and its conversation with the hub."""

    def __init__(
        self,
        root: Path,
        kiosk_id: str,
        store: ResponseStore,
        signatures: SignatureStore | None,
        transport: Transport | None = None,
        *,
        get_key: Callable[[], str | None] | None = None,
        set_key: Callable[[str], None] | None = None,
        requests: RequestStore | None = None,
    ) -> None:
        """``get_key``/``set_key`` read and replace the key this kiosk seals to (as text);
        by default, ``kiosk.json``'s (:class:`SettingsFileKey`). ``requests``: the
        pupils' requests to talk, sent like the other records."""
        self.root = Path(root)
        self.kiosk_id = kiosk_id
        self.store = store
        self.signatures = signatures
        self.requests = requests
        self.transport = transport or UrllibTransport()
        on_disk = SettingsFileKey(self.root)
        self.get_key = get_key or on_disk.get
        self.set_key = set_key or on_disk.set
        self._lock = threading.Lock()
        #: One push at a time (background thread and "Sync now"), so numbers arrive in order.
        self._push_lock = threading.RLock()
        self.state = self._load()

    # -- state ----------------------------------------------------------------------

    @property
    def paired(self) -> bool:
        return self.state.secret is not None and self.state.hub_url is not None

    @property
    def school_fingerprint(self) -> str | None:
        """The fingerprint of the school key the hub handed over (None before pairing)."""
        if self.state.school_key is None:
            return None
        return fingerprint(parse_public_key(self.state.school_key))

    def pending(self) -> tuple[list[SealedResponse], list[SealedSignature]]:
        """Everything on this kiosk that may leave it: what the hub has acknowledged has left
        already. Once paired, only records sealed to the school's key the hub handed over
        leave; before, anything but answers sealed to the sample school's demo key (anyone
        could open those off the network or a USB stick), which never leave."""
        school = self.school_fingerprint
        demo = fingerprint(demo_public_key())

        def may_leave(key: str) -> bool:
            return key == school if school is not None else key != demo

        responses = [
            r for r in self.store.records() if r.kiosk_id == self.kiosk_id and may_leave(r.key)
        ]
        sigs = [
            s
            for s in (self.signatures.records() if self.signatures else [])
            if s.kiosk_id == self.kiosk_id and may_leave(s.key)
        ]
        return responses, sigs

    def pending_requests(self) -> list[SealedRequest]:
        """The pupils' requests to talk that may leave (sealed to the school's key)."""
        school = self.school_fingerprint
        demo = fingerprint(demo_public_key())
        return [
            h
            for h in (self.requests.records() if self.requests else [])
            if h.kiosk_id == self.kiosk_id and (h.key == school if school else h.key != demo)
        ]

    def sealed_to_another_key(self) -> int:
        """This kiosk's records (responses and signed agreements) sealed to a key that is not
        the school key the hub handed over: they never leave, as the school cannot open
        them (0 before pairing)."""
        school = self.school_fingerprint
        if school is None:
            return 0
        records: list[Any] = [*self.store.records()]
        records += self.signatures.records() if self.signatures else []
        records += self.requests.records() if self.requests else []
        return sum(r.kiosk_id == self.kiosk_id and r.key != school for r in records)

    def check_key(self) -> None:
        """Refuse to send anything unless this kiosk seals to the key the hub handed over.

        Raises:
            PairingProblem: not paired, or the key was changed after pairing (or the
                pairing is older than the hub handing over keys): pair again.
        """
        if not self.paired:
            raise PairingProblem(
                "this kiosk is not paired with the hub, so the hub would refuse its records: "
                "pair it first (Staff, then Sync)"
            )
        try:
            text = self.get_key()
            same = text is not None and self.state.school_key is not None
            same = same and parse_public_key(text or "") == parse_public_key(
                self.state.school_key or ""
            )
        except KeyProblem:
            same = False
        if not same:
            raise PairingProblem(
                "this kiosk's key is not the school's key: pair again (on the hub first: "
                f"`esafety hub --data DIR --forget {self.kiosk_id}`). Nothing was sent"
            )

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
        try:
            sealed = str(json.loads(answer)["sealed"])
        except (ValueError, KeyError, TypeError):
            raise PairingProblem("the hub's answer could not be read; try pairing again") from None
        secret, school_key = open_pairing(key, sealed)
        school_text = public_key_text(school_key)
        with self._lock:
            # The key first: a crash between the two leaves a kiosk that is not paired
            # yet (pair again), never one paired but sealing to another key.
            self.set_key(school_text)
            self.state = SyncState(hub_url=url, secret=secret.hex(), school_key=school_text)
            self._save()
        return url

    # -- pushing --------------------------------------------------------------------

    def push_all(self, *, everything: bool = False) -> int:
        """Push what is waiting, in batches; returns how many records were sent.

        Responses, signed agreements and requests to talk go in separate pushes,
        so none puts a name beside a response. Responses and signatures are sent
        only when at least :data:`MIN_BATCH` are waiting (``everything``, for the
        end of the day, sends what there is): a push then never tells the hub
        when one pupil finished. A request to talk goes at once, alone: the
        lead must see it the same day, and it has a name, not answers. What the
        hub acknowledges is removed from this kiosk.

        Raises:
            OSError: the hub cannot be reached (nothing is lost).
            PairingProblem: not paired, or the hub refused the push.
        """
        sent = 0
        with self._push_lock:
            try:
                self.check_key()
            except PairingProblem as exc:
                self._note(str(exc))
                raise
            responses, sigs = self.pending()
            asks = self.pending_requests()
            for kind, records in (
                ("requests", asks),
                ("responses", responses),
                ("signatures", sigs),
            ):
                least = 1 if everything or kind == "requests" else MIN_BATCH
                if len(records) < least:
                    continue
                for start in range(0, len(records), BATCH):
                    sent += self._push(kind, records[start : start + BATCH])
            self._note(None, sent=sent > 0)
        return sent

    def _push(self, kind: str, records: list[Any]) -> int:
        responses = records if kind == "responses" else []
        sigs = records if kind == "signatures" else []
        asks = records if kind == "requests" else []
        texts = _texts_for(self.root, responses)
        body = body_of(self.kiosk_id, responses, sigs, texts, requests=asks)
        with self._lock:
            self.state.counter += 1  # saved before sending: a number is never reused
            counter = self.state.counter
            self._save()
        assert self.state.secret is not None and self.state.hub_url is not None
        secret = bytes.fromhex(self.state.secret)
        signed = str(counter).encode() + b"\n" + body
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "X-Esafety-Kiosk": self.kiosk_id,
            "X-Esafety-Counter": str(counter),
            "X-Esafety-Mac": mac_of(secret, signed, b"push"),
            # Checked before the hub reads the body or gives the push a slot (docs/sync.md).
            "X-Esafety-Ticket": push_ticket(secret, self.kiosk_id, counter, len(body)),
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
        if not _receipt_checks(answer, receipt(secret, counter, body)):
            reason = (
                "the answer to the push did not come from the paired hub (no receipt signed "
                "with this kiosk's key): nothing was let go; check the hub address"
            )
            self._note(reason)
            raise PairingProblem(reason)
        # The hub has them durably: they leave this kiosk. A crash before this line
        # only means they are sent again, and the hub's merge ignores a repeat.
        ids = [r.id for r in records]
        if responses:
            self.store.remove(ids)
        elif sigs and self.signatures is not None:
            self.signatures.remove(ids)
        elif asks and self.requests is not None:
            self.requests.remove(ids)
        return len(records)

    # -- bundles ------------------------------------------------------------------------

    def bundle(self) -> bytes:
        """A bundle file of every record here that may leave (see :meth:`pending`).

        Raises:
            PairingProblem: not paired, or this kiosk's key is not the school's.
        """
        self.check_key()
        assert self.state.secret is not None
        responses, sigs = self.pending()
        texts = _texts_for(self.root, responses)
        secret = bytes.fromhex(self.state.secret)
        return make_bundle(
            self.kiosk_id, secret, responses, sigs, texts, requests=self.pending_requests()
        )

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


def _receipt_checks(answer: bytes, expected: str) -> bool:
    try:
        got = json.loads(answer)["receipt"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(got, str) and hmac.compare_digest(got, expected)


def _reason(answer: bytes, status: int) -> str:
    try:
        return str(json.loads(answer)["detail"])
    except (ValueError, KeyError, TypeError):
        return f"the hub answered {status}"
