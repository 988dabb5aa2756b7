"""The document's blocks, in order, sorted into front matter, body blocks, bios and notes."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from dataclasses import dataclass, field

from exporter import model
from exporter.readers.docx import fields, normalise
from exporter.readers.docx.anchors import Anchors
from exporter.readers.docx.blocks import BlockBuilder, labelled
from exporter.readers.docx.cells import read_table
from exporter.readers.docx.inlines import Atom, InlineReader, group
from exporter.readers.docx.media import Pictures, object_nodes
from exporter.readers.docx.numbering import ListLevel, Numbering
from exporter.readers.docx.package import NS, Element, Package, int_value, w
from exporter.readers.docx.styles import SKIPPED_ROLES, StyleTable, paragraph_style
from exporter.readers.docx.tables import is_table_caption
from exporter.walk import plain_text, walk

log = logging.getLogger("exporter")

FRONT_MATTER_ROLES = {
    "issue_line": "issue_line",
    "kicker": "kicker",
    "title": "title",
    "subtitle": "subtitle",
    "byline": "byline",
    "author": "byline",
    "date": "date",
    "summary": "summary",
    "abstract": "summary",
    "bio": "bio",
    "affiliation": "affiliation",
    "keyword": "keyword",
}
# Styles only the toolkit's own documents have: their presence means "ours, edited".
TOOLKIT_ONLY_ROLES = frozenset(
    {"issue_line", "masthead", "masthead_publisher", "publisher_block", "running_head", "skip"}
)
HEADING_ROLES = {"heading_2": 2, "heading_3": 3}
CONTAINERS = (
    model.Emphasis,
    model.Strong,
    model.Link,
    model.Span,
    model.Superscript,
    model.Subscript,
)
"""The inlines that hold inlines."""
ABSTRACT_LABEL_WORDS = 3
"""An "Abstract" heading paragraph is a label, not the abstract, when this short."""


@dataclass
class Notes:
    """The footnotes and endnotes parts, read note by note in the order the text calls them."""

    reader: DocumentReader
    parts: dict[str, tuple[str, dict[str, Element]]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[model.Footnote] = field(default_factory=list)

    def load(self, package: Package) -> None:
        """Index the notes of both parts by id."""
        for kind in ("footnote", "endnote"):
            name = package.related(package.document_name, f"/{kind}s")
            if name is None:
                continue
            found = {
                note.get(w("id"), ""): note
                for note in package.xml(name).iterfind(f"w:{kind}", NS)
                if note.get(w("type"), "normal") == "normal"
            }
            self.parts[kind] = (name, found)

    def roots(self) -> list[Element]:
        """Return the root element of each notes part."""
        return [self.reader.package.xml(name) for name, _found in self.parts.values()]

    def call(self, kind: str, note_id: str) -> str | None:
        """Return the label of a called note, reading the note at its first call."""
        key = (kind, note_id)
        if key in self.labels:
            return self.labels[key]
        name, found = self.parts.get(kind, ("", {}))
        element = found.get(note_id)
        if element is None:
            log.warning("a %s call refers to note %s, which the file lacks", kind, note_id)
            return None
        label = str(len(self.notes) + 1)
        self.labels[key] = label
        content = self.reader.read_note(name, element)
        self.notes.append(model.Footnote(label, content))
        return label

    def add_uncalled(self, content: tuple[model.Block, ...]) -> None:
        """Add a note that no text calls (a Notes section the writer put in the body)."""
        self.notes.append(model.Footnote(str(len(self.notes) + 1), content))


@dataclass
class DocumentReader:
    """Reads the main document part."""

    package: Package
    styles: StyleTable
    numbering: Numbering
    front: dict[str, list[str]] = field(default_factory=dict)
    notes: Notes = field(init=False)
    pictures: Pictures = field(init=False)
    anchors: Anchors = field(default_factory=Anchors)
    guesses: list[str] = field(default_factory=list)
    toolkit_document: bool = False
    document_lang: str = ""
    """The document's language, against which runs in other languages are told apart."""
    title_paragraphs: set[Element] = field(default_factory=set)
    """The paragraphs that make the title (chosen before reading: see title.py)."""
    repeated_title: str = ""
    """The title when it came from the title property: a Title paragraph repeating it goes."""
    counts: Counter[str] = field(default_factory=Counter)
    """What had to be changed or left out, by kind, for the warnings."""
    readers: list[InlineReader] = field(default_factory=list)
    """Every inline reader made, whose counts the warnings add up."""
    body_started: bool = False
    """True once a paragraph of the body has been read."""

    def __post_init__(self) -> None:
        self.notes = Notes(self)
        self.notes.load(self.package)
        self.pictures = Pictures(self.package)

    @property
    def body_element(self) -> Element | None:
        """Return the document's w:body."""
        return self.package.xml(self.package.document_name).find("w:body", NS)

    def header_roots(self) -> list[Element]:
        """Return the root element of each header and footer part of the document."""
        return [
            self.package.xml(rel.target)
            for rel in self.package.relationships(self.package.document_name).values()
            if rel.type.endswith(("/header", "/footer"))
            and not rel.external
            and self.package.has(rel.target)
        ]

    def read_header_issue_line(self) -> None:
        """Take the issue line from a header (where the toolkit writes it, on page 1) when
        the body has none."""
        if "issue_line" in self.front:
            return
        for root in self.header_roots():
            for paragraph in root.iter(w("p")):
                if self.styles.role(paragraph_style(paragraph)) == "issue_line":
                    text = "".join(t.text or "" for t in paragraph.iter(w("t")))
                    if text.strip():
                        self.front["issue_line"] = [" ".join(text.split())]
                        return

    def prepare(self) -> None:
        """Make every story plain, and find which bookmarks links point at."""
        for root in self.header_roots():
            for style in root.iter(w("pStyle")):
                if self.styles.role(style.get(w("val"), "")) in TOOLKIT_ONLY_ROLES:
                    self.toolkit_document = True
        for root in (self.package.xml(self.package.document_name), *self.notes.roots()):
            changes = normalise.make_plain(root)
            fields.resolve_fields(root)
            self.counts["tracked change"] += changes.tracked
            self.counts["drop cap"] += changes.drop_caps
            for link in root.iter(w("hyperlink")):
                if link.get(w("anchor")):
                    self.anchors.linked.add(link.get(w("anchor"), ""))
            for run in root.iter(w("r")):
                if run.get(fields.ANCHOR):
                    self.anchors.linked.add(run.get(fields.ANCHOR, ""))
            for style in root.iter(w("pStyle")):
                if self.styles.role(style.get(w("val"), "")) in TOOLKIT_ONLY_ROLES:
                    self.toolkit_document = True

    def read_body(self) -> tuple[model.Block, ...]:
        """Read the body; fill in the front matter, bios, notes and pictures met on the way."""
        body = self.body_element
        if body is None:
            return ()
        builder = BlockBuilder()
        self.read_blocks(body, builder, self._inline_reader(self.package.document_name, True))
        self.read_header_issue_line()
        return builder.finish()

    def read_note(self, part_name: str, note: Element) -> tuple[model.Block, ...]:
        """Read one footnote's blocks."""
        builder = BlockBuilder()
        # A note cannot call notes; a repeated-call number inside one stays text.
        reader = self._inline_reader(part_name, False)
        self.read_blocks(note, builder, reader, in_note=True)
        return _without_mark_space(builder.finish())

    def _inline_reader(self, part_name: str, calls_notes: bool) -> InlineReader:
        reader = InlineReader(
            self.styles,
            self._hyperlinks(part_name),
            self.notes.call if calls_notes else lambda *_: None,
            (lambda text: text in self.notes.labels.values()) if calls_notes else lambda _: False,
            document_lang=self.document_lang,
            anchors=self.anchors,
        )
        reader.part_name = part_name
        self.readers.append(reader)
        return reader

    def _hyperlinks(self, part_name: str) -> dict[str, str]:
        return {
            rel_id: rel.target
            for rel_id, rel in self.package.relationships(part_name).items()
            if rel.external and rel.type.endswith("/hyperlink")
        }

    def read_blocks(
        self, container: Element, builder: BlockBuilder, reader: InlineReader, in_note: bool = False
    ) -> None:
        """Read the paragraphs and tables of a story (body, cell, text box, note) in order."""
        for child in container:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == w("p"):
                self._paragraph(child, builder, reader, in_note)
            elif tag == w("tbl"):
                read_table(self, child, builder, reader, in_note)
            elif tag == w("bookmarkStart"):
                anchor = self.anchors.place(child.get(w("name"), ""))
                if anchor is not None:
                    reader.pending.append(Atom("anchor", anchor))
            elif tag in (w("sdt"), w("sdtContent"), w("customXml")):
                self.read_blocks(child, builder, reader, in_note)

    def _paragraph(
        self, paragraph: Element, builder: BlockBuilder, reader: InlineReader, in_note: bool
    ) -> None:
        style_id = paragraph_style(paragraph)
        role = "body" if in_note else self._role(paragraph, style_id)
        if in_note and self.styles.role(style_id) in ("list_item", "list_continue"):
            role = self.styles.role(style_id)
        if role in SKIPPED_ROLES or role == "footnote_reference":
            if self.toolkit_document:
                return
            role = "body"
        reader.paragraph_size = self.styles.size(style_id)
        atoms = reader.atoms(paragraph)
        objects = reader.take_objects()
        inlines = group(atoms)
        text = plain_text(inlines).strip()
        role = self._front_role(paragraph, role, text)
        if role == "figure_alt" and builder.describe_figure(text):
            return
        if role in FRONT_MATTER_ROLES:
            if text:
                self.front.setdefault(FRONT_MATTER_ROLES[role], []).append(text)
            reader.pending.extend(a for a in atoms if a.kind == "anchor")
        elif role == "footnote_text" and self.toolkit_document:
            # Notes no text calls: the writer put them under a Notes subhead in the body.
            note = BlockBuilder()
            self._content(paragraph, atoms, "body", note, reader)
            if note.blocks:
                if builder.blocks and isinstance(builder.blocks[-1], model.Heading):
                    builder.blocks.pop()
                self.notes.add_uncalled(note.finish())
        elif role != "skip":
            self._content(paragraph, atoms, role, builder, reader)
        self.place_objects(objects, builder, reader, in_note)

    def _front_role(self, paragraph: Element, role: str, text: str) -> str:
        """Return the role a paragraph plays once the title is chosen: front matter or not."""
        if paragraph in self.title_paragraphs:
            return "title"
        if role == "title":
            if self.repeated_title and " ".join(text.split()) == self.repeated_title:
                self.repeated_title = ""
                return "skip"
            self.counts["title paragraph as subhead"] += 1
            return "heading_2"
        if role == "heading_1":
            if self.repeated_title and " ".join(text.split()) == self.repeated_title:
                self.repeated_title = ""  # the title set again at the top: once is enough
                return "skip"
            self.counts["heading 1 as subhead"] += 1
            return "heading_2"
        if role == "abstract_title":
            return "skip" if len(text.split()) <= ABSTRACT_LABEL_WORDS else "abstract"
        if role == "intense_quote":
            if "summary" not in self.front and not self.body_started:
                self.guesses.append("the Intense Quote before the body as the summary")
                return "summary"
            return "quote"
        if role == "date" and len(text.split()) > 12:
            return "body"  # a paragraph in a Date style that says more than a date
        return role

    def _role(self, paragraph: Element, style_id: str) -> str:
        role = self.styles.role(style_id)
        if role not in ("body", "list_item", "list_continue"):
            return role
        direct = paragraph.find("w:pPr/w:outlineLvl", NS)
        if direct is not None:
            level: int | None = int_value(direct, default=9)
        else:
            level = self.styles.outline_level(style_id)
        if level is None or level > 8:
            return role
        return {0: "heading_1", 1: "heading_2"}.get(level, "heading_3")

    def role_of(self, paragraph: Element) -> str:
        """Return the role a paragraph's style gives it, before the title is chosen."""
        return self._role(paragraph, paragraph_style(paragraph))

    def _content(
        self,
        paragraph: Element,
        atoms: list[Atom],
        role: str,
        builder: BlockBuilder,
        reader: InlineReader,
    ) -> None:
        """Add a paragraph of article content: a subhead, list item, quote, caption, text."""
        inlines = group(atoms)
        numbered = self.numbered(paragraph)  # counted even when empty, as Word counts it
        if not plain_text(inlines).strip() and not any(a.kind == "note" for a in atoms):
            reader.pending.extend(a for a in atoms if a.kind == "anchor")
            return  # an empty paragraph: spacing, never content
        self.body_started = True
        if role in HEADING_ROLES:
            if numbered is not None and numbered[2] and numbered[0].number_format != "bullet":
                inlines = labelled(numbered[2], inlines)
                self.counts["numbered subhead"] += 1
            builder.add(model.Heading(HEADING_ROLES[role], self._one_line(inlines)))
            return
        if role == "caption":
            # The toolkit writes a table's caption right above its table, kept with it,
            # and a figure's below its figure, which a table may follow.
            ahead = paragraph.getnext()
            before_table = ahead is not None and ahead.tag == w("tbl")
            if (
                self.toolkit_document
                and before_table
                and (keeps_with_next(paragraph) or not builder.figure_takes(inlines))
            ):
                builder.hold_table_caption(inlines)
                return
            if builder.add_caption(inlines):
                return
            if is_table_caption(plain_text(inlines)) and builder.add_table_caption(inlines):
                return
        block = model.Paragraph(inlines)
        if numbered is not None:
            level, number, label = numbered
            if level.ordered and not level.decimal:
                block = model.Paragraph(labelled(label, inlines))
                self.counts["list label as text"] += 1
                deeper = builder.open_lists and builder.open_lists[-1].ilvl < number_level(
                    paragraph, self
                )
                if not (deeper and builder.add_continuation(block, None)):
                    builder.add(block)
            elif level.number_format == "none":
                if not builder.add_continuation(block, _indent(paragraph)):
                    builder.add(block)
            else:
                builder.add_item(level, number_level(paragraph, self), block, number)
        elif role == "list_continue" and builder.add_continuation(block, _indent(paragraph)):
            return
        elif role == "quote":
            builder.add(model.BlockQuote((block,)))
        elif role == "pull_quote":
            builder.add(model.PullQuote((block,)))
        else:
            builder.add(block)

    def _one_line(self, inlines: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
        """Return a subhead's inlines with its line breaks made spaces: a subhead is one line."""
        if not any(isinstance(node, model.LineBreak) for i in inlines for node in walk(i)):
            return inlines
        self.counts["subhead line break"] += 1
        return _without_breaks(inlines)

    def numbered(self, paragraph: Element) -> tuple[ListLevel, int, str] | None:
        """Count a numbered paragraph; return its list level, number and printed label."""
        found = list_reference(paragraph, self.styles)
        if found is None:
            return None
        return self.numbering.advance(*found)

    def place_objects(
        self, objects: list[Element], builder: BlockBuilder, reader: InlineReader, in_note: bool
    ) -> None:
        """Add the pictures and text boxes of a paragraph's runs after it, in order."""
        part_name = reader.part_name or self.package.document_name
        for element in objects:
            for node in object_nodes(element):
                if node.tag == w("txbxContent"):
                    self.counts["text box"] += 1
                    self.read_blocks(node, builder, reader, in_note)
                    continue
                figure = self.pictures.figure(node, element, part_name)
                if figure is not None:
                    builder.add(figure)


def keeps_with_next(paragraph: Element) -> bool:
    """Return True when the paragraph itself says to keep it with the next (w:keepNext)."""
    keep = paragraph.find(f"{w('pPr')}/{w('keepNext')}")
    return keep is not None and keep.get(w("val"), "true") not in ("0", "false", "off")


def _without_breaks(inlines: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """Return inlines with every line break, however deep, made a space."""
    result: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.LineBreak):
            result.append(model.Text(" "))
        elif isinstance(inline, CONTAINERS):
            result.append(dataclasses.replace(inline, content=_without_breaks(inline.content)))
        else:
            result.append(inline)
    return tuple(result)


def list_reference(paragraph: Element, styles: StyleTable) -> tuple[str, int] | None:
    """Return the (numId, level) a paragraph is numbered by, directly or through its style."""
    direct = paragraph.find("w:pPr/w:numPr", NS)
    if direct is not None:
        num = direct.find("w:numId", NS)
        ilvl = direct.find("w:ilvl", NS)
        num_id = num.get(w("val"), "0") if num is not None else None
        level = int_value(ilvl) if ilvl is not None else None
        if num_id is None or level is None:
            from_style = styles.numbering(paragraph_style(paragraph))
            if from_style is not None:
                num_id = from_style[0] if num_id is None else num_id
                level = from_style[1] if level is None else level
        return (num_id or "0", level or 0)
    return styles.numbering(paragraph_style(paragraph))


def number_level(paragraph: Element, reader: DocumentReader) -> int:
    """Return the nesting level (w:ilvl) of a numbered paragraph."""
    found = list_reference(paragraph, reader.styles)
    return found[1] if found is not None else 0


def _indent(paragraph: Element) -> int | None:
    indent = paragraph.find("w:pPr/w:ind", NS)
    if indent is None:
        return None
    value = indent.get(w("left")) or indent.get(w("start"))
    return int(value) if value and value.lstrip("-").isdigit() else None


def _without_mark_space(blocks: tuple[model.Block, ...]) -> tuple[model.Block, ...]:
    """Drop the one space the writer (and Word) put between a note's number and its text."""
    if not blocks or not isinstance(blocks[0], model.Paragraph):
        return blocks
    content = blocks[0].content
    if content and isinstance(content[0], model.Text) and content[0].text.startswith(" "):
        rest = content[0].text[1:]
        trimmed = ((model.Text(rest),) if rest else ()) + content[1:]
        return (model.Paragraph(trimmed), *blocks[1:])
    return blocks
