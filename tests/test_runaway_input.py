"""Runaway articles (issue 14): refused in seconds and in bounded memory, with one line."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter import model
from exporter.errors import InputError, RefusedError
from exporter.layouts import find_layout
from exporter.readers.markdown import MAX_BLOCK_NESTING, MAX_NESTING, read_markdown
from exporter.writers.copyfit import fit, read_bounds
from tests.articles import generated_article

ROOT = Path(__file__).resolve().parent.parent
FRONT = "---\ntitle: Runaway\n---\n\n"
NESTED_STARS = "*" * 100_000 + "x" + "*" * 100_000
# Generous: these inputs took 5.8 s to 87 s and up to 1.75 GB before the limits.
NO_HANG_SECONDS = 30
MEMORY_LIMIT = 2_500_000_000


def _limit_memory() -> None:
    """Cap the child's address space, so that a runaway shows as a failure, not swap."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run `exporter build` on `source` in a child process of bounded memory."""
    command = [sys.executable, "-m", "exporter", "build", "-q", "--to", "pdf", "-o", str(out)]
    return subprocess.run(
        [*command, str(source)],
        capture_output=True,
        text=True,
        timeout=NO_HANG_SECONDS * 2,
        preexec_fn=_limit_memory,
        cwd=ROOT,
    )


def _article(tmp_path: Path, body: str, name: str = "runaway.md") -> Path:
    path = tmp_path / name
    path.write_text(FRONT + body + "\n", encoding="utf-8")
    return path


def _refusal(text: str) -> str:
    with pytest.raises(InputError) as caught:
        read_markdown(text)
    return str(caught.value)


def test_nested_emphasis_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    started = time.monotonic()
    done = _build(_article(tmp_path, NESTED_STARS), tmp_path / "dist")
    assert time.monotonic() - started < NO_HANG_SECONDS
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "line 5: a run of 100,000 '*' (more than 50)" in lines[0]
    assert "Traceback" not in done.stderr


def test_overlong_prose_is_refused_in_seconds(tmp_path: Path) -> None:
    prose = (ROOT / "examples" / "japan-rok-relations.md").read_text().split("---\n", 2)[2]
    body = prose * (4_900_000 // len(prose) + 1)
    started = time.monotonic()
    done = _build(_article(tmp_path, body), tmp_path / "dist")
    assert time.monotonic() - started < NO_HANG_SECONDS
    assert done.returncode == 2, done.stderr
    assert "too long for two pages" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_body_far_over_is_refused_before_any_layout() -> None:
    bounds = read_bounds(find_layout(None).path("fit.yaml"))

    def layout(setting: object) -> tuple[object, int, float]:
        raise AssertionError("laid out a body the estimate puts far over")

    with pytest.raises(RefusedError, match=r"too long for two pages: about [0-9,]+ words over"):
        fit(layout, bounds, 100_000, bounds.predictor(generated_article(100_000)))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("_" * 60 + "x" + "_" * 60, "a run of 60 '_'"),
        ("~" * 60, "a run of 60 '~'"),
        ("`" * 60 + "x", "a run of 60 '`'"),
        ("[" * 100_000 + "x" + "]" * 100_000, "a run of 100,000 '['"),
        ("*a " * 20_000 + "x" + " a*" * 20_000, f"nested more than {MAX_NESTING} levels"),
        ("> - " * 100 + "x", f"nested more than {MAX_BLOCK_NESTING} levels"),
        ("> " * 1_000 + "x", f"nested more than {MAX_BLOCK_NESTING} levels"),
        ("".join("  " * i + "- x\n" for i in range(200)), "nested more than"),
    ],
)
def test_delimiter_runs_and_nesting_bombs_are_refused_with_the_line(
    body: str, problem: str
) -> None:
    message = _refusal(FRONT + "A first paragraph.\n\n" + body + "\n")
    assert message.startswith("line "), message
    assert int(message.split()[1].rstrip(":")) >= 7, message
    assert problem in message


def test_an_overlong_file_is_refused_before_parsing() -> None:
    assert "too long for two pages" in _refusal(FRONT + "word " * 300_000)


@pytest.mark.parametrize(
    "body",
    [
        "* * *",
        "*" * 200,
        "_" * 80,
        "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
        "***strong emphasis*** and **bold** and *em*",
        "```\n" + "*" * 200 + "\n```",
        "    " + "*" * 200,
        "Inline `" + "*" * 200 + "` code.",
        "> > > a quotation inside quotations",
    ],
)
def test_legitimate_marks_still_read(body: str) -> None:
    article = read_markdown(FRONT + "Some text.\n\n" + body + "\n")
    assert article.body


def test_strong_emphasis_keeps_its_structure() -> None:
    article = read_markdown(FRONT + "***both***\n")
    paragraph = article.body[0]
    assert isinstance(paragraph, model.Paragraph)
    assert isinstance(paragraph.content[0], model.Emphasis | model.Strong)


@pytest.mark.parametrize("source", sorted((ROOT / "examples").glob("*.md")), ids=lambda p: p.name)
def test_bundled_examples_still_build(source: Path, tmp_path: Path) -> None:
    done = _build(source, tmp_path / "dist")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dist" / f"{source.stem}.pdf").stat().st_size > 0
