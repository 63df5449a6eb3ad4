"""The school's key pair: kiosks seal personal data to the public key; only the lead opens it.

ODK's model: a kiosk holds the public key alone, so it can seal a signature but
never read one back, and a lost tablet or USB stick leaks nothing. The private
key lives on the e-safety lead's machine, encrypted with a passphrase
(Argon2id + XSalsa20-Poly1305 from libsodium, through PyNaCl), under a
passphrase that must hold against guessing (:mod:`surveys.passphrases`). Key
files, like everything else written, are readable by their owner only.

    KeyProblem(Exception)
     ├── BadPublicKey     a typed or pasted public key that is not whole
     ├── BadKeyFile       a private key file that is not one of ours
     ├── WeakPassphrase   a new key's passphrase is too easy to guess
     ├── WrongPassphrase  the passphrase does not open the private key
     └── DamagedStore     a signature file is not what the kiosk wrote
                          (in :mod:`surveys.agreements.store`)
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

from surveys.passphrases import suggest, weakness
from surveys.storage.files import make_private_dirs, write_bytes_atomic, write_json_atomic

__all__ = [
    "BadKeyFile",
    "BadPublicKey",
    "KeyProblem",
    "SchoolKey",
    "WeakPassphrase",
    "WrongPassphrase",
    "check_passphrase",
    "fingerprint",
    "make_key_pair",
    "open_private_key",
    "parse_public_key",
    "public_key_text",
    "seal",
]

PREFIX = "ESK1"
FILE_FORMAT = "esafety-private-key"


class KeyProblem(Exception):
    """Something is wrong with a key; the message says what to do."""


class BadPublicKey(KeyProblem):
    pass


class BadKeyFile(KeyProblem):
    pass


class WeakPassphrase(KeyProblem):
    pass


class WrongPassphrase(KeyProblem):
    pass


def fingerprint(public: bytes) -> str:
    """A short name for a public key that staff can compare by eye: ``3F2A-91C0``."""
    h = hashlib.sha256(public).hexdigest()[:8].upper()
    return f"{h[:4]}-{h[4:]}"


def public_key_text(public: bytes) -> str:
    """The public key as text with a checksum, so a mistyped key is refused, not used."""
    body = base64.b32encode(public + hashlib.sha256(public).digest()[:4]).decode().rstrip("=")
    groups = [body[i : i + 4] for i in range(0, len(body), 4)]
    return "-".join([PREFIX, *groups])


def parse_public_key(text: str) -> bytes:
    """Raw key bytes from :func:`public_key_text` output (spaces, dashes and case ignored)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if not cleaned.startswith(PREFIX):
        raise BadPublicKey(
            f"a school public key starts with {PREFIX}-; copy it again from "
            "`esafety keys init` (school-public-key.txt)"
        )
    body = cleaned[len(PREFIX) :]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raw = b""
    canonical = "".join(ch for ch in public_key_text(raw[:32]) if ch.isalnum())
    if (
        len(raw) != 36
        or hashlib.sha256(raw[:32]).digest()[:4] != raw[32:]
        or canonical != cleaned  # a typo in the last letter's unused bits, too
    ):
        raise BadPublicKey(
            "this public key is incomplete or has a typing mistake (its checksum does not "
            "match); copy it again, letter by letter, or install it from the file"
        )
    return raw[:32]


def check_passphrase(passphrase: str, avoid: Iterable[str] = ()) -> None:
    """Refuse a passphrase that is easy to guess, suggesting a fresh one of random words.

    Args:
        avoid: names a guesser would try first (the school's name): the
            passphrase must hold without them.

    Raises:
        WeakPassphrase: it is too short or too easy to guess; the message says
            why and gives an example of four random words, made just now.
    """
    avoid = list(avoid)
    why = weakness(passphrase, avoid)
    if why is not None:
        raise WeakPassphrase(
            f"that passphrase is too easy to guess ({why}). Use four or more random words, "
            f"for example “{suggest(avoid)}” (picked at random just now), and keep it "
            "somewhere safe: without it nobody can read what the kiosks sealed"
        )


