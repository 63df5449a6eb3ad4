"""A copy of every questionnaire text a data folder's responses were answered on.

A response keeps only its questionnaire's id, version and content hash. To
compare terms honestly, the trends need the words each pupil saw: a question
whose text changed starts a new series. So the kiosk (and ``demo-data``) keeps
each questionnaire text it has used in ``<data>/questionnaire-texts/``, one
file per content hash, written once and never changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from .model import Questionnaire
from .store import write_json_atomic

__all__ = ["ARCHIVE_DIR", "keep_texts", "load_texts"]

ARCHIVE_DIR = "questionnaire-texts"


def keep_texts(data: Path, questionnaires: Iterable[Questionnaire]) -> None:
    """Save a copy of each questionnaire not already kept (by content hash)."""
    folder = Path(data) / ARCHIVE_DIR
    for q in questionnaires:
        path = folder / f"{q.id}-v{q.version}-{q.content_hash[:16]}.json"
        if not path.exists():
            write_json_atomic(path, q.model_dump(mode="json"), hide_mtime=True)


def load_texts(data: Path, current: Iterable[Questionnaire] = ()) -> dict[str, Questionnaire]:
    """Every kept questionnaire (and the ``current`` ones), by full content hash.

    A damaged copy is skipped: its responses are then shown as their own series.
    """
    out = {q.content_hash: q for q in current}
    folder = Path(data) / ARCHIVE_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            q = Questionnaire.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError):
            continue
        out.setdefault(q.content_hash, q)
    return out
