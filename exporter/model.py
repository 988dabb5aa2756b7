"""The canonical article: metadata plus a small tree of block and inline nodes."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeAlias, cast


class BaseNode:
    """What every node shares: equality and hashing by value, and a repr of its fields.

    Written once here rather than made for each class by `dataclass` (its `eq` and `repr`
    are off below): every cold start creates these classes, and `dataclass` compiles each
    method it makes apart; `__eq__`, `__hash__` and `__repr__` were a third of this
    module's import. They behave as `dataclass` makes them: equal when of the same class
    with equal fields, hashed by the fields, printed as `Text(text='a')`.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = _values(self.__class__)
        return bool(values(self) == values(other))

    def __hash__(self) -> int:
        return hash(_values(self.__class__)(self))

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(cast(Any, self)) if f.repr)
        return f"{self.__class__.__qualname__}({', '.join(shown)})"


def _values(cls: type[BaseNode]) -> Callable[[BaseNode], Any]:
    """Return the function that gives the fields a node of `cls` is compared by, in order
    (one field's value alone, or a tuple of them)."""
    values = _VALUES.get(cls)
    if values is None:
        names = [f.name for f in fields(cast(Any, cls)) if f.compare]
        values = _VALUES[cls] = operator.attrgetter(*names) if names else _no_values
    return values


def _no_values(node: BaseNode) -> tuple[()]:
    """Return the values of a node without fields."""
    return ()


_VALUES: dict[type[BaseNode], Callable[[BaseNode], Any]] = {}


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Text(BaseNode):
    """A run of plain text."""

    kind: ClassVar[str] = "text"
    text: str
    """The characters, exactly as they print."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Emphasis(BaseNode):
    """Emphasised text, usually set in italics."""

    kind: ClassVar[str] = "emphasis"
    content: tuple[Inline, ...]
    """The emphasised inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Strong(BaseNode):
    """Strongly emphasised text, usually set in bold."""

    kind: ClassVar[str] = "strong"
    content: tuple[Inline, ...]
    """The strong inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Link(BaseNode):
    """A hyperlink around some inlines."""

    kind: ClassVar[str] = "link"
    url: str
    """The target address, as the author wrote it."""
    content: tuple[Inline, ...]
    """The link text."""
    title: str = ""
    """The link's advisory title, if the author gave one."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Code(BaseNode):
    """A run of literal code, set in a fixed-width face."""

    kind: ClassVar[str] = "code"
    text: str
    """The code, verbatim."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class NoteRef(BaseNode):
    """The call of a footnote: a reference to one of the article's notes."""

    kind: ClassVar[str] = "note_ref"
    note: str
    """The label of the referenced footnote (`Footnote.label`)."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Span(BaseNode):
    """A passage in another language than the article's, such as a name in its script."""

    kind: ClassVar[str] = "span"
    lang: str
    """The BCP 47 language tag of the passage."""
    content: tuple[Inline, ...]
    """The passage's inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LineBreak(BaseNode):
    """A hard line break inside a block."""

    kind: ClassVar[str] = "line_break"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Superscript(BaseNode):
    """Text raised above the line: the 2 of m², the st of 1st."""

    kind: ClassVar[str] = "superscript"
    content: tuple[Inline, ...]
    """The raised inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Subscript(BaseNode):
    """Text lowered below the line: the 2 of H₂O."""

    kind: ClassVar[str] = "subscript"
    content: tuple[Inline, ...]
    """The lowered inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Anchor(BaseNode):
    """A place in the article that a link inside it can point at (`Link.url` "#id")."""

    kind: ClassVar[str] = "anchor"
    id: str
    """The place's name: letters, digits, '-', '_', '.' and ':', starting with a letter."""


