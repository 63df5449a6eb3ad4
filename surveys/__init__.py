"""The core (no UI imports): the school's words as types, the questionnaire flow, and four parts.

    model.py clock.py terms.py idle.py flow.py demo.py   the small shared core
    keys.py       the school's key pair: kiosks seal to the public half, the lead opens
    content/      reading and checking a content folder
    agreements/   AUP texts, signing, the school key, sealed signatures
    storage/      a data folder: crash-safe files, the response store, settings, texts
    sync/         kiosk outbox, bundles, pairing, the hub

This package re-exports the names most callers need.
"""

from surveys.content.errors import Code, ContentError, ContentProblem, Severity
from surveys.content.library import ContentLibrary, check_content, load_content
from surveys.flow import FlowError, QuestionnaireFlow, Step
from surveys.model import (
    AgeBand,
    Audience,
    HelpRoute,
    Question,
    Questionnaire,
    Response,
    Strand,
    Term,
)
from surveys.storage.files import ResponseConflict, StoreBusy
from surveys.storage.responses import ResponseStore

__all__ = [
    "AgeBand",
    "Audience",
    "Code",
    "ContentError",
    "ContentLibrary",
    "ContentProblem",
    "FlowError",
    "HelpRoute",
    "Question",
    "Questionnaire",
    "QuestionnaireFlow",
    "Response",
    "ResponseConflict",
    "ResponseStore",
    "Severity",
    "Step",
    "StoreBusy",
    "Strand",
    "Term",
    "check_content",
    "load_content",
]
