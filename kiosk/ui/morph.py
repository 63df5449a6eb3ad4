"""Redraw a screen by changing what is already shown, not by building it again.

A screen is built afresh on every tap (``kiosk.ui.screens``: plain functions of
what to show). Handing Flet a new tree makes it send and index every control of
it again: at 240 pupils that was most of the kiosk's CPU (docs/performance.md).
:func:`morph` instead copies the new tree's properties onto the tree already
shown wherever the two have the same kind of control in the same place, so
Flet's own change tracking sends only what differs (a question's words, its
answers, the progress), and new controls only where the shape differs.
"""

from __future__ import annotations

from typing import Any

import flet as ft

__all__ = ["morph"]

#: Flet's own bookkeeping: never copied (the control keeps its id and its place).
_OWN = frozenset({"_i", "_c", "_internals", "_values", "_dirty", "data", "ref"})


def morph(old: Any, new: Any) -> Any:
    """``old`` changed to look like ``new`` if they are the same kind of control with the
    same ``key``, else ``new``.

    Returns the control to show. Event handlers, styles and words are copied as
    they are; child controls (``content``, ``controls`` and the like) are morphed
    in turn, position by position.
    """
    if old is new or type(old) is not type(new) or not isinstance(new, ft.BaseControl):
        return new
    if old.key != new.key:  # another control by design (the next question's answer, say)
        return new
    # Only properties set on either side: the rest are at their defaults on both.
    for name in old._values.keys() | new._values.keys():
        _set(old, name, _merged(getattr(old, name), getattr(new, name)))
    for name in type(new)._structural_fields:  # type: ignore[attr-defined]
        if name not in _OWN:
            value = getattr(new, name)
            if isinstance(value, list):
                getattr(old, name)[:] = _merged(getattr(old, name), value)
            else:
                setattr(old, name, value)
    old.data = new.data
    return old


def _merged(old: Any, new: Any) -> Any:
    if isinstance(new, ft.BaseControl):
        return morph(old, new)
    if isinstance(new, list) and isinstance(old, list):
        return _aligned(old, new)
    return new


def _aligned(old: list[Any], new: list[Any]) -> list[Any]:
    """Pair each new child with the next old child of its kind, in order (a line of help
    shown on one question and not the next leaves the controls after it paired)."""
    out: list[Any] = []
    j = 0
    for item in new:
        k = next((k for k in range(j, len(old)) if type(old[k]) is type(item)), None)
        if k is None:
            out.append(item)
        else:
            out.append(morph(old[k], item))
            j = k + 1
    return out


def _set(control: Any, name: str, value: Any) -> None:
    if getattr(control, name) is not value:
        setattr(control, name, value)  # Flet's Prop records a change only if it differs
