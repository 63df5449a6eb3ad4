"""The ``esafety`` command line (entry point :func:`kiosk.cli.main.main`)."""

from kiosk.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
