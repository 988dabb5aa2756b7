"""Test helpers that run the real tools: epubcheck, LibreOffice, and PDF text extraction."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf


def epubcheck(path: Path) -> dict[str, object]:
    """Run epubcheck 5 on an EPUB and return its JSON report."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            ["epubcheck", str(path), "--json", str(report)],
            capture_output=True,
            check=False,
            timeout=300,
        )
        data: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
        return data


def epubcheck_problems(path: Path) -> list[str]:
    """Return epubcheck's errors and warnings for an EPUB as readable lines (empty when valid)."""
    report = epubcheck(path)
    problems = []
    for message in report.get("messages", []):  # type: ignore[union-attr]
        if message["severity"] in ("FATAL", "ERROR", "WARNING"):
            places = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message["locations"])
            problems.append(f"{message['severity']} {message['ID']}: {message['message']} ({places})")
    return problems


def libreoffice_to_pdf(paths: list[Path], out_dir: Path) -> list[Path]:
    """Convert documents to PDF with LibreOffice headless in one run; return the PDFs."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is not installed (make setup installs it)"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, paths),
            ],
            capture_output=True,
            check=True,
            timeout=600,
        )
    return [out_dir / (p.stem + ".pdf") for p in paths]


def pdf_text(path: Path) -> str:
    """Return the text of a PDF, pages joined, whitespace collapsed to single spaces."""
    reader = pypdf.PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return normalise(text)


def normalise(text: str) -> str:
    """Collapse whitespace and undo hyphenation at line ends, for comparing extracted text."""
    text = text.replace("\u00ad", "")
    text = text.replace("-\n", "")
    return " ".join(text.split())


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Assert that each needle occurs in the haystack, each after the one before."""
    position = 0
    for needle in needles:
        found = haystack.find(normalise(needle), position)
        assert found >= 0, f"not found in order: {needle[:80]!r}"
        position = found + len(normalise(needle))
