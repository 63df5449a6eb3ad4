"""The kiosk's services: content, stores, settings and sync, shared by every tablet.

One :class:`KioskServices` per process. Sessions (one per tablet) ask it
questions and hand it work; anything that touches the disk or the network is
marked "blocking" and is called off the UI loop (``asyncio.to_thread``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from surveys.agreements.aup import Signature, Signer
from surveys.agreements.sealing import seal_signature
from surveys.agreements.signing import AgreementLibrary, SigningFlow
from surveys.agreements.store import SignatureStore
from surveys.clock import Clock, SystemClock
from surveys.content.aups import changed_without_new_version, remember_texts
from surveys.content.errors import ContentProblem
from surveys.content.library import ContentLibrary
from surveys.idle import IdlePolicy
from surveys.keys import KeyProblem, fingerprint, parse_public_key, public_key_text
from surveys.model import (
    AgeBand,
    Audience,
    HelpRoute,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
)
from surveys.requests.limit import SendLimit
from surveys.requests.model import HelpRequest
from surveys.requests.sealing import seal_request
from surveys.requests.store import RequestStore
from surveys.sealed import demo_public_key, seal_response
from surveys.storage.disk import why_not_saved
from surveys.storage.responses import ResponseStore, live_count
from surveys.storage.settings import KioskSettings, PinGuard, PinHash, load_settings, save_settings
from surveys.storage.texts import keep_texts
from surveys.sync.outbox import KioskSync
from surveys.terms import academic_year, term_of

__all__ = ["KioskServices"]

log = logging.getLogger("esafety.kiosk")


@dataclass
class KioskServices:
    """One per process: content, store and settings, shared by every pupil session."""

    library: ContentLibrary
    store: ResponseStore
    data_dir: Path
    idle: IdlePolicy
    address: str = ""
    #: SHA-256 of the HTTPS certificate tablets accept ("" when serving plain HTTP).
    tls_fingerprint: str = ""
    #: Serving the school network over plain HTTP (``--insecure-lan``).
    insecure_lan: bool = False
    signatures: SignatureStore | None = None
    #: Pupils' sealed requests to talk to someone (None: the kiosk cannot pass them on).
    requests: RequestStore | None = None
    #: Seconds between background pushes to the hub (when paired and something is waiting).
    sync_every: float = 300.0
    settings: KioskSettings = field(init=False)
    sync: KioskSync = field(init=False)
    agreements: AgreementLibrary = field(init=False)
    #: Agreements set aside because their text changed without a new version.
    agreement_problems: list[ContentProblem] = field(init=False)
    clock: Clock = field(default_factory=SystemClock)
    pins: PinGuard = field(init=False)  # kept in the data folder: a restart does not reset it
    pins_here: PinGuard = field(init=False)  # the kiosk computer's own: tablets can't lock it
    #: How many requests to talk this kiosk takes in a short time (a prank must not bury one).
    request_limit: SendLimit = field(default_factory=SendLimit)
    #: Why the last save failed, for the staff screen ("" once a save works again):
    #: the pupil is only told, calmly, to tell a teacher.
    save_problem: str = field(default="", init=False)
    _settings_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.settings = load_settings(self.data_dir)
        self.pins = PinGuard.in_folder(self.data_dir, self.clock)
        self.pins_here = PinGuard.in_folder(self.data_dir, self.clock, kiosk_computer=True)
        aups = dict(self.library.aups)
        self.agreement_problems = changed_without_new_version(aups, self.data_dir)
        set_aside = {p.agreement_id for p in self.agreement_problems}
        aups = {k: a for k, a in aups.items() if k not in set_aside}
        remember_texts(aups, self.data_dir)
        keep_texts(self.data_dir, self.library.questionnaires.values())
        self.agreements = AgreementLibrary(aups)
        self.sync = KioskSync(
            self.data_dir,
            self.settings.kiosk_id,
            self.store,
            self.signatures,
            get_key=lambda: self.settings.public_key,
            set_key=lambda text: self._update(public_key=text),
            requests=self.requests,
        )
        self._wake = threading.Event()

    # -- sync with the lead's hub (a background thread; never the UI loop) ---------------

    def start_sync(self) -> None:
        threading.Thread(target=self._sync_loop, name="esafety-sync", daemon=True).start()

    def _sync_loop(self) -> None:
        wait = self.sync_every
        while True:
            self._wake.wait(wait)
            self._wake.clear()
            if not self.sync.paired:
                wait = self.sync_every
                continue
            try:
                self.sync.push_all()
                wait = self.sync_every
            except Exception as exc:  # unreachable, refused: back off, keep the records
                log.info("sync failed (%s); trying again later", type(exc).__name__)
                wait = min(max(wait, self.sync_every) * 2, 15 * 60.0)

    def sync_now(self) -> int:
        """Push everything waiting, now. Blocking: call off the UI loop."""
        sent = self.sync.push_all()
        self._wake.set()
        return sent

    def pair_with_hub(self, text: str) -> str:
        """Pair with the hub (blocking: off the UI loop); then push what is waiting.

        The hub hands over the school's public key, and this kiosk seals to it from
        now on (it replaces the key installed before, if any).
        """
        url = self.sync.pair(text)
        self._wake.set()
        return url

    # -- what the screens ask -------------------------------------------------

    def questionnaire(self) -> Questionnaire | None:
        """The questionnaire this kiosk is set up for, if it can run."""
        s = self.settings
        if s.audience == Audience.PARENTS:
            return self.library.for_parents()
        return self.library.for_band(s.band) if s.band else None

    def is_set_up(self) -> bool:
        return self.settings.audience == Audience.PARENTS or self.settings.band is not None

    def help_routes(
        self,
        questionnaire: Questionnaire | None,
        question: Question | None = None,
        *,
        signing: SigningFlow | None = None,
    ) -> list[HelpRoute]:
        """The help cards to show now, in the words of whoever is in front of the kiosk.

        While an agreement is being signed they follow the signer, not the tablet: a
        pupil sees their year group's band (the tablet's band until they choose their
        year; ages 4-7 if the tablet has none), a parent, visitor or staff member sees
        the adults' cards. Otherwise they fit the questionnaire (and ``question``).
        """
        if signing is not None and signing.signer is not None:
            if signing.signer == Signer.PUPILS:
                years = self.library.school.year_groups
                band = next((g.band for g in years if g.id == signing.year_group), None)
                band = band or self.settings.band or AgeBand.AGES_4_7
                return self.library.routes_for_signer(Audience.PUPILS, band)
            staff = signing.signer in (Signer.STAFF, Signer.GOVERNORS, Signer.CONTRACTORS)
            return self.library.routes_for_signer(Audience.STAFF if staff else Audience.PARENTS)
        return self.library.routes_for(questionnaire, self.settings.band, question=question)

    def who_label(self) -> str:
        s, t = self.settings, self.library.strings
        if s.audience == Audience.PARENTS:
            return t.get("staff_parents_choice")
        if s.band is None:
            return "—"
        year = next((g.name for g in self.library.school.year_groups if g.id == s.year_group), None)
        return f"{s.band.label} ({year})" if year else s.band.label

    def offers_survey(self) -> bool:
        return self.settings.mode in ("survey", "both")

    def offers_agreements(self) -> bool:
        return self.settings.mode in ("aup", "both")

    def can_sign(self) -> bool:
        """Signatures need the school's public key (to seal them) and at least one agreement."""
        return (
            self.signatures is not None
            and self.naming_key() is not None
            and bool(self.agreements.signers())
        )

    def public_key(self) -> bytes | None:
        """The installed key, or None if there is none or it is damaged (then: no signing)."""
        try:
            return parse_public_key(self.settings.public_key) if self.settings.public_key else None
        except KeyProblem:
            return None

    def key_fingerprint(self) -> str | None:
        key = self.public_key()
        return fingerprint(key) if key else None

    def save_signature(self, signature: Signature) -> None:
        """Seal to the school's key, then store durably. Blocking: call off the UI loop."""
        key = self.naming_key()
        if self.signatures is None or key is None:
            raise RuntimeError("no school public key: signatures cannot be collected")
        sealed = seal_signature(signature, key)
        with self._saving():
            self.signatures.save(sealed)

    def signature_count(self) -> int:
        """Sealed signatures saved here (counted, never opened). Blocking: off the UI loop."""
        return self.signatures.count() if self.signatures else 0

    def naming_key(self) -> bytes | None:
        """The key anything with a name (a signature, a request to talk) is sealed to: the
        installed key, but None if there is none, it is damaged, or the kiosk is paired and
        it is not the key its hub handed over (a record sealed to it would never be sent,
        and whoever put that key in ``kiosk.json`` could read it)."""
        key = self.public_key()
        if (
            key is not None
            and self.sync.paired
            and fingerprint(key) != self.sync.school_fingerprint
        ):
            return None
        return key

    def can_pass_on_requests(self) -> bool:
        """A request names a child, so it needs the school's own key (never the demo key)."""
        return self.requests is not None and self.naming_key() is not None

    def save_request(self, request: HelpRequest) -> None:
        """Seal a pupil's request to the school's key, then store it durably.

        Blocking: call off the UI loop.

        Raises:
            TooManyRequests: this kiosk has taken its share just now (a prank?).
        """
        key = self.naming_key()
        if self.requests is None or key is None:
            raise RuntimeError("no school public key: requests cannot be passed on")
        self.request_limit.take()  # raises TooManyRequests: nothing stored
        with self._saving():
            self.requests.save(seal_request(request, key))

    def request_count(self) -> int:
        """Requests waiting here to be sent to the lead, exactly (counted, never opened).

        Blocking: call off the UI loop.
        """
        return self.requests.count() if self.requests else 0

    def answers_key(self) -> tuple[bytes, bool]:
        """The key answers are sealed to, and whether it is the sample school's demo key.

        The school's own key once installed (pairing installs the key the hub hands
        over). The demo key (anyone can open what it sealed; the staff screen says
        so) only on a kiosk that has no key and is paired with no hub, so that a
        fresh ``make run`` works and nothing sealed to it ever crosses the network.

        Raises:
            KeyProblem: a key is installed but damaged (never a quiet fall-back to
                the demo key), or the kiosk is paired with a hub but has no key, or
                a key other than the one the hub handed over.
        """
        text = self.settings.public_key
        if text:
            key = parse_public_key(text)
            school = self.sync.school_fingerprint
            if self.sync.paired and school != fingerprint(key):
                raise KeyProblem(
                    "this kiosk's key is not the school's key (the one its hub handed over): "
                    "pair again"
                )
            return key, False
        if self.sync.paired:
            raise KeyProblem(
                "this kiosk sends answers to a hub, so it needs the school's own key: "
                "install it on the staff screen"
            )
        return demo_public_key(), True

    def can_take_answers(self) -> bool:
        """Answers can be sealed (see :meth:`answers_key`): otherwise pupils are not asked."""
        try:
            self.answers_key()
        except KeyProblem:
            return False
        return True

    def seal_response(self, response: Response) -> SealedResponse:
        """Seal a finished response to the answers key. Keep the result to retry a save."""
        return seal_response(response, self.answers_key()[0])

    def save_response(self, record: SealedResponse) -> None:
        """Store a sealed response durably. Blocking: call off the UI loop.

        Raises:
            OSError: the disk refused (full, read-only, not ours); nothing was
                damaged, :attr:`save_problem` says why, and the same record may
                be saved again.
        """
        with self._saving():
            self.store.save(record)

    @contextmanager
    def _saving(self) -> Iterator[None]:
        """Note in :attr:`save_problem` why the disk refused a save, or that it works again."""
        try:
            yield
        except OSError as exc:
            self.save_problem = why_not_saved(exc, self.data_dir)
            log.error("a save failed: %s", self.save_problem)
            raise
        self.save_problem = ""

    def waiting(self) -> tuple[int, int]:
        """(responses, signed agreements) waiting for the hub; responses to the nearest 10.

        Blocking: call off the UI loop.
        """
        responses, signatures = self.sync.pending_counts()
        return live_count(responses), signatures

    def sealed_elsewhere(self) -> int:
        """Records here sealed to a key that is not the school's (they never leave), to the
        nearest 10. Blocking: call off the UI loop."""
        return live_count(self.sync.sealed_to_another_key())

    def counts(self) -> tuple[int, int]:
        """(all records, records this term) waiting on this kiosk, each to the nearest 10.

        Records the hub has acknowledged have left the kiosk, so these are what is
        still waiting to be sent. Blocking: call off the UI loop.
        """
        today = self.clock.today()
        this_term = f"{academic_year(today)} {term_of(today).value}"
        counts = self.store.counts()
        return live_count(counts["responses"]), live_count(counts["by_term"].get(this_term, 0))

    # -- what staff change ----------------------------------------------------

    def set_first_pin(self, pin: str, *, local: bool) -> bool:
        """Hash (scrypt) and save the first staff PIN. False, nothing saved, unless the tablet
        is this computer itself (``local``) and no PIN is set yet. Blocking: off the UI loop."""
        made = PinHash.make(pin) if local else None
        with self._settings_lock:  # two tablets at once: the first wins, the second is told
            if made is None or self.settings.pin is not None:
                return False
            self.settings = self.settings.model_copy(update={"pin": made})
            save_settings(self.data_dir, self.settings)
        return True

    def set_mode(self, mode: str) -> None:
        """What the start screen offers. Blocking (a durable write): off the UI loop."""
        self._update(mode=mode)

    def install_public_key(self, text: str) -> str:
        """Check and keep the school's public key; returns its fingerprint. Blocking.

        Raises:
            BadPublicKey: the text is not a whole key (the message says what to do).
            KeyProblem: this kiosk is paired with a hub, which handed over another key.
        """
        raw = parse_public_key(text)
        school = self.sync.school_fingerprint
        if self.sync.paired and school is not None and school != fingerprint(raw):
            raise KeyProblem(
                f"this kiosk is paired with the hub at {self.sync.state.hub_url}, which gave it "
                f"the school's key {school}; it seals to that key only. Nothing was changed"
            )

        self._update(public_key=public_key_text(raw))
        return fingerprint(raw)

    def set_audience(self, band: AgeBand | None, year_group: str | None = None) -> None:
        """Who answers here (``None`` = parents). Blocking (a durable write): off the UI loop."""
        if band is None:
            self._update(audience=Audience.PARENTS.value, band=None, year_group=None)
        else:
            self._update(audience=Audience.PUPILS.value, band=band, year_group=year_group)

    def _update(self, **changes: object) -> None:
        with self._settings_lock:
            self.settings = self.settings.model_copy(update=changes)
            save_settings(self.data_dir, self.settings)
