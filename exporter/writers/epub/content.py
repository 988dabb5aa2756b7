"""The content document: the article's XHTML, its figures packed, its ids and headings fixed."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import jinja2
from lxml import etree

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import issue_line
from exporter.resources import local_path
from exporter.writers import html
from exporter.writers.epub.navigation import TocEntry
from exporter.writers.epub.page_markers import PageTarget, place_markers
from exporter.writers.epub.templates import render

log = logging.getLogger("exporter")
CONTENT_FILE = "content.xhtml"
STYLESHEET_FILE = "styles/epub.css"
IMAGE_FOLDER = "images"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PHONE_CHARACTERS = 45
"""The characters of a table's text a phone's line holds (390 px): a wider table is "wide"."""
IMAGE_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    # (magic bytes, offset, media type, extension): only EPUB core media types, recognised
    # by content rather than by name, so that a mislabelled file cannot break the book.
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
)


@dataclass(frozen=True, slots=True)
class PackedImage:
    """An image of the article copied into the EPUB."""

    href: str
    """Its path inside the EPUB, relative to the package document."""
    media_type: str
    """Its media type, recognised from its first bytes."""
    data: bytes
    """The file's bytes."""


def content_document(
    article: model.Article,
    bios: list[str],
    context: RenderContext,
    env: jinja2.Environment,
    with_pages: bool,
) -> tuple[bytes, list[TocEntry], list[PageTarget]]:
    """Return the content XHTML, its headings (in order, not nested) and its print pages.

    The article and bios hold the tokens of print page breaks (see `page_markers`);
    `with_pages` makes them markers, page 1's included. Without a print edition there
    are no tokens and no markers.
    """
    options = html.HtmlOptions(epub=True, column_characters=PHONE_CHARACTERS)
    series = context.layout.series
    rendered = render(
        env,
        "content.xhtml",
        article=article,
        series=series,
        issue_line=issue_line(series, article.number, article.date, article.lang),
        byline=series.join_names([author.name for author in article.authors]),
        stylesheet=STYLESHEET_FILE,
        body=html.body_html(article, options),
        notes=html.notes_html(article, options),
        bios=bios,
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(rendered.encode("utf-8"), parser)
    _make_ids_unique(root)
    _unlink_missing_targets(root)
    pages = place_markers(root) if with_pages else []
    headings = _number_headings(root)
    document = etree.tostring(
        root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )
    return document, headings, pages


def pack_figures(
    article: model.Article, context: RenderContext, images: list[PackedImage]
) -> model.Article:
    """Return the article with each figure pointing at its packed image, or replaced by text.

    A figure whose image the resource policy refuses, or that is not an EPUB core image
    type, becomes a paragraph of its alternative text (and its caption), so that no
    reader loses what it says.
    """
    packed: dict[Path, PackedImage] = {}

    def replace_figure(figure: model.Figure) -> tuple[model.Block, ...]:
        path = local_path(figure.src, context)
        image = packed.get(path) if path else None
        if path is not None and image is None:
            image = _read_image(path, len(packed) + 1)
            if image is not None:
                packed[path] = image
                images.append(image)
        if image is not None:
            return (dataclasses.replace(figure, src=image.href),)
        fallback: list[model.Block] = []
        if figure.alt.strip():
            fallback.append(model.Paragraph((model.Text(figure.alt),)))
        if figure.caption:
            fallback.append(model.Paragraph(figure.caption))
        return tuple(fallback)

    def blocks(found: tuple[model.Block, ...]) -> tuple[model.Block, ...]:
        result: list[model.Block] = []
        for block in found:
            if isinstance(block, model.Figure):
                result.extend(replace_figure(block))
            elif isinstance(block, model.BlockQuote | model.PullQuote):
                result.append(dataclasses.replace(block, content=blocks(block.content)))
            elif isinstance(block, model.ListBlock):
                items = tuple(
                    dataclasses.replace(item, content=blocks(item.content)) for item in block.items
                )
                result.append(dataclasses.replace(block, items=items))
            else:
                result.append(block)
        return tuple(result)

    notes = tuple(dataclasses.replace(note, content=blocks(note.content)) for note in article.notes)
    return dataclasses.replace(article, body=blocks(article.body), notes=notes)


def _read_image(path: Path, number: int) -> PackedImage | None:
    data = path.read_bytes()
    for signature, offset, media_type, extension in IMAGE_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return PackedImage(f"{IMAGE_FOLDER}/figure-{number}{extension}", media_type, data)
    log.warning("left out %s: not a PNG, JPEG, GIF or WebP image", path.name)
    return None


def _make_ids_unique(root: etree._Element) -> None:
    # A note that calls another note repeats a call id of the body; later copies are renamed.
    seen: set[str] = set()
    for element in root.iter():
        ident = element.get("id")
        if ident is None:
            continue
        candidate, count = ident, 1
        while candidate in seen:
            count += 1
            candidate = f"{ident}-{count}"
        element.set("id", candidate)
        seen.add(candidate)


def _unlink_missing_targets(root: etree._Element) -> None:
    # A note that no paragraph calls has a backlink to nowhere; epubcheck calls that an error.
    ids = {element.get("id") for element in root.iter()}
    for link in root.iter(f"{{{XHTML_NS}}}a"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            for attribute in ("href", "role", f"{{{EPUB_NS}}}type"):
                if attribute in link.attrib:
                    del link.attrib[attribute]


def _number_headings(root: etree._Element) -> list[TocEntry]:
    """Give every heading an id and return each as a contents entry, in document order.

    A heading marked in a language of its own (a series text in English) keeps it.
    """
    headings = []
    levels = {f"{{{XHTML_NS}}}h{level}": level for level in range(1, 7)}
    taken = {element.get("id") for element in root.iter()}
    number = 0
    for element in root.iter(*levels):
        ident = element.get("id")
        if ident is None:
            number += 1
            while f"section-{number}" in taken:
                number += 1
            ident = f"section-{number}"
            element.set("id", ident)
        text = " ".join("".join(str(part) for part in element.itertext()).split())
        lang = element.get(XML_LANG, "")
        headings.append(TocEntry(levels[element.tag], f"{CONTENT_FILE}#{ident}", text, lang))
    return headings
