"""The content error catalogue: every problem says where, what, and how to fix it.

Modelled on pyxform's ``ErrorCode``: tests assert on codes, not copied wording.

    ContentProblem          one finding (error or warning), with file, entry, fix
    ContentError(Exception) raised when content the kiosk cannot run without is broken
    Unavailable             a file set aside (the others still run), with its problems
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Code", "ContentError", "ContentProblem", "Severity", "Unavailable"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(enum.StrEnum):
    """Each kind of content problem, with the fix a school can apply."""

    YAML_SYNTAX = "yaml-syntax"
    NOT_A_MAPPING = "not-a-mapping"
    SCHEMA = "schema"
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_ROUTE = "unknown-route"
    ROUTE_WRONG_AUDIENCE = "route-wrong-audience"
    ROUTE_TOO_OLD = "route-too-old"
    QUESTION_TOO_OLD = "question-too-old"
    MISSING_FILE = "missing-file"
    MISSING_STRING = "missing-string"
    PLACEHOLDER_MISMATCH = "placeholder-mismatch"
    UNUSED_STRING = "unused-string"
    NO_QUESTIONNAIRE_FOR_BAND = "no-questionnaire-for-band"
    TWO_QUESTIONNAIRES_FOR_BAND = "two-questionnaires-for-band"
    UNCONFIRMED_FACT = "unconfirmed-fact"
    UNREADABLE = "unreadable"
    UNKNOWN_YEAR_GROUP = "unknown-year-group"
    YEAR_GROUP_TWICE = "year-group-twice"
    YEAR_GROUP_UNCOVERED = "year-group-uncovered"
    TWO_AGREEMENTS_FOR_SIGNER = "two-agreements-for-signer"
    CHANGED_WITHOUT_NEW_VERSION = "changed-without-new-version"
    MISSING_RIGHTS = "missing-rights"
    MISSING_HELP_LINE = "missing-help-line"
    STEERING_PICTURE = "steering-picture"
    UNKNOWN_WORDING_KEY = "unknown-wording-key"
    MISSING_CHILD_WORDING = "missing-child-wording"
    TEXT_READ_AS_MATHS = "text-read-as-maths"
    QR_NOT_LISTED = "qr-not-listed"
    READING_LEVEL = "reading-level"
    REVIEW_DATE_PASSED = "review-date-passed"
    NO_REVIEW_DATE = "no-review-date"
    SECRET_NOT_PRIVATE = "secret-not-private"
    UNKNOWN_SYMBOL = "unknown-symbol"
    MISSING_SYMBOL = "missing-symbol"
    LONG_SYMBOL_POINT = "long-symbol-point"


@dataclass(frozen=True)
class ContentProblem:
    """One finding in a content folder."""

    code: Code
    file: str
    entry: str
    message: str
    fix: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    #: The agreement this problem is about, when it is about one (e.g. its text
    #: changed without a new version), so the kiosk can set that one aside.
    agreement_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        entry = f" [{self.entry}]" if self.entry else ""
        return f"{self.severity.value}: {where}{entry}: {self.message}\n    fix: {self.fix}"


class ContentError(Exception):
    """Content the kiosk cannot run without (strings, help routes, school) is broken."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Unavailable:
    """A content file set aside because it failed its checks, and the band it said it was for.

    Agreements have no band (``band_key`` is ``None``).
    """

    file: str
    band_key: str | None
    problems: list[ContentProblem]
