"""The package document's metadata: identifiers, Dublin Core, the series, accessibility."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import jinja2
from markupsafe import Markup

from exporter import model
from exporter.context import RenderContext
from exporter.writers.epub.templates import render, template_exists

SUMMARY_NAME = "accessibility-summary"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IDENTIFIER_NAMESPACE = uuid.UUID("6f1b2a52-3c1e-5b8e-9a57-0e4c1d2f7a10")
"""A fixed namespace for uuid5 identifiers, so that an issue keeps its identifier forever."""


def book_identifier(article: model.Article) -> str:
    """Return the stable identifier of an issue: a uuid5 of its series and number (else title)."""
    which = str(article.number) if article.number is not None else f"title:{article.title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{article.series}/{which}')}"


def print_identifier(article: model.Article) -> str:
    """Return the stable identifier of the issue's print edition (the PDF bulletin)."""
    which = str(article.number) if article.number is not None else f"title:{article.title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{article.series}/{which}/print')}"


def set_metadata(
    book: Any,
    article: model.Article,
    context: RenderContext,
    env: jinja2.Environment,
    has_pages: bool,
    has_cover: bool,
) -> None:
    """Give the book its identifier, Dublin Core, series and accessibility metadata."""
    series = context.layout.series
    book.set_identifier(book_identifier(article))
    book.set_title(article.title)
    book.set_language(article.lang)
    for number, author in enumerate(article.authors, start=1):
        book.add_author(author.name, role="aut", uid=f"creator-{number}")
    if article.date is not None:
        book.add_metadata("DC", "date", article.date.isoformat())
    for keyword in article.keywords:
        book.add_metadata("DC", "subject", keyword)
    if article.summary:
        book.add_metadata("DC", "description", article.summary)
    book.add_metadata("DC", "publisher", series.publisher)
    if series.name:
        # EPUB 3 collection metadata: the series, and the place in it when numbered.
        collection = {"property": "belongs-to-collection", "id": "series"}
        book.add_metadata(None, "meta", series.name, collection)
        refines = {"refines": "#series"}
        book.add_metadata(None, "meta", "series", {**refines, "property": "collection-type"})
        if article.number is not None:
            position = {**refines, "property": "group-position"}
            book.add_metadata(None, "meta", str(article.number), position)
    if has_pages:
        # The page list follows the print edition: dc:source names it (EPUB 3.3), and
        # pageBreakSource says it is the source of the page breaks (EPUB Accessibility).
        source = print_identifier(article)
        book.add_metadata("DC", "source", source, {"id": "print-edition"})
        book.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
    _set_accessibility(book, article, env, has_pages, has_cover)


def _set_accessibility(
    book: Any, article: model.Article, env: jinja2.Environment, has_pages: bool, has_cover: bool
) -> None:
    # No conformance claim (dcterms:conformsTo): nobody has audited the output against WCAG,
    # and a claim without a certifier is worth less than an honest summary.
    blocks = all_blocks(article)
    figures = [block for block in blocks if isinstance(block, model.Figure)]
    tables = [block for block in blocks if isinstance(block, model.Table)]
    all_described = all(figure.alt.strip() for figure in figures)

    def schema(name: str, value: str, lang: str | None = None) -> None:
        attributes = {"property": f"schema:{name}"}
        if lang is not None:
            attributes[XML_LANG] = lang
        book.add_metadata(None, "meta", value, attributes)

    schema("accessMode", "textual")
    if figures:
        schema("accessMode", "visual")
    if all_described:
        schema("accessModeSufficient", "textual")
    if figures:
        schema("accessModeSufficient", "textual,visual")
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if figures and all_described:
        features.append("alternativeText")
    if has_pages:
        features.extend(("pageBreakMarkers", "pageNavigation"))
    for feature in features:
        schema("accessibilityFeature", feature)
    schema("accessibilityHazard", "none")
    name, lang = _summary_template(env, article.lang)
    summary = render(
        env,
        name,
        has_notes=bool(article.notes),
        has_tables=bool(tables),
        all_headed=all(table.head for table in tables),
        has_images=bool(figures),
        all_described=all_described,
        has_pages=has_pages,
        has_cover=has_cover,
    )
    # The template is autoescaped like every layout template; ebooklib escapes again. The
    # package's xml:lang is the article's: a summary in another language says so.
    text = " ".join(Markup(summary).unescape().split())
    schema("accessibilitySummary", text, lang if lang != article.lang else None)


def _summary_template(env: jinja2.Environment, lang: str) -> tuple[str, str]:
    """Return the accessibility summary's template for an edition, and the language it is in.

    `accessibility-summary.LANG.txt` for the longest tag that is a prefix of the edition's
    ("zh-Hant" for zh-Hant-TW), else the English `accessibility-summary.txt`.
    """
    parts = lang.split("-")
    for length in range(len(parts), 0, -1):
        tag = "-".join(parts[:length])
        name = f"{SUMMARY_NAME}.{tag}.txt"
        if template_exists(env, name):
            return name, tag
    return f"{SUMMARY_NAME}.txt", "en"


def all_blocks(article: model.Article) -> list[model.Block]:
    """Return every block of the article, nested ones and the notes' included."""
    blocks: list[model.Block] = []

    def collect(found: Iterable[model.Block]) -> None:
        for block in found:
            blocks.append(block)
            if isinstance(block, model.BlockQuote | model.PullQuote):
                collect(block.content)
            elif isinstance(block, model.ListBlock):
                for item in block.items:
                    collect(item.content)

    collect(article.body)
    for note in article.notes:
        collect(note.content)
    return blocks
