"""``esafety kiosk``, ``esafety content check`` and ``coverage``, ``stats``, ``demo-data``.

Only ``esafety kiosk`` imports Flet (when it starts serving); the others run on the core alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import DEFAULT_PORT, content_dir, lan_address
from kiosk.tls import CertificateProblem, KioskCertificate, kiosk_certificate, school_certificate
from surveys.agreements.store import SignatureStore
from surveys.content.errors import ContentError, Severity
from surveys.content.library import check_content, load_content
from surveys.keys import KeyProblem, parse_public_key
from surveys.requests.store import RequestStore
from surveys.sealed import demo_public_key
from surveys.storage.disk import DataFolderUnwritable, check_writable, why_not_saved
from surveys.storage.files import StoreBusy
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore, live_count
from surveys.storage.settings import load_settings
from surveys.terms import academic_year, term_of

__all__ = ["INSECURE_WARNING", "add_parsers"]

#: Addresses that serve this computer alone (plain HTTP is fine there).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
INSECURE_WARNING = (
    "\n"
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    "!! WARNING (--insecure-lan): plain HTTP on the school network.                 !!\n"
    "!! Answers cross the school Wi-Fi unencrypted: anyone on it can see each       !!\n"
    "!! answer as it is tapped, typed names, signatures and the staff PIN.          !!\n"
    "!! Drop --insecure-lan to serve HTTPS (docs/tablets.md).                       !!\n"
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
)


def cmd_kiosk(args: argparse.Namespace) -> int:
    from surveys.idle import IdlePolicy

    try:
        library = load_content(content_dir(args.content))
    except ContentError as exc:
        print("The kiosk cannot start: its content folder has errors.\n", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    try:
        idle = IdlePolicy(args.idle_warn, args.idle_reset)
    except ValueError as exc:
        print(f"esafety kiosk: {exc}", file=sys.stderr)
        return 2
    if DataFolder(Path(args.data)).is_hub():
        print(
            f"esafety kiosk: {args.data} is the hub's data folder; give the kiosk its own",
            file=sys.stderr,
        )
        return 1
    try:
        check_writable(Path(args.data))  # now, not when the first pupil taps Finish
        store = ResponseStore(Path(args.data))
        signatures = SignatureStore(Path(args.data))
        requests = RequestStore(Path(args.data))
    except (StoreBusy, DataFolderUnwritable) as exc:
        print(f"esafety kiosk: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"esafety kiosk: {why_not_saved(exc, Path(args.data))}", file=sys.stderr)
        return 1
    if args.desktop:
        print(
            "esafety kiosk: --desktop needs the Flet desktop client, which is not installed "
            "and cannot be downloaded offline; use the web kiosk (the default).",
            file=sys.stderr,
        )
        return 1

    from kiosk.ui.app import serve
    from kiosk.ui.services import KioskServices

    local = args.host in LOCAL_HOSTS
    try:
        certificate = _certificate(args, local)
    except CertificateProblem as exc:
        print(f"esafety kiosk: {exc}", file=sys.stderr)
        return 1
    scheme = "http" if certificate is None else "https"
    shown_host = "127.0.0.1" if local else lan_address()
    address = f"{scheme}://{shown_host}:{args.port}/"
    server = KioskServices(
        library=library,
        store=store,
        data_dir=Path(args.data),
        idle=idle,
        signatures=signatures,
        requests=requests,
        sync_every=args.sync_every,
        address="" if local else address,
        tls_fingerprint=certificate.fingerprint if certificate else "",
        insecure_lan=certificate is None and not local,
    )
    for item in library.unavailable:
        print(f"warning: {item.file} is unavailable: {item.problems[0]}", file=sys.stderr)
    if certificate is None and not local:
        print(INSECURE_WARNING, file=sys.stderr, flush=True)
    print(f"E-Safety Kiosk: serving {address}  (data: {args.data}; Ctrl+C stops)", flush=True)
    if certificate is not None:
        _describe(certificate)
    try:
        serve(server, host=args.host, port=args.port, certificate=certificate)
    finally:
        store.close()
        signatures.close()
    return 0


def _certificate(args: argparse.Namespace, local: bool) -> KioskCertificate | None:
    """The certificate to serve with: the school's, the kiosk's own, or none (plain HTTP)."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CertificateProblem("give both --tls-cert FILE and --tls-key FILE, or neither")
    if args.tls_cert:
        if args.insecure_lan:
            raise CertificateProblem("--insecure-lan and --tls-cert contradict; drop one")
        return school_certificate(Path(args.tls_cert), Path(args.tls_key))
    if local or args.insecure_lan:
        return None
    return kiosk_certificate(Path(args.data), args.host)


