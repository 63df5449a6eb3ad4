"""Pairing a kiosk with the lead's hub: a short-lived, one-time code shown on the hub.

The code never crosses the network. The kiosk proves it knows the code with an
HMAC keyed by Argon2id(code), and the hub answers with the kiosk's long-term
secret and the school's public key, sealed together under that same key: someone
listening on the school network learns neither the code nor the secret, and
nobody without the code can hand the kiosk a key of their own to seal answers
to. Argon2id makes guessing the code offline slow.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import nacl.exceptions
import nacl.pwhash
import nacl.secret

__all__ = [
    "PairingProblem",
    "code_key",
    "new_code",
    "open_pairing",
    "pairing_text",
    "parse_pairing_text",
    "proof",
    "seal_pairing",
]

PREFIX = "ESKHUB"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to type
SECRET_BYTES = 32  # the kiosk's long-term secret
KEY_BYTES = 32  # a school public key (Curve25519)


class PairingProblem(Exception):
    """Pairing could not be done; the message says why."""


def new_code() -> str:
    """Ten characters (about 50 bits) in two groups: ``K7QD2-MX9TB``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def pairing_text(url: str, code: str) -> str:
    """What the hub shows (and puts in its QR code): its address and the code."""
    return f"{PREFIX} {url.rstrip('/')}/ {code}"


def parse_pairing_text(text: str) -> tuple[str, str]:
    """(hub address, code) from what staff typed or scanned."""
    parts = text.replace("\n", " ").split()
    if len(parts) != 3 or parts[0].upper() != PREFIX or not parts[1].startswith("http"):
        raise PairingProblem(
            f"that is not a pairing text: it looks like '{PREFIX} http://… CODE'; "
            "copy it from the hub's pairing page"
        )
    return parts[1].rstrip("/"), _clean(parts[2])


def _clean(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) != 10 or any(ch not in CODE_ALPHABET for ch in raw):
        raise PairingProblem("the pairing code is ten letters and digits, like K7QD2-MX9TB")
    return f"{raw[:5]}-{raw[5:]}"


def code_key(code: str, kiosk_id: str) -> bytes:
    """A key from the code, slow to guess (Argon2id, libsodium's interactive limits)."""
    salt = hashlib.sha256(b"esafety-pair:" + kiosk_id.encode()).digest()[
        : nacl.pwhash.argon2id.SALTBYTES
    ]
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        _clean(code).encode(),
        salt,
        opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
        memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
    )


def proof(key: bytes, kiosk_id: str) -> str:
    return hmac.new(key, b"pair:" + kiosk_id.encode(), hashlib.sha256).hexdigest()


def seal_pairing(key: bytes, secret: bytes, school_key: bytes) -> str:
    """The hub's answer: the kiosk's secret and the school's public key, in one sealed box
    (authenticated: changing a byte, or swapping in another key, makes it fail to open)."""
    return base64.b64encode(nacl.secret.SecretBox(key).encrypt(secret + school_key)).decode()


def open_pairing(key: bytes, sealed: str) -> tuple[bytes, bytes]:
    """(the kiosk's secret, the school's public key) from the hub's answer."""
    try:
        opened = nacl.secret.SecretBox(key).decrypt(base64.b64decode(sealed))
    except (ValueError, TypeError, nacl.exceptions.CryptoError):
        opened = b""
    if len(opened) != SECRET_BYTES + KEY_BYTES:
        raise PairingProblem("the hub's answer could not be opened; try pairing again")
    return opened[:SECRET_BYTES], opened[SECRET_BYTES:]
