"""The ``esafety`` command: run the kiosk, check content, count and make data.

Only ``esafety kiosk`` imports Flet; the other sub-commands run on the core alone.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path

import content as shipped_content
from surveys.content import check_content, load_content
from surveys.errors import ContentError, Severity
from surveys.signatures import SignatureStore
from surveys.store import ResponseStore, StoreBusy

__all__ = ["main"]

DEFAULT_PORT = 8550


def _content_dir(value: str | None) -> Path:
    return Path(value) if value else shipped_content.SHIPPED_DIR


def cmd_kiosk(args: argparse.Namespace) -> int:
    from surveys.idle import IdlePolicy

    try:
        library = load_content(_content_dir(args.content))
    except ContentError as exc:
        print("The kiosk cannot start: its content folder has errors.\n", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    try:
        idle = IdlePolicy(args.idle_warn, args.idle_reset, args.thanks_reset)
    except ValueError as exc:
        print(f"esafety kiosk: {exc}", file=sys.stderr)
        return 2
    if (Path(args.data) / "hub").is_dir():
        print(
            f"esafety kiosk: {args.data} is the hub's data folder; give the kiosk its own",
            file=sys.stderr,
        )
        return 1
    try:
        store = ResponseStore(Path(args.data))
        signatures = SignatureStore(Path(args.data))
    except StoreBusy as exc:
        print(f"esafety kiosk: {exc}", file=sys.stderr)
        return 1
    if args.desktop:
        print(
            "esafety kiosk: --desktop needs the Flet desktop client, which is not installed "
            "and cannot be downloaded offline; use the web kiosk (the default).",
            file=sys.stderr,
        )
        return 1

    from kiosk.server import KioskServer, serve

    shown_host = "127.0.0.1" if args.host in ("127.0.0.1", "localhost") else _lan_address()
    address = f"http://{shown_host}:{args.port}/"
    server = KioskServer(
        library=library,
        store=store,
        data_dir=Path(args.data),
        idle=idle,
        signatures=signatures,
        sync_every=args.sync_every,
        address=address if args.host not in ("127.0.0.1", "localhost") else "",
    )
    for item in library.unavailable:
        print(f"warning: {item.file} is unavailable: {item.problems[0]}", file=sys.stderr)
    print(f"E-Safety Kiosk: serving {address}  (data: {args.data}; Ctrl+C stops)", flush=True)
    try:
        serve(server, host=args.host, port=args.port)
    finally:
        store.close()
        signatures.close()
    return 0


def _lan_address() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "this-computer"


def cmd_content_check(args: argparse.Namespace) -> int:
    folder = _content_dir(args.dir)
    _library, problems = check_content(folder)
    errors = [p for p in problems if p.severity == Severity.ERROR]
    for p in problems:
        print(p)
    print(f"\n{folder}: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if not (data / "responses").is_dir() and not (data / "kiosk.json").is_file():
        print(f"esafety stats: {data} holds no kiosk data", file=sys.stderr)
        return 1
    counts = ResponseStore(data, writer=False).counts(answers=args.answers)
    # Sealed: this machine can count signed agreements, never read them.
    sig_records = list(SignatureStore(data, writer=False).records())
    counts["signed_agreements"] = len(sig_records)
    kiosks_file = data / "hub" / "kiosks.json"
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
    print(f"{counts['responses']} responses in {data}")
    print(f"{counts['signed_agreements']} signed agreements (sealed; see `esafety register`)")
    for key in ("by_questionnaire", "by_band", "by_term", "by_kiosk"):
        print(f"\n{key.removeprefix('by_')}:")
        for name, n in counts[key].items():
            print(f"  {name:30} {n}")
    for kiosk, seen in counts.get("hub_kiosks", {}).items():
        print(
            f"\nhub: {kiosk}: {seen['responses']} responses, {seen['signed_agreements']} signed "
            f"agreements, last seen {seen['last_seen'] or 'never'}"
            + ("" if seen["paired"] else " (not paired)")
        )
    for questionnaire, per_q in counts.get("answers", {}).items():
        print(f"\nanswers to {questionnaire}:")
        for qid, tally in per_q.items():
            print(f"  {qid:30} " + ", ".join(f"{k}: {v}" for k, v in tally.items()))
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from surveys.demo import write_demo_data

    try:
        library = load_content(_content_dir(args.content))
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        with ResponseStore(Path(args.data)) as store:
            kiosks = [args.kiosk] if args.kiosk else None
            written = write_demo_data(
                store, library, args.responses, seed=args.seed, kiosk_ids=kiosks
            )
    except StoreBusy as exc:
        print(f"esafety demo-data: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {written} synthetic responses to {args.data}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esafety", description="E-Safety Kiosk: online-safety questionnaires for schools."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    k = sub.add_parser("kiosk", help="serve the kiosk web UI (offline)")
    k.add_argument("--data", required=True, help="folder for this kiosk's saved data")
    k.add_argument("--content", help="content folder (default: the shipped content)")
    k.add_argument(
        "--host",
        default="127.0.0.1",
        help="127.0.0.1 (this computer only) or 0.0.0.0 (tablets on the LAN)",
    )
    k.add_argument("--port", type=int, default=DEFAULT_PORT)
    k.add_argument("--idle-warn", type=float, default=90.0, help="seconds before 'still there?'")
    k.add_argument("--idle-reset", type=float, default=120.0, help="seconds before reset")
    k.add_argument(
        "--thanks-reset", type=float, default=30.0, help="seconds the thank-you screen stays"
    )
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

    st = sub.add_parser("stats", help="counts of what a data folder holds")
    st.add_argument("--data", required=True)
    st.add_argument("--json", action="store_true", help="print JSON")
    st.add_argument(
        "--answers",
        action="store_true",
        help="also count each option chosen, per question (local, unsuppressed)",
    )
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

    from kiosk.cli_agreements import add_parsers
    from kiosk.cli_export import add_parser as add_export
    from kiosk.cli_sync import add_parsers as add_sync

    add_parsers(sub)
    add_export(sub)
    add_sync(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
