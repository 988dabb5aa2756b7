"""Copyfitting CJK text: capacity counted in characters, fitted and refused like English."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pypdf
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.layouts import find_layout
from exporter.walk import reading_length
from exporter.writers.copyfit import FitBounds, FitSetting, Measure, fit
from exporter.writers.pdf import layout_bulletin, write_pdf
from tests.cjk import TRANSLATIONS, pdf_pages, translation


def paragraph(text: str) -> model.Paragraph:
    return model.Paragraph((model.Text(text),))


def test_cjk_text_is_measured_in_characters() -> None:
    japanese = reading_length([paragraph("日韓関係の強化：若手議員外交")])
    assert (japanese.count, japanese.unit) == (13, "characters")  # the colon is punctuation
    korean = reading_length([paragraph("한일 관계 강화")])
    assert (korean.count, korean.unit) == (6, "characters")
    english = reading_length([paragraph("Strengthening Japan-ROK Relations")])
    assert (english.count, english.unit) == (3, "words")
    # A Latin name in Japanese text counts as a word, each kanji as one character.
    mixed = reading_length([paragraph("尹大統領 Yoon Seok-yeol は")])
    assert (mixed.count, mixed.unit) == (7, "characters")
    whole = reading_length(translation("ja").body)
    assert whole.unit == "characters" and 1_800 < whole.count < 3_000


def test_the_refusal_says_characters_for_cjk_text() -> None:
    loosest = (("body_size", 12.0), ("leading", 1.5), ("paragraph_space", 0.5))
    tightest = (("body_size", 9.5), ("leading", 1.2), ("paragraph_space", 0.15))
    bounds = FitBounds(pages=2, anchors=((0, loosest), (2, tightest)))

    def overflowing(setting: FitSetting) -> tuple[Any, Measure]:
        return None, Measure(pages=3, last_fill=0.5)

    with pytest.raises(RefusedError) as raised:
        fit(overflowing, bounds, 4_000, unit="characters")
    assert "characters over" in str(raised.value) and "words" not in str(raised.value)


@pytest.fixture(scope="module")
def context() -> RenderContext:
    return RenderContext(find_layout(None).for_language("ja"), TRANSLATIONS["ja"].parent)


def longer(article: model.Article, times: float) -> model.Article:
    """Return the article with its body paragraphs repeated, to `times` its length."""
    paragraphs = [b for b in article.body if isinstance(b, model.Paragraph)]
    extra = paragraphs * int(times) + paragraphs[: round(len(paragraphs) * (times % 1))]
    return dataclasses.replace(article, body=article.body + tuple(extra[len(paragraphs) :]))


def test_a_longer_japanese_article_is_fitted_to_two_pages_at_a_smaller_size(
    context: RenderContext,
) -> None:
    article = longer(translation("ja"), 1.45)
    result = layout_bulletin(article, context)
    assert len(result.document.pages) == 2
    assert 9.5 <= result.setting.body_size < 11.5
    assert result.report is not None and result.report.fill >= 0.9, result.explain()
    pdf = write_pdf(article, context)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
    # The end of the article is on page 2, before the publisher block.
    assert "戦略的観点から議員外交を発展させ" in pdf_pages(pdf)[1]


def test_a_japanese_article_too_long_is_refused_in_characters(context: RenderContext) -> None:
    article = longer(translation("ja"), 3)
    with pytest.raises(RefusedError) as raised:
        layout_bulletin(article, context)
    message = str(raised.value)
    assert "characters over at the smallest type (9.5 pt)" in message, message
