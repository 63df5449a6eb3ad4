"""The kiosk's side of a request to talk: sealed to the school's key only, counted exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.ui.services import KioskServices
from surveys.idle import IdlePolicy
from surveys.keys import make_key_pair
from surveys.requests.model import Reason, TalkForm
from surveys.requests.store import RequestStore
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, save_settings


def kiosk(data: Path, library, public_key: str | None) -> KioskServices:
    save_settings(data, KioskSettings(public_key=public_key))
    return KioskServices(
        library=library,
        store=ResponseStore(data, writer=False),
        data_dir=data,
        idle=IdlePolicy(90, 120),
        requests=RequestStore(data),
    )


def amira() -> TalkForm:
    form = TalkForm()
    form.keep("Amira", "5C")
    form.choose(Reason.UNKIND)
    return form


def test_a_request_is_sealed_to_the_school_key_and_counted_exactly(library, tmp_path):
    _private, public = make_key_pair(tmp_path / "keys", "otter lantern maple quiver")
    data = tmp_path / "data"
    sv = kiosk(data, library, public.read_text())
    assert sv.can_pass_on_requests() and sv.request_count() == 0
    for _ in range(3):
        sv.save_request(amira().request(sv.settings.kiosk_id, None, dt.date(2026, 11, 23)))
    assert sv.request_count() == 3  # exact, never rounded: the lead needs every one
    assert all(b"Amira" not in p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert sv.requests is not None
    sv.requests.close()


def test_without_the_school_key_nothing_is_sealed_to_the_demo_key(library, tmp_path):
    data = tmp_path / "data"
    sv = kiosk(data, library, None)
    assert sv.can_take_answers()  # answers may use the demo key on a fresh kiosk ...
    assert not sv.can_pass_on_requests()  # ... a child's name never does
    with pytest.raises(RuntimeError, match="no school public key"):
        sv.save_request(amira().request(sv.settings.kiosk_id, None, dt.date(2026, 11, 23)))
    assert not (data / "requests").exists()
    assert sv.requests is not None
    sv.requests.close()
