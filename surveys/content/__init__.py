"""Reading a school's content folder: read -> validate -> check -> library.

source.py    read one YAML file (with line numbers) and validate it against its model
errors.py    the error catalogue: every problem names the file, the entry and the fix
checks.py    checks across files (routes, ages, ids, strings)
charttext.py text the charts would misread (``$…$`` read as maths)
aups.py      the agreements (``aups/``), and text edited without a new version
library.py   the :class:`ContentLibrary` the kiosk runs on
"""

from surveys.content.errors import Code, ContentError, ContentProblem, Severity, Unavailable
from surveys.content.library import ContentLibrary, check_content, load_content

__all__ = [
    "Code",
    "ContentError",
    "ContentLibrary",
    "ContentProblem",
    "Severity",
    "Unavailable",
    "check_content",
    "load_content",
]
