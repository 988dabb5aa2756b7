"""Leave out the starting template's styles that the document never uses.

python-docx starts every document from its own template, whose styles part defines
about 160 of Word's styles (table grids in every accent colour, "Macro Text" in Courier,
...): 330 kB of the 800 kB a bulletin's DOCX holds before compression, the largest part
to compress, and font families for the font table to describe that the bulletin never
prints. Word and LibreOffice know their built-in styles without a definition (the
latent styles stay), so a translator who applies one finds it as always. Kept: every
style the document's parts name, the layout's own, the defaults, and every style
those are based on, linked to, or followed by.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.opc.part import XmlPart
from docx.oxml.ns import qn

# Where a part names a style: paragraphs, runs, tables, and numbering's style links.
STYLE_REFERENCES = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")
# Where a style names another it needs.
STYLE_LINKS = ("w:basedOn", "w:link", "w:next")


def drop_unused_styles(document: Any, kept: Iterable[str]) -> int:
    """Remove the style definitions no part of `document` needs; return how many went.

    `kept` are style ids kept whether used or not (the layout's styles).
    """
    styles = document.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iter(qn("w:style"))}
    needed = set(kept) | _named_in_parts(document, styles)
    needed |= {sid for sid, style in by_id.items() if style.get(qn("w:default")) in ("1", "true")}
    waiting = list(needed)
    while waiting:
        style = by_id.get(waiting.pop())
        if style is None:
            continue
        for tag in STYLE_LINKS:
            link = style.find(qn(tag))
            target = link.get(qn("w:val")) if link is not None else None
            if target and target not in needed:
                needed.add(target)
                waiting.append(target)
    dropped = 0
    for style_id, style in by_id.items():
        if style_id not in needed:
            styles.remove(style)
            dropped += 1
    return dropped


def _named_in_parts(document: Any, styles: Any) -> set[str]:
    """Return the style ids the document's XML parts name, the styles part aside."""
    named: set[str] = set()
    for part in document.part.package.iter_parts():
        if not isinstance(part, XmlPart) or part.element is styles:
            continue
        for tag in STYLE_REFERENCES:
            for reference in part.element.iter(qn(tag)):
                value = reference.get(qn("w:val"))
                if value:
                    named.add(value)
    return named
