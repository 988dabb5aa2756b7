"""Read a DOCX (ours, edited in a word processor, or a plain one) into an article."""

from __future__ import annotations

import logging

from exporter import model
from exporter.readers.docx.body import DocumentReader
from exporter.readers.docx.front import (
    authors_with_bios,
    byline_names,
    core_properties,
    document_language,
    parse_issue_line,
    split_byline,
    text_language,
    toolkit_metadata,
)
from exporter.readers.docx.numbering import Numbering
from exporter.readers.docx.package import open_package
from exporter.readers.docx.styles import StyleTable

__all__ = ["read_docx"]

log = logging.getLogger("exporter")


def read_docx(data: bytes) -> model.Article:
    """Return the article a DOCX holds; warnings say what had to be guessed."""
    package = open_package(data)
    core = core_properties(package)
    named_lang = text_language(package, document_language(package, core))
    lang = named_lang or "en"
    reader = DocumentReader(
        package, StyleTable.read(package), Numbering.read(package), document_lang=lang
    )
    body = reader.read_body()
    if not named_lang:
        log.warning("the document names no language; assumed English (use --lang to set it)")
    extra = toolkit_metadata(package)
    front = {role: " ".join(texts) for role, texts in reader.front.items()}
    title = front.get("title", "")
    if not title and core.get("title"):
        title = core["title"]
        reader.guesses.append("the document title property as the title")
    names = byline_names(front.get("byline", ""), core.get("creator", ""), lang)
    if not names and core.get("creator"):
        names = split_byline(core["creator"], lang)
        reader.guesses.append("the document author property as the byline")
    bios = reader.front.get("bio", [])
    number, date = None, None
    if "issue_line" in front:
        number, date = parse_issue_line(front["issue_line"], lang)
        if number is None and date is None:
            log.warning(
                "could not read the issue line %r; number and date left out", front["issue_line"]
            )
    summary = front.get("summary", "")
    if not summary and not reader.toolkit_document:
        summary, body = _italic_opening_as_summary(body, reader.guesses)
    keywords = extra.get("keywords")
    if not isinstance(keywords, list):
        keywords = [k.strip() for k in core.get("keywords", "").split(",") if k.strip()]
    affiliations = extra.get("affiliations")
    if reader.guesses:
        log.warning(
            "guessed from a document without the bulletin's styles: %s", "; ".join(reader.guesses)
        )
    if reader.images:
        log.warning(
            "images stay inside the DOCX: place %s beside the article",
            ", ".join(map(repr, reader.images)),
        )
    return model.Article(
        title=title,
        series=str(extra.get("series") or "apb"),
        number=number,
        date=date,
        kicker=front.get("kicker", ""),
        subtitle=front.get("subtitle", ""),
        authors=authors_with_bios(
            names, bios, [str(a) for a in affiliations] if isinstance(affiliations, list) else []
        ),
        summary=summary,
        lang=lang,
        keywords=tuple(str(k) for k in keywords),
        body=body,
        notes=tuple(reader.notes.notes),
    )


def _italic_opening_as_summary(
    body: tuple[model.Block, ...], guesses: list[str]
) -> tuple[str, tuple[model.Block, ...]]:
    """In a plain document, take an opening paragraph set wholly in italics as the summary."""
    from exporter.walk import plain_text

    if not body:
        return "", body
    first = body[0]
    if isinstance(first, model.Paragraph) and len(first.content) == 1:
        (only,) = first.content
        if isinstance(only, model.Emphasis) and len(body) > 1:
            guesses.append("the opening paragraph in italics as the summary")
            return plain_text(first.content).strip(), body[1:]
    return "", body
