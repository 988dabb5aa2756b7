"""Warn of characters a PDF sets in a face outside the series' fonts.

A character none of the layout's faces has is set by Pango in whatever system face has
it: a minus sign (U+2212, which Noto Serif and Sans as shipped lack) in DejaVu Sans, of
another design beside the text. The faces a PDF was written with are WeasyPrint's
(`Document.fonts`, each with its family and the characters of its glyphs); each of a
family that is neither the layout's own (by the name the PDF's stylesheet gives them,
`exporter.fontfaces.shipped_family`, so that an installed face of their family, of
another version, is warned of) nor one its `fonts.yaml` declares for the edition's
language is named in a warning, with the characters set in it.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from exporter.codefaces import all_code_faces
from exporter.fontfaces import font_faces, shipped_family
from exporter.glyphs import INVISIBLE_CATEGORIES, describe
from exporter.layouts import Layout

log = logging.getLogger("exporter")


def warn_of_fallbacks(document: Any, layout: Layout, lang: str) -> None:
    """Warn, for each face outside the series' fonts, of the characters set in it."""
    series = {shipped_family(face.family) for face in font_faces(layout.fonts)}
    declared = set(layout.fonts_for(lang).values())
    found: dict[str, set[str]] = {}
    for font in getattr(document, "fonts", {}).values():
        family = str(getattr(font, "family", ""))
        if not family or family in series or family in declared:
            continue
        characters = found.setdefault(family, set())
        for text in getattr(font, "to_unicode", {}).values():
            characters.update(
                ch for ch in str(text) if unicodedata.category(ch) not in INVISIBLE_CATEGORIES
            )
    if not found:
        return
    # The faces of code are read only for a document set in other faces.
    own = {face.family for face in (*font_faces(layout.fonts), *all_code_faces(layout.fonts))}
    for family in own:
        found.pop(shipped_family(family), None)
    for family, characters in sorted(found.items()):
        if characters:
            log.warning(
                "%s set in %s, a face outside the series' fonts%s",
                describe(sorted(characters)),
                family,
                _installed_namesake(family) if family in own else "",
            )


def _installed_namesake(family: str) -> str:
    """Return what a warning adds of a face that has the name of a family of the layout."""
    # An installed font of the family's name; or the layout's own face, named so by a
    # stylesheet of a layout copied before the names had SHIPPED_SUFFIX.
    return (
        f": the layout's stylesheets name its own {shipped_family(family)!r},"
        " else an installed font of the name may stand in for it"
    )
