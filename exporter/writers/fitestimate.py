"""Predict the pages an article takes at each setting, from its text against the type area.

The fitter's first layout pass is at the setting this predicts, so that most articles
are laid out once. Each block is set in lines (its text's length over what a line holds
at that setting's size) of its line height, with the spaces the setting puts around
it; the title, summary and bios likewise across the page. The proportions are the
bundled design's (`layouts/apb/bulletin.css.j2`); the characters a line holds and the
coefficients that turn lengths into pages are the layout's own (`estimate` in
`fit.yaml`), fitted over laid-out articles by `benchmarks/calibrate_fit.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exporter import model
from exporter.walk import plain_text, text_length

if TYPE_CHECKING:
    from exporter.writers.fitscale import FitSetting

BASE_SIZE = 12.0
"""The body size (pt) at which `characters_per_line` is given."""
FULL_WIDTH = 2.05
"""The page's measure against a column's: two columns and the gap between them."""
PICTURE_HEIGHT = 0.3
"""A picture's height, in em of a column's width in characters: pictures are about as
high as three fifths of the column is wide."""


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
    caption: float = 0.0
    """The length of a figure's or table's caption."""


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

    def parts(self, article: model.Article) -> Parts:
        """Return the lengths of what the article sets."""
        language = self.languages.get(article.lang.split("-")[0].lower(), Language())

        def length(text: str) -> float:
            return text_length(text) * language.width

        body: list[Part] = []
        for block in article.body:
            _add(block, 0, length, body)
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


def _add(block: model.Block, depth: int, length: Callable[[str], float], parts: list[Part]) -> None:
    """Append the parts of one body block."""
    if isinstance(block, model.Paragraph):
        parts.append(Part("paragraph", length(plain_text(block.content)), depth))
    elif isinstance(block, model.Heading):
        kind = "heading2" if block.level <= 2 else "heading3"
        parts.append(Part(kind, length(plain_text(block.content)), depth))
    elif isinstance(block, model.ListBlock):
        for item in block.items:
            for inner in item.content:
                _add(inner, depth + 1, length, parts)
            parts.append(Part("item_end", 0.0, depth + 1))
        parts.append(Part("list_end", 0.0, depth))
    elif isinstance(block, model.BlockQuote):
        for inner in block.content:
            _add(inner, depth + 1, length, parts)
    elif isinstance(block, model.PullQuote):
        parts.append(Part("pullquote", length(plain_text(block.content)), depth))
    elif isinstance(block, model.Figure):
        parts.append(Part("figure", 0.0, depth, caption=length(plain_text(block.caption))))
    elif isinstance(block, model.Table):
        rows = tuple(
            tuple(length(plain_text([cell])) for cell in row.cells)
            for row in (*block.head, *block.body)
        )
        caption = length(plain_text(block.caption))
        parts.append(Part("table", 0.0, depth, rows=rows, caption=caption))


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
            lines = self.lines(part.length, 1 - 0.06 * part.depth)
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
            picture = self.line * size * PICTURE_HEIGHT
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
