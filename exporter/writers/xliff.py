"""The XLIFF 2.1 writer: the article's text for a translation agency's tools.

One unit per paragraph, heading, list item's paragraph, table cell, caption and field of
the front matter (ids name them: `title`, `author1-bio`, `b3-i2-b1`, `note1-b1`), cut
into one segment per sentence (`exporter.sentences`); groups hold lists, quotes, tables,
figures and notes. Inline markup is `<pc>`/`<ph>` with original data the reader rebuilds
it from (`exporter.xliff_codes`). The file's metadata (`mda:`) names the article file and
the version it was written from, as the DOCX's custom properties do, so that a translated
XLIFF imports as that article's edition. Series texts (masthead, issue line, publisher
block) are left out: the layout prints them in each language.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from exporter import model
from exporter.context import RenderContext
from exporter.sentences import sentence_pieces
from exporter.walk import plain_text
from exporter.xliff_codes import (
    CATEGORY,
    GENERATOR,
    MDA,
    PREFIX,
    VERSION,
    XLIFF,
    XML,
    code_of,
    qualified,
)

Element = etree._Element
CONTAINERS = (
    model.Emphasis | model.Strong | model.Link | model.Superscript | model.Subscript | model.Span
)
STRUCTURE = {"file", "group", "unit", "notes", "originalData", "segment", "ignorable"}
"""The elements of element-only content, which the writer indents."""
TRANSLATOR_NOTE = (
    "Series texts (masthead, issue line, running heads, publisher block) are not in this "
    "file: the layout prints them in each language. Keep the inline codes: they are the "
    "article's emphasis, links, note calls and other markup."
)


def write_xliff(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as an XLIFF 2.1 document with no targets, ready to translate."""
    namespaces: Any = {None: XLIFF, "mda": MDA}
    root = etree.Element(qualified(XLIFF, "xliff"), nsmap=namespaces, version=VERSION)
    root.set("srcLang", article.lang)
    source = context.source
    file = _sub(root, "file", id="f1", original=source.name if source else "")
    file.set(qualified(XML, "space"), "preserve")
    metadata(
        file,
        {
            "generator": GENERATOR,
            "series": article.series,
            "number": "" if article.number is None else str(article.number),
            "date": article.date.isoformat() if article.date else "",
            "source-file": source.name if source else "",
            "source-version": source.version if source else "",
        },
    )
    _sub(_sub(file, "notes"), "note", category=CATEGORY).text = TRANSLATOR_NOTE
    units = Units({note.label: n for n, note in enumerate(article.notes, 1)})
    units.front(file, article)
    units.blocks(units.group(file, "body", "body"), article.body, "b")
    if article.notes:
        notes = units.group(file, "notes", "notes")
        for n, note in enumerate(article.notes, 1):
            units.blocks(
                units.group(notes, f"note{n}", "note", name=note.label), note.content, f"note{n}-b"
            )
    indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class Units:
    """Writes units; knows each note's number, which a note call's tag shows. The XLIFF 1.2
    writer (`exporter.writers.xliff12`) shares the walk and writes its own groups and units."""

    def __init__(self, note_numbers: dict[str, int]) -> None:
        self.note_numbers = note_numbers

    def group(self, parent: Element, ident: str, kind: str, name: str = "") -> Element:
        """Add a group of a kind (`exporter:KIND`); `name` is a note's label."""
        return _group(parent, ident, kind, name)

    def metadata(self, group: Element, values: dict[str, str]) -> None:
        """Add what a group's kind does not say: a list's start, a table's alignment."""
        metadata(group, values)

    def front(self, file: Element, article: model.Article) -> None:
        """Write the front matter's texts: title, kicker, summary, authors, keywords."""
        front = self.group(file, "front", "front")
        for field in ("kicker", "title", "subtitle", "summary"):
            text = getattr(article, field)
            if text or field == "title":
                self.unit(front, field, field, (model.Text(text),))
        for n, author in enumerate(article.authors, 1):
            group = self.group(front, f"author{n}", "author")
            for field in ("name", "affiliation", "bio"):
                if getattr(author, field):
                    self.unit(
                        group, f"author{n}-{field}", field, (model.Text(getattr(author, field)),)
                    )
        for n, keyword in enumerate(article.keywords, 1):
            self.unit(front, f"keyword{n}", "keyword", (model.Text(keyword),))

    def blocks(self, parent: Element, blocks: tuple[model.Block, ...], prefix: str) -> None:
        """Write blocks as units and groups whose ids start with `prefix`."""
        for n, block in enumerate(blocks, 1):
            ident = f"{prefix}{n}"
            match block:
                case model.Paragraph(content=content):
                    self.unit(parent, ident, "p", content)
                case model.Heading(level=level, content=content):
                    self.unit(parent, ident, f"h{level}", content)
                case model.ListBlock(ordered=ordered, items=items, start=start):
                    group = self.group(parent, ident, "ol" if ordered else "ul")
                    if ordered and start != 1:
                        self.metadata(group, {"start": str(start)})
                    for k, item in enumerate(items, 1):
                        entry = self.group(group, f"{ident}-i{k}", "item")
                        self.blocks(entry, item.content, f"{ident}-i{k}-b")
                case model.BlockQuote(content=content) | model.PullQuote(content=content):
                    kind = "quote" if isinstance(block, model.BlockQuote) else "pullquote"
                    self.blocks(self.group(parent, ident, kind), content, f"{ident}-b")
                case model.Figure(src=src, alt=alt, caption=caption):
                    group = self.group(parent, ident, "figure")
                    self.metadata(group, {"src": src})
                    self.unit(group, f"{ident}-alt", "alt", (model.Text(alt),))
                    if caption:
                        self.unit(group, f"{ident}-caption", "caption", caption)
                case model.Table():
                    self.table(parent, ident, block)

    def table(self, parent: Element, ident: str, table: model.Table) -> None:
        """Write a table: its caption, then each row a group of one unit per cell."""
        group = self.group(parent, ident, "table")
        if any(table.align):
            self.metadata(group, {"align": ",".join(table.align)})
        if table.caption:
            self.unit(group, f"{ident}-caption", "caption", table.caption)
        for kind, letter, rows in (("head-row", "h", table.head), ("row", "r", table.body)):
            for r, row in enumerate(rows, 1):
                row_group = self.group(group, f"{ident}-{letter}{r}", kind)
                for c, cell in enumerate(row.cells, 1):
                    self.unit(row_group, f"{ident}-{letter}{r}-c{c}", "cell", cell.content)

    def unit(
        self, parent: Element, ident: str, kind: str, inlines: tuple[model.Inline, ...]
    ) -> None:
        """Write one unit: its sentences as segments, the space between them ignorable."""
        unit = _sub(parent, "unit", id=ident, type=f"{PREFIX}:{kind}")
        if not plain_text(inlines).strip() and not any(
            not isinstance(i, model.Text) for i in inlines
        ):
            unit.set("translate", "no")  # an empty cell, a figure without alt text
            _sub(_sub(unit, "segment"), "source")
            return
        original = _sub(unit, "originalData")
        codes = _Codes(original, self.note_numbers)
        sentences = 0
        for piece in sentence_pieces(inlines):
            if isinstance(piece, str):
                _sub(_sub(unit, "ignorable"), "source").text = piece
            else:
                sentences += 1
                codes.fill(_sub(_sub(unit, "segment", id=f"s{sentences}"), "source"), piece)
        if not len(original):
            unit.remove(original)


