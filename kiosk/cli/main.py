"""The ``esafety`` command: one parser, one sub-command module per group.

run.py         kiosk, content check, stats, demo-data
agreements.py  keys, register
export.py      export
sync.py        bundle, hub, sync
requests.py    requests (pupils asking to talk to someone)
guides.py      guides
"""

from __future__ import annotations

import argparse
import os
import sys

from kiosk.cli import agreements, export, guides, run
from kiosk.cli import requests as request_commands
from kiosk.cli import sync as sync_commands

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esafety", description="E-Safety Kiosk: online-safety questionnaires for schools."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run.add_parsers(sub)
    agreements.add_parsers(sub)
    export.add_parser(sub)
    sync_commands.add_parsers(sub)
    request_commands.add_parser(sub)
    guides.add_parser(sub)
    return parser


#: Everything ``esafety`` and the libraries it runs (matplotlib, uvicorn, Flet) write is
#: readable by its owner only; surveys.storage.files also asks for 0600/0700 itself.
PRIVATE_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
