"""The one map of a data folder: every file and folder name the project writes, in one place.

A kiosk's folder::

    kiosk.json                  settings: kiosk id, PIN hash, band, mode, public key
    responses/<kiosk>/<year>/<term>/shard-NN.json    anonymous answers
    signatures/<kiosk>/shard-NN.json                 sealed signed agreements
    requests/<kiosk>/shard-NN.json                   sealed requests to talk to someone
    requests/status.json        the lead's marks on them: seen, acted on (where the lead reads)
    questionnaire-texts/        every questionnaire text answered here, by content hash
    aup-texts.json              each agreement version's content hash, first seen
    sync/state.json             the pairing with the hub, and what it has acknowledged
    .writer.lock  .signatures.lock  .requests.lock   one writing process per folder

A hub's folder has ``responses/``, ``signatures/``, ``requests/`` and ``questionnaire-texts/``
too, and::

    hub/kiosks.json             paired kiosks, their secrets and last push numbers
    hub/sync-log.jsonl          one line per import or refusal
    hub/school-public-key.txt   the school's public key, handed to kiosks when they pair
    hub/request-arrivals.json   the day each pupil's request to talk reached the hub
    hub/incoming/               the journal: a bundle waiting to be merged
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataFolder"]


@dataclass(frozen=True)
class DataFolder:
    """Paths inside one data folder (a kiosk's or the hub's)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def settings(self) -> Path:
        return self.root / "kiosk.json"

    @property
    def responses(self) -> Path:
        return self.root / "responses"

    @property
    def signatures(self) -> Path:
        return self.root / "signatures"

    @property
    def requests(self) -> Path:
        return self.root / "requests"

    @property
    def request_status(self) -> Path:
        """The lead's marks on requests (seen, acted on); see surveys/requests/status.py."""
        return self.requests / "status.json"

    @property
    def questionnaire_texts(self) -> Path:
        return self.root / "questionnaire-texts"

    @property
    def agreement_texts(self) -> Path:
        return self.root / "aup-texts.json"

    @property
    def pin_guard(self) -> Path:
        """The wrong-PIN back-off, so that a restart does not reset it (storage/settings.py)."""
        return self.root / "pin-guard.json"

    @property
    def pin_guard_here(self) -> Path:
        """The kiosk computer's own wrong-PIN back-off, apart from the tablets'."""
        return self.root / "pin-guard-here.json"

    @property
    def sync_state(self) -> Path:
        return self.root / "sync" / "state.json"

    @property
    def release_ledger(self) -> Path:
        """Every answer figure as first published (see exports/release.py)."""
        return self.root / "releases" / "ledger.json"

    @property
    def hub(self) -> Path:
        return self.root / "hub"

    @property
    def hub_kiosks(self) -> Path:
        return self.hub / "kiosks.json"

    @property
    def request_arrivals(self) -> Path:
        return self.hub / "request-arrivals.json"

    @property
    def hub_log(self) -> Path:
        return self.hub / "sync-log.jsonl"

    @property
    def hub_incoming(self) -> Path:
        return self.hub / "incoming"

    #: Lock files (names inside ``root``), one writing process each.
    RESPONSES_LOCK = ".writer.lock"
    SIGNATURES_LOCK = ".signatures.lock"
    REQUESTS_LOCK = ".requests.lock"

    def is_hub(self) -> bool:
        return self.hub.is_dir()

    def is_kiosk(self) -> bool:
        return self.settings.is_file()
