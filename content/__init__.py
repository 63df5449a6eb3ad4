"""The shipped content: questionnaires, help routes, school profile and kiosk strings (data)."""

from pathlib import Path

__all__ = ["SHIPPED_DIR"]

#: The folder holding the shipped YAML files; a school edits a copy of it.
SHIPPED_DIR = Path(__file__).resolve().parent
