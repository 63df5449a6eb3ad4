"""The console's Home: what needs doing first, read from a real hub folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from surveys.sealed import demo_public_key
from surveys.sync.hub import Hub
from surveys.sync.overview import NOT_SEEN_DAYS, overview

TODAY = dt.date(2026, 12, 5)


def hub_with(tmp_path: Path, kiosks: dict[str, str | None], log: list[dict[str, str]]) -> Hub:
    """A hub folder whose kiosks were last seen on the given days, and its log lines."""
    folder = tmp_path / "hub" / "hub"
    folder.mkdir(parents=True)
    entries = {
        k: {"secret": "00" * 32, "paired_on": "2026-09-01", "last_counter": 3, "last_seen": seen}
        for k, seen in kiosks.items()
    }
    (folder / "kiosks.json").write_text(json.dumps(entries))
    (folder / "sync-log.jsonl").write_text("".join(json.dumps(x) + "\n" for x in log))
    return Hub(tmp_path / "hub", school_key=demo_public_key())


def test_a_kiosk_not_seen_for_two_weeks_and_one_refused_are_on_the_list(tmp_path) -> None:
    long_ago = (TODAY - dt.timedelta(days=NOT_SEEN_DAYS + 7)).isoformat()
    hub = hub_with(
        tmp_path,
        {"library": f"{long_ago} 10:00", "hall": f"{TODAY.isoformat()} 09:00"},
        [
            {"at": f"{TODAY.isoformat()} 09:00", "kiosk": "hall", "via": "push",
             "outcome": "refused: not sealed by this kiosk"},
            {"at": "2026-01-01 09:00", "kiosk": "hall", "via": "push", "outcome": "refused: old"},
        ],
    )  # fmt: skip
    seen = overview(hub, TODAY)
    hub.close()
    jobs = [j.text for j in seen.jobs]
    assert jobs == [  # in the kiosks' order (by name)
        "Kiosk hall: 1 push refused this week. Pair it again (Kiosks, then Pair a kiosk).",
        "Kiosk library not seen for 3 weeks.",
    ]
    lines = {k.kiosk_id: k for k in seen.kiosks}
    assert lines["hall"].last_seen == "today" and lines["hall"].problems == 1
    assert lines["library"].last_seen == "3 weeks ago" and lines["library"].problems == 0
    assert not any(j.urgent for j in seen.jobs)


def test_a_hub_in_touch_with_every_kiosk_has_nothing_to_do(tmp_path) -> None:
    hub = hub_with(tmp_path, {"hall": f"{TODAY.isoformat()} 09:00"}, [])
    seen = overview(hub, TODAY)
    hub.close()
    assert seen.jobs == []
    assert seen.requests_waiting == 0 and seen.has_school_key


def test_a_new_hub_says_to_pair_the_first_kiosk(tmp_path) -> None:
    hub = hub_with(tmp_path, {}, [])
    seen = overview(hub, TODAY)
    hub.close()
    assert [j.text for j in seen.jobs] == ["Pair your first kiosk: open Kiosks, then Pair a kiosk."]
