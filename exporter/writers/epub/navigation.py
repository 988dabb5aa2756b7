"""The navigation document: the table of contents, the landmarks and the print page list."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TocEntry:
    """A heading of the content document as the navigation document lists it."""

    level: int
    """1 for the title, 2 and 3 for subheads."""
    href: str
    """The link to the heading."""
    text: str
    """The heading's text."""
    children: list[TocEntry] = field(default_factory=list)
    """The headings below it."""


@dataclass(frozen=True, slots=True)
class Landmark:
    """An entry of the navigation document's landmarks."""

    kind: str
    """Its epub:type (cover, toc, bodymatter)."""
    href: str
    """Where it points."""


def toc_tree(headings: list[tuple[int, str, str]]) -> list[TocEntry]:
    """Nest the headings: each under the nearest heading before it of a higher rank."""
    roots: list[TocEntry] = []
    stack: list[TocEntry] = []
    for level, href, text in headings:
        entry = TocEntry(level, href, text)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots
