"""Morphing screens (kiosk/ui/morph.py) and the load tuning (kiosk/ui/tuning.py)."""

from __future__ import annotations

import gc
import logging

import flet as ft
from flet.messaging.protocol import Message, MessageAction, PatchControlBody

from kiosk.ui import tuning
from kiosk.ui.morph import morph


def question(text: str, answers: list[str], on_click) -> ft.Column:
    return ft.Column(
        [
            ft.Text(text, size=36),
            ft.Column([ft.Button(content=ft.Text(a), on_click=on_click) for a in answers]),
        ]
    )


def test_same_shape_keeps_the_controls_and_takes_the_new_words_and_handlers():
    first, second = (lambda _e: 1), (lambda _e: 2)
    shown = question("Do you play games online?", ["Yes", "No"], first)
    old_text = shown.controls[0]
    old_button = shown.controls[1].controls[1]
    new = question("Do you chat online?", ["Yes", "Sometimes"], second)

    result = morph(shown, new)

    assert result is shown
    assert shown.controls[0] is old_text and old_text.value == "Do you chat online?"
    assert shown.controls[1].controls[1] is old_button
    assert old_button.content.value == "Sometimes"
    assert old_button.on_click is second


def test_a_different_shape_gets_new_controls_where_it_differs():
    shown = question("Q1", ["Yes", "No", "Not sure"], None)
    new = question("Q2", ["Yes"], None)
    new.controls.append(ft.Icon(ft.Icons.CHECK))

    morph(shown, new)

    assert [b.content.value for b in shown.controls[1].controls] == ["Yes"]
    assert isinstance(shown.controls[2], ft.Icon)
    assert morph(ft.Text("a"), ft.Icon(ft.Icons.CHECK)).__class__ is ft.Icon


def test_a_property_back_at_its_default_is_cleared():
    shown = ft.Text("Saving…", size=40, color="#123456")
    morph(shown, ft.Text("Finish", size=40))
    assert shown.value == "Finish" and shown.color is None


def test_flets_send_message_debug_line_is_short_unless_debug_is_on():
    tuning.install()
    body = PatchControlBody(1, [{"words": "x" * 10_000}])
    message = Message(MessageAction.PATCH_CONTROL, body)
    transport = logging.getLogger("flet_transport")
    level = transport.level
    try:
        transport.setLevel(logging.WARNING)
        assert len(f"{message}") < 100
        transport.setLevel(logging.DEBUG)
        assert "x" * 10_000 in f"{message}"
    finally:
        transport.setLevel(level)


def test_settle_freezes_start_up_objects_and_collects_less_often():
    before = gc.get_threshold()
    try:
        tuning.settle()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == tuning.GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_control_shown_on_one_screen_only_leaves_the_others_paired():
    """A question with a line of help, then one without: the buttons after it are kept."""
    shown = ft.Column([ft.Text("Q1"), ft.Container(ft.Text("help")), ft.Row([]), ft.Button("Talk")])
    row, talk = shown.controls[2], shown.controls[3]
    morph(shown, ft.Column([ft.Text("Q2"), ft.Row([]), ft.Button("Talk to someone")]))
    assert shown.controls[1:] == [row, talk]
    assert talk.content == "Talk to someone"
    morph(shown, ft.Column([ft.Text("Q3"), ft.Container(ft.Text("more help")), ft.Row([])]))
    assert isinstance(shown.controls[1], ft.Container) and shown.controls[2] is row
    assert len(shown.controls) == 3


def test_a_control_with_another_key_is_new_and_one_with_the_same_key_is_kept():
    """The next question's answers are new buttons (so the tapped one's ripple ends with it)."""
    shown = ft.Column([ft.Text("Q1"), ft.Button(content=ft.Text("Yes"), key="q1/yes")])
    text, answer = shown.controls
    morph(shown, ft.Column([ft.Text("Q2"), ft.Button(content=ft.Text("Yes"), key="q2/yes")]))
    assert shown.controls[0] is text
    assert shown.controls[1] is not answer and shown.controls[1].key == "q2/yes"
    again = shown.controls[1]
    morph(shown, ft.Column([ft.Text("Q2"), ft.Button(content=ft.Text("Yes ✓"), key="q2/yes")]))
    assert shown.controls[1] is again and again.content.value == "Yes ✓"
