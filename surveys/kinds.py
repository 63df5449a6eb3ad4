"""The kinds every content file shares: ids, text, age bands and audiences.

Kept apart from :mod:`surveys.model` so the school's own file
(:mod:`surveys.school`) can use them; :mod:`surveys.model` re-exports them all.
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = ["AgeBand", "Audience", "ContentId", "StrictModel", "Text"]

#: Ids in content are lower-case words joined by hyphens: ``tell-an-adult``.
ContentId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=60)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class AgeBand(enum.StrEnum):
    """The four Education for a Connected World age bands (UKCIS, 2020)."""

    AGES_4_7 = "4-7"
    AGES_7_11 = "7-11"
    AGES_11_14 = "11-14"
    AGES_14_18 = "14-18"

    @property
    def youngest(self) -> int:
        return int(self.value.split("-")[0])

    @property
    def oldest(self) -> int:
        return int(self.value.split("-")[1])

    @property
    def label(self) -> str:
        return f"Ages {self.youngest}–{self.oldest}"


class Audience(enum.StrEnum):
    """Who a questionnaire or help route is for."""

    PUPILS = "pupils"
    PARENTS = "parents"
    STAFF = "staff"


class StrictModel(BaseModel):
    """A content model: a misspelt field is an error naming it, and text is trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
