"""The kiosk's HTTPS certificate: the school's own, or one the kiosk makes once and keeps.

Tablets reach the kiosk over the school Wi-Fi, so the pages, the answers tapped and
the websocket that carries them are encrypted (TLS). A school whose IT runs its own
certificate authority gives the kiosk a certificate the tablets already trust
(``--tls-cert``/``--tls-key``); otherwise the kiosk makes a self-signed one in its
data folder (``tls/``, key 0600) and shows its SHA-256 fingerprint, which the
technician checks once on each tablet when accepting it (docs/tablets.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from surveys.storage.files import write_bytes_atomic

__all__ = [
    "CertificateProblem",
    "KioskCertificate",
    "fingerprint",
    "kiosk_certificate",
    "local_names",
    "school_certificate",
]

#: Apple's devices refuse a server certificate valid for longer than 825 days.
VALID_DAYS = 825
#: A certificate this close to its end is replaced (and accepted again on each tablet).
RENEW_BEFORE = dt.timedelta(days=30)
FOLDER = "tls"
CERT_FILE = "kiosk-certificate.pem"
KEY_FILE = "kiosk-key.pem"


class CertificateProblem(Exception):
    """The certificate or key given cannot be used (the message names the file and the fix)."""


@dataclass(frozen=True)
class KioskCertificate:
    """The files uvicorn serves HTTPS with, and what the technician checks on each tablet."""

    cert_file: Path
    key_file: Path
    #: SHA-256 of the certificate, colon-separated hex pairs, as browsers show it.
    fingerprint: str
    #: True when the kiosk made it (self-signed); False for the school's own.
    self_signed: bool
    #: True when it was made just now (so every tablet must accept it again).
    new: bool = False


def fingerprint(cert: x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint, ``AB:CD:...``, as a browser's viewer shows it."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def local_names(host: str) -> tuple[list[str], list[str]]:
    """This computer's names and IP addresses that tablets may type (for the certificate's SAN).

    ``host`` is what ``--host`` was given: a specific address is included as well.
    """
    names = {"localhost"}
    hostname = socket.gethostname()
    if hostname:  # (no reverse DNS look-up: offline, it can hang for seconds)
        names.add(hostname)
        if "." not in hostname:
            names.add(f"{hostname}.local")  # the name tablets see over Bonjour/mDNS
    addresses = {"127.0.0.1"}
    with contextlib.suppress(OSError):
        addresses.update(
            str(info[4][0]) for info in socket.getaddrinfo(hostname, None, socket.AF_INET)
        )
    # The address the computer would use to reach the network (no packet is sent).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            addresses.add(str(probe.getsockname()[0]))
        except OSError:
            pass
    try:
        if host not in ("0.0.0.0", "", "::"):
            addresses.add(str(ipaddress.ip_address(host)))
    except ValueError:
        names.add(host)
    addresses.discard("0.0.0.0")
    return sorted(names), sorted(addresses, key=ipaddress.ip_address)


def _covers(cert: x509.Certificate, names: list[str], addresses: list[str]) -> bool:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have_names = set(san.get_values_for_type(x509.DNSName))
    have_ips = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    return set(names) <= have_names and set(addresses) <= have_ips


def _make(names: list[str], addresses: list[str]) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, names[-1] if names else "esafety-kiosk"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-Safety Kiosk (self-signed)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    san = [x509.DNSName(n) for n in names] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in addresses
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        # Its own authority, so a tablet can install it as trusted (docs/tablets.md).
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def kiosk_certificate(data_dir: Path, host: str) -> KioskCertificate:
    """The kiosk's own self-signed certificate in ``data_dir/tls/``, made on first use.

    It is made again (and must be accepted again on each tablet) only when this
    computer's names or addresses are not in it, or it ends within 30 days.
    """
    folder = Path(data_dir) / FOLDER
    cert_file, key_file = folder / CERT_FILE, folder / KEY_FILE
    names, addresses = local_names(host)
    if cert_file.is_file() and key_file.is_file():
        try:
            cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        except ValueError:
            cert = None
        if (
            cert is not None
            and cert.not_valid_after_utc - RENEW_BEFORE > dt.datetime.now(dt.UTC)
            and _covers(cert, names, addresses)
        ):
            _check_pair(cert_file, key_file)
            return KioskCertificate(cert_file, key_file, fingerprint(cert), self_signed=True)
    cert_pem, key_pem = _make(names, addresses)
    write_bytes_atomic(key_file, key_pem)  # 0600, in a 0700 folder, from the start
    write_bytes_atomic(cert_file, cert_pem)
    cert = x509.load_pem_x509_certificate(cert_pem)
    return KioskCertificate(cert_file, key_file, fingerprint(cert), self_signed=True, new=True)


def _check_pair(cert_file: Path, key_file: Path) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_file, key_file)
    except (ssl.SSLError, OSError) as exc:
        raise CertificateProblem(
            f"{cert_file} and {key_file} cannot serve HTTPS ({exc.__class__.__name__}: {exc}). "
            "They must be PEM files, the key unencrypted and belonging to the certificate."
        ) from exc


def school_certificate(cert_file: Path, key_file: Path) -> KioskCertificate:
    """The school's own certificate (``--tls-cert``/``--tls-key``), checked before serving."""
    for path, flag in ((cert_file, "--tls-cert"), (key_file, "--tls-key")):
        if not Path(path).is_file():
            raise CertificateProblem(f"{flag} {path}: no such file")
    try:
        cert = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    except ValueError as exc:
        raise CertificateProblem(
            f"--tls-cert {cert_file}: not a PEM certificate ({exc}); "
            "ask IT for the certificate in PEM form (-----BEGIN CERTIFICATE-----)"
        ) from exc
    _check_pair(Path(cert_file), Path(key_file))
    return KioskCertificate(Path(cert_file), Path(key_file), fingerprint(cert), self_signed=False)
