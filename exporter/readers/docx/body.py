"""The document's paragraphs, in order, sorted into front matter, body blocks, bios and notes."""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from exporter import model
from exporter.readers.docx.blocks import BlockBuilder
from exporter.readers.docx.inlines import Atom, InlineReader, group
from exporter.readers.docx.numbering import ListLevel, Numbering
from exporter.readers.docx.package import NS, Element, Package, int_value, w
from exporter.readers.docx.styles import SKIPPED_ROLES, StyleTable
from exporter.walk import plain_text

log = logging.getLogger("exporter")

FRONT_MATTER_ROLES = ("issue_line", "kicker", "title", "subtitle", "byline", "summary", "bio")
# Parts only the toolkit's own documents have: their presence means "ours, edited".
TOOLKIT_ONLY_ROLES = frozenset(
    {"issue_line", "kicker", "byline", "summary", "pull_quote", "bio", "skip", "masthead"}
)
HEADING_ROLES = {"heading_2": 2, "heading_3": 3}
PLACEHOLDER_NAMES = ("picture ", "image ", "graphic ", "grafik ")


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
    images: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    toolkit_document: bool = False
    document_lang: str = ""
    """The document's language, against which runs in other languages are told apart."""

    def __post_init__(self) -> None:
        self.notes = Notes(self)
        self.notes.load(self.package)

    def read_body(self) -> tuple[model.Block, ...]:
        """Read the body; fill in the front matter, bios, notes and images met on the way."""
        name = self.package.document_name
        body = self.package.xml(name).find("w:body", NS)
        if body is None:
            return ()
        builder = BlockBuilder()
        inline_reader = self._inline_reader(name)
        for paragraph in _paragraphs(body):
            self._paragraph(paragraph, builder, inline_reader)
        return builder.finish()

    def read_note(self, part_name: str, note: Element) -> tuple[model.Block, ...]:
        """Read one footnote's paragraphs into blocks."""
        builder = BlockBuilder()
        # A note cannot call notes; a repeated-call number inside one stays text.
        inline_reader = InlineReader(
            self.styles,
            self._hyperlinks(part_name),
            lambda *_: None,
            document_lang=self.document_lang,
        )
        for index, paragraph in enumerate(_paragraphs(note)):
            atoms = inline_reader.atoms(paragraph)
            if index == 0:
                atoms = _without_mark_space(atoms)
            role = self.styles.role(_paragraph_style(paragraph))
            if role not in ("list_item", "list_continue"):
                role = "footnote_text"
            self._content_paragraph(paragraph, atoms, role, builder)
        return builder.finish()

    def _inline_reader(self, part_name: str) -> InlineReader:
        return InlineReader(
            self.styles,
            self._hyperlinks(part_name),
            self.notes.call,
            lambda text: text in self.notes.labels.values(),
            document_lang=self.document_lang,
        )

    def _hyperlinks(self, part_name: str) -> dict[str, str]:
        return {
            rel_id: rel.target
            for rel_id, rel in self.package.relationships(part_name).items()
            if rel.external and rel.type.endswith("/hyperlink")
        }

    def _paragraph(self, paragraph: Element, builder: BlockBuilder, reader: InlineReader) -> None:
        style_id = _paragraph_style(paragraph)
        role = self._role(paragraph, style_id)
        if role in TOOLKIT_ONLY_ROLES or role.startswith("masthead"):
            self.toolkit_document = True
        if role in SKIPPED_ROLES:
            return
        atoms = reader.atoms(paragraph)
        text = plain_text(group(atoms)).strip()
        if role == "heading_1":
            if "title" not in self.front:
                role = "title"
                self.guesses.append("the first Heading 1 as the title")
            else:
                role = "heading_2"
                self.guesses.append("Heading 1 as a subhead (Heading 2)")
        if role == "intense_quote":
            if "summary" not in self.front and not builder.blocks:
                role = "summary"
                self.guesses.append("the Intense Quote before the body as the summary")
            else:
                role = "quote"
        if role in FRONT_MATTER_ROLES:
            if text:
                self.front.setdefault(role, []).append(text)
            return
        if role == "footnote_text":
            # Notes no text calls: the writer put them under a Notes subhead in the body.
            note = BlockBuilder()
            self._content_paragraph(paragraph, atoms, "body", note)
            if note.blocks:
                if builder.blocks and isinstance(builder.blocks[-1], model.Heading):
                    builder.blocks.pop()
                self.notes.add_uncalled(note.finish())
            return
        self._content_paragraph(paragraph, atoms, role, builder)

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

    def _content_paragraph(
        self, paragraph: Element, atoms: list[Atom], role: str, builder: BlockBuilder
    ) -> None:
        """Add a paragraph of article content: a subhead, list item, quote, figure, text."""
        drawings = paragraph.findall(".//w:drawing", NS)
        if drawings and role not in ("footnote_text",):
            for drawing in drawings:
                figure = self._figure(drawing)
                if figure is not None:
                    builder.add(figure)
            return
        inlines = group(atoms)
        if not plain_text(inlines).strip() and not any(a.kind == "note" for a in atoms):
            return  # an empty paragraph: spacing, never content
        if role in HEADING_ROLES:
            builder.add(model.Heading(HEADING_ROLES[role], inlines))
            return
        if role == "caption" and builder.add_caption(inlines):
            return
        block = model.Paragraph(inlines)
        numbered = self._list_level(paragraph, _paragraph_style(paragraph))
        if numbered is not None:
            builder.add_item(numbered[0], numbered[1], block)
        elif role == "list_continue" and builder.add_continuation(block, _indent(paragraph)):
            return
        elif role == "quote":
            builder.add(model.BlockQuote((block,)))
        elif role == "pull_quote":
            builder.add(model.PullQuote((block,)))
        else:
            builder.add(block)

    def _list_level(self, paragraph: Element, style_id: str) -> tuple[ListLevel, int] | None:
        direct = paragraph.find("w:pPr/w:numPr", NS)
        if direct is not None:
            num = direct.find("w:numId", NS)
            ilvl = direct.find("w:ilvl", NS)
            num_id = num.get(w("val"), "0") if num is not None else "0"
            level = int_value(ilvl) if ilvl is not None else 0
        else:
            from_style = self.styles.numbering(style_id)
            if from_style is None:
                return None
            num_id, level = from_style
        found = self.numbering.level(num_id, level)
        return None if found is None else (found, level)

    def _figure(self, drawing: Element) -> model.Figure | None:
        properties = drawing.find(".//wp:docPr", NS)
        blip = drawing.find(".//a:blip", NS)
        if properties is None or blip is None:
            log.warning("skipped a drawing that is not a picture (a shape or chart)")
            return None
        rel_id = blip.get(f"{{{NS['r']}}}embed", "")
        relationship = self.package.relationships(self.package.document_name).get(rel_id)
        media = posixpath.basename(relationship.target) if relationship else ""
        name = properties.get("name", "").strip()
        looks_like_file = "." in name and not name.lower().startswith(PLACEHOLDER_NAMES)
        src = name if looks_like_file else media or "image"
        alt = (properties.get("descr") or properties.get("title") or "").strip()
        if not alt:
            alt = posixpath.basename(src)
            self.guesses.append(f"the file name as the alt text of image {src!r}")
        self.images.append(src)
        return model.Figure(src, alt)


