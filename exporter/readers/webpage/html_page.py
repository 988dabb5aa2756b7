"""Read a publication page as HTML: trafilatura finds the article, these rules map it."""

from __future__ import annotations

import re
from typing import Any

from exporter import model
from exporter.errors import ExportError, InputError
from exporter.readers.webpage.assemble import article_from_page, text_key
from exporter.readers.webpage.authors import authors_from_summary
from exporter.validate import LANGUAGE_TAG

LINK_SCHEMES = ("http://", "https://", "mailto:")
HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z0-9-]+)", re.IGNORECASE)
# How many opening paragraphs may hold the summary field before the body starts.
SUMMARY_SEARCH_DEPTH = 3


def read_html_page(data: bytes) -> model.Article:
    """Return the article in an HTML page; nothing is fetched, links are only read."""
    try:
        import trafilatura
    except ImportError:
        raise ExportError(
            "reading HTML pages needs the trafilatura package (pip install trafilatura)"
        ) from None
    # Only the given bytes are parsed: no URL is passed, so nothing can be fetched.
    document = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_formatting=True,
        include_links=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        raise InputError("no article text found on the page")
    blocks = _blocks(body)
    title = str(getattr(document, "title", None) or "") or _first_heading(body)
    description = str(getattr(document, "description", None) or "")
    return article_from_page(
        title, blocks, summary=_summary(description, blocks), lang=_language(data)
    )


def _summary(description: str, blocks: list[model.Block]) -> str:
    """Return the page's description if it is the teaser: one of the opening paragraphs,
    or a sentence that names the authors; many CMSs fill it with a cut first paragraph."""
    if not description:
        return ""
    key = text_key(model.Paragraph((model.Text(description),)))
    opening = [text_key(block) for block in blocks[:SUMMARY_SEARCH_DEPTH]]
    if key in opening or authors_from_summary(description):
        return description
    return ""


def _language(data: bytes) -> str:
    match = HTML_LANG.search(data[:20_000])
    tag = match[1].decode("ascii") if match else ""
    return tag if LANGUAGE_TAG.match(tag) else "en"


def _first_heading(body: Any) -> str:
    for head in body.iter("head"):
        return " ".join("".join(head.itertext()).split())
    return ""


def _blocks(parent: Any) -> list[model.Block]:
    """Map trafilatura's XML (head, p, list/item, quote, code) to model blocks."""
    blocks: list[model.Block] = []
    for element in parent:
        tag = element.tag
        if tag == "head":
            content = _inlines(element)
            if content:
                level = 3 if element.get("rend", "h2") in ("h3", "h4", "h5", "h6") else 2
                blocks.append(model.Heading(level, content))
        elif tag == "list":
            items = tuple(_list_item(item) for item in element if item.tag == "item")
            items = tuple(item for item in items if item.content)
            if items:
                blocks.append(model.ListBlock(element.get("rend", "ul") == "ol", items))
        elif tag == "quote":
            inner = _blocks(element) if len(element) and element[0].tag == "p" else []
            if not inner and (content := _inlines(element)):
                inner = [model.Paragraph(content)]
            if inner:
                blocks.append(model.BlockQuote(tuple(inner)))
        elif tag == "code":
            blocks.append(model.Paragraph((model.Code("".join(element.itertext())),)))
        elif content := _inlines(element):
            blocks.append(model.Paragraph(content))
    return blocks


def _list_item(item: Any) -> model.ListItem:
    """Return an item: its own text as a paragraph, then any list nested in it."""
    nested = [child for child in item if child.tag == "list"]
    for child in nested:
        item.remove(child)  # the nested list's tail stays with the item's text
    blocks: list[model.Block] = []
    if content := _inlines(item):
        blocks.append(model.Paragraph(content))
    for child in nested:
        blocks.extend(_blocks([child]))
    return model.ListItem(tuple(blocks))


def _inlines(element: Any) -> tuple[model.Inline, ...]:
    """Return an element's inlines, spaces collapsed and trimmed at both ends."""
    inlines = _merge(_inline_children(element, inside_link=False))
    if inlines and isinstance(inlines[0], model.Text):
        inlines[0] = model.Text(inlines[0].text.lstrip())
    if inlines and isinstance(inlines[-1], model.Text):
        inlines[-1] = model.Text(inlines[-1].text.rstrip())
    return tuple(inline for inline in inlines if not _is_empty_text(inline))


def _inline_children(element: Any, inside_link: bool) -> list[model.Inline]:
    inlines: list[model.Inline] = []
    if element.text:
        inlines.append(model.Text(_spaced(element.text)))
    for child in element:
        inlines.extend(_inline(child, inside_link))
        if child.tail:
            inlines.append(model.Text(_spaced(child.tail)))
    return inlines


def _inline(element: Any, inside_link: bool) -> list[model.Inline]:
    tag = element.tag
    if tag == "lb":
        return [model.LineBreak()]
    if tag == "code":
        return [model.Code("".join(element.itertext()))]
    is_link = tag == "ref" and not inside_link
    content = _merge(_inline_children(element, inside_link or is_link))
    if not any(not _is_empty_text(inline) for inline in content):
        return content
    rend = element.get("rend", "")
    if tag == "hi" and rend == "#i":
        return [model.Emphasis(tuple(content))]
    if tag == "hi" and rend == "#b":
        return [model.Strong(tuple(content))]
    target = (element.get("target") or "").strip()
    if is_link and target.lower().startswith(LINK_SCHEMES):
        return [model.Link(target, tuple(content))]
    # Other markup (underline, a relative or script link, a deletion) keeps its text only.
    return content


def _merge(inlines: list[model.Inline]) -> list[model.Inline]:
    merged: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Text) and merged and isinstance(merged[-1], model.Text):
            merged[-1] = model.Text(_spaced(merged[-1].text + inline.text))
        else:
            merged.append(inline)
    return merged


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _is_empty_text(inline: model.Inline) -> bool:
    return isinstance(inline, model.Text) and not inline.text
