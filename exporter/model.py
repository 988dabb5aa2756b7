"""The canonical article: metadata plus a small tree of block and inline nodes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text."""

    kind: ClassVar[str] = "text"
    text: str
    """The characters, exactly as they print."""


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised text, usually set in italics."""

    kind: ClassVar[str] = "emphasis"
    content: tuple[Inline, ...]
    """The emphasised inlines."""


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised text, usually set in bold."""

    kind: ClassVar[str] = "strong"
    content: tuple[Inline, ...]
    """The strong inlines."""


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink around some inlines."""

    kind: ClassVar[str] = "link"
    url: str
    """The target address, as the author wrote it."""
    content: tuple[Inline, ...]
    """The link text."""
    title: str = ""
    """The link's advisory title, if the author gave one."""


@dataclass(frozen=True, slots=True)
class Code:
    """A run of literal code, set in a fixed-width face."""

    kind: ClassVar[str] = "code"
    text: str
    """The code, verbatim."""


@dataclass(frozen=True, slots=True)
class NoteRef:
    """The call of a footnote: a reference to one of the article's notes."""

    kind: ClassVar[str] = "note_ref"
    note: str
    """The label of the referenced footnote (`Footnote.label`)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A passage in another language than the article's, such as a name in its script."""

    kind: ClassVar[str] = "span"
    lang: str
    """The BCP 47 language tag of the passage."""
    content: tuple[Inline, ...]
    """The passage's inlines."""


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a block."""

    kind: ClassVar[str] = "line_break"


Inline: TypeAlias = Text | Emphasis | Strong | Link | Code | NoteRef | Span | LineBreak


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text."""

    kind: ClassVar[str] = "paragraph"
    content: tuple[Inline, ...]
    """The paragraph's inlines."""


@dataclass(frozen=True, slots=True)
class Heading:
    """A subhead inside the body (the title is level 1 and lives in the metadata)."""

    kind: ClassVar[str] = "heading"
    level: int
    """2 for a subhead, 3 for a subhead below it."""
    content: tuple[Inline, ...]
    """The subhead's inlines."""


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list: blocks, so that items can hold nested lists."""

    kind: ClassVar[str] = "list_item"
    content: tuple[Block, ...]
    """The item's blocks."""


@dataclass(frozen=True, slots=True)
class ListBlock:
    """An ordered (numbered) or unordered (bulleted) list."""

    kind: ClassVar[str] = "list"
    ordered: bool
    """True for a numbered list."""
    items: tuple[ListItem, ...]
    """The list's items, in order."""
    start: int = 1
    """The number of the first item of an ordered list."""


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation set off from the running text."""

    kind: ClassVar[str] = "block_quote"
    content: tuple[Block, ...]
    """The quoted blocks."""


@dataclass(frozen=True, slots=True)
class PullQuote:
    """A short passage repeated from the text in display type, for the eye only."""

    kind: ClassVar[str] = "pull_quote"
    content: tuple[Block, ...]
    """The pulled blocks, usually one paragraph."""


@dataclass(frozen=True, slots=True)
class Figure:
    """An image with its alternative text and caption."""

    kind: ClassVar[str] = "figure"
    src: str
    """The image path, relative to the article's folder."""
    alt: str
    """The text that replaces the image for readers who cannot see it."""
    caption: tuple[Inline, ...] = ()
    """The caption printed below the image."""


Block: TypeAlias = Paragraph | Heading | ListBlock | BlockQuote | PullQuote | Figure


@dataclass(frozen=True, slots=True)
class Footnote:
    """A note at the foot of the page or at the end of the article."""

    kind: ClassVar[str] = "footnote"
    label: str
    """The label that `NoteRef.note` refers to; notes are numbered in order of call."""
    content: tuple[Block, ...]
    """The note's blocks."""


@dataclass(frozen=True, slots=True)
class Author:
    """One author of the article."""

    kind: ClassVar[str] = "author"
    name: str
    """The author's name as it prints."""
    bio: str = ""
    """The biography paragraph printed after the body."""
    affiliation: str = ""
    """The author's institution or position."""


@dataclass(frozen=True, slots=True)
class Article:
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
    body: tuple[Block, ...] = ()
    """The body blocks, in reading order."""
    notes: tuple[Footnote, ...] = field(default=())
    """The footnotes, in order of their first call."""


Node: TypeAlias = Inline | Block | ListItem | Footnote | Author | Article

INLINE_TYPES: tuple[type[Any], ...] = (
    Text,
    Emphasis,
    Strong,
    Link,
    Code,
    NoteRef,
    Span,
    LineBreak,
)
BLOCK_TYPES: tuple[type[Any], ...] = (Paragraph, Heading, ListBlock, BlockQuote, PullQuote, Figure)
