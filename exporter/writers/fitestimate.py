"""Predict the pages an article takes at each setting, from its text against the type area.

The fitter's first layout pass is at the setting this predicts, so that most articles
are laid out once. Each block is set in lines (its text's width over what a line holds
at that setting's size) of its line height, with the spaces the setting puts around
it; the title, summary and bios likewise across the page. A text's width is read off
the layout's body face (`CharacterWidths`): German sets a twelfth wider than English,
and text in a script the face lacks falls back to wider system fonts. The proportions are the
bundled design's (`layouts/apb/bulletin.css.j2`); the characters a line holds and the
coefficients that turn lengths into pages are the layout's own (`estimate` in
`fit.yaml`), fitted over laid-out articles by `benchmarks/calibrate_fit.py`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from unicodedata import east_asian_width

from exporter import model
from exporter.walk import plain_text, text_length, walk
from exporter.writers.html import CELL_CHARACTERS, CELL_PADDING, table_characters

if TYPE_CHECKING:
    from exporter.writers.fitscale import FitSetting

BASE_SIZE = 12.0
"""The body size (pt) at which `characters_per_line` is given."""
FULL_WIDTH = 2.05
"""The page's measure against a column's: two columns and the gap between them."""
PICTURE_SHAPE = 0.6
"""A picture's height against its width where its file cannot be read."""
LATIN_EM = 0.48
"""The mean advance of a character of English text in the body face, in em: the unit
text widths are counted in, so that a width is about a character count."""
MISSING_EM = 0.63
"""The advance (em) taken for a character the body face lacks, which a system font sets
(DejaVu Serif's Cyrillic, for one, is 0.63 em on average); a wide (CJK) one takes 1 em."""

SPACES = re.compile(r"[ \t\n\r\f]+")
"""A run of the white space HTML sets as one space (a no-break space is not one)."""

Width = Callable[[str], float]
"""A text's width, in mean Latin characters."""
Shape = Callable[[str], float | None]
"""A picture's height against its width, by its reference; 0 for one missing, None
where it cannot be told."""


class CharacterWidths:
    """Text widths read off a font's advances: a width function for the estimate."""

    def __init__(self, font: Path) -> None:
        import uharfbuzz

        face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(font)))
        self._font = uharfbuzz.Font(face)
        self._unit = float(face.upem) * LATIN_EM
        self._widths: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        """Return the width of `text`."""
        widths = self._widths
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = self._width(char)
            total += width
        return total

    def _width(self, char: str) -> float:
        glyph = self._font.get_nominal_glyph(ord(char))
        if glyph:
            return float(self._font.get_glyph_h_advance(glyph)) / self._unit
        if east_asian_width(char) in "WF":
            return 1 / LATIN_EM
        return MISSING_EM / LATIN_EM


@functools.cache
def character_widths(font: Path) -> CharacterWidths:
    """Return the widths of a font file's characters, one reader per process."""
    return CharacterWidths(font)


@dataclass(frozen=True, slots=True)
class Language:
    """How a language sets against Latin text."""

    width: float = 1.0
    """A character's width against a Latin-width one (CJK characters count as two)."""
    leading: float = 0.0
    """Leading the design adds for the language (a multiple of the type size)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One thing the bulletin sets, by its kind and text length."""

    kind: str
    """paragraph, heading2, heading3, pullquote, figure, table, note, or item_end."""
    length: float
    """Its text's length in Latin-width characters, the language's width applied."""
    depth: int = 0
    """How deep in lists and quotes it stands."""
    rows: tuple[tuple[float, ...], ...] = ()
    """A table's cells' lengths, row by row."""
    shares: tuple[float, ...] = ()
    """A table's columns' shares of its width, as its automatic layout gives them."""
    wide: bool = False
    """A table set across both columns."""
    caption: float = 0.0
    """The length of a figure's or table's caption."""
    shape: float = PICTURE_SHAPE
    """A figure's picture's height against its width (set to the column's width)."""
    source: str = ""
    """A figure's picture's reference."""
    breaks: tuple[float, ...] = ()
    """A paragraph broken by hard line breaks: the length of each of its pieces, each
    set from a new line; empty for one unbroken."""