def _paragraphs(container: Element) -> Iterator[Element]:
    """Yield a story's paragraphs in reading order, looking into tables and content controls."""
    for child in container:
        tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
        if tag == "p":
            yield child
        elif tag == "tbl":
            log.warning("a table was read as plain paragraphs, cell by cell")
            for row in child.iterfind("w:tr", NS):
                for cell in row.iterfind("w:tc", NS):
                    yield from _paragraphs(cell)
        elif tag in ("sdt", "customXml"):
            content = child.find("w:sdtContent", NS) if tag == "sdt" else child
            if content is not None:
                yield from _paragraphs(content)


def _paragraph_style(paragraph: Element) -> str:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return str(style.get(w("val"), "")) if style is not None else ""


def _indent(paragraph: Element) -> int | None:
    indent = paragraph.find("w:pPr/w:ind", NS)
    if indent is None:
        return None
    value = indent.get(w("left")) or indent.get(w("start"))
    return int(value) if value and value.lstrip("-").isdigit() else None


def _without_mark_space(atoms: list[Atom]) -> list[Atom]:
    """Drop the one space the writer (and Word) put between a note's number and its text."""
    if atoms and atoms[0].kind == "text" and atoms[0].value.startswith(" "):
        first = atoms[0]
        rest = first.value[1:]
        trimmed = [Atom(first.kind, rest, first.bold, first.italic, first.link)] if rest else []
        return trimmed + atoms[1:]
    return atoms
