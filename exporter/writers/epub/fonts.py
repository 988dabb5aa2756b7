"""The fonts an EPUB carries: the layout's own and an edition's CJK families."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from exporter import fontfaces, model
from exporter.codefaces import code_faces
from exporter.fontfaces import font_faces
from exporter.glyphs import edition_text, shipped_coverage
from exporter.language_fonts import subset_faces
from exporter.layouts import Layout

log = logging.getLogger("exporter")
FONT_FOLDER = "fonts"
FONT_MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}
SAFE_FONT_FAMILY = re.compile(r"[A-Za-z0-9 _-]+")
# List markers (disc, circle, square) and punctuation a reading system may draw itself.
READING_SYSTEM_MARKS = "•◦▪■□–—‘’“”…\u00a0"
# Sesame dots, which a reading system draws over emphasis in the text's own font.
EMPHASIS_MARKS = "\ufe45\ufe46"


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file packed into the EPUB and the @font-face rule that names it."""

    href: str
    """Its path inside the EPUB, relative to the package document."""
    family: str
    """The family name the CSS uses."""
    weight: int
    """The CSS font weight (400 regular, 700 bold)."""
    style: str
    """The CSS font style: normal or italic."""
    media_type: str
    """The font's media type."""
    data: bytes
    """The file's bytes."""
    by_style: bool = False
    """Whether the book cuts it to the characters set in it (a CJK face), not to all it prints."""


def book_fonts(article: model.Article, layout: Layout) -> list[FontFace]:
    """Return the layout's fonts, its faces of code if the article has code, and, for a
    CJK edition, its system families' subsets.

    `layout` is the edition's (its series texts in the article's language).
    """
    fonts = layout_fonts(layout) + packed_faces(code_faces(article, layout.fonts))
    if not layout.fonts_for(article.lang):
        return fonts
    # A CJK edition also carries its system CJK families, subset to the characters it
    # prints: the edition's texts, and the EPUB's own (navigation labels, the byline).
    series = layout.series
    names = series.join_names([author.name for author in article.authors])
    text = "\n".join([edition_text(article, series), *series.navigation.values(), names])
    covered = shipped_coverage(layout.font_files())
    fonts += [
        FontFace(
            f"{FONT_FOLDER}/{face.filename}",
            face.family,
            face.weight,
            face.style,
            "font/otf",
            face.data,
            by_style=True,
        )
        for face in subset_faces(layout, article.lang, text, covered)
    ]
    return fonts


def layout_fonts(layout: Layout) -> list[FontFace]:
    """Return the layout's fonts with the family, weight and style their own tables declare."""
    return packed_faces(font_faces(layout.fonts))


def packed_faces(font_files: Iterable[fontfaces.FontFace]) -> list[FontFace]:
    """Return font files as the EPUB packs them, in its `fonts/` folder."""
    faces = []
    for face in font_files:
        media_type = FONT_MEDIA_TYPES.get(face.path.suffix.lower())
        if media_type is None:
            continue
        if not SAFE_FONT_FAMILY.fullmatch(face.family):
            log.warning(
                "left out font %s: family name %r cannot be quoted in CSS", face.path, face.family
            )
            continue
        href = f"{FONT_FOLDER}/{face.path.name}"
        data = _font_bytes(face.path)
        faces.append(FontFace(href, face.family, face.weight, face.style, media_type, data))
    return faces


@functools.lru_cache(maxsize=16)
def _font_bytes(path: Path) -> bytes:
    """Return a font file's bytes, read once a process: every book of a layout packs them."""
    return path.read_bytes()


def printed_characters(texts: list[str]) -> set[int]:
    """Return the code points the book's fonts must keep.

    Every character of its texts (markup included, which costs a few ASCII glyphs), all
    of printable ASCII, and the marks reading systems draw for lists and quotes in the
    text's own font.
    """
    printed = {ord(char) for text in texts for char in text}
    printed.update(range(0x20, 0x7F))
    printed.update(ord(char) for char in READING_SYSTEM_MARKS)
    return printed


def face_characters(
    fonts: list[FontFace], printed: set[int], set_in_face: dict[str, set[int]]
) -> dict[str, set[int]]:
    """Return the code points each face keeps: a face cut by style keeps what the book sets
    in it (`set_in_face`), and the marks and ASCII any text may take; the one that sets
    the most (the body's) keeps all the book prints, so that text a reading system shows
    in its own way (navigation, hidden labels) finds its glyphs; every other face keeps
    all the book prints."""
    common = set(range(0x20, 0x7F)) | {ord(c) for c in READING_SYSTEM_MARKS + EMPHASIS_MARKS}
    styled = [face.href for face in fonts if face.by_style]
    body = max(styled, key=lambda href: len(set_in_face.get(href, ())), default=None)
    kept = {}
    for face in fonts:
        if face.by_style and face.href != body:
            kept[face.href] = (set_in_face.get(face.href, set()) | common) & printed | common
        else:
            kept[face.href] = printed
    return kept