@dataclass(frozen=True, slots=True)
class Parts:
    """What an article sets, measured once: the fitter predicts every setting from it."""

    body: tuple[Part, ...]
    """The body's blocks, in order (lists and quotes as their blocks)."""
    notes: tuple[float, ...]
    """The length of each note."""
    title: float
    subtitle: float
    summary: float
    bios: tuple[float, ...]
    leading: float
    """Leading the design adds for the article's language."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """The layout's estimate of pages used: `estimate` in fit.yaml."""

    characters_per_line: float
    """Latin-width characters a body column line holds at 12 pt."""
    column_pages: float
    """Pages per point of column length (the body and notes, set in columns)."""
    page_pages: float
    """Pages per point of length across the page (title, summary, bios)."""
    base_pages: float
    """Pages taken by what does not depend on the article (masthead, publisher block)."""
    languages: dict[str, Language] = field(default_factory=dict)
    """Languages that set otherwise than Latin text, by primary tag."""
    face: str = ""
    """The font file (in the layout's fonts) whose advances measure text; empty: text
    is counted in Latin-width characters."""

    def width(self, fonts: Path | None) -> Width:
        """Return the width function of the layout whose fonts are in `fonts`."""
        if self.face and fonts is not None and (fonts / self.face).is_file():
            return character_widths(fonts / self.face)
        return text_length

    def parts(
        self,
        article: model.Article,
        width: Width = text_length,
        column_characters: int = 0,
        shape: Shape | None = None,
    ) -> Parts:
        """Return the lengths of what the article sets.

        `width` measures a text (by default in Latin-width characters); a table wider
        than `column_characters` (the layout's; 0: none) is set across the page; `shape`
        tells a figure's picture's proportions.
        """
        language = self.languages.get(article.lang.split("-")[0].lower(), Language())

        def length(text: str) -> float:
            # The page sets a run of spaces as one, and none at a line's ends.
            return width(SPACES.sub(" ", text).strip(" ")) * language.width

        body: list[Part] = []
        for block in article.body:
            _add(block, 0, length, body, column_characters)
        if shape is not None:
            body = [
                dataclasses.replace(part, shape=_shape(shape(part.source)))
                if part.kind == "figure"
                else part
                for part in body
            ]
        return Parts(
            body=tuple(body),
            notes=tuple(length(plain_text(note.content)) for note in article.notes),
            title=length(article.title),
            subtitle=length(article.subtitle),
            summary=length(article.summary),
            bios=tuple(length(author.bio) for author in article.authors if author.bio),
            leading=language.leading,
        )

    def pages(self, parts: Parts, setting: FitSetting) -> float:
        """Return the pages the article is predicted to take at `setting`."""
        column, page = _Lengths(self, parts, setting).article()
        return self.base_pages + self.column_pages * column + self.page_pages * page


def _add(
    block: model.Block, depth: int, length: Width, parts: list[Part], column_characters: int
) -> None:
    """Append the parts of one body block (a table wider than `column_characters` is
    set across the page)."""
    if isinstance(block, model.Paragraph):
        pieces = _pieces(block.content)
        breaks = tuple(length(piece) for piece in pieces) if len(pieces) > 1 else ()
        parts.append(Part("paragraph", length(plain_text(block.content)), depth, breaks=breaks))
    elif isinstance(block, model.Heading):
        kind = "heading2" if block.level <= 2 else "heading3"
        parts.append(Part(kind, length(plain_text(block.content)), depth))
    elif isinstance(block, model.ListBlock):
        for item in block.items:
            for inner in item.content:
                _add(inner, depth + 1, length, parts, column_characters)
            parts.append(Part("item_end", 0.0, depth + 1))
        parts.append(Part("list_end", 0.0, depth))
    elif isinstance(block, model.BlockQuote):
        for inner in block.content:
            _add(inner, depth + 1, length, parts, column_characters)
    elif isinstance(block, model.PullQuote):
        parts.append(Part("pullquote", length(plain_text(block.content)), depth))
    elif isinstance(block, model.Figure):
        caption = length(plain_text(block.caption))
        parts.append(Part("figure", 0.0, depth, caption=caption, source=block.src))
    elif isinstance(block, model.Table):
        rows = tuple(
            tuple(length(plain_text([cell])) for cell in row.cells)
            for row in (*block.head, *block.body)
        )
        # Columns get the width their longest cell (up to what wraps) asks for.
        wants = [
            max((min(row[index], CELL_CHARACTERS) for row in rows if index < len(row)), default=0)
            + CELL_PADDING
            for index in range(block.columns)
        ]
        shares = tuple(want / sum(wants) for want in wants)
        wide = bool(column_characters) and table_characters(block) > column_characters
        caption = length(plain_text(block.caption))
        parts.append(Part("table", 0.0, depth, rows, shares, wide, caption))


