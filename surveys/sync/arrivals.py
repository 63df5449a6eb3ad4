"""What the hub shows the lead: requests to talk waiting (and since when), and per-kiosk figures.

Kept apart from :mod:`surveys.sync.hub` (which imports, pairs and merges); these
only read what the hub holds, apart from noting the day each request arrived.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from surveys.agreements.store import SignatureStore
from surveys.requests.status import StatusBook
from surveys.requests.store import RequestStore
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore, live_count

__all__ = ["kiosk_stats", "note_arrivals", "request_arrivals", "requests_waiting"]


def note_arrivals(folder: DataFolder, ids: list[str]) -> None:
    """Note the day each new request reached the hub: the lead must see it that day."""
    arrivals = request_arrivals(folder)
    today = dt.date.today().isoformat()
    for rid in ids:
        arrivals.setdefault(rid, today)
    write_json_atomic(folder.request_arrivals, arrivals)


def request_arrivals(folder: DataFolder) -> dict[str, str]:
    """Request id -> the day it reached this hub (ISO)."""
    path = folder.request_arrivals
    if not path.is_file():
        return {}
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def requests_waiting(
    root: Path, requests: RequestStore, folder: DataFolder
) -> tuple[int, dt.date | None]:
    """Requests not marked seen or acted on, and the day the oldest arrived (None if none)."""
    marked = set(StatusBook(root).marks())
    arrivals = request_arrivals(folder)
    waiting = [r.id for r in requests.records() if r.id not in marked]
    days = [dt.date.fromisoformat(arrivals[i]) for i in waiting if i in arrivals]
    return len(waiting), min(days, default=None)


def kiosk_stats(
    kiosks: dict[str, dict[str, Any]], store: ResponseStore, signatures: SignatureStore
) -> dict[str, dict[str, Any]]:
    """Per kiosk: responses (to the nearest 10), signed agreements, paired, last seen."""
    counts = store.counts()["by_kiosk"]
    sigs: dict[str, int] = {}
    for s in signatures.records():
        sigs[s.kiosk_id] = sigs.get(s.kiosk_id, 0) + 1
    ids = sorted(set(kiosks) | set(counts) | set(sigs))
    return {
        k: {
            "responses": live_count(counts.get(k, 0)),  # live: to the nearest 10
            "signed_agreements": sigs.get(k, 0),
            "paired": k in kiosks,
            "last_seen": (kiosks.get(k) or {}).get("last_seen"),
        }
        for k in ids
    }
