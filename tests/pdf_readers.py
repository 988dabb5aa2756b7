"""Other PDF readers run on the bulletin: pdf.js (in node), MuPDF's mutool and Ghostscript."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDFJS_DIR = ROOT / ".pdfjs"
PDFJS_SCRIPT = Path(__file__).resolve().parent / "pdfjs_text.mjs"
MUTOOL_NOISE = ("warning: ICC support is not available",)
"""What Debian's mutool, built without colour management, says of every file it opens."""
PDFJS_FIND_SCRIPT = Path(__file__).resolve().parent / "pdfjs_find.mjs"
HYPHEN_AT_LINE_END = re.compile(r"([^\W\d_])-\n([^\W\d_])")
"""A letter, a hyphen ending its line, and the next line's first letter."""


def require(tool: str, package: str) -> str:
    """Return the path of a command, or skip the test saying which package brings it."""
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"{tool} is not installed (Debian: {package})")
    return found


def require_pdfjs() -> Path:
    """Return pdf.js's folder, or skip the test saying how to install it."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed (Debian: nodejs)")
    if not (PDFJS_DIR / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs").is_file():
        pytest.skip("pdf.js is not installed: make setup installs it")
    return PDFJS_DIR


def pdfjs_read(path: Path) -> dict[str, Any]:
    """Return pdf.js's reading of a PDF: per page its text items and links, and warnings."""
    folder = require_pdfjs()
    run = subprocess.run(
        ["node", str(PDFJS_SCRIPT), str(folder), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    reading: dict[str, Any] = json.loads(run.stdout)
    return reading


def mutool_problems(path: Path, out: Path) -> list[str]:
    """Return what mutool says on drawing every page and showing the trailer, noise cut."""
    mutool = require("mutool", "mupdf-tools")
    said: list[str] = []
    for command in (
        [mutool, "draw", "-q", "-r", "36", "-o", str(out / "page-%d.png"), str(path)],
        [mutool, "show", str(path), "trailer"],
    ):
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if run.returncode:
            said.append(f"{command[1]} exited {run.returncode}")
        said += [
            line
            for line in run.stderr.splitlines()
            if line.strip() and line.strip() not in MUTOOL_NOISE
        ]
    return said


def ghostscript_problems(path: Path) -> list[str]:
    """Return Ghostscript's complaints on interpreting every page, with its exit status."""
    gs = require("gs", "ghostscript")
    run = subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR", "-sDEVICE=nullpage", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    said = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    return said + ([f"gs exited {run.returncode}"] if run.returncode else [])


def page_text(page: dict[str, Any]) -> str:
    """Return a page's text as pdf.js copies it: items in order, a line end at each EOL."""
    return "".join(item["str"] + ("\n" if item["hasEOL"] else "") for item in page["items"])


def reader_text(text: str) -> str:
    """Return copied text as pdf.js's search reads it: a line ending in "-" between two
    lower-case letters joins the next without it (a hyphenated word, the layout's hyphen
    reading as "-"), before a capital with it ("Japan-ROK"); any other line end is a space.
    """
    text = HYPHEN_AT_LINE_END.sub(lambda m: m[1] + ("" if m[2].islower() else "-") + m[2], text)
    return " ".join(text.split())


def pdfjs_find(path: Path, queries: list[str]) -> dict[str, int]:
    """Return how many times pdf.js's viewer search (its find controller) finds each query
    in a PDF, whole words, case ignored, as a reader's Ctrl+F does."""
    folder = require_pdfjs()
    run = subprocess.run(
        ["node", str(PDFJS_FIND_SCRIPT), str(folder), str(path), *queries],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    found: dict[str, int] = json.loads(run.stdout)
    return found


def words(text: str) -> set[str]:
    """Return the words of a text: runs of letters, apostrophes and hyphens inside."""
    return {w.strip("-'’").casefold() for w in re.findall(r"[\w'’-]+", text) if w.strip("-'’")}


def overlaps(rect: list[float], box: tuple[float, float, float, float], slack: float) -> bool:
    """Return whether rectangle (x0, y0, x1, y1) and box overlap, each grown by `slack`."""
    x0, y0, x1, y1 = rect
    a0, b0, a1, b1 = box
    return (
        x0 - slack <= a1 + slack
        and a0 - slack <= x1 + slack
        and y0 - slack <= b1 + slack
        and b0 - slack <= y1 + slack
    )
