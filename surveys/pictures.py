"""The pictures a 4–7 answer can carry, which of them say "good" or "bad", and the
symbols of a symbol-supported (easy read) agreement.

A picture on an answer is read before the word. A green thumb on "Yes" under
"Has someone been unkind to you online?" tells a young child that being hurt is
good, and steers every child towards the answer the picture praises. So the
defaults are neutral (a tick for yes, a cross for no, a question mark for
not sure), and feelings pictures are for feelings questions.

A symbol-supported agreement (``presentation: symbols``) puts one symbol beside
each short point, for pupils who read with symbols (SEND). A content file names
the symbol by a word from :data:`SYMBOLS`, a fixed set, so every school's file
means the same pictures; the kiosk draws each as a Material icon (bundled, so it
shows offline; colour emoji do not).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "FACE_ICONS",
    "FEELINGS",
    "JUDGING",
    "SYMBOLS",
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

#: The symbol words an agreement point may name (``symbol: tablet``), with what each
#: shows and means. The kiosk's Material icon for each is in ``kiosk.ui.theme.SYMBOL_ICON``.
SYMBOLS: dict[str, str] = {
    "tablet": "a tablet: using a tablet, computer or app",
    "talk": "a person speaking: ask first, or tell",
    "adult": "a grown-up holding a child's hand: a grown-up I trust",
    "stop": "a hand held up: stop",
    "think": "a light bulb: think first",
    "private": "a padlock: keep it private",
    "look": "an eye: grown-ups can see what I do",
    "safe": "a shield: this keeps me safe",
    "kind": "a hand giving a heart: be kind",
    "people": "a group of people: people online",
    "picture": "a camera: a photo or video",
    "game": "a game controller: a game or app",
    "link": "a chain link: a link to tap",
    "sad": "a sad face: something upsets me",
    "heart": "a heart: it is not my fault",
    "phone": "a telephone: call for help",
    "time": "an hourglass: a break for a while",
    "home": "a house: where I live",
}

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
