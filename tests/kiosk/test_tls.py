"""`esafety kiosk` on the school network: HTTPS by default, plain HTTP only when asked for.

The served kiosk is started as a technician would, and fetched as a tablet would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.tls import CertificateProblem, kiosk_certificate, school_certificate
from tests.ports import free_port

EXE = str(Path(sys.executable).parent / "esafety")


def sha256_of_pem(path: Path) -> str:
    """The fingerprint a browser shows, worked out here with the standard library alone."""
    der = ssl.PEM_cert_to_DER_cert(path.read_text())
    return hashlib.sha256(der).hexdigest().upper()


def colons(hexdigest: str) -> str:
    return ":".join(hexdigest[i : i + 2] for i in range(0, len(hexdigest), 2))


class Served:
    """One ``esafety kiosk`` process and what it printed."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.port = free_port()
        self.log = tmp_path / f"kiosk-{self.port}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [EXE, "kiosk", "--port", str(self.port), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    return  # it stopped: the test reads why
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def serve(tmp_path):
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(tmp_path, *args))
        return started[-1]

    yield start
    for s in started:
        s.stop()


def fetch(url: str, context: ssl.SSLContext | None = None) -> bytes:
    with urllib.request.urlopen(url, timeout=10, context=context) as r:
        assert r.status == 200
        return bytes(r.read())


def trusting(cert_file: Path) -> ssl.SSLContext:
    """A tablet that has accepted this one certificate (and checks the address in it)."""
    return ssl.create_default_context(cafile=str(cert_file))


def make_school_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate as a school's IT might issue: RSA-free P-256, for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kiosk.sample-school.internal")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "school.pem", folder / "school-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.mark.slow
def test_the_school_network_gets_https_with_a_certificate_made_once(serve, tmp_path):
    data = tmp_path / "k"
    kiosk = serve("--data", str(data), "--host", "0.0.0.0")
    cert_file = data / "tls" / "kiosk-certificate.pem"
    page = fetch(f"https://127.0.0.1:{kiosk.port}/", trusting(cert_file))
    assert b"<html" in page.lower()
    out = kiosk.output()
    assert "serving https://" in out
    assert "Made a new self-signed certificate" in out
    printed = colons(sha256_of_pem(cert_file))
    assert f"Certificate SHA-256 fingerprint: {printed}" in out
    assert (data / "tls" / "kiosk-key.pem").stat().st_mode & 0o777 == 0o600
    assert (data / "tls").stat().st_mode & 0o777 == 0o700
    kiosk.stop()

    again = serve("--data", str(data), "--host", "0.0.0.0")
    fetch(f"https://127.0.0.1:{again.port}/", trusting(cert_file))
    assert "Made a new" not in again.output(), "a restart must not make tablets accept anew"
    assert f"Certificate SHA-256 fingerprint: {printed}" in again.output()


@pytest.mark.slow
def test_the_schools_own_certificate_is_served_when_given(serve, tmp_path):
    cert_file, key_file = make_school_certificate(tmp_path / "it")
    data = tmp_path / "k"
    kiosk = serve(
        "--data", str(data), "--host", "0.0.0.0",
        "--tls-cert", str(cert_file), "--tls-key", str(key_file),
    )  # fmt: skip
    assert b"<html" in fetch(f"https://127.0.0.1:{kiosk.port}/", trusting(cert_file)).lower()
    out = kiosk.output()
    assert f"Certificate SHA-256 fingerprint: {colons(sha256_of_pem(cert_file))}" in out
    assert not (data / "tls").exists(), "with the school's certificate the kiosk makes none"


@pytest.mark.slow
def test_insecure_lan_serves_plain_http_and_says_so_loudly(serve, tmp_path):
    kiosk = serve("--data", str(tmp_path / "k"), "--host", "0.0.0.0", "--insecure-lan")
    assert b"<html" in fetch(f"http://127.0.0.1:{kiosk.port}/").lower()
    assert "Answers cross the school Wi-Fi unencrypted" in kiosk.output()
    assert "serving http://" in kiosk.output()


@pytest.mark.slow
def test_this_computer_alone_stays_plain_http_without_a_warning(serve, tmp_path):
    kiosk = serve("--data", str(tmp_path / "k"))
    assert b"<html" in fetch(f"http://127.0.0.1:{kiosk.port}/").lower()
    assert "unencrypted" not in kiosk.output()
    assert not (tmp_path / "k" / "tls").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tls-cert", "{it}/school.pem"], "give both --tls-cert FILE and --tls-key FILE"),
        (["--tls-cert", "{it}/nothing.pem", "--tls-key", "{it}/school-key.pem"], "no such file"),
        (["--tls-cert", "{it}/school-key.pem", "--tls-key", "{it}/school-key.pem"], "not a PEM"),
        (["--tls-cert", "{it}/school.pem", "--tls-key", "{it}/other-key.pem"], "cannot serve"),
        (
            ["--tls-cert", "{it}/school.pem", "--tls-key", "{it}/school-key.pem", "--insecure-lan"],
            "contradict",
        ),
    ],
)
def test_a_certificate_that_will_not_do_stops_the_kiosk_with_the_fix(tmp_path, args, expected):
    it = tmp_path / "it"
    make_school_certificate(it)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (it / "other-key.pem").write_bytes(other)
    given = [a.format(it=it) for a in args]
    run = subprocess.run(
        [EXE, "kiosk", "--data", str(tmp_path / "k"), "--host", "0.0.0.0", "--port", "1", *given],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert expected in run.stderr
    assert "serving" not in run.stdout


def test_the_certificate_names_this_computer_and_is_remade_for_a_new_address(tmp_path):
    first = kiosk_certificate(tmp_path, "0.0.0.0")
    assert first.new and first.self_signed
    cert = x509.load_pem_x509_certificate(first.cert_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert socket.gethostname() in san.get_values_for_type(x509.DNSName)
    assert ipaddress.ip_address("127.0.0.1") in san.get_values_for_type(x509.IPAddress)
    assert first.fingerprint == colons(sha256_of_pem(first.cert_file))
    assert kiosk_certificate(tmp_path, "0.0.0.0").fingerprint == first.fingerprint

    moved = kiosk_certificate(tmp_path, "10.9.8.7")  # served on a named address not in it
    assert moved.new and moved.fingerprint != first.fingerprint
    cert = x509.load_pem_x509_certificate(moved.cert_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("10.9.8.7") in san.get_values_for_type(x509.IPAddress)


def test_a_damaged_kept_certificate_is_replaced(tmp_path):
    first = kiosk_certificate(tmp_path, "0.0.0.0")
    first.cert_file.write_text("not a certificate")
    again = kiosk_certificate(tmp_path, "0.0.0.0")
    assert again.new and again.fingerprint == colons(sha256_of_pem(again.cert_file))


def test_a_school_key_that_is_not_the_certificates_is_named(tmp_path):
    cert_file, _key = make_school_certificate(tmp_path / "a")
    _other_cert, other_key = make_school_certificate(tmp_path / "b")
    with pytest.raises(CertificateProblem, match=str(other_key)):
        school_certificate(cert_file, other_key)
