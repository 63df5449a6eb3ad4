"""The help cards follow whoever is in front of the kiosk: the band's words after a
questionnaire, and while signing an agreement the signer, not the tablet's band."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ui.services import KioskServices
from surveys.agreements.aup import Signer
from surveys.agreements.signing import AgreementLibrary, SigningFlow
from surveys.idle import IdlePolicy
from surveys.model import AgeBand
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, save_settings


@pytest.fixture
def tablet(library, tmp_path: Path) -> Iterator:
    made: list[ResponseStore] = []

    def make(band: AgeBand | None) -> KioskServices:
        data = tmp_path / f"data-{band}"
        save_settings(data, KioskSettings(band=band, mode="both"))
        made.append(ResponseStore(data, writer=False))
        return KioskServices(
            library=library, store=made[-1], data_dir=data, idle=IdlePolicy(90, 120)
        )

    yield make
    for store in made:
        store.close()


def signing(library, signer: Signer, year: str | None = None) -> SigningFlow:
    flow = SigningFlow(AgreementLibrary(library.aups), kiosk_id="kiosk-test")
    flow.choose(signer)
    if year:
        flow.choose_year(year)
    return flow


def test_a_parent_signing_on_a_7_11_tablet_sees_the_adults_cards(tablet, library):
    kiosk = tablet(AgeBand.AGES_7_11)
    child_cards = [r.id for r in kiosk.help_routes(kiosk.questionnaire())]
    assert "childline" in child_cards and "nspcc-helpline" not in child_cards

    shown = kiosk.help_routes(None, signing=signing(library, Signer.PARENTS, "year-4"))
    ids = [r.id for r in shown]
    assert ids[0] == "school" and "nspcc-helpline" in ids and "stop-it-now" in ids
    assert "childline" not in ids and "shore" not in ids  # cards for children only
    ceop = next(r for r in shown if r.id == "ceop")
    assert ceop.for_whom == library.routes["ceop"].for_whom  # adult words, not 7-11 ones
    assert next(r for r in shown if r.id == "school").name == library.school.own_route.name


def test_staff_signing_see_the_staff_cards(tablet, library):
    kiosk = tablet(AgeBand.AGES_4_7)
    ids = [r.id for r in kiosk.help_routes(None, signing=signing(library, Signer.STAFF))]
    assert ids[0] == "school" and "professionals-online-safety-helpline" in ids
    assert "childline" not in ids


def test_a_reception_child_signing_on_a_teenage_tablet_sees_4_7_cards(tablet, library):
    kiosk = tablet(AgeBand.AGES_14_18)
    teen = [r.id for r in kiosk.help_routes(kiosk.questionnaire())]
    assert "report-harmful-content" in teen and "iwf" in teen

    shown = kiosk.help_routes(None, signing=signing(library, Signer.PUPILS, "reception"))
    ids = [r.id for r in shown]
    assert ids == [r.id for r in library.routes_for(library.for_band(AgeBand.AGES_4_7))]
    assert "report-harmful-content" not in ids and "iwf" not in ids
    childline = next(r for r in shown if r.id == "childline")
    assert childline.for_whom == library.routes["childline"].for_band["4-7"].for_whom


def test_a_pupil_who_has_not_chosen_a_year_sees_the_tablets_band(tablet, library):
    kiosk = tablet(AgeBand.AGES_7_11)
    shown = kiosk.help_routes(None, signing=signing(library, Signer.PUPILS))
    ceop = next(r for r in shown if r.id == "ceop")
    assert ceop.for_whom == library.routes["ceop"].for_band["7-11"].for_whom
    unset = tablet(None)  # no band at all: the youngest words, the safe choice
    shown = unset.help_routes(None, signing=signing(library, Signer.PUPILS))
    assert "iwf" not in [r.id for r in shown]
