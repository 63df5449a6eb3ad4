"""The pictures a 4–7 answer can carry, and which of them say "good" or "bad".

A picture on an answer is read before the word. A green thumb on "Yes" under
"Has someone been unkind to you online?" tells a young child that being hurt is
good, and steers every child towards the answer the picture praises. So the
defaults are neutral (a tick for yes, a cross for no, a question mark for
not sure), and feelings pictures are for feelings questions.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "FACE_ICONS",
    "FEELINGS",
    "JUDGING",
    "FaceIcon",
    "default_picture",
]

#: Picture names a content file may give an option; the kiosk maps each to a
#: Material icon (colour emoji do not render offline in the web client).
FaceIcon = Literal[
    "very-happy",
    "happy",
    "neutral",
    "sad",
    "very-sad",
    "thumb-up",
    "thumb-down",
    "question",
    "yes",
    "no",
]
FACE_ICONS: tuple[str, ...] = get_args(FaceIcon)

#: Faces: right for "how do you feel" questions, where the face is the answer.
FEELINGS: frozenset[str] = frozenset({"very-happy", "happy", "neutral", "sad", "very-sad"})
#: Pictures that praise or blame the answer they sit on.
JUDGING: frozenset[str] = frozenset(
    {"very-happy", "happy", "sad", "very-sad", "thumb-up", "thumb-down"}
)

_NOT_SURE = {"not-sure", "dont-know", "unsure"}


def default_picture(option_id: str) -> FaceIcon:
    """A neutral picture for an answer whose content names none."""
    if option_id == "yes":
        return "yes"
    if option_id == "no":
        return "no"
    if option_id in _NOT_SURE:
        return "question"
    return "neutral"
