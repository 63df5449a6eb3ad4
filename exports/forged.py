"""A stored response whose answers its own questionnaire text does not offer.

The hub cannot check answers: they arrive sealed to the school's key, and the
hub holds only the public half. Anyone who holds a kiosk's pairing secret (the
kiosk itself, or a copy of its data folder) can send the hub well-sealed records
with any answers. The export opens every record, so it is where such a record
shows: it answers a question with an option the questionnaire never had.

The export then stops (it must not publish counts with a forged answer in them,
nor quietly drop records) and names every such record and the one command that
takes them out: ``esafety hub --data DIR --remove ID …`` (on a kiosk's own folder,
where no network reaches, it says to restore the folder instead). Finding them
takes a second pass over the records, only when there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exports.aggregate import SKIPPED, question_infos
from surveys.model import Questionnaire
from surveys.sealed import Keys, open_raw
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore

__all__ = ["AnswersNotOffered", "find_not_offered", "remove_command"]

#: Ids named in one message (the lead runs the command, then the export again).
MAX_NAMED = 20


class AnswersNotOffered(ValueError):
    """Stored responses answer with options their questionnaire text does not have."""

    def __init__(self, data: Path, ids: list[str]) -> None:
        self.ids = ids
        shown = ids[:MAX_NAMED]
        more = (
            f" (and {len(ids) - len(shown)} more, named once these are out)"
            if ids[MAX_NAMED:]
            else ""
        )
        super().__init__(
            f"{len(ids)} stored response(s) answer with an option their own questionnaire does "
            f"not offer{more}: they were not made by a kiosk as it shipped (forged, or broken), "
            f"so nothing was published. {remove_command(data, shown)}"
        )


def remove_command(data: Path, ids: list[str]) -> str:
    """The sentence telling the lead how to take ``ids`` out of ``data``."""
    if DataFolder(data).hub.is_dir():
        return (
            "Take them out of the hub's store with\n"
            f"  esafety hub --data {data} --remove {' '.join(ids)}\n"
            "then export again."
        )
    return (
        f"{data} is a kiosk's folder: restore its responses/ folder from a copy "
        f"(the records: {' '.join(ids)}), then export again."
    )


def find_not_offered(
    data: Path, key: Keys, texts: dict[str, Questionnaire], since_year: int | None = None
) -> list[str]:
    """Ids of stored responses that answer a question, on a text kept here, with an option
    that text does not offer (or a question it does not ask), sorted."""
    allowed: dict[str, dict[str, frozenset[str | None]]] = {}
    for content_hash, q in texts.items():
        allowed[content_hash] = {
            qid: frozenset(None if o == SKIPPED else o for o, _label in info.options)
            for qid, info in question_infos(q).items()
        }
    bad = []
    for r in open_raw(ResponseStore(data, writer=False).raw_records(since_year=since_year), key):
        known = allowed.get(r.get("content_hash", ""))
        if known is not None and not _offered(r.get("answers"), known):
            bad.append(str(r["id"]))
    return sorted(bad)


def _offered(answers: Any, known: dict[str, frozenset[str | None]]) -> bool:
    if not isinstance(answers, dict):
        return False
    return all(q in known and a in known[q] for q, a in answers.items())
