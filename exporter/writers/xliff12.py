"""The XLIFF 1.2 writer (`--to xliff12`): the XLIFF 2.1 file's units for older CAT tools.

The same groups, units (`<trans-unit>`, ids as in 2.1), sentences and metadata: each
unit's `<source>` whole, its `<seg-source>` one `<mrk mtype="seg">` per sentence, and a
`<target state="needs-translation">` that copies it, since OmegaT and tools like it
translate a unit only when it has a target. Inline markup is `<bpt>`/`<ept>` pairs and
`<ph>`s holding the original data of 2.1 (`exporter.xliff_codes`); OmegaT shows each pair
as one pair of tags named by its `ctype` (`<e0>…</e0>`, `<a1>…</a1>`).
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from exporter import model
from exporter.context import RenderContext
from exporter.sentences import sentence_pieces
from exporter.walk import plain_text
from exporter.writers.xliff import (
    CONTAINERS,
    TRANSLATOR_NOTE,
    Units,
    append_text,
    indent,
    metadata,
)
from exporter.xliff_codes import (
    GENERATOR,
    MDA,
    RESTYPE,
    VERSION12,
    XLIFF12,
    XML,
    code_of,
    ctype_of,
    qualified,
)

Element = etree._Element
STRUCTURE = {"file", "header", "body", "group", "trans-unit", "context-group"}
"""The elements of element-only content, which the writer indents."""
NEW_TARGET = "needs-translation"
"""The state of a target that still holds its source."""


def write_xliff12(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as an XLIFF 1.2 document whose targets are their sources."""
    namespaces: Any = {None: XLIFF12, "mda": MDA}
    root = etree.Element(qualified(XLIFF12, "xliff"), nsmap=namespaces, version=VERSION12)
    source = context.source
    file = _sub(
        root,
        "file",
        original=source.name if source else "article",
        datatype=f"{RESTYPE}article",
        **{"source-language": article.lang, "tool-id": GENERATOR},
    )
    header = _sub(file, "header")
    _sub(header, "tool", **{"tool-id": GENERATOR, "tool-name": GENERATOR})
    _sub(header, "note").text = TRANSLATOR_NOTE
    metadata(
        header,
        {
            "generator": GENERATOR,
            "series": article.series,
            "number": "" if article.number is None else str(article.number),
            "date": article.date.isoformat() if article.date else "",
            "source-file": source.name if source else "",
            "source-version": source.version if source else "",
        },
    )
    body = _sub(file, "body")
    units = _Units12({note.label: n for n, note in enumerate(article.notes, 1)})
    units.front(body, article)
    units.blocks(units.group(body, "body", "body"), article.body, "b")
    if article.notes:
        notes = units.group(body, "notes", "notes")
        for n, note in enumerate(article.notes, 1):
            units.blocks(
                units.group(notes, f"note{n}", "note", name=note.label), note.content, f"note{n}-b"
            )
    indent(root, STRUCTURE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class _Units12(Units):
    """Writes the units as `<trans-unit>`s and the groups with `restype`s."""

    def group(self, parent: Element, ident: str, kind: str, name: str = "") -> Element:
        return _sub(parent, "group", id=ident, resname=name, restype=RESTYPE + kind)

    def metadata(self, group: Element, values: dict[str, str]) -> None:
        """Add the group's data as contexts, which OmegaT does not offer to translate."""
        values = {key: value for key, value in values.items() if value}
        if not values:
            return
        contexts = _sub(group, "context-group", purpose="information")
        for key, value in values.items():
            _sub(contexts, "context", **{"context-type": f"{RESTYPE}{key}"}).text = value

    def unit(
        self, parent: Element, ident: str, kind: str, inlines: tuple[model.Inline, ...]
    ) -> None:
        """Write one unit: its source, its sentences as marked segments, a target copy."""
        unit = _sub(parent, "trans-unit", id=ident, restype=RESTYPE + kind)
        unit.set(qualified(XML, "space"), "preserve")
        if not plain_text(inlines).strip() and not any(
            not isinstance(i, model.Text) for i in inlines
        ):
            unit.set("translate", "no")  # an empty cell, a figure without alt text
            _sub(unit, "source")
            return
        codes = _Codes12(self.note_numbers)
        codes.fill(_sub(unit, "source"), inlines)
        segmented = _sub(unit, "seg-source")
        sentences = 0
        codes.count = 0  # the same ids again: a code is one code wherever it is shown
        for piece in sentence_pieces(inlines):
            if isinstance(piece, str):
                append_text(segmented, piece)
            else:
                sentences += 1
                codes.fill(_sub(segmented, "mrk", mtype="seg", mid=str(sentences)), piece)
        target = etree.SubElement(unit, qualified(XLIFF12, "target"), state=NEW_TARGET)
        target.text = segmented.text
        for child in segmented:
            target.append(copy.deepcopy(child))


class _Codes12:
    """Writes one unit's inline codes as `<bpt>`/`<ept>` pairs and `<ph>`s, numbered."""

    def __init__(self, note_numbers: dict[str, int]) -> None:
        self.note_numbers = note_numbers
        self.count = 0

    def fill(self, element: Element, inlines: tuple[model.Inline, ...]) -> None:
        """Append the inlines to `element`: text as text, the others as codes."""
        for inline in inlines:
            if isinstance(inline, model.Text):
                append_text(element, inline.text)
                continue
            code = code_of(inline, self.note_numbers)
            self.count += 1
            ident = str(self.count)
            if isinstance(inline, CONTAINERS):
                _sub(element, "bpt", id=ident, ctype=ctype_of(code)).text = code.start
                self.fill(element, inline.content)
                _sub(element, "ept", id=ident).text = code.end
            else:
                _sub(element, "ph", id=ident, ctype=ctype_of(code)).text = code.start


def _sub(parent: Element, tag: str, **attributes: str) -> Element:
    """Add an XLIFF 1.2 element with the attributes that are not empty."""
    return etree.SubElement(
        parent, qualified(XLIFF12, tag), {k: v for k, v in attributes.items() if v}
    )
