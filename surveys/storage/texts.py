"""The texts a data folder's records were made on: questionnaires kept whole, agreements by hash.

A response keeps only its questionnaire's id, version and content hash. To
compare terms honestly, the trends need the words each pupil saw: a question
whose text changed starts a new series. So the kiosk (and ``demo-data``) keeps
each questionnaire text it has used in ``<data>/questionnaire-texts/``, one
file per content hash, written once and never changed.

For agreements the kiosk keeps only each version's content hash
(``aup-texts.json``), first seen wins, so an edit without a new version is caught
(see :func:`surveys.content.aups.changed_without_new_version`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from surveys.model import Questionnaire
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder

__all__ = ["agreement_hashes", "keep_texts", "load_texts", "remember_agreement_hashes"]


def keep_texts(data: Path, questionnaires: Iterable[Questionnaire]) -> None:
    """Save a copy of each questionnaire not already kept (by content hash)."""
    folder = DataFolder(data).questionnaire_texts
    for q in questionnaires:
        path = folder / f"{q.id}-v{q.version}-{q.content_hash[:16]}.json"
        if not path.exists():
            write_json_atomic(path, q.model_dump(mode="json"), hide_mtime=True)


def load_texts(data: Path, current: Iterable[Questionnaire] = ()) -> dict[str, Questionnaire]:
    """Every kept questionnaire (and the ``current`` ones), by full content hash.

    A damaged copy is skipped: its responses are then shown as their own series.
    """
    out = {q.content_hash: q for q in current}
    folder = DataFolder(data).questionnaire_texts
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            q = Questionnaire.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError):
            continue
        out.setdefault(q.content_hash, q)
    return out


def agreement_hashes(data: Path) -> dict[str, dict[str, str]]:
    """Each agreement id's content hash per version (as text), as first seen here."""
    path = DataFolder(data).agreement_texts
    if not path.is_file():
        return {}
    loaded: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def remember_agreement_hashes(data: Path, seen_now: dict[str, tuple[int, str]]) -> None:
    """Add ``{id: (version, content hash)}`` to the record; a hash already kept wins."""
    seen = agreement_hashes(data)
    for aup_id, (version, content_hash) in seen_now.items():
        seen.setdefault(aup_id, {}).setdefault(str(version), content_hash)
    write_json_atomic(DataFolder(data).agreement_texts, seen)