Inline: TypeAlias = (
    Text
    | Emphasis
    | Strong
    | Link
    | Code
    | NoteRef
    | Span
    | LineBreak
    | Superscript
    | Subscript
    | Anchor
)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Paragraph(BaseNode):
    """A paragraph of running text."""

    kind: ClassVar[str] = "paragraph"
    content: tuple[Inline, ...]
    """The paragraph's inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Heading(BaseNode):
    """A subhead inside the body (the title is level 1 and lives in the metadata)."""

    kind: ClassVar[str] = "heading"
    level: int
    """2 for a subhead, 3 for a subhead below it."""
    content: tuple[Inline, ...]
    """The subhead's inlines."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListItem(BaseNode):
    """One item of a list: blocks, so that items can hold nested lists."""

    kind: ClassVar[str] = "list_item"
    content: tuple[Block, ...]
    """The item's blocks."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListBlock(BaseNode):
    """An ordered (numbered) or unordered (bulleted) list."""

    kind: ClassVar[str] = "list"
    ordered: bool
    """True for a numbered list."""
    items: tuple[ListItem, ...]
    """The list's items, in order."""
    start: int = 1
    """The number of the first item of an ordered list."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class BlockQuote(BaseNode):
    """A quotation set off from the running text."""

    kind: ClassVar[str] = "block_quote"
    content: tuple[Block, ...]
    """The quoted blocks."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class PullQuote(BaseNode):
    """A short passage repeated from the text in display type, for the eye only."""

    kind: ClassVar[str] = "pull_quote"
    content: tuple[Block, ...]
    """The pulled blocks, usually one paragraph."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Figure(BaseNode):
    """An image with its alternative text and caption."""

    kind: ClassVar[str] = "figure"
    src: str
    """The image path, relative to the article's folder."""
    alt: str
    """The text that replaces the image for readers who cannot see it."""
    caption: tuple[Inline, ...] = ()
    """The caption printed below the image."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TableCell(BaseNode):
    """One cell of a table: a few inlines (a merged cell's text is in its first cell)."""

    kind: ClassVar[str] = "table_cell"
    content: tuple[Inline, ...] = ()
    """The cell's inlines; empty for an empty cell."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TableRow(BaseNode):
    """One row of a table."""

    kind: ClassVar[str] = "table_row"
    cells: tuple[TableCell, ...]
    """The row's cells, one per column."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Table(BaseNode):
    """A table: header rows, body rows, the alignment of each column, and a caption."""

    kind: ClassVar[str] = "table"
    head: tuple[TableRow, ...] = ()
    """The header row (repeated where the table breaks), or none."""
    body: tuple[TableRow, ...] = ()
    """The body rows."""
    align: tuple[str, ...] = ()
    """Each column's alignment: "left", "center", "right", or "" for the default."""
    caption: tuple[Inline, ...] = ()
    """The caption printed above the table."""

    @property
    def columns(self) -> int:
        """The number of columns: the most cells of any row."""
        return max((len(row.cells) for row in (*self.head, *self.body)), default=0)


Block: TypeAlias = Paragraph | Heading | ListBlock | BlockQuote | PullQuote | Figure | Table


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Footnote(BaseNode):
    """A note at the foot of the page or at the end of the article."""

    kind: ClassVar[str] = "footnote"
    label: str
    """The label that `NoteRef.note` refers to; notes are numbered in order of call."""
    content: tuple[Block, ...]
    """The note's blocks."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Author(BaseNode):
    """One author of the article."""

    kind: ClassVar[str] = "author"
    name: str
    """The author's name as it prints."""
    bio: str = ""
    """The biography paragraph printed after the body."""
    affiliation: str = ""
    """The author's institution or position."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Article(BaseNode):
    """One article: its metadata, its body and its notes."""

    kind: ClassVar[str] = "article"
    title: str
    """The headline."""
    series: str = "apb"
    """The id of the layout (series) the article belongs to."""
    number: int | None = None
    """The issue number in the series."""
    date: datetime.date | None = None
    """The publication date."""
    kicker: str = ""
    """The category printed above the title (Analysis, Opinion, ...)."""
    subtitle: str = ""
    """A secondary headline."""
    authors: tuple[Author, ...] = ()
    """The authors, in byline order."""
    summary: str = ""
    """The teaser paragraph set apart from the body."""
    lang: str = "en"
    """The BCP 47 language tag of the text."""
    keywords: tuple[str, ...] = ()
    """Subject keywords for the document metadata."""
    translation_of: str = ""
    """The file name of the article this one translates, in the same folder; empty for an
    original. The outputs print nothing of it: it tells the editor's library, not a reader,
    which article an edition follows (an EPUB's dc:source would name the source by a URI
    or ISBN a reader can look up, which a file of the editor's folder is not)."""
    translated_from: str = ""
    """The version of `translation_of` the translation was made from: the SHA-256 of that
    file's bytes, in hexadecimal, as the DOCX sent to the translator recorded it. The
    edition is outdated once the source file's version differs."""
    body: tuple[Block, ...] = ()
    """The body blocks, in reading order."""
    notes: tuple[Footnote, ...] = field(default=())
    """The footnotes, in order of their first call."""


Node: TypeAlias = Inline | Block | ListItem | TableRow | TableCell | Footnote | Author | Article

INLINE_TYPES: tuple[type[Any], ...] = (
    Text,
    Emphasis,
    Strong,
    Link,
    Code,
    NoteRef,
    Span,
    LineBreak,
    Superscript,
    Subscript,
    Anchor,
)
BLOCK_TYPES: tuple[type[Any], ...] = (
    Paragraph,
    Heading,
    ListBlock,
    BlockQuote,
    PullQuote,
    Figure,
    Table,
)
CONTAINER_TYPES = (Emphasis, Strong, Link, Span, Superscript, Subscript)
"""The inlines that hold other inlines (their `content`)."""
ALIGNMENTS = ("", "left", "center", "right")
SUBHEAD_LEVELS = (2, 3)
"""The levels of the body's subheads, from the first (the title is level 1)."""
"""The alignments a table column may have."""
