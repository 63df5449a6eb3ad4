"""The lead's jobs as plain calls, shared by the CLI (``esafety export``) and the console.

* :func:`answer_keys`: the keys that open a folder's answers, the school's first, and
  the sample school's demo key too where a kiosk sealed answers to it before the
  school's key was installed (said in a note, never silently);
* :func:`aup_coverage`: signed agreements per year group for the evidence pack;
* :func:`make_export`: count, suppress, apply the release policy and write the files
  (the evidence pack, CSV tables, charts) — what ``esafety export`` writes;
* :func:`released_report`: the figures already published (the release ledger), for a
  view that publishes nothing new.

Nothing here prints or asks: callers say what happened in their own way.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exports.evidence import AupCoverage
from exports.export import write_export
from exports.register import coverage_by_year
from exports.report import Report, build_report
from exports.suppress import Thresholds
from surveys.agreements.sealing import open_signatures
from surveys.agreements.store import SignatureStore
from surveys.content.library import ContentLibrary
from surveys.keys import SchoolKey, fingerprint
from surveys.sealed import demo_key, demo_public_key
from surveys.storage.responses import ResponseStore

__all__ = ["AnswerKeys", "answer_keys", "aup_coverage", "make_export", "released_report"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AnswerKeys:
    keys: list[SchoolKey]
    #: Responses sealed to the sample school's demo key (anyone could open them), or 0.
    demo_sealed: int = 0


def answer_keys(data: Path, school: SchoolKey | None) -> AnswerKeys:
    """The keys for ``data``'s answers: ``school``'s, plus the demo key where it was used.

    With no school key (the sample school, a trial) only the demo key is used.

    Raises:
        ValueError: a damaged shard (it names itself).
    """
    if school is None:
        return AnswerKeys([demo_key()])
    records = ResponseStore(data, writer=False).raw_records()
    sealed_to = Counter(r.get("key") for r in records)
    demo = sealed_to[fingerprint(demo_public_key())]
    return AnswerKeys([school, demo_key()] if demo else [school], demo)


def aup_coverage(
    data: Path, library: ContentLibrary, key: SchoolKey, threshold: int
) -> AupCoverage:
    """Signed agreements by year group, for the evidence pack (opens the signatures)."""
    store = SignatureStore(data, writer=False)
    signatures = open_signatures(list(store.records()), key) if store.exists() else []
    return coverage_by_year(
        signatures, library.aups, library.school, dt.date.today(), threshold=threshold
    )


def make_export(
    data: Path,
    library: ContentLibrary,
    keys: AnswerKeys,
    out: Path,
    *,
    thresholds: Thresholds | None = None,
    since_year: int | None = None,
    aup: AupCoverage | None = None,
    progress: Progress | None = None,
    steps_known: Callable[[int], None] | None = None,
) -> tuple[Report, list[Path]]:
    """Count, suppress, record the release, and write every file into ``out``.

    ``steps_known`` is told how many steps there will be once that is known (after
    counting), for a progress bar.
    """
    step = progress or (lambda _s: None)
    report = build_report(
        data,
        library,
        key=keys.keys,
        since_year=since_year,
        thresholds=thresholds or Thresholds(),
        progress=step,
        workers=min(2, os.cpu_count() or 1),
    )
    if steps_known is not None:
        steps_known(len(report.charts) + 3)
    return report, write_export(report, out, aup=aup, progress=step)


def released_report(data: Path, library: ContentLibrary, keys: AnswerKeys) -> Report:
    """Only figures the release ledger already holds: showing them tells nobody anything
    new. Terms not yet published are absent until an export publishes them."""
    return build_report(data, library, key=keys.keys, ledger_only=True)
