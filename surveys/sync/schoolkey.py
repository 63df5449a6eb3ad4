"""The hub's copy of the school's public key: what every record it takes must be sealed to.

The lead gives it once (``esafety hub --public-key school-public-key.txt``); it is
kept in ``hub/school-public-key.txt``, readable by its owner only. Pairing hands
it to the kiosk (:func:`~surveys.sync.pairing.seal_pairing`), and a bundle or a
push holding a record sealed to any other key is refused whole: the school
could not open it, and whoever holds that other key could.
"""

from __future__ import annotations

from pathlib import Path

from surveys.keys import BadPublicKey, KeyProblem, fingerprint, parse_public_key, public_key_text
from surveys.storage.files import write_bytes_atomic
from surveys.sync.bundle import Bundle, BundleRefused

__all__ = ["SCHOOL_KEY_FILE", "NoSchoolKey", "SchoolKeyFile"]

#: Inside the hub's ``hub/`` folder: the name ``esafety keys init`` gives the lead's copy.
SCHOOL_KEY_FILE = "school-public-key.txt"


class NoSchoolKey(BundleRefused):
    """The hub has no school key yet, so it pairs no kiosk and takes no record."""


class SchoolKeyFile:
    """``hub/school-public-key.txt``: read when the hub starts, written once."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = Path(path)
        self.root = Path(root)
        self.key: bytes | None = self._load()

    def set(self, public: bytes) -> str:
        """Keep ``public``; returns its fingerprint. The same key again changes nothing.

        Raises:
            KeyProblem: the hub has a different key already. Kiosks paired with it
                seal to that key; changing it is the lead's decision (moving the
                file aside), never a typing slip.
        """
        if self.key is not None and self.key != public:
            raise KeyProblem(
                f"this hub has the school key {fingerprint(self.key)} already, not "
                f"{fingerprint(public)}. To change it, stop the hub, move {self.path} somewhere "
                "safe, give the new key, and pair every kiosk again"
            )
        if self.key is None:
            text = public_key_text(public) + "\n"
            write_bytes_atomic(self.path, text.encode("utf-8"), hide_mtime=True)
            self.key = public
        return fingerprint(public)

    def require(self) -> bytes:
        """The key, or :class:`NoSchoolKey` saying the exact command that gives it."""
        if self.key is None:
            raise NoSchoolKey(
                "this hub has no school key yet, so it cannot pair kiosks or take their "
                f"records: run `esafety hub --data {self.root} --public-key "
                "school-public-key.txt` (the file `esafety keys init` made)"
            )
        return self.key

    def check(self, bundle: Bundle) -> None:
        """Refuse, whole, a bundle holding any record (response, signature, request) not
        sealed to the key."""
        school = fingerprint(self.require())
        others = [r.key for r in bundle.responses if r.key != school]
        others += [s.key for s in bundle.signatures if s.key != school]
        others += [h.key for h in bundle.requests if h.key != school]
        if others:
            raise BundleRefused(
                f"{bundle.kiosk_id} sent {len(others)} record(s) sealed to another key "
                f"({', '.join(sorted(set(others)))}), not the school's key ({school}): nobody "
                "at school could open them, so nothing was imported. That kiosk's key is not "
                "the school's key: pair it again"
            )

    def _load(self) -> bytes | None:
        if not self.path.is_file():
            return None
        try:
            return parse_public_key(self.path.read_text(encoding="utf-8"))
        except (BadPublicKey, UnicodeDecodeError):
            raise BadPublicKey(
                f"{self.path} is not a whole school public key; replace it with the lead's "
                "school-public-key.txt (from `esafety keys init`)"
            ) from None
