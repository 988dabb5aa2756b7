"""The bulletin fills its two pages: across lengths, in English and CJK, or says how short."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pypdf
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.walk import reading_length
from exporter.writers.copyfit import FitReport, read_bounds
from exporter.writers.markdown import write_markdown
from exporter.writers.pdf import fit_report, layout_bulletin, overflow_proof, write_pdf
from tests.articles import full_article
from tests.cjk import TRANSLATIONS, translation
from tests.test_cli import EXAMPLE, run
from tests.tools import normalise

BOUNDS = read_bounds(find_layout(None).path("fit.yaml"))
TARGET = BOUNDS.fill_target


def context_for(article: model.Article, folder: Path) -> RenderContext:
    return RenderContext(find_layout(None).for_language(article.lang), folder)


def assert_filled_or_short(article: model.Article, folder: Path) -> FitReport:
    """Two pages; page 2 filled to the target, or the report says how short it is."""
    result = layout_bulletin(article, context_for(article, folder))
    report = result.report
    assert report is not None
    assert len(result.document.pages) == BOUNDS.pages, result.explain()
    assert report.body_size <= 12, result.explain()
    if report.short:
        assert result.setting.step == 0 and report.fill < TARGET, result.explain()
        assert report.unit == reading_length(article.body).unit
    else:
        assert report.fill >= TARGET, result.explain()
    return report


@pytest.mark.parametrize("words", [350, 450, 550, 650, 750, 900, 1050, 1200, 1350, 1600])
def test_english_articles_of_every_length_fill_two_pages_or_say_how_short(
    words: int, tmp_path: Path
) -> None:
    report = assert_filled_or_short(full_article(words, seed=words + 7), tmp_path)
    if words >= 700:
        # Full articles of 700 words or more reach the target: the looser settings do it.
        assert not report.short, report
    if words <= 450:
        assert report.short >= 50, report


def partial(article: model.Article, share: float) -> model.Article:
    """Return the article with the first `share` of its body blocks, or more, repeated."""
    blocks = list(article.body)
    paragraphs = [b for b in blocks if isinstance(b, model.Paragraph)]
    if share <= 1:
        return dataclasses.replace(article, body=tuple(blocks[: round(len(blocks) * share)]))
    extra = paragraphs[: round(len(paragraphs) * (share - 1))]
    return dataclasses.replace(article, body=tuple(blocks + extra))


@pytest.mark.parametrize("share", [0.55, 0.8, 1.0, 1.3])
@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_cjk_editions_of_every_length_fill_two_pages_or_say_how_many_characters_short(
    lang: str, share: float
) -> None:
    article = partial(translation(lang), share)
    report = assert_filled_or_short(article, TRANSLATIONS[lang].parent)
    assert report.unit == "characters"
    if share >= 1:
        assert not report.short, report


@pytest.mark.parametrize("name", ["seed", "ja", "ko"])
def test_the_seed_and_its_whole_translations_fill_page_two(name: str) -> None:
    source = EXAMPLE if name == "seed" else TRANSLATIONS[name]
    article = load(source)
    report = assert_filled_or_short(article, source.parent)
    assert not report.short and report.fill >= TARGET and report.body_size <= 12


def markdown_article(folder: Path, words: int, seed: int) -> Path:
    article = full_article(words, seed=seed)
    path = folder / f"article-{words}.md"
    path.write_bytes(write_markdown(article, context_for(article, folder)))
    return path


def test_a_short_article_builds_with_a_warning_and_strict_refuses_it(tmp_path: Path) -> None:
    source = markdown_article(tmp_path, 440, seed=44)
    out = tmp_path / "dist"
    code, _, err = run("build", str(source), "--to", "pdf", "-o", str(out), "--explain")
    assert code == 0, err
    assert (out / "article-440.pdf").is_file()
    assert len(pypdf.PdfReader(str(out / "article-440.pdf")).pages) == 2
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, err
    assert "words short of filling two pages" in warnings[0], err
    assert "info: fills " in err and "% of page 2 at 12 pt" in err, err
    strict = tmp_path / "strict"
    code, _, err = run("build", str(source), "--to", "pdf", "-o", str(strict), "--strict")
    assert code == 2, err
    assert not strict.exists() or not os.listdir(strict)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "words short of filling two pages" in lines[0], err
    assert str(source) in lines[0]


def test_explain_prints_the_fill_and_the_setting(tmp_path: Path) -> None:
    code, _, err = run("build", str(EXAMPLE), "--to", "pdf", "-o", str(tmp_path), "--explain")
    assert code == 0, err
    fitted = [line for line in err.splitlines() if line.startswith("info: fitted at ")]
    fills = [line for line in err.splitlines() if line.startswith("info: fills ")]
    assert len(fitted) == 1 and len(fills) == 1, err
    # The editor's app shows what stands between "fitted at " and " (step".
    shown = fitted[0].removeprefix("info: fitted at ").split(" (step")[0]
    assert shown.endswith("% full") and " pt body, leading " in shown, shown
    percent = int(fills[0].split("fills ")[1].split("%")[0])
    assert TARGET * 100 <= percent <= 100


def test_the_fit_report_of_an_article_too_long_says_by_how_much(tmp_path: Path) -> None:
    article = full_article(2300, seed=23)
    context = context_for(article, tmp_path)
    report = fit_report(article, context)
    assert not report.fits and report.over > 0 and report.unit == "words"
    assert report.body_size == 9.5
    assert f"about {report.over:,} words over" in report.summary()


def test_the_overflowing_layout_and_where_page_two_ends(tmp_path: Path) -> None:
    article = full_article(2300, seed=23)
    context = context_for(article, tmp_path)
    proof = overflow_proof(article, context)
    assert proof is not None and proof.report.over > 0
    reader = pypdf.PdfReader(io.BytesIO(proof.pdf))
    assert len(reader.pages) > 2
    line = proof.last_line
    assert line is not None and line.page == 2 and line.text
    page_two = normalise(reader.pages[1].extract_text() or "")
    assert normalise(line.text).rstrip("\u2010-") in page_two
    # The line stands inside the page, below the running head.
    assert 36 < line.top < line.bottom < 792
    # An article that fits has no overflow proof, and its write is refused by nothing.
    fitting = full_article(900, seed=9)
    assert overflow_proof(fitting, context) is None
    assert write_pdf(fitting, context).startswith(b"%PDF")


def test_pdf_ua_2_is_offered(tmp_path: Path) -> None:
    import pikepdf

    article = full_article(700, seed=70)
    context = dataclasses.replace(context_for(article, tmp_path), pdf_variant="pdf/ua-2")
    with pikepdf.open(io.BytesIO(write_pdf(article, context))) as pdf:
        assert str(pdf.pdf_version) == "2.0"
        assert 'pdfuaid:part="2"' in pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "/StructTreeRoot" in pdf.Root
