"""The core: content, questionnaire flow, anonymous crash-safe store. No UI imports."""

from .content import ContentLibrary, check_content, load_content
from .errors import Code, ContentError, ContentProblem, Severity
from .flow import FlowError, QuestionnaireFlow, Step
from .model import AgeBand, Audience, HelpRoute, Question, Questionnaire, Response, Strand, Term
from .store import ResponseConflict, ResponseStore, StoreBusy

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
