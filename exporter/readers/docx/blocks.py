"""Paragraphs to model blocks: lists rebuilt from Word numbering, quotes, figures, subheads."""

from __future__ import annotations

from dataclasses import dataclass, field

from exporter import model
from exporter.readers.docx.numbering import ListLevel
from exporter.walk import walk


@dataclass
class _OpenList:
    """A list being read: its Word identity, nesting level and the blocks of each item."""

    level: ListLevel
    ilvl: int
    items: list[list[model.Block]] = field(default_factory=list)
    start: int = 1
    """The number of its first item (a list Word continues starts past 1)."""


@dataclass
class BlockBuilder:
    """Collects blocks in reading order, nesting list items and merging quote paragraphs."""

    blocks: list[model.Block] = field(default_factory=list)
    open_lists: list[_OpenList] = field(default_factory=list)
    held_caption: tuple[model.Inline, ...] = ()
    """A table caption met before its table: given to the next block if it is a table."""

    def add(self, block: model.Block) -> None:
        """Append a block outside any list; a quote paragraph joins the quote before it."""
        self.close_lists()
        if self.held_caption:
            caption, self.held_caption = self.held_caption, ()
            if isinstance(block, model.Table) and not block.caption:
                block = model.Table(block.head, block.body, block.align, caption)
            else:
                self.blocks.append(model.Paragraph(caption))
        previous = self.blocks[-1] if self.blocks else None
        if isinstance(block, model.BlockQuote) and isinstance(previous, model.BlockQuote):
            self.blocks[-1] = model.BlockQuote(previous.content + block.content)
        elif isinstance(block, model.PullQuote) and isinstance(previous, model.PullQuote):
            self.blocks[-1] = model.PullQuote(previous.content + block.content)
        else:
            self.blocks.append(block)

    def figure_takes(self, caption: tuple[model.Inline, ...]) -> bool:
        """Return True when the block just before is a figure this caption can be of."""
        previous = self.blocks[-1] if self.blocks and not self.open_lists else None
        return isinstance(previous, model.Figure) and not previous.caption and _one_line(caption)

    def describe_figure(self, alt: str) -> bool:
        """Give the figure just before its alternative text (the toolkit writes it below
        the picture, translatable); return False when there is no figure to take it."""
        previous = self.blocks[-1] if self.blocks and not self.open_lists else None
        if not isinstance(previous, model.Figure) or previous.caption or not alt:
            return False
        self.blocks[-1] = model.Figure(previous.src, alt, previous.caption)
        return True

    def add_caption(self, caption: tuple[model.Inline, ...]) -> bool:
        """Give the figure just before its caption; return False when there is none."""
        if not self.figure_takes(caption):
            return False
        previous = self.blocks[-1]
        assert isinstance(previous, model.Figure)
        self.blocks[-1] = model.Figure(previous.src, previous.alt, caption)
        return True

    def hold_table_caption(self, caption: tuple[model.Inline, ...]) -> None:
        """Keep a caption for the table that follows it."""
        self.close_lists()
        if self.held_caption:
            self.blocks.append(model.Paragraph(self.held_caption))
        self.held_caption = caption

    def add_table_caption(self, caption: tuple[model.Inline, ...]) -> bool:
        """Give the table just before its caption, else hold it for a table that follows."""
        if not _one_line(caption):
            return False
        previous = self.blocks[-1] if self.blocks and not self.open_lists else None
        if isinstance(previous, model.Table) and not previous.caption:
            self.blocks[-1] = model.Table(previous.head, previous.body, previous.align, caption)
            return True
        if self.held_caption:
            return False
        self.close_lists()
        self.held_caption = caption
        return True

    def add_item(
        self, level: ListLevel, ilvl: int, paragraph: model.Paragraph, number: int = 0
    ) -> None:
        """Start a list item at nesting level `ilvl` of the list `level` belongs to."""
        self._release_caption()
        while self.open_lists and self.open_lists[-1].ilvl > ilvl:
            self._close_innermost()
        top = self.open_lists[-1] if self.open_lists else None
        if top is not None and top.ilvl == ilvl and top.level.list_key != level.list_key:
            self._close_innermost()  # a new list right after another at the same level
            top = self.open_lists[-1] if self.open_lists else None
        elif (
            top is not None
            and top.ilvl == ilvl
            and level.ordered
            and number
            and number != top.start + len(top.items)
        ):
            self._close_innermost()  # Word restarted (or skipped) the numbering here
            top = self.open_lists[-1] if self.open_lists else None
        if top is not None and top.ilvl == ilvl:
            top.items.append([paragraph])
        else:
            self.open_lists.append(_OpenList(level, ilvl, [[paragraph]], number or level.start))

    def add_continuation(self, paragraph: model.Paragraph, indent: int | None) -> bool:
        """Add a later paragraph to the open item its indent lines up with; False if none."""
        if not self.open_lists:
            return False
        self._release_caption()
        if indent is not None:
            matching = [i for i, lst in enumerate(self.open_lists) if lst.level.indent == indent]
            if matching:
                while len(self.open_lists) > matching[-1] + 1:
                    self._close_innermost()
        self.open_lists[-1].items[-1].append(paragraph)
        return True

    def close_lists(self) -> None:
        """End every open list."""
        while self.open_lists:
            self._close_innermost()

    def _close_innermost(self) -> None:
        closing = self.open_lists.pop()
        block = model.ListBlock(
            ordered=closing.level.ordered,
            items=tuple(model.ListItem(tuple(item)) for item in closing.items),
            start=closing.start if closing.level.ordered else 1,
        )
        if self.open_lists:
            self.open_lists[-1].items[-1].append(block)
        else:
            self.blocks.append(block)

    def _release_caption(self) -> None:
        """Put a held caption that found no table back as a paragraph."""
        if self.held_caption:
            caption, self.held_caption = self.held_caption, ()
            self.close_lists()
            self.blocks.append(model.Paragraph(caption))

    def finish(self) -> tuple[model.Block, ...]:
        """Return the blocks read, every list closed."""
        self.close_lists()
        self._release_caption()
        return tuple(self.blocks)


def _one_line(caption: tuple[model.Inline, ...]) -> bool:
    """Return whether a caption can be one: no note call, no line break."""
    nodes = (node for inline in caption for node in walk(inline))
    return not any(isinstance(node, model.NoteRef | model.LineBreak) for node in nodes)


def labelled(label: str, inlines: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """Return inlines with a list label ("b)", "IV.") as text before them."""
    if not label:
        return inlines
    if inlines and isinstance(inlines[0], model.Text):
        return (model.Text(f"{label} {inlines[0].text}"), *inlines[1:])
    return (model.Text(label + " "), *inlines)
