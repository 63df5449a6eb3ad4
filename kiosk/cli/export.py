"""``esafety export``: trends, tables and the evidence pack, with a progress bar."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.common import ask_passphrase, content_dir
from surveys.keys import KeyProblem, open_private_key
from surveys.storage.responses import live_count

if TYPE_CHECKING:
    from exports.lead import AnswerKeys

__all__ = ["add_parser"]


def cmd_export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from exports.forged import remove_command
    from exports.lead import aup_coverage, make_export
    from exports.report import late_lines
    from exports.suppress import MIN_NORMAL, MIN_SENSITIVE, Thresholds
    from surveys.content.errors import ContentError
    from surveys.content.library import load_content

    data, out = Path(args.data), Path(args.out)
    if not (data / "responses").is_dir():
        print(f"esafety export: {data} holds no responses (no responses/ folder)", file=sys.stderr)
        return 1
    try:
        library = load_content(content_dir(args.content))
        if args.min_count < MIN_NORMAL or args.min_count_sensitive < MIN_SENSITIVE:
            raise ValueError(
                f"--min-count can only be raised (at least {MIN_NORMAL}), and "
                f"--min-count-sensitive too (at least {MIN_SENSITIVE}): smaller numbers "
                "could let someone work out what one child answered"
            )
        thresholds = Thresholds(args.min_count, max(args.min_count, args.min_count_sensitive))
    except ContentError as exc:
        print(f"esafety export: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"esafety export: {exc}", file=sys.stderr)
        return 2
    keys = _open_key(args, data)
    if keys is None:
        return 1
    aup = None
    if args.key:
        try:
            aup = aup_coverage(data, library, keys.keys[0], thresholds.normal)
        except KeyProblem as exc:
            print(f"esafety export: {exc}\nNothing was written.", file=sys.stderr)
            return 1
    started = time.perf_counter()
    bar = tqdm(total=None, unit=" steps", file=sys.stderr, disable=args.quiet, leave=False)

    def step(what: str) -> None:
        bar.set_description(what[:40].ljust(40))
        bar.update(1)

    def steps_known(rest: int) -> None:
        bar.total = bar.n + rest  # now the rest is known
        bar.refresh()

    try:
        report, written = make_export(
            data, library, keys, out, thresholds=thresholds, since_year=args.from_year,
            aup=aup, progress=step, steps_known=steps_known,
        )  # fmt: skip
    except (ValueError, KeyProblem) as exc:  # a damaged shard names itself
        bar.close()
        print(f"esafety export: {exc}\nNothing was written.", file=sys.stderr)
        unopened = re.search(r"response ([0-9a-f]{32}) .*cannot be opened", str(exc))
        if isinstance(exc, KeyProblem) and unopened and (data / "hub").is_dir():
            # Sealed well enough to pass the hub, but not by a kiosk: the lead can take it out.
            print(
                f"If it came to the hub from outside: {remove_command(data, [unopened[1]])}",
                file=sys.stderr,
            )
        return 1
    bar.close()
    took = time.perf_counter() - started
    for (qid, content_hash), n in sorted(report.missing.items()):
        print(
            f"warning: {n} responses to {qid} were answered on a version of it that this "
            f"folder has no copy of (questionnaire-texts/{qid}-…-{content_hash[:16]}.json), "
            "so they are left out. Copy questionnaire-texts/ from the kiosk that collected them.",
            file=sys.stderr,
        )
    print(
        f"about {live_count(report.responses)} responses, "
        f"{len(report.periods)} terms, "
        f"{len(report.charts)} charts; {len(written)} files in {out} ({took:.1f} s)"
    )
    print(f"Answers from {report.release.open_from.label} on are left out until that term ends.")
    if report.release.held:
        print(
            f"{report.release.held} rows are as first published (as_published_before): "
            "a published term never changes."
        )
    for line in late_lines(report):
        print(line)
    print(f"Evidence pack: {out / 'evidence-pack.pdf'}")
    return 0


def _open_key(args: argparse.Namespace, data: Path) -> AnswerKeys | None:
    """The keys to open the answers with: the school's (``--key``), and the sample school's
    demo key where a kiosk used it (before the school's key was installed), said loudly."""
    from exports.lead import answer_keys

    if not args.key:
        print(
            "esafety export: no --key given, so answers are opened with the sample school's "
            "DEMO key. A real school's answers need --key school-private-key.json.",
            file=sys.stderr,
        )
        return answer_keys(data, None)
    try:
        school = open_private_key(
            Path(args.key), ask_passphrase("Passphrase for the private key: ")
        )
        keys = answer_keys(data, school)
    except (KeyProblem, ValueError) as exc:  # a damaged shard names itself
        print(f"esafety export: {exc}\nNothing was written.", file=sys.stderr)
        return None
    if keys.demo_sealed:
        print(
            f"esafety export: {keys.demo_sealed} responses were sealed to the sample "
            "school's DEMO key, on a kiosk that had no school key yet: anyone could have "
            "opened them. They are included; install the school's key on every kiosk.",
            file=sys.stderr,
        )
    return keys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser("export", help="trend charts, CSV tables and the PDF evidence pack")
    e.add_argument("--data", required=True, help="data folder (a kiosk's, or the hub's)")
    e.add_argument("--out", required=True, help="folder to write into")
    e.add_argument(
        "--from", dest="from_year", type=int, help="first academic year to include, e.g. 2024"
    )
    e.add_argument("--min-count", type=int, default=5, help="smallest count shown (default 5)")
    e.add_argument(
        "--min-count-sensitive",
        type=int,
        default=10,
        help="smallest count shown for sensitive questions (default 10)",
    )
    e.add_argument(
        "--key",
        help="school-private-key.json: opens the sealed answers (and adds AUP coverage to the "
        "evidence pack); without it only the sample school's demo key is tried",
    )
    e.add_argument("--content", help="content folder (default: the shipped content)")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.set_defaults(func=cmd_export)