class _Codes:
    """Writes one unit's inline codes, numbering them and sharing equal original data."""

    def __init__(self, original: Element, note_numbers: dict[str, int]) -> None:
        self.original = original
        self.note_numbers = note_numbers
        self.data: dict[str, str] = {}
        self.count = 0

    def fill(self, element: Element, inlines: tuple[model.Inline, ...]) -> None:
        """Append the inlines to `element`: text as text, the others as codes."""
        for inline in inlines:
            if isinstance(inline, model.Text):
                append_text(element, inline.text)
                continue
            code = code_of(inline, self.note_numbers)
            self.count += 1
            attributes = {"id": str(self.count), "type": code.type, "subType": code.sub_type}
            if isinstance(inline, CONTAINERS):
                attributes |= {
                    "dataRefStart": self._ref(code.start),
                    "dataRefEnd": self._ref(code.end),
                }
                self.fill(_sub(element, "pc", **attributes), inline.content)
            else:
                attributes |= {"dataRef": self._ref(code.start), "disp": code.display}
                _sub(element, "ph", **attributes)

    def _ref(self, data: str) -> str:
        if data not in self.data:
            self.data[data] = f"d{len(self.data) + 1}"
            _sub(self.original, "data", id=self.data[data]).text = data
        return self.data[data]


def metadata(parent: Element, values: dict[str, str]) -> None:
    """Add the toolkit's metadata group (`mda:metadata`) to a file or group; empty values
    are left out."""
    group = etree.SubElement(
        etree.SubElement(parent, qualified(MDA, "metadata")),
        qualified(MDA, "metaGroup"),
        category=CATEGORY,
    )
    for key, value in values.items():
        if value:
            etree.SubElement(group, qualified(MDA, "meta"), type=key).text = value


def _group(parent: Element, ident: str, kind: str, name: str = "") -> Element:
    return _sub(parent, "group", id=ident, name=name, type=f"{PREFIX}:{kind}")


def _sub(parent: Element, tag: str, **attributes: str) -> Element:
    """Add an XLIFF element with the attributes that are not empty."""
    return etree.SubElement(
        parent, qualified(XLIFF, tag), {k: v for k, v in attributes.items() if v}
    )


def append_text(element: Element, text: str) -> None:
    """Append text to an element, after its last child if it has one."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def indent(element: Element, structure: set[str] = STRUCTURE, level: int = 0) -> None:
    """Indent the elements of element-only content (`structure`, the root and metadata),
    never the text of a source or target."""
    local = etree.QName(element).localname
    if local not in structure and local != "xliff" and etree.QName(element).namespace != MDA:
        return
    if len(element):
        element.text = "\n" + "  " * (level + 1)
        for child in element:
            indent(child, structure, level + 1)
            child.tail = "\n" + "  " * (level + 1)
        element[-1].tail = "\n" + "  " * level