def make_key_pair(folder: Path, passphrase: str, *, avoid: Iterable[str] = ()) -> tuple[Path, Path]:
    """Create the school's key pair in ``folder``; returns (private file, public text file).

    Refuses a weak passphrase (see :func:`check_passphrase`; ``avoid`` is the
    school's name) before anything is written, and refuses to overwrite an
    existing private key: losing it makes every signature sealed to it
    unreadable for ever. The files and the folder are their owner's alone.
    """
    check_passphrase(passphrase, avoid)
    make_private_dirs(folder)
    private_path = folder / "school-private-key.json"
    public_path = folder / "school-public-key.txt"
    if private_path.exists():
        raise KeyProblem(
            f"{private_path} exists already; it may be the only key to signatures "
            "collected so far. Move it somewhere safe before making a new one."
        )
    key = PrivateKey.generate()
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    ops, mem = nacl.pwhash.argon2id.OPSLIMIT_MODERATE, nacl.pwhash.argon2id.MEMLIMIT_MODERATE
    box = nacl.secret.SecretBox(_derive(passphrase, salt, ops, mem))
    public = bytes(key.public_key)
    doc = {
        "format": FILE_FORMAT,
        "version": 1,
        "kdf": {"name": "argon2id", "salt": _b64(salt), "opslimit": ops, "memlimit": mem},
        "sealed_private_key": _b64(box.encrypt(bytes(key))),
        "public_key": public_key_text(public),
        "fingerprint": fingerprint(public),
    }
    write_json_atomic(private_path, doc)
    write_bytes_atomic(public_path, (public_key_text(public) + "\n").encode("utf-8"))
    return private_path, public_path


@dataclass(frozen=True)
class SchoolKey:
    """The opened private key: it can open what kiosks sealed."""

    private: PrivateKey

    @property
    def fingerprint(self) -> str:
        return fingerprint(bytes(self.private.public_key))

    def open(self, sealed: bytes) -> bytes:
        return SealedBox(self.private).decrypt(sealed)

    def record_key(self, plaintext: bytes) -> int:
        """A 64-bit number for one opened record that only this key's holder can work out.

        It is drawn from the record's whole plaintext (id, answers, padding), so a
        record resealed under the same id with other answers gets another key. The
        export's cell-key perturbation (:mod:`exports.noise`) adds these up per group
        of records: the same records always give the same noise, and nobody without
        the private key can predict it.
        """
        mac = hashlib.blake2b(plaintext, key=self._cell_secret, digest_size=8)
        return int.from_bytes(mac.digest(), "big")

    @property
    def fixed_key(self) -> int:
        """A 64-bit number for the noise every release of a cell shares, whatever its records."""
        mac = hashlib.blake2b(b"fixed", key=self._cell_secret, digest_size=8)
        return int.from_bytes(mac.digest(), "big")

    @cached_property
    def _cell_secret(self) -> bytes:
        return hashlib.blake2b(bytes(self.private), person=b"esafety-cellkey").digest()[:32]


def open_private_key(path: Path, passphrase: str) -> SchoolKey:
    """Open the lead's private key file, or raise a :class:`KeyProblem` that says why."""
    try:
        doc: Any = json.loads(Path(path).read_text(encoding="utf-8"))
        kdf = doc["kdf"]
        if doc.get("format") != FILE_FORMAT or kdf["name"] != "argon2id":
            raise ValueError(doc.get("format"))
        salt, sealed = base64.b64decode(kdf["salt"]), base64.b64decode(doc["sealed_private_key"])
        ops, mem = int(kdf["opslimit"]), int(kdf["memlimit"])
    except FileNotFoundError:
        raise BadKeyFile(f"{path}: no such file; give the school-private-key.json path") from None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BadKeyFile(
            f"{path} is not a school private key made by `esafety keys init`"
        ) from None
    try:
        box = nacl.secret.SecretBox(_derive(passphrase, salt, ops, mem))
    except (ValueError, TypeError, nacl.exceptions.CryptoError):
        raise BadKeyFile(f"{path} is damaged: its key settings are not valid") from None
    try:
        raw = box.decrypt(sealed)
    except nacl.exceptions.CryptoError:
        raise WrongPassphrase(
            f"the passphrase does not open {path}; nothing was read or written"
        ) from None
    return SchoolKey(PrivateKey(raw))


def seal(public: bytes, plaintext: bytes) -> bytes:
    """Encrypt for the holder of the private key; the sealer cannot open it again."""
    return SealedBox(PublicKey(public)).encrypt(plaintext)


def _derive(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=ops, memlimit=mem
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
