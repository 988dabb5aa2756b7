"""Inlines as Word runs: text in its formatting, links, bookmarks; note calls go to `notes`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exporter import model
from exporter.writers import ooxml

EXTERNAL_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
# Characters XML cannot hold, and breaks that would become manual line breaks.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class Story:
    """Where blocks are written: the body or one footnote."""

    new_paragraph: Callable[[], Any]
    """Append an empty w:p to the story and return it."""
    part: Any
    """The package part the story lives in, which owns its hyperlink relationships."""
    in_note: bool = False
    """True inside a footnote: no note calls, no subheads, no images."""


@dataclass(frozen=True, slots=True)
class RunFormat:
    """The formatting inherited by the inlines inside Emphasis, Strong and Link."""

    bold: bool = False
    italic: bool = False
    style_id: str = ""
    lang: str = ""
    vertical: str = ""


NoteCall = Callable[[Any, model.NoteRef, Story], None]
"""Writes a note call into a paragraph (or hyperlink) of a story."""


@dataclass(slots=True)
class InlineWriter:
    """Writes inlines into a paragraph or hyperlink element."""

    style_ids: dict[str, str]
    """The style id of each part of the bulletin."""
    anchors: frozenset[str]
    """The places internal links may point at: bookmarks are written outside footnotes only."""
    note_call: NoteCall
    """Writes a note call (see `notes.NoteWriter.call`)."""
    bookmarks: int = 0
    """Bookmarks written so far: the next one's number."""

    def inlines(
        self, container: Any, inlines: tuple[model.Inline, ...], fmt: RunFormat, story: Story
    ) -> None:
        """Write inlines into `container` with the formatting they inherit."""
        for inline in inlines:
            self._inline(container, inline, fmt, story)

    def _inline(self, container: Any, inline: model.Inline, fmt: RunFormat, story: Story) -> None:
        if isinstance(inline, model.Text):
            text = clean(inline.text)
            if text:
                container.append(
                    ooxml.run(
                        text,
                        bold=fmt.bold,
                        italic=fmt.italic,
                        style_id=fmt.style_id,
                        lang=fmt.lang,
                        vertical=fmt.vertical,
                    )
                )
        elif isinstance(inline, model.Emphasis):
            self.inlines(container, inline.content, dataclasses.replace(fmt, italic=True), story)
        elif isinstance(inline, model.Strong):
            self.inlines(container, inline.content, dataclasses.replace(fmt, bold=True), story)
        elif isinstance(inline, model.Code):
            code = self.style_ids["code"]
            container.append(
                ooxml.run(clean(inline.text), bold=fmt.bold, style_id=code, lang=fmt.lang)
            )
        elif isinstance(inline, model.LineBreak):
            container.append(ooxml.special_run("w:br"))
        elif isinstance(inline, model.Link):
            self._link(container, inline, fmt, story)
        elif isinstance(inline, model.Span):
            self.inlines(
                container, inline.content, dataclasses.replace(fmt, lang=inline.lang), story
            )
        elif isinstance(inline, model.Superscript):
            superscript = dataclasses.replace(fmt, vertical="superscript")
            self.inlines(container, inline.content, superscript, story)
        elif isinstance(inline, model.Subscript):
            subscript = dataclasses.replace(fmt, vertical="subscript")
            self.inlines(container, inline.content, subscript, story)
        elif isinstance(inline, model.Anchor):
            if not story.in_note:  # a bookmark in a footnote is not where links can go
                self.bookmarks += 1
                container.extend(ooxml.bookmark(self.bookmarks, inline.id))
        else:
            self.note_call(container, inline, story)

    def _link(self, container: Any, link: model.Link, fmt: RunFormat, story: Story) -> None:
        url = link.url.strip()
        if url.startswith("#") and url[1:] in self.anchors:
            element = ooxml.internal_hyperlink(url[1:], clean(link.title))
        elif url.lower().startswith(EXTERNAL_LINK_SCHEMES):
            element = ooxml.hyperlink(story.part, url, clean(link.title))
        else:
            # Unsafe schemes, and places a footnote holds: the text stays, the link goes.
            self.inlines(container, link.content, fmt, story)
            return
        container.append(element)
        linked = dataclasses.replace(fmt, style_id=self.style_ids["hyperlink"])
        self.inlines(element, link.content, linked, story)


def clean(text: str) -> str:
    """Return text Word can hold on one line: no control characters, no manual breaks."""
    return BREAKS.sub(" ", UNWRITABLE.sub("", text))
