"""``esafety requests``: the lead's list of pupils asking to talk (CSV, printable page, marks)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.cli.requests import long_day
from surveys.keys import make_key_pair, parse_public_key
from surveys.model import AgeBand
from surveys.requests.model import Reason, TalkForm
from surveys.requests.sealing import seal_request
from surveys.requests.store import RequestStore

PASSPHRASE = "gannet teapot quarry moss"
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, bytes]:
    private, public = make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)
    return private, parse_public_key(public.read_text())


def ask(store: RequestStore, public: bytes, first: str, klass: str, reason, day: dt.date) -> str:
    form = TalkForm()
    form.keep(first, klass)
    form.choose(reason)
    request = form.request("kiosk-1", AgeBand.AGES_7_11, day)
    store.save(seal_request(request, public))
    return request.id


@pytest.fixture
def folder(tmp_path, keys) -> tuple[Path, dict[str, str]]:
    data = tmp_path / "data"
    _private, public = keys
    ids = {}
    with RequestStore(data) as store:
        ids["Amira"] = ask(store, public, "Amira", "5C", Reason.ONLINE, TODAY)
        ids["Ben"] = ask(store, public, "Ben", "4B", None, TODAY - dt.timedelta(days=2))
        ids["=cmd"] = ask(store, public, "=HYPERLINK(1)", "", Reason.OTHER, TODAY)
    return data, ids


def run(keys, data: Path, out: Path, *extra: str, passphrase: str = PASSPHRASE) -> int:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("ESAFETY_PASSPHRASE", passphrase)
        return main(
            ["requests", "--data", str(data), "--key", str(keys[0]), "--out", str(out), *extra]
        )


def read_csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "requests.csv").read_text(encoding="utf-8-sig"))))


def test_the_list_has_name_class_reason_day_and_status_oldest_waiting_first(
    keys, folder, tmp_path, capsys
):
    data, _ids = folder
    out = tmp_path / "out"
    assert run(keys, data, out) == 0
    rows = read_csv(out)
    assert [r["name"] for r in rows[:1]] == ["Ben"]  # two days old: first
    amira = next(r for r in rows if r["name"] == "Amira")
    assert (amira["class"], amira["reason"], amira["day"], amira["status"]) == (
        "5C",
        "Something online worried me",
        TODAY.isoformat(),
        "waiting",
    )
    ben = rows[0]
    assert (ben["class"], ben["reason"]) == ("4B", "(not given)")
    formula = next(r for r in rows if "HYPERLINK" in r["name"])
    assert not formula["name"].startswith("=")  # spreadsheet-safe
    oldest = long_day(TODAY - dt.timedelta(days=2))
    assert f"3 requests waiting since {oldest}" in capsys.readouterr().out
    page = (out / "requests.html").read_text(encoding="utf-8")
    assert "@media print" in page and "Amira" in page and page.index("Ben") < page.index("Amira")
    for name in ("requests.csv", "requests.html"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600


def test_marking_seen_then_acted_on_moves_it_down_and_keeps_the_day_and_note(
    keys, folder, tmp_path, capsys
):
    data, ids = folder
    out = tmp_path / "out"
    # Marked on the day --seen runs, by the clock: not TODAY (read when this module was
    # collected, maybe before midnight), and two days if --seen runs across midnight.
    seen_on = {dt.date.today().isoformat()}
    assert run(keys, data, out, "--seen", ids["Ben"][:8]) == 0
    seen_on.add(dt.date.today().isoformat())
    assert "as seen on" in capsys.readouterr().out
    assert run(keys, data, out, "--acted", ids["Amira"], "--note", "Talked at break") == 0
    said = capsys.readouterr().out
    assert f"1 request waiting since {long_day(TODAY)}" in said
    rows = {r["name"]: r for r in read_csv(out)}
    assert rows["Ben"]["status"] == "seen" and rows["Ben"]["status day"] in seen_on
    assert (rows["Amira"]["status"], rows["Amira"]["note"]) == ("acted on", "Talked at break")
    assert [r["name"] for r in read_csv(out)][-1] == "Amira"
    assert b"Talked at break" not in (data / "requests" / "status.json").read_bytes()


def test_an_unknown_id_a_wrong_passphrase_or_no_requests_writes_nothing(
    keys, folder, tmp_path, capsys
):
    data, _ids = folder
    out = tmp_path / "out"
    assert run(keys, data, out, "--seen", "0123456789") == 1
    assert "matches no request here" in capsys.readouterr().err
    assert run(keys, data, out, passphrase="wrong words entirely here") == 1
    err = capsys.readouterr().err
    assert "passphrase" in err.lower() and "Nothing was written" in err
    assert run(keys, tmp_path / "empty", out) == 1
    assert "holds no requests" in capsys.readouterr().err
    assert not out.exists()