def _describe(certificate: KioskCertificate) -> None:
    if not certificate.self_signed:
        print(f"HTTPS with the school's certificate {certificate.cert_file}", flush=True)
    elif certificate.new:
        print(
            f"Made a new self-signed certificate: {certificate.cert_file}\n"
            "Accept it once on each tablet, checking this fingerprint (docs/tablets.md).",
            flush=True,
        )
    else:
        print(f"HTTPS with this kiosk's own certificate {certificate.cert_file}", flush=True)
    print(f"Certificate SHA-256 fingerprint: {certificate.fingerprint}", flush=True)


def cmd_content_check(args: argparse.Namespace) -> int:
    folder = content_dir(args.dir)
    _library, problems = check_content(folder)
    errors = [p for p in problems if p.severity == Severity.ERROR]
    for p in problems:
        print(p)
    print(f"\n{folder}: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def cmd_content_coverage(args: argparse.Namespace) -> int:
    from surveys.content.coverage import MIN_PER_STRAND, coverage_markdown, thin_cells

    try:
        library = load_content(content_dir(args.dir))
    except ContentError as stopped:
        print(stopped, file=sys.stderr)
        return 1
    print(coverage_markdown(library), end="")
    thin = thin_cells(library)
    for band, strand, count in thin:
        print(
            f"thin: {band} has {count} question(s) on {strand}; "
            f"add questions until it has {MIN_PER_STRAND}",
            file=sys.stderr,
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    data = Path(args.data)
    folder = DataFolder(data)
    if not folder.responses.is_dir() and not folder.is_kiosk():
        print(f"esafety stats: {data} holds no kiosk data", file=sys.stderr)
        return 1
    raw = ResponseStore(data, writer=False).counts()
    # Answers are sealed: counts only. A term still open, and every total that
    # includes it, is shown to the nearest 10 (docs/privacy.md, "One release policy").
    today = dt.date.today()
    this_term = f"{academic_year(today)} {term_of(today).value}"
    counts: dict[str, Any] = {
        "responses": live_count(raw["responses"]),
        "by_term": {
            name: live_count(n) if name == this_term else n for name, n in raw["by_term"].items()
        },
        "by_kiosk": {name: live_count(n) for name, n in raw["by_kiosk"].items()},
        "rounded": f"to the nearest 10: the total, each kiosk, and {this_term} (still open)",
    }
    # Sealed: this machine can count signed agreements, never read them.
    sig_records = list(SignatureStore(data, writer=False).records())
    counts["signed_agreements"] = len(sig_records)
    kiosks_file = folder.hub_kiosks
    if kiosks_file.is_file():  # a hub: per kiosk, what arrived and when it was last seen
        paired = json.loads(kiosks_file.read_text(encoding="utf-8"))
        ids = sorted(set(paired) | set(counts["by_kiosk"]) | {s.kiosk_id for s in sig_records})
        counts["hub_kiosks"] = {
            k: {
                "responses": counts["by_kiosk"].get(k, 0),
                "signed_agreements": sum(s.kiosk_id == k for s in sig_records),
                "paired": k in paired,
                "last_seen": (paired.get(k) or {}).get("last_seen"),
            }
            for k in ids
        }
    if args.json:
        print(json.dumps(counts, indent=2))
        return 0
    print(f"about {counts['responses']} responses in {data} (sealed: counts only)")
    print(f"{counts['signed_agreements']} signed agreements (sealed; see `esafety register`)")
    print(f"rounded {counts['rounded']}")
    for key in ("by_term", "by_kiosk"):
        print(f"\n{key.removeprefix('by_')}:")
        for name, n in counts[key].items():
            print(f"  {name:30} {n}")
    for kiosk, seen in counts.get("hub_kiosks", {}).items():
        print(
            f"\nhub: {kiosk}: {seen['responses']} responses, {seen['signed_agreements']} signed "
            f"agreements, last seen {seen['last_seen'] or 'never'}"
            + ("" if seen["paired"] else " (not paired)")
        )
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from surveys.demo import write_demo_data

    try:
        library = load_content(content_dir(args.content))
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    data = Path(args.data)
    # Sealed as the kiosk would seal them: to the school's key if this folder has one.
    installed = load_settings(data).public_key if DataFolder(data).is_kiosk() else None
    try:
        public = parse_public_key(installed) if installed else demo_public_key()
    except KeyProblem as exc:
        print(f"esafety demo-data: the installed key is damaged: {exc}", file=sys.stderr)
        return 1
    try:
        with ResponseStore(data) as store:
            kiosks = [args.kiosk] if args.kiosk else None
            written = write_demo_data(
                store, library, args.responses, seed=args.seed, kiosk_ids=kiosks, public=public
            )
    except StoreBusy as exc:
        print(f"esafety demo-data: {exc}", file=sys.stderr)
        return 1
    sealed_to = "the school's key" if installed else "the sample school's DEMO key"
    print(f"wrote {written} synthetic responses to {args.data}, sealed to {sealed_to}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    k = sub.add_parser("kiosk", help="serve the kiosk web UI (offline)")
    k.add_argument("--data", required=True, help="folder for this kiosk's saved data")
    k.add_argument("--content", help="content folder (default: the shipped content)")
    k.add_argument(
        "--host",
        default="127.0.0.1",
        help="127.0.0.1 (this computer only, plain HTTP) or 0.0.0.0 (tablets on the "
        "school network: HTTPS)",
    )
    k.add_argument("--tls-cert", help="the school's certificate (PEM) for HTTPS, from IT")
    k.add_argument("--tls-key", help="its private key (PEM, unencrypted)")
    k.add_argument(
        "--insecure-lan",
        action="store_true",
        help="serve the school network over plain HTTP (answers cross the Wi-Fi unencrypted)",
    )
    k.add_argument("--port", type=int, default=DEFAULT_PORT)
    k.add_argument("--idle-warn", type=float, default=90.0, help="seconds before 'still there?'")
    k.add_argument("--idle-reset", type=float, default=120.0, help="seconds before reset")
    k.add_argument(
        "--sync-every", type=float, default=300.0, help="seconds between pushes to the hub"
    )
    k.add_argument("--desktop", action="store_true", help="use the Flet desktop client")
    k.set_defaults(func=cmd_kiosk)

    c = sub.add_parser("content", help="work with content folders")
    csub = c.add_subparsers(dest="content_command", required=True)
    check = csub.add_parser("check", help="validate a content folder; exit 1 on errors")
    check.add_argument("dir", nargs="?", help="content folder (default: the shipped content)")
    check.set_defaults(func=cmd_content_check)
    cov = csub.add_parser(
        "coverage", help="print which EfCW strands each questionnaire measures (Markdown)"
    )
    cov.add_argument("dir", nargs="?", help="content folder (default: the shipped content)")
    cov.set_defaults(func=cmd_content_coverage)

    st = sub.add_parser("stats", help="counts of what a data folder holds")
    st.add_argument("--data", required=True)
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=cmd_stats)

    d = sub.add_parser("demo-data", help="write synthetic anonymised responses")
    d.add_argument("--data", required=True)
    d.add_argument("--responses", type=int, required=True)
    d.add_argument("--seed", type=int, default=1)
    d.add_argument(
        "--kiosk", help="write every response as this kiosk id (default: three demo kiosks)"
    )
    d.add_argument("--content", help="content folder (default: the shipped content)")
    d.set_defaults(func=cmd_demo_data)
