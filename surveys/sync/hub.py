"""The lead's hub: which kiosks are paired, what each has sent, and a log of every import.

Kiosks reach it by bundle file (USB stick) or by pushing over the school network
(:mod:`kiosk.hub.web` serves that). Either way a bundle is checked whole, written to a
journal, then merged, so a crash mid-merge is finished on the next start:
nothing is lost and nothing counted twice. Merge rules: same id and same content
is a no-op; same id and different content refuses the whole bundle (and is
logged); a new id is added.

The hub holds the school's public key (``hub/school-public-key.txt``, set with
``esafety hub --public-key``). It pairs no kiosk without it, hands it to each
kiosk it pairs, and refuses whole any bundle or push holding a record sealed to
another key: nobody at the school could open such a record, and whoever holds
that other key could. Stores as a kiosk's (see docs/sync.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from surveys.agreements.store import SignatureStore
from surveys.model import valid_kiosk_id
from surveys.requests.store import RequestStore
from surveys.storage.files import (
    ResponseConflict,
    StoreBusy,
    append_line,
    hide_times,
    make_private_dirs,
    write_json_atomic,
)
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts
from surveys.sync.arrivals import kiosk_stats, note_arrivals, request_arrivals, requests_waiting
from surveys.sync.bundle import (
    Bundle,
    BundleRefused,
    Imported,
    claimed_kiosk,
    is_hex_mac,
    parse_body,
    read_bundle,
    receipt,
    without_ids,
)
from surveys.sync.envelope import check_envelopes
from surveys.sync.loglimit import RefusalLimit
from surveys.sync.pairing import code_key, new_code, proof, seal_pairing
from surveys.sync.pushdoor import COUNTER_WINDOW, PushDoor, number_problem
from surveys.sync.schoolkey import SCHOOL_KEY_FILE, SchoolKeyFile

__all__ = ["CODE_LIFETIME", "COUNTER_WINDOW", "Hub", "Imported"]

CODE_LIFETIME = 10 * 60.0  # seconds a pairing code stays usable
MAX_CODES = 3
#: A hub merges in bulk, so fewer, larger files per kiosk and term than a kiosk's 64.
HUB_SHARDS = 8


class Hub:
    """The hub's state in ``root``: the store, ``hub/kiosks.json``, ``hub/sync-log.jsonl``
    and the school's public key, ``hub/school-public-key.txt``.

    ``school_key`` (raw public key bytes) sets that key first, as
    :meth:`set_school_key` does.
    """

    def __init__(self, root: Path, *, school_key: bytes | None = None) -> None:
        self.root = Path(root)
        self.folder = DataFolder(self.root)
        if self.folder.is_kiosk():
            raise StoreBusy(
                f"{self.root} is a kiosk's data folder; give the hub a folder of its own "
                "(the hub lays its files out differently)"
            )
        self.store = ResponseStore(self.root, shards=HUB_SHARDS)
        self.signatures = SignatureStore(self.root)
        self.requests = RequestStore(self.root)
        make_private_dirs(self.folder.hub)
        self._lock = threading.RLock()
        self._pair_lock = threading.Lock()  # pairing attempts, one at a time
        self._codes_lock = threading.Lock()
        self._refusals = RefusalLimit()
        self._codes: dict[str, float] = {}  # code -> monotonic expiry; in memory, one-time
        self.kiosks: dict[str, dict[str, Any]] = self._load_kiosks()
        self.door = PushDoor(self.kiosks, self._log)
        self.key_file = SchoolKeyFile(self.folder.hub / SCHOOL_KEY_FILE, self.root)
        if school_key is not None:
            self.set_school_key(school_key)
        self._finish_journal()

    # -- the school's key ------------------------------------------------------------

    @property
    def school_key(self) -> bytes | None:
        return self.key_file.key

    def set_school_key(self, public: bytes) -> str:
        """Keep the school's public key; returns its fingerprint (see :class:`SchoolKeyFile`).

        Raises:
            KeyProblem: this hub has a different school key already.
        """
        with self._lock:
            fresh = self.key_file.key is None
            fp = self.key_file.set(public)
            if fresh:
                self._log("hub", "key", f"school key set: {fp}")
            return fp

    # -- pairing -----------------------------------------------------------------

    def new_pairing_code(self) -> str:
        """A new one-time code; at most three are live (the newest), each for 10 minutes.

        Raises:
            NoSchoolKey: the hub has no school key to hand the kiosks yet.
        """
        self.key_file.require()
        with self._codes_lock:
            now = time.monotonic()
            live = sorted((t, c) for c, t in self._codes.items() if t > now)[-(MAX_CODES - 1) :]
            code = new_code()
            self._codes = {c: t for t, c in live}
            self._codes[code] = now + CODE_LIFETIME
            return code

    def pair(self, kiosk_id: str, kiosk_proof: str) -> str:
        """Check the kiosk's proof against the live codes; returns its new secret and the
        school's public key, sealed under the code (:func:`~surveys.sync.pairing.seal_pairing`).

        A kiosk id that is paired already is refused: otherwise anyone holding a
        live code could take over a kiosk. ``forget`` it on the hub first.
        Attempts are taken one at a time and slowly (Argon2id), apart from the
        lock that pushes use, so guessing cannot hold up other kiosks.
        """
        if not valid_kiosk_id(kiosk_id) or not is_hex_mac(kiosk_proof):
            raise BundleRefused("that is not a pairing request")
        school_key = self.key_file.require()
        with self._pair_lock:
            with self._codes_lock:
                now = time.monotonic()
                live = [c for c, t in self._codes.items() if t > now]
            match = None
            for code in live:
                key = code_key(code, kiosk_id)
                if hmac.compare_digest(proof(key, kiosk_id), kiosk_proof):
                    match = (code, key)
            with self._codes_lock:
                if match is None or self._codes.pop(match[0], 0) <= time.monotonic():
                    self._log(kiosk_id, "pair", "refused: no live pairing code matches")
                    raise BundleRefused(
                        "that pairing code is wrong, used already, or more than 10 minutes "
                        "old: show a new one on the hub"
                    )
        with self._lock:
            if kiosk_id in self.kiosks:
                self._log(kiosk_id, "pair", "refused: this kiosk id is paired already")
                raise BundleRefused(
                    f"{kiosk_id} is paired with this hub already. If this really is that "
                    f"kiosk, run `esafety hub --data DIR --forget {kiosk_id}` on the hub, "
                    "then pair again"
                )
            secret = secrets.token_bytes(32)
            self.kiosks[kiosk_id] = {
                "secret": secret.hex(),
                "paired_on": dt.date.today().isoformat(),
                "last_counter": 0,
                "last_seen": None,
            }
            self._save_kiosks()
            self._log(kiosk_id, "pair", "paired")
            return seal_pairing(match[1], secret, school_key)

    def forget(self, kiosk_id: str) -> bool:
        """Unpair a kiosk (its records stay). True if it was paired."""
        with self._lock:
            if self.kiosks.pop(kiosk_id, None) is None:
                return False
            self._save_kiosks()
            self._log(kiosk_id, "forget", "unpaired on the hub")
            return True

    def secret_for(self, kiosk_id: str) -> bytes | None:
        entry = self.kiosks.get(kiosk_id)
        return bytes.fromhex(entry["secret"]) if entry else None

    # -- imports -----------------------------------------------------------------

    def import_file(self, data: bytes, source: str = "bundle") -> Imported:
        """A bundle file from a USB stick. Raises :class:`BundleRefused`, logged."""
        try:
            bundle = read_bundle(data, self.secret_for)
            check_envelopes(bundle)
        except BundleRefused as exc:
            self._log(claimed_kiosk(data), source, f"refused: {exc}")
            raise
        return self._apply(bundle, source)

    def admit_push(self, kiosk_id: str, counter: str, length: int, ticket: str | None) -> None:
        """Before a push takes a slot or a byte of its body is read (:meth:`PushDoor.admit`)."""
        self.door.admit(kiosk_id, counter, length, ticket)

    def check_sender(self, kiosk_id: str, counter: int) -> Any:
        """Before a push's body is read: its MAC, running (:meth:`PushDoor.running`)."""
        return self.door.running(kiosk_id, counter)

    def check_seal(self, kiosk_id: str, running: Any, mac: str) -> None:
        """Refuse (logged) a streamed push whose MAC is not ``mac``."""
        self.door.check_seal(kiosk_id, running, mac)

    def import_push(self, kiosk_id: str, counter: int, mac: str, body: bytes) -> Imported:
        """A push over the network: authenticated, never the same request twice, and numbered
        within :data:`COUNTER_WINDOW` of the last one taken (see docs/sync.md)."""
        with self._lock:
            running = self.check_sender(kiosk_id, counter)  # each refuses, logged, itself
            running.update(body)
            self.check_seal(kiosk_id, running, mac)
            secret = bytes.fromhex(self.kiosks[kiosk_id]["secret"])
            try:
                last = int(self.kiosks[kiosk_id]["last_counter"])
                if why := number_problem(kiosk_id, counter, last, last):
                    raise BundleRefused(why)
                bundle = parse_body(kiosk_id, body)
                check_envelopes(bundle)
            except BundleRefused as exc:
                self._log(kiosk_id, "push", f"refused: {exc}")
                raise
            result = self._apply(bundle, "push")
            self.kiosks[kiosk_id]["last_counter"] = counter
            self._save_kiosks()
            return dataclasses.replace(result, receipt=receipt(secret, counter, body))

    def _apply(self, bundle: Bundle, source: str) -> Imported:
        with self._lock:
            try:
                self.key_file.check(bundle)
            except BundleRefused as exc:
                self._log(bundle.kiosk_id, source, f"refused: {exc}")
                raise
            journal = self.folder.hub_incoming / f"{bundle.digest}.json"
            write_json_atomic(journal, {"kiosk_id": bundle.kiosk_id, "body": bundle.body.decode()})
            _crash_point("after-journal")
            try:
                result = self._merge(bundle)
            except BundleRefused as exc:
                self._log(bundle.kiosk_id, source, f"refused: {exc}")
                raise
            finally:
                with contextlib.suppress(FileNotFoundError):
                    journal.unlink()
                hide_times(journal.parent)  # the folder must not date the merge
            entry = self.kiosks.get(bundle.kiosk_id)
            if entry is not None:
                entry["last_seen"] = _now()
                self._save_kiosks()
            self._log(bundle.kiosk_id, source, str(result))
            return result

    def _merge(self, bundle: Bundle) -> Imported:
        """Merge; a conflicting record refuses the bundle before anything is written."""
        try:
            for s in bundle.signatures:
                self.signatures.check(s)
            for h in bundle.requests:
                self.requests.check(h)
            added, already = self.store.import_many(bundle.responses)
        except ResponseConflict as exc:
            raise BundleRefused(f"{exc}; nothing from this bundle was imported") from None
        _crash_point("mid-merge")
        keep_texts(self.root, bundle.questionnaire_texts)
        try:
            sig_added = sum(self.signatures.save(s) for s in bundle.signatures)
            new_requests = [h.id for h in bundle.requests if self.requests.save(h)]
        except ResponseConflict as exc:  # checked above; only a race could get here
            raise BundleRefused(str(exc)) from None
        if new_requests:
            self._arrived(new_requests)
        return Imported(bundle.kiosk_id, added, already, sig_added, len(new_requests))

    def _arrived(self, ids: list[str]) -> None:
        note_arrivals(self.folder, ids)

    def request_arrivals(self) -> dict[str, str]:
        """Request id -> the day it reached this hub (ISO)."""
        return request_arrivals(self.folder)

    def requests_waiting(self) -> tuple[int, dt.date | None]:
        """Requests to talk held here that the lead has not marked seen or acted on, and the
        day the oldest of them arrived (None if none waits). Needs no key: ids and marks."""
        return requests_waiting(self.root, self.requests, self.folder)

    def _finish_journal(self) -> None:
        """Merge again anything a crash interrupted (merging twice changes nothing)."""
        for journal in sorted(self.folder.hub_incoming.glob("*.json")):
            try:
                doc = json.loads(journal.read_text(encoding="utf-8"))
                bundle = parse_body(doc["kiosk_id"], doc["body"].encode())
                result = self._merge(bundle)
                self._log(bundle.kiosk_id, "recovery", f"finished an interrupted import: {result}")
            except (ValueError, KeyError, BundleRefused, ResponseConflict) as exc:
                # A journal is written whole (atomically) before merging; one that
                # cannot be read was never acknowledged to anyone.
                why = type(exc).__name__  # by type only: a message may name a record
                self._log("unknown", "recovery", f"dropped an unreadable journal ({why})")
            journal.unlink()
            hide_times(journal.parent)

    def remove(self, record_id: str) -> str | None:
        """Take a record out (a response, signed agreement or request); its kind, or None."""
        with self._lock:
            for kind, store in (
                ("response", self.store),
                ("signed agreement", self.signatures),
                ("request to talk", self.requests),
            ):
                if store.remove([record_id]):
                    self._log("hub", "remove", f"the lead took out a {kind}")
                    return kind
            return None

    # -- what the lead sees --------------------------------------------------------

    def kiosk_stats(self) -> dict[str, dict[str, Any]]:
        """Per kiosk: responses (to the nearest 10) and signed agreements held here, and when
        it was last seen (to the hour)."""
        return kiosk_stats(self.kiosks, self.store, self.signatures)

    def close(self) -> None:
        self.store.close()
        self.signatures.close()
        self.requests.close()

    # -- files ---------------------------------------------------------------------

    def _load_kiosks(self) -> dict[str, dict[str, Any]]:
        path = self.folder.hub_kiosks
        if not path.is_file():
            return {}
        loaded: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def _save_kiosks(self) -> None:
        write_json_atomic(self.folder.hub_kiosks, self.kiosks)

    def _log(self, kiosk_id: str, source: str, outcome: str) -> None:
        """One line: the hour, the kiosk, how, and what happened, never naming a record.

        Refused pushes and pairings (anyone on the network can cause them) are logged
        up to :data:`surveys.sync.loglimit.PER_HOUR` an hour, then only counted.
        """
        at = _now()
        if outcome.startswith("refused") and source in ("push", "pair"):
            log_it, note = self._refusals.admit(at)
            if note is not None:
                self._write_log(at, "hub", source, note)
            if not log_it:
                return
        # A kiosk id can come from anyone on the network (a push's header): keep 60 characters.
        self._write_log(at, kiosk_id[:60], source, without_ids(outcome))

    def _write_log(self, at: str, kiosk_id: str, source: str, outcome: str) -> None:
        line = json.dumps({"at": at, "kiosk": kiosk_id, "via": source, "outcome": outcome})
        append_line(self.folder.hub_log, line)


def _crash_point(name: str) -> None:
    """Tests stop the hub dead here (``ESAFETY_CRASH_AT=name``), as a power cut would."""
    if os.environ.get("ESAFETY_CRASH_AT") == name:
        os._exit(137)


def _now() -> str:
    """To the hour: the log shows when kiosks synced, not when a pupil pressed Finish."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:00")
