"""The DOCX as a translator's CAT tool cuts it: OmegaT's segments and inline tags, ours
against pandoc's DOCX of the same article."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypandoc
import pytest

from exporter.build import BuildOptions, render_file
from exporter.layouts import find_layout, issue_line
from exporter.readers import load
from tests.translation import OMEGAT_FILTERS, omegat_available, omegat_segments

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = (ROOT / "examples" / "japan-rok-relations.md", ROOT / "tests/fixtures/rich-article.md")
INLINE_TAG = re.compile(r"</?[a-z]+\d+/?>")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not omegat_available(), reason="OmegaT is not installed (Debian: omegat)"),
]


def tags(segments: list[str]) -> int:
    """Return how many inline tags the segments hold in all."""
    return sum(len(INLINE_TAG.findall(segment)) for segment in segments)


@pytest.mark.parametrize("source", ARTICLES, ids=lambda path: path.stem)
def test_our_docx_gives_a_translator_no_more_tags_than_pandocs(
    source: Path, tmp_path: Path
) -> None:
    ours = tmp_path / "ours.docx"
    ours.write_bytes(render_file(source, BuildOptions(formats=("docx",), out_dir=tmp_path))["docx"])
    theirs = tmp_path / "pandoc.docx"
    pandoc = pypandoc.get_pandoc_path()
    subprocess.run([pandoc, str(source), "-o", str(theirs)], check=True, cwd=source.parent)
    our_segments = omegat_segments(ours, tmp_path / "ours")
    their_segments = omegat_segments(theirs, tmp_path / "pandoc")
    assert tags(our_segments) <= tags(their_segments)
    # Every paragraph of the body is offered whole: its first words begin a segment.
    body = source.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    for paragraph in re.findall(r"^[A-Z][^\n]{40,}$", body, re.M):
        opening = " ".join(paragraph.split()[:4])
        assert any(s.startswith(opening) for s in our_segments), opening
    shutil.rmtree(tmp_path / "ours", ignore_errors=True)


@pytest.mark.parametrize("source", ARTICLES, ids=lambda path: path.stem)
def test_with_the_toolkits_filters_omegat_offers_no_text_of_the_series(
    source: Path, tmp_path: Path
) -> None:
    ours = tmp_path / "ours.docx"
    ours.write_bytes(render_file(source, BuildOptions(formats=("docx",), out_dir=tmp_path))["docx"])
    article = load(source)
    series = find_layout(None).series
    line = issue_line(series, article.number, article.date, article.lang)
    texts = {
        series.name,
        series.publisher,
        series.mission,
        series.statement,
        *series.editors,
        series.disclaimer,
        series.web,
        line,
        f"{series.name} | {line}",
        "1",  # the page number
    } - {""}
    # OmegaT's defaults offer the headers and footers, where the series' texts are.
    default = set(omegat_segments(ours, tmp_path / "default"))
    assert texts & default
    # With the filters the toolkit ships, none of them, and every other segment as before.
    filtered = omegat_segments(ours, tmp_path / "filtered", OMEGAT_FILTERS)
    assert not texts & {INLINE_TAG.sub("", segment) for segment in filtered}
    assert sorted(filtered) == sorted(default - texts)
