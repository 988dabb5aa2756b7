"""Every edition in its language: bylines, series texts, quotation marks, tagged languages."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import model, walk
from exporter.build import render
from exporter.context import RenderContext
from exporter.layouts import (
    ENGLISH_NAMES,
    ENGLISH_TEXTS,
    find_layout,
    issue_line_markup,
    join_list,
)
from exporter.readers.markdown import read_markdown
from exporter.readers.quotes import quotes_for
from tests.tools import pdf_text

ROOT = Path(__file__).resolve().parent.parent
SERIES = find_layout(None).series
NAMES = ["Mele Tupou", "Nguyễn Thị Lan"]


@pytest.mark.parametrize(
    ("lang", "two", "three"),
    [
        ("en", "Mele Tupou and Nguyễn Thị Lan", "A, B, and C"),
        ("fr", "Mele Tupou et Nguyễn Thị Lan", "A, B et C"),
        ("es", "Mele Tupou y Nguyễn Thị Lan", "A, B y C"),
        ("de", "Mele Tupou und Nguyễn Thị Lan", "A, B und C"),
        ("ja", "Mele Tupou、Nguyễn Thị Lan", "A、B、C"),  # the series' own joiners
        ("pt-BR", "Mele Tupou e Nguyễn Thị Lan", "A, B e C"),
        ("tlh", "Mele Tupou and Nguyễn Thị Lan", "A, B, and C"),  # unknown to CLDR
    ],
)
def test_bylines_join_names_as_the_language_lists_them(lang: str, two: str, three: str) -> None:
    series = SERIES.localised(lang)
    assert series.join_names(NAMES) == two
    assert series.join_names(["A", "B", "C"]) == three
    assert series.join_names(["Solo"]) == "Solo"


def test_a_language_without_series_texts_marks_them_english() -> None:
    german = SERIES.localised("de")
    assert german.english == frozenset((*ENGLISH_TEXTS, *ENGLISH_NAMES))
    assert german.lang_of("mission") == "en" and german.lang_of("web") == "de"
    line = str(issue_line_markup(german, 641, None, "de", xml=True))
    assert line == '<span lang="en" xml:lang="en">Number 641</span>'
    # A whole translation leaves only the series' names in English, where it does not
    # give them: the masthead's.
    for lang in ("fr", "es", "ja", "ko", "zh", "vi", "id"):
        assert SERIES.localised(lang).english <= frozenset(ENGLISH_NAMES), lang
    assert SERIES.localised("ja").english == frozenset(ENGLISH_NAMES)
    assert SERIES.localised("en-GB").english == frozenset()


def test_french_and_spanish_editions_print_their_own_series_texts(tmp_path: Path) -> None:
    for lang, line in (("fr", "Numéro 641 | 17 mai 2023"), ("es", "Número 641 | 17 de mayo")):
        article = model.Article(
            "Un titre",
            number=641,
            date=datetime.date(2023, 5, 17),
            lang=lang,
            authors=(model.Author(NAMES[0]), model.Author(NAMES[1])),
            body=(model.Paragraph((model.Text("Un texte."),)),),
        )
        context = RenderContext(find_layout(None), tmp_path)
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(render(article, context, "pdf"))
        text = " ".join(pdf_text(path).split())
        assert line in text, lang
        assert SERIES.localised(lang).join_names(NAMES) in text
        assert "views expressed" not in text  # the disclaimer is translated


def tagged_languages(pdf: bytes) -> list[tuple[str, str]]:
    """Return the (role, language) of each structure element that names its language."""
    import io

    document = pikepdf.open(io.BytesIO(pdf))
    found: list[tuple[str, str]] = []
    stack = [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node and "/S" in node:
                found.append((str(node.S), str(node.Lang)))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    return found


def test_the_tagged_pdf_names_the_language_of_passages_and_english_series_texts(
    tmp_path: Path,
) -> None:
    article = read_markdown(
        "---\ntitle: Ein Titel\nnumber: 5\nlang: de\n---\n\nDer Text sagt [岸田]{lang=ja}.[^1]\n\n"
        "[^1]: Eine Anmerkung.\n"
    )
    pdf = render(article, RenderContext(find_layout(None), tmp_path), "pdf")
    tagged = tagged_languages(pdf)
    assert ("/Span", "ja") in tagged  # the passage in Japanese
    assert ("/Span", "en") in tagged  # "Number 5" in the issue line
    assert ("/P", "en") in tagged  # the notes' heading
    # The publisher block's texts are in English too, but an artifact: not read aloud.
    translated = dataclasses.replace(article, lang="fr")
    french = tagged_languages(render(translated, RenderContext(find_layout(None), tmp_path), "pdf"))
    assert ("/P", "en") not in french


QUOTED_LANGS = ("en", "fr", "es", "de", "ja", "ko", "zh", "zh-Hant", "vi", "id")
AFTER = st.sampled_from(["이라고", "と", "了", "s", ",", ".", " ", "은", "の", "—", ")", "x"])
WORDS = st.sampled_from(["자유를 위협하는 이웃", "立て直す", "你好", "bonjour", "a word", "x"])


@settings(max_examples=120, deadline=None)
@given(
    lang=st.sampled_from(QUOTED_LANGS),
    quoted=WORDS,
    after=AFTER,
    before=st.sampled_from(["", " ", "는 "]),
)
def test_straight_quotes_become_the_languages_whatever_follows(
    lang: str, quoted: str, after: str, before: str
) -> None:
    body = f'Text{before}"{quoted}"{after} and "more"'
    article = read_markdown(f"---\ntitle: T\nlang: {lang}\n---\n\n{body}\n")
    text = walk.plain_text(article.body)
    assert '"' not in text
    opening, closing = quotes_for(lang, SERIES.quotes)[:2]
    assert f"{opening}{quoted}{closing}" in text


def test_a_korean_pdf_has_no_straight_quotes(tmp_path: Path) -> None:
    article = read_markdown(
        '---\ntitle: "한일 관계"\nlang: ko\n---\n\n그는 "자유를 위협하는 이웃"이라고 말했다.\n'
    )
    path = tmp_path / "ko.pdf"
    path.write_bytes(render(article, RenderContext(find_layout(None), tmp_path), "pdf"))
    text = pdf_text(path)
    assert "“자유를 위협하는 이웃”이라고" in " ".join(text.split())
    assert '"' not in text


def test_cldr_lists_stand_for_unknown_languages_in_english() -> None:
    assert join_list([], "fr") == ""
    assert join_list(["A", "B"], "qaa") == "A and B"
