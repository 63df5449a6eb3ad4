"""``esafety guides``: the teacher's one-page guide and the parent letter, ready to print."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.cli.common import content_dir

__all__ = ["add_parser", "print_to_pdf"]

#: The two pages, by file name.
TEACHER_FILE = "teacher-guide.html"
PARENT_FILE = "parent-letter.html"
#: Chromium (or Chrome) prints the HTML to PDF; tried in this order.
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def print_to_pdf(html: Path) -> Path:
    """Print ``html`` to a PDF beside it with headless Chromium; raises if there is none."""
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        raise FileNotFoundError(
            "no Chromium or Chrome found to print the PDF: open the .html file in a browser "
            "and print it (A4), or install chromium"
        )
    pdf = html.with_suffix(".pdf")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf


def cmd_guides(args: argparse.Namespace) -> int:
    from exports.guides import GuideError, parent_letter, sample_values, teacher_guide
    from surveys.content.errors import ContentError
    from surveys.content.library import load_content

    try:
        library = load_content(content_dir(args.content))
        pages = {TEACHER_FILE: teacher_guide(library), PARENT_FILE: parent_letter(library)}
    except (ContentError, GuideError) as exc:
        print(f"esafety guides: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        path = out / name
        path.write_text(html, encoding="utf-8")
        print(f"wrote {path}")
        if args.pdf:
            try:
                print(f"wrote {print_to_pdf(path)}")
            except (OSError, subprocess.SubprocessError) as exc:
                print(f"esafety guides: could not print {name} to PDF: {exc}", file=sys.stderr)
                return 1
    samples = sample_values(library)
    if samples:
        print(
            "note: school.yaml still has sample values (" + ", ".join(samples) + "); "
            "the pages say SAMPLE until you replace them",
            file=sys.stderr,
        )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    g = sub.add_parser(
        "guides", help="the teacher's one-page guide and the parent letter (HTML, A4)"
    )
    g.add_argument("--out", required=True, help="folder to write the two pages into")
    g.add_argument("--content", help="content folder (default: the shipped content)")
    g.add_argument("--pdf", action="store_true", help="also print each page to PDF (Chromium)")
    g.set_defaults(func=cmd_guides)
