"""Which characters the book sets in each of its font faces, as its own stylesheet says.

A CJK face holds thousands of glyphs of some 500 bytes each: the book carries each cut
to the characters set in it (the sans to what headings and the masthead print, the bold
to what is bold). WeasyPrint lays the book's documents out with the book's stylesheet
(its @font-face rules and pictures left out: only the computed font of each piece of
text is read, so no file is fetched), generated text included; each text box's
characters go to the face its font family, weight and style select, in every family of
its stack that the book carries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from exporter.writers.epub.fonts import FontFace

FONT_FACE_RULE = re.compile(r"@font-face\s*\{[^}]*\}")
PICTURE = re.compile(r"<img\b[^>]*>")
STYLESHEET_LINK = re.compile(r"<link\b[^>]*rel=\"stylesheet\"[^>]*>")
BOLD = 600
"""CSS font matching: a weight from here up looks for a heavier face first."""


def characters_by_face(
    documents: Iterable[str], stylesheet: str, faces: list[FontFace]
) -> dict[str, set[int]]:
    """Return, by face href, the code points the documents set in that face."""
    from weasyprint import CSS, HTML

    found: dict[str, set[int]] = {face.href: set() for face in faces}
    css = CSS(string=FONT_FACE_RULE.sub("", stylesheet), url_fetcher=_refuse)
    for document in documents:
        markup = STYLESHEET_LINK.sub("", PICTURE.sub("", document))
        laid_out = HTML(string=markup, url_fetcher=_refuse).render(stylesheets=[css])
        for page in laid_out.pages:
            for box in _text_boxes(page._page_box):
                characters = {ord(c) for c in box.text if not c.isspace()}
                style = box.style
                for face in _faces_of(
                    style["font_family"], style["font_weight"], style["font_style"], faces
                ):
                    found[face.href] |= characters
    return found


def _text_boxes(box: Any) -> Iterable[Any]:
    if type(box).__name__ == "TextBox":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _faces_of(
    families: tuple[str, ...], weight: int, style: str, faces: list[FontFace]
) -> list[FontFace]:
    """Return the face each carried family of a font stack gives text of a weight and style."""
    heavier_first = weight >= BOLD

    def distance(face: FontFace) -> tuple[int, bool]:
        return abs(face.weight - weight), (face.weight < weight) == heavier_first

    chosen = []
    for family in families:
        own = [face for face in faces if face.family == family]
        if not own:
            continue
        styled = [face for face in own if face.style == style]
        styled = styled or [face for face in own if face.style == "normal"] or own
        chosen.append(min(styled, key=distance))
    return chosen


def _refuse(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    raise ValueError(f"the font survey fetches nothing: {url}")
