"""Navigation: the contents, landmarks and print page list of the nav document and the NCX."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from lxml import etree

from exporter import model
from exporter.layouts import Series

NCX_FILE = "toc.ncx"
NCX_MEDIA_TYPE = "application/x-dtbncx+xml"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class TocEntry:
    """A heading of the content document as the navigation document lists it."""

    level: int
    """1 for the title, 2 and 3 for subheads."""
    href: str
    """The link to the heading."""
    text: str
    """The heading's text."""
    lang: str = ""
    """The heading's language where it is marked apart from the book's (a series text that
    prints in English); empty otherwise."""
    children: list[TocEntry] = field(default_factory=list)
    """The headings below it."""


@dataclass(frozen=True, slots=True)
class Landmark:
    """An entry of the navigation document's landmarks."""

    kind: str
    """Its epub:type (cover, toc, bodymatter)."""
    href: str
    """Where it points."""


def toc_tree(headings: list[TocEntry]) -> list[TocEntry]:
    """Nest the headings: each under the nearest heading before it of a higher rank."""
    roots: list[TocEntry] = []
    stack: list[TocEntry] = []
    for heading in headings:
        entry = dataclasses.replace(heading, children=[])
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots


@dataclass(frozen=True, slots=True)
class PageLink:
    """A page of the print edition as the page lists (nav and NCX) give it."""

    page: int
    """The page number as printed."""
    href: str
    """The link to the page's marker."""


def reading_order(content: bytes) -> dict[str, int]:
    """Return the position of each id of the content document, in document order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(content, parser)
    ids = (element.get("id") for element in root.iter())
    return {ident: number for number, ident in enumerate(i for i in ids if i is not None)}


def ncx_document(
    article: model.Article,
    series: Series,
    identifier: str,
    toc: list[TocEntry],
    page_list: list[PageLink],
    order: dict[str, int],
) -> bytes:
    """Return the NCX of EPUB 2 reading systems: the contents, nested, and the page list.

    Its play order is the reading order of the targets; a heading and a page that start
    at one place share their number, as the NCX asks.
    """
    targets = [entry.href for entry in _flatten(toc)] + [link.href for link in page_list]
    places = sorted(set(targets), key=lambda href: order.get(href.partition("#")[2], -1))
    play_order = {href: str(number) for number, href in enumerate(places, start=1)}

    root = etree.Element(f"{{{NCX_NS}}}ncx", nsmap={None: NCX_NS}, version="2005-1")  # type: ignore[dict-item]
    root.set(XML_LANG, article.lang)
    head = etree.SubElement(root, f"{{{NCX_NS}}}head")
    pages = [link.page for link in page_list]
    for name, content in (
        ("dtb:uid", identifier),
        ("dtb:depth", str(_depth(toc))),
        ("dtb:totalPageCount", str(len(pages))),
        ("dtb:maxPageNumber", str(max(pages, default=0))),
    ):
        etree.SubElement(head, f"{{{NCX_NS}}}meta", name=name, content=content)
    _text(etree.SubElement(root, f"{{{NCX_NS}}}docTitle"), article.title)
    nav_map = etree.SubElement(root, f"{{{NCX_NS}}}navMap")
    count = 0

    def add(parent: etree._Element, entries: list[TocEntry]) -> None:
        nonlocal count
        for entry in entries:
            count += 1
            point = etree.SubElement(
                parent,
                f"{{{NCX_NS}}}navPoint",
                id=f"navpoint-{count}",
                playOrder=play_order[entry.href],
            )
            label = etree.SubElement(point, f"{{{NCX_NS}}}navLabel")
            if entry.lang:
                label.set(XML_LANG, entry.lang)
            _text(label, entry.text)
            etree.SubElement(point, f"{{{NCX_NS}}}content", src=entry.href)
            add(point, entry.children)

    add(nav_map, toc)
    if page_list:
        page_targets = etree.SubElement(root, f"{{{NCX_NS}}}pageList")
        label = etree.SubElement(page_targets, f"{{{NCX_NS}}}navLabel")
        if series.lang_of("navigation.pages") != article.lang:
            label.set(XML_LANG, series.lang_of("navigation.pages"))
        _text(label, series.navigation["pages"])
        for link in page_list:
            target = etree.SubElement(
                page_targets,
                f"{{{NCX_NS}}}pageTarget",
                id=f"pagetarget-{link.page}",
                type="normal",
                value=str(link.page),
                playOrder=play_order[link.href],
            )
            _text(etree.SubElement(target, f"{{{NCX_NS}}}navLabel"), str(link.page))
            etree.SubElement(target, f"{{{NCX_NS}}}content", src=link.href)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _text(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, f"{{{NCX_NS}}}text").text = text


def _flatten(entries: list[TocEntry]) -> list[TocEntry]:
    return [found for entry in entries for found in (entry, *_flatten(entry.children))]


def _depth(entries: list[TocEntry]) -> int:
    return max((1 + _depth(entry.children) for entry in entries), default=0)