class _Lengths:
    """The lengths (in points) of an article's parts at one setting."""

    def __init__(self, estimate: Estimate, parts: Parts, setting: FitSetting) -> None:
        self.parts = parts
        self.size = setting.body_size
        self.leading = setting.leading + parts.leading
        self.line = estimate.characters_per_line * BASE_SIZE / self.size
        self.values = dict(setting.values)

    def space(self, name: str) -> float:
        """Return a space of the setting (in em of the body size) in points."""
        return self.values.get(name, 0.0) * self.size

    def lines(self, length: float, measure: float = 1.0) -> int:
        """Return the lines a text of `length` takes in a measure of `measure` columns."""
        return math.ceil(length / (self.line * measure)) if length > 0 else 0

    def article(self) -> tuple[float, float]:
        """Return the length in columns (the body, the notes) and across the page."""
        parts = self.parts
        column = sum(self.part(part) for part in parts.body)
        if parts.notes:
            column += self.notes()
        # The title is set in 18 pt bold sans, the subtitle in 11.5 pt, the summary a
        # little smaller than the body, all across the page.
        page = max(1, self.lines(parts.title, FULL_WIDTH * 0.88 * self.size / 18)) * 18 * 1.15
        page += self.lines(parts.subtitle, FULL_WIDTH * self.size / 11.5) * 11.5 * 1.25
        if parts.summary:
            lines = self.lines(parts.summary, FULL_WIDTH / 0.95)
            page += lines * 0.95 * self.size * (1.35 + 1.25 * parts.leading) + 20
        for bio in parts.bios:
            page += self.lines(bio, FULL_WIDTH) * self.size * self.leading + 4
        if parts.bios:
            page += self.space("bio_space") + 4.75
        return column, page

    def part(self, part: Part) -> float:
        """Return the column length of one part of the body."""
        size = self.size
        if part.kind == "paragraph":
            measure = 1 - 0.06 * part.depth
            if part.breaks:
                # Each piece starts a line; an empty one (two breaks in a row) is a
                # line of its own, an empty last one none.
                *pieces, last = part.breaks
                lines = sum(max(self.lines(piece, measure), 1) for piece in pieces)
                lines += self.lines(last, measure)
            else:
                lines = self.lines(part.length, measure)
            return lines * size * self.leading + self.space("paragraph_space")
        if part.kind in ("heading2", "heading3"):
            heading = size * (1.05 if part.kind == "heading2" else 0.95)
            lines = self.lines(part.length, 0.88 * size / heading)
            above = self.space("heading_above") * heading / size
            collapsed = min(self.space("paragraph_space"), above)
            return lines * heading * 1.2 + above + self.space("heading_below") - collapsed
        if part.kind == "item_end":
            return self.space("item_space") - self.space("paragraph_space")
        if part.kind == "list_end":
            return self.space("paragraph_space")
        if part.kind == "pullquote":
            quote = size * 1.15
            lines = self.lines(part.length, 0.85 * size / quote)
            space = self.space("block_space") * 2.3 * 1.15
            return lines * quote * 1.3 + space + 13.5 - self.space("paragraph_space")
        if part.kind == "figure":
            caption = self.lines(part.caption, size / 8 * 0.9)
            # The picture is set to the column's width, which is `line` characters.
            picture = self.line * size * LATIN_EM * part.shape
            return picture + caption * 8 * 1.3 + 3 + self.space("block_space") * 1.6
        if part.kind == "table":
            return self.table(part)
        return 0.0

    def table(self, part: Part) -> float:
        """Return the column length of a table: its rows, its caption and its spaces."""
        rows = part.rows
        columns = max((len(row) for row in rows), default=1) or 1
        per_row = sum(sum(row) for row in part.rows) / max(len(part.rows), 1)
        wide = per_row > self.line
        # Cells are set in 0.8 em sans, in their share of the column or of the page.
        measure = (FULL_WIDTH if wide else 1.0) / columns / 0.8
        lines = sum(
            max((self.lines(cell, measure) for cell in row), default=1) for row in part.rows
        )
        type_size = 0.8 * self.size
        length = lines * type_size * 1.3 + len(part.rows) * 3.5 + self.space("paragraph_space")
        if part.caption:
            length += type_size * 1.3 + 2
        # A table across both columns takes its length from each.
        return length * (2 if wide else 1)

    def notes(self) -> float:
        """Return the column length of the notes after the body, in their smaller type."""
        size = 0.78 * self.size
        leading = self.leading - 0.1
        length = self.space("heading_above") + 5 + size * 1.2 + 3
        for note in self.parts.notes:
            length += self.lines(note, self.size / size) * size * leading + 2
        return length


def _pieces(content: tuple[model.Inline, ...]) -> list[str]:
    """Return the text of some inlines cut at their hard line breaks."""
    pieces = [""]
    for node in content:
        for found in walk(node):
            if isinstance(found, model.Text | model.Code):
                pieces[-1] += found.text
            elif isinstance(found, model.LineBreak):
                pieces.append("")
    return pieces


def _shape(found: float | None) -> float:
    """Return a picture's proportions, or the usual ones where they are not known."""
    return PICTURE_SHAPE if found is None else found
