"""Notes as real Word footnotes, and the notes nobody calls under a notes subhead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from exporter import model
from exporter.writers import ooxml
from exporter.writers.docx.blocks import BlockWriter
from exporter.writers.docx.inlines import Story


@dataclass(slots=True)
class NoteWriter:
    """Writes each called note once as a footnote; a later call repeats its number."""

    notes: tuple[model.Footnote, ...]
    """The article's notes."""
    blocks: BlockWriter
    """Writes the notes' content."""
    footnote_ids: dict[str, int] = field(default_factory=dict)
    """The footnote id (also its number) of each note written, by label."""
    footnotes: ooxml.Footnotes | None = None
    """The footnotes part, made at the first note."""

    def call(self, container: Any, ref: model.NoteRef, story: Story) -> None:
        """Write a note call: the footnote at the first call, its number at later ones."""
        note = next((n for n in self.notes if n.label == ref.note), None)
        if note is None or story.in_note:
            return
        reference_style = self.blocks.style_ids["footnote_reference"]
        if ref.note in self.footnote_ids:
            # Word cannot call one footnote twice: a later call repeats its number.
            number = str(self.footnote_ids[ref.note])
            container.append(ooxml.run(number, style_id=reference_style))
            return
        if self.footnotes is None:
            self.footnotes = ooxml.Footnotes(self.blocks.document.part)
        footnote_id, footnote = self.footnotes.add()
        self.footnote_ids[ref.note] = footnote_id
        container.append(
            ooxml.special_run("w:footnoteReference", reference_style, id=str(footnote_id))
        )
        note_story = Story(lambda: _new_note_paragraph(footnote), self.footnotes.part, in_note=True)
        for block in note.content:
            self.blocks.block(block, note_story, "footnote_text", -1)
        first = footnote.find(qn("w:p"))
        if first is None:
            first = self.blocks.paragraph(note_story, "footnote_text")
        # The note's own number opens its first paragraph, as Word writes it.
        ppr = first.find(qn("w:pPr"))
        mark = ooxml.special_run("w:footnoteRef", reference_style)
        space = ooxml.run(" ")
        if ppr is None:
            first.insert(0, space)
            first.insert(0, mark)
        else:
            ppr.addnext(mark)
            mark.addnext(space)

    def write_uncalled(self, heading: str, heading_lang: str = "") -> None:
        """Write the notes no text calls (no footnote can hold them) under a notes subhead.

        `heading_lang` tags a heading in another language than the document's.
        """
        uncalled = [note for note in self.notes if note.label not in self.footnote_ids]
        if not uncalled:
            return
        self.blocks.text_paragraph("heading_2", heading, heading_lang)
        body = self.blocks.body()
        for note in uncalled:
            for block in note.content:
                self.blocks.block(block, body, "footnote_text", -1)


def _new_note_paragraph(parent: Any) -> Any:
    """Append an empty w:p to a footnote and return it."""
    paragraph = OxmlElement("w:p")
    parent.append(paragraph)
    return paragraph
