"""``esafety keys`` and ``esafety register``: the school's key pair and the AUP register.

The private key is asked for on the lead's own machine only. The passphrase is
read from the terminal, or from ``ESAFETY_PASSPHRASE`` for scripts (and tests).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.common import ask_passphrase, content_dir

__all__ = ["add_parsers"]


def cmd_keys_init(args: argparse.Namespace) -> int:
    from exports.qr import qr_png
    from surveys.keys import (
        KeyProblem,
        check_passphrase,
        fingerprint,
        make_key_pair,
        parse_public_key,
        public_key_text,
    )
    from surveys.storage.files import write_bytes_atomic

    school = _school_names(args.content)
    try:
        passphrase = ask_passphrase(
            "Choose a passphrase for the school's private key (four or more random words): ",
            confirm=True,
            check=lambda p: check_passphrase(p, school),
        )
        private, public = make_key_pair(Path(args.out), passphrase, avoid=school)
    except KeyProblem as exc:
        print(f"esafety keys init: {exc}", file=sys.stderr)
        print("Nothing was made.", file=sys.stderr)
        return 1
    text = public.read_text(encoding="utf-8").strip()
    qr = public.with_name("school-public-key.png")
    write_bytes_atomic(qr, qr_png(public_key_text(parse_public_key(text))))

    print(f"private key (keep it on this machine, never on a kiosk): {private}")
    print(f"public key for the kiosks: {public}  (and as a QR code: {qr})")
    print(f"\n  {text}\n\nfingerprint: {fingerprint(parse_public_key(text))}")
    print(
        f"Give it to the hub: `esafety hub --data HUB-DIR --public-key {public}`; each kiosk "
        "paired with the hub gets it from there. A kiosk without a hub: Staff → Signing key "
        f"(paste the text above), or `esafety keys install --data DIR {public}`. Keep the "
        "passphrase safe: without it nobody can read the signatures."
    )
    return 0


def _school_names(content: str | None) -> list[str]:
    """The school's name from the content folder: a guesser would try it first."""
    from surveys.content.errors import ContentError
    from surveys.content.library import load_content

    try:
        school = load_content(content_dir(content)).school
    except ContentError:
        return []  # a key can be made before the content is ready
    return [school.name]


def cmd_keys_install(args: argparse.Namespace) -> int:
    from surveys.keys import KeyProblem, fingerprint, parse_public_key, public_key_text
    from surveys.storage.files import StoreBusy
    from surveys.storage.layout import DataFolder
    from surveys.storage.settings import load_settings, save_settings

    source = Path(args.public_key)
    text = source.read_text(encoding="utf-8") if source.is_file() else args.public_key
    try:
        raw = parse_public_key(text)
    except KeyProblem as exc:
        print(f"esafety keys install: {exc}", file=sys.stderr)
        return 1
    data = Path(args.data)
    if DataFolder(data).is_hub():  # never a kiosk.json in a hub's folder
        from surveys.sync.hub import Hub

        try:
            hub = Hub(data)
            try:
                fp = hub.set_school_key(raw)
            finally:
                hub.close()
        except (KeyProblem, StoreBusy) as exc:
            print(f"esafety keys install: {exc}", file=sys.stderr)
            return 1
        print(f"the hub in {data} has the school public key {fp}; it hands it to each kiosk")
        return 0
    settings = load_settings(data).model_copy(update={"public_key": public_key_text(raw)})
    save_settings(data, settings)
    print(f"installed the school public key {fingerprint(raw)} for the kiosk data in {data}")
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from exports import register as reg
    from exports.lead_register import agreements_register, open_agreements, register_files
    from surveys.content.errors import ContentError
    from surveys.content.library import load_content
    from surveys.keys import KeyProblem, open_private_key
    from surveys.storage.files import write_bytes_atomic

    out = Path(args.out)
    try:
        library = load_content(content_dir(args.content))
        class_list = reg.read_class_list(Path(args.class_list)) if args.class_list else None
        key = open_private_key(Path(args.key), ask_passphrase("Passphrase for the private key: "))
        signatures = open_agreements(Path(args.data), key)
        if signatures is None:
            raise KeyProblem(
                f"{args.data} holds no signed agreements (no signatures/ folder): "
                "is this the kiosk's --data folder?"
            )
    except (KeyProblem, reg.ClassListError, ContentError) as exc:
        print(f"esafety register: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    register = agreements_register(signatures, library, class_list)
    base = out.with_suffix("")
    written = []
    for ending, data in register_files(register, library).items():
        path = base.with_name(base.name + ending)
        write_bytes_atomic(path, data)
        written.append(path)
    print(f"{len(register.rows)} signature(s), {register.out_of_date} of an out-of-date version.")
    if register.pupils is not None:
        print(
            f"{register.lacking} of {len(register.pupils)} pupil(s) on the class list lack a "
            "current pupil or parent agreement."
        )
    print("Wrote " + ", ".join(str(p) for p in written) + " (personal data: keep them secure).")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    k = sub.add_parser("keys", help="the school's key pair for sealing signatures")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    init = ksub.add_parser("init", help="make the key pair (on the lead's machine)")
    init.add_argument("--out", required=True, help="folder for the key files")
    init.add_argument(
        "--content", help="content folder: its school name is refused in the passphrase"
    )
    init.set_defaults(func=cmd_keys_init)
    inst = ksub.add_parser(
        "install", help="give a kiosk's (or the hub's) data folder the school's public key"
    )
    inst.add_argument("--data", required=True, help="the kiosk's or the hub's data folder")
    inst.add_argument("public_key", help="school-public-key.txt, or the key text itself")
    inst.set_defaults(func=cmd_keys_install)

    r = sub.add_parser("register", help="who signed which agreement (needs the private key)")
    r.add_argument("--data", required=True, help="data folder holding the signatures")
    r.add_argument("--key", required=True, help="school-private-key.json")
    r.add_argument("--out", required=True, help="register file (.csv; an .html is written too)")
    r.add_argument("--class-list", help="CSV with name and class columns: who has not signed")
    r.add_argument("--content", help="content folder (default: the shipped content)")
    r.set_defaults(func=cmd_register)
