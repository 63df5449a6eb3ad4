"""Signing flow: nothing is signed unseen, reset forgets everything, one id per signature."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.agreements.aup import Signer
from surveys.agreements.signing import MAX_POINTS, AgreementLibrary, SigningFlow, SigningStep
from surveys.clock import FakeClock
from surveys.flow import FlowError


@pytest.fixture
def flow(library) -> SigningFlow:
    ids = iter(f"{i:032x}" for i in range(1, 100))
    clock = FakeClock(day=dt.date(2026, 11, 23), ids=lambda: next(ids))
    return SigningFlow(AgreementLibrary(library.aups), kiosk_id="kiosk-test", clock=clock)


def sign_as_parent(flow: SigningFlow) -> None:
    flow.choose(Signer.PARENTS)
    flow.choose_year("year-4")
    while flow.step == SigningStep.READ:
        flow.next_page()
    assert (
        flow.set_details(
            signer_name="Ann Lee", relationship="Mum", child_name="Bo Lee", class_name="4B"
        )
        == []
    )
    flow.add_stroke([(10.04, 20.0), (30.0, 40.0)])
    flow.to_review()


def test_a_parent_reads_their_childs_agreement_then_their_own(flow, library):
    flow.choose(Signer.PARENTS)
    flow.choose_year("year-4")
    ks2, parents = library.aups["aup-ks2"], library.aups["aup-parents"]
    assert [p.aup.id for p in flow.pages] == ["aup-ks2"] * len(ks2.sections) + [
        "aup-parents"
    ] * len(parents.sections)
    assert flow.aup is parents and flow.child_aup is ks2


def test_the_details_and_signature_cannot_be_reached_before_every_page_is_shown(flow):
    flow.choose(Signer.PARENTS)
    flow.choose_year("year-4")
    for _ in range(len(flow.pages) - 1):
        with pytest.raises(FlowError):
            flow.to_details()
        with pytest.raises(FlowError):
            flow.set_details(signer_name="x")
        with pytest.raises(FlowError):
            flow.add_stroke([(1.0, 1.0)])
        with pytest.raises(FlowError):
            flow.finish()
        flow.next_page()
    # Going back does not undo having read it; skipping ahead never happens.
    flow.back()
    flow.next_page()
    assert flow.read_all
    flow.next_page()
    assert flow.step == SigningStep.DETAILS


def test_missing_details_keep_the_person_on_the_details_step(flow):
    flow.choose(Signer.PUPILS)
    flow.choose_year("year-8")
    while flow.step == SigningStep.READ:
        flow.next_page()
    assert flow.set_details(signer_name="  Sam   Jones ", class_name="") == ["class_name"]
    assert flow.step == SigningStep.DETAILS and flow.signer_name == "Sam Jones"
    assert flow.set_details(signer_name="Sam Jones", class_name="8R") == []
    with pytest.raises(FlowError):
        flow.to_review()  # nothing drawn yet


def test_finish_makes_one_signature_with_the_versions_read_and_no_time(flow, library):
    sign_as_parent(flow)
    sig = flow.finish()
    assert sig is flow.finish()  # a retry after a failed save keeps the same id
    assert sig.aup == library.aups["aup-parents"].ref
    assert sig.child_aup == library.aups["aup-ks2"].ref
    assert (sig.signer, sig.signer_name, sig.child_name, sig.class_name) == (
        Signer.PARENTS, "Ann Lee", "Bo Lee", "4B",
    )  # fmt: skip
    assert sig.signed_on == dt.date(2026, 11, 23) and sig.year_group == "year-4"
    assert sig.strokes == [[(10.0, 20.0), (30.0, 40.0)]]


def test_a_typed_name_can_replace_the_drawing(flow):
    flow.choose(Signer.VISITORS)
    while flow.step == SigningStep.READ:
        flow.next_page()
    flow.set_details(signer_name="Pat Kaur", relationship="PTA volunteer")
    flow.add_stroke([(1.0, 1.0)])
    flow.type_instead()
    assert not flow.signed and flow.strokes == []
    flow.set_typed_signature("Pat Kaur")
    flow.to_review()
    sig = flow.finish()
    assert sig.typed_signature == "Pat Kaur" and sig.strokes == []


PERSONAL = ("signer_name", "relationship", "child_name", "class_name", "typed_signature")


def _nothing_left(flow: SigningFlow, at: SigningStep) -> None:
    assert flow.step == at
    assert all(getattr(flow, f) == "" for f in PERSONAL)
    assert flow.strokes == [] and flow.pages == [] and flow.signer is None
    assert flow.year_group is None and flow.furthest_page == -1
    with pytest.raises(FlowError):
        flow.finish()


def test_reset_clears_every_field(flow):
    sign_as_parent(flow)
    flow.finish()
    flow.reset()
    _nothing_left(flow, at=SigningStep.WHO)  # reset starts again at "who is signing?"


def test_after_saving_nothing_of_the_signer_is_kept(flow):
    sign_as_parent(flow)
    flow.finish()
    flow.saved()
    assert flow.step == SigningStep.THANKS
    _nothing_left(flow, at=SigningStep.THANKS)


def test_a_scribble_cannot_grow_without_bound(flow):
    flow.choose(Signer.STAFF)
    while flow.step == SigningStep.READ:
        flow.next_page()
    flow.set_details(signer_name="Jo", relationship="Teacher")
    for _ in range(100):
        flow.add_stroke([(1.0, 2.0)] * 100)
    assert sum(len(s) for s in flow.strokes) == MAX_POINTS == 1000


def test_changing_something_after_a_failed_save_signs_the_corrected_details(flow):
    sign_as_parent(flow)
    first = flow.finish()  # the save fails; the parent taps "Change something"
    flow.back()
    flow.back()
    flow.set_details(signer_name="Ann Leigh")
    flow.add_stroke([(5.0, 5.0)])
    flow.to_review()
    second = flow.finish()
    assert second.signer_name == "Ann Leigh" and second.id != first.id
    assert second is flow.finish()


def test_a_pupil_may_read_the_symbol_version_instead_and_it_is_what_they_sign(flow, library):
    assert flow.library.choices()[:3] == [
        (Signer.PARENTS, False),
        (Signer.PUPILS, False),
        (Signer.PUPILS, True),
    ]
    flow.choose(Signer.PUPILS, symbols=True)
    with pytest.raises(FlowError):
        flow.choose_year("year-7")  # the symbol version is for Reception to Year 6
    flow.choose_year("year-4")
    easy = library.aups["aup-ks1-2-symbols"]
    assert [p.aup.id for p in flow.pages] == [easy.id] * len(easy.sections)
    flow.back()
    flow.back()  # to "Who is signing?": the words version again for the next choice
    assert flow.step == SigningStep.WHO and not flow.symbols
    flow.choose(Signer.PUPILS)
    flow.choose_year("year-4")
    assert flow.aup.id == "aup-ks2"


def test_no_symbol_choice_without_a_symbol_agreement(library):
    aups = {k: a for k, a in library.aups.items() if not a.symbols}
    flow = SigningFlow(AgreementLibrary(aups), kiosk_id="kiosk-test")
    assert (Signer.PUPILS, True) not in flow.library.choices()
    with pytest.raises(FlowError):
        flow.choose(Signer.PUPILS, symbols=True)
