"""``esafety bundle export|import`` (USB stick) and ``esafety hub`` (school network)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.common import content_dir, lan_address
from surveys.storage.responses import live_count

__all__ = ["add_parsers"]

DEFAULT_HUB_PORT = 8560


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from surveys.storage.files import write_bytes_atomic
    from surveys.sync.pairing import PairingProblem

    sync = _kiosk_sync(Path(args.data), "bundle export")
    if sync is None:
        return 1
    try:
        bundle = sync.bundle()
    except PairingProblem as exc:
        print(f"esafety bundle export: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    write_bytes_atomic(out, bundle)
    print(f"wrote {out} ({len(bundle):,} bytes) from {sync.kiosk_id}")
    return 0


def _kiosk_sync(data: Path, command: str):  # type: ignore[no-untyped-def]
    """The kiosk's sync for ``data``, or None (said why) if it is not a kiosk's folder."""
    from surveys.agreements.store import SignatureStore
    from surveys.requests.store import RequestStore
    from surveys.storage.responses import ResponseStore
    from surveys.storage.settings import load_settings
    from surveys.sync.outbox import KioskSync

    if not (data / "kiosk.json").is_file():
        print(f"esafety {command}: {data} is not a kiosk's data folder", file=sys.stderr)
        return None
    settings = load_settings(data)
    store, sigs = ResponseStore(data, writer=False), SignatureStore(data, writer=False)
    asks = RequestStore(data, writer=False)
    return KioskSync(data, settings.kiosk_id, store, sigs, requests=asks)


def cmd_sync(args: argparse.Namespace) -> int:
    from surveys.sync.pairing import PairingProblem

    sync = _kiosk_sync(Path(args.data), "sync")
    if sync is None:
        return 1
    try:
        if args.pair:
            print(f"paired {sync.kiosk_id} with the hub at {sync.pair(args.pair)}")
        sent = sync.push_all(everything=args.all)
    except (PairingProblem, OSError) as exc:
        print(f"esafety sync: {exc}", file=sys.stderr)
        return 1
    responses, signatures = sync.pending_counts()
    print(
        f"sent {sent} records; waiting: {live_count(responses)} responses (to the nearest 10), "
        f"{signatures} signed agreements, {len(sync.pending_requests())} requests to talk"
    )
    elsewhere = sync.sealed_to_another_key()
    if elsewhere:
        print(
            f"about {live_count(elsewhere)} records (to the nearest 10) here are sealed to "
            "another key, not the school's: the school cannot open them, so they are never sent"
        )
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from surveys.storage.files import StoreBusy
    from surveys.sync.bundle import BundleRefused
    from surveys.sync.hub import Hub

    try:
        hub = Hub(Path(args.data))
    except StoreBusy as exc:
        print(f"esafety bundle import: {exc}", file=sys.stderr)
        return 1
    failed = 0
    try:
        for name in args.files:
            try:
                result = hub.import_file(
                    Path(name).read_bytes(), source=f"bundle {Path(name).name}"
                )
            except (BundleRefused, OSError) as exc:
                failed += 1
                print(f"{name}: REFUSED, nothing imported: {exc}", file=sys.stderr)
                continue
            print(f"{name}: {result}")
    finally:
        hub.close()
    return 1 if failed else 0


def read_key_argument(value: str) -> bytes:
    """A public key given on the command line: a file (school-public-key.txt) or its text.

    Raises:
        KeyProblem: neither a readable key file nor a whole key (the message says which).
    """
    from surveys.keys import parse_public_key

    source = Path(value)
    return parse_public_key(source.read_text(encoding="utf-8") if source.is_file() else value)


def cmd_hub(args: argparse.Namespace) -> int:
    import uvicorn

    from exports.qr import qr_png
    from kiosk.console.serve import console_app
    from kiosk.console.services import ConsoleServices
    from surveys.keys import KeyProblem
    from surveys.storage.files import StoreBusy, write_bytes_atomic
    from surveys.sync.hub import Hub
    from surveys.sync.pairing import pairing_text
    from surveys.sync.schoolkey import NoSchoolKey

    try:
        hub = Hub(Path(args.data))
    except (StoreBusy, KeyProblem) as exc:
        print(f"esafety hub: {exc}", file=sys.stderr)
        return 1
    if args.public_key:
        try:
            fp = hub.set_school_key(read_key_argument(args.public_key))
        except (KeyProblem, OSError) as exc:
            hub.close()
            print(f"esafety hub: {exc}", file=sys.stderr)
            return 1
        print(f"the hub's school key is {fp}: it hands it to each kiosk it pairs")
    if args.remove:
        return _remove(hub, args.remove)
    if args.forget:
        forgotten = hub.forget(args.forget)
        hub.close()
        print(
            f"{args.forget} is no longer paired (its records stay); pair it again on its "
            "staff screen"
            if forgotten
            else f"{args.forget} was not paired with this hub"
        )
        return 0 if forgotten else 1
    local = args.host in ("127.0.0.1", "localhost")
    public = f"http://{'127.0.0.1' if local else lan_address()}:{args.port}"
    try:
        text = pairing_text(public, hub.new_pairing_code())
    except NoSchoolKey as exc:
        hub.close()
        print(f"esafety hub: {exc}", file=sys.stderr)
        return 1
    qr = Path(args.data) / "hub" / "pairing.png"
    write_bytes_atomic(qr, qr_png(text))
    print(f"E-Safety hub: listening on {public}/ (data: {args.data}; Ctrl+C stops)")
    print(
        f"Pair a kiosk (Staff, then Pair with the hub) with this text, valid 10 minutes:\n  {text}"
    )
    print(
        f"(QR code: {qr}.) The lead's console, with new codes, trends, downloads and the "
        f"register: http://127.0.0.1:{args.port}/ on this computer"
    )
    sys.stdout.flush()
    services = ConsoleServices(
        hub,
        content_dir(args.content),
        public_url=public,
        key_file=Path(args.key) if args.key else None,
    )
    app, downloads = console_app(services, public)
    try:
        uvicorn.run(
            app, host=args.host, port=args.port, log_level="warning", ws="websockets-sansio",
            timeout_graceful_shutdown=5,
        )  # fmt: skip
    finally:
        downloads.close()
        hub.close()
    return 0


def _remove(hub, record_ids: list[str]) -> int:  # type: ignore[no-untyped-def]
    """``esafety hub --remove ID …``: take records out of the hub's store, then stop."""
    import re

    missing = 0
    try:
        for rid in record_ids:
            if re.fullmatch(r"[0-9a-f]{32}", rid) is None:
                print(
                    f"esafety hub: {rid[:40]!r} is not a record id (32 letters and digits, "
                    "0-9 and a-f, as `esafety export` names it); nothing was removed",
                    file=sys.stderr,
                )
                return 2
        for rid in record_ids:
            kind = hub.remove(rid)
            if kind is None:
                missing += 1
                print(f"no record {rid} is held here (removed already?)", file=sys.stderr)
            else:
                print(f"took out the {kind} {rid}; the hub log notes that one was taken out")
    finally:
        hub.close()
    return 1 if missing else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("bundle", help="move records between machines on a USB stick")
    bsub = b.add_subparsers(dest="bundle_command", required=True)
    ex = bsub.add_parser("export", help="write this kiosk's records into one bundle file")
    ex.add_argument("--data", required=True, help="the kiosk's data folder")
    ex.add_argument("--out", required=True, help="bundle file to write")
    ex.set_defaults(func=cmd_bundle_export)
    im = bsub.add_parser("import", help="merge bundle files into the hub's data folder")
    im.add_argument("--data", required=True, help="the hub's data folder")
    im.add_argument("files", nargs="+", help="bundle files")
    im.set_defaults(func=cmd_bundle_import)

    s = sub.add_parser("sync", help="on a kiosk: pair with the hub and/or push now")
    s.add_argument("--data", required=True, help="the kiosk's data folder")
    s.add_argument("--pair", help="the pairing text the hub shows (ESKHUB …)")
    s.add_argument(
        "--all",
        action="store_true",
        help="send even fewer than 5 waiting records (at the end of the day)",
    )
    s.set_defaults(func=cmd_sync)

    h = sub.add_parser("hub", help="the lead's hub that kiosks push to on the school network")
    h.add_argument("--data", required=True, help="the hub's data folder")
    h.add_argument("--host", default="0.0.0.0", help="0.0.0.0 (the school network) or 127.0.0.1")
    h.add_argument("--port", type=int, default=DEFAULT_HUB_PORT)
    h.add_argument("--forget", metavar="KIOSK", help="unpair a kiosk (to pair it again), then stop")
    h.add_argument(
        "--remove",
        nargs="+",
        metavar="RECORD_ID",
        help="take these records (as `esafety export` names them) out of the hub's store, then "
        "stop: for a forged or broken record that stops the export",
    )
    h.add_argument(
        "--public-key",
        metavar="FILE",
        help="the school's public key (school-public-key.txt from `esafety keys init`, or its "
        "text): kept in the hub folder and handed to each kiosk it pairs; needed once",
    )
    h.add_argument(
        "--key",
        help="where the school's private key file is (school-private-key.json): the console "
        "fills it in when it asks for the passphrase; the key is never opened without it",
    )
    h.add_argument("--content", help="content folder (default: the shipped content)")
    h.set_defaults(func=cmd_hub)
