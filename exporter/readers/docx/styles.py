"""What each style of a DOCX means: the bulletin part a paragraph style marks, run formatting."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from exporter.readers.docx.package import NS, Element, Package, int_value, w

# Roles of paragraph styles that are not article content: skipped by the reader.
SKIPPED_ROLES = frozenset(
    {"masthead", "masthead_publisher", "publisher_block", "running_head", "footer", "skip"}
)
# Word's and LibreOffice's built-in names, for documents that do not use the toolkit's styles.
BUILT_IN_ROLES = {
    "title": "title",
    "titel": "title",
    "titre": "title",
    "titulo": "title",
    "titolo": "title",
    "subtitle": "subtitle",
    "untertitel": "subtitle",
    "soustitre": "subtitle",
    "subtitulo": "subtitle",
    "sottotitolo": "subtitle",
    "ondertitel": "subtitle",
    "author": "author",
    "authors": "author",
    "autor": "author",
    "auteur": "author",
    "autore": "author",
    "auteurs": "author",
    "autores": "author",
    "autoren": "author",
    "date": "date",
    "datum": "date",
    "fecha": "date",
    "abstract": "abstract",
    "zusammenfassung": "abstract",
    "resume": "abstract",
    "resumen": "abstract",
    "resumo": "abstract",
    "riassunto": "abstract",
    "samenvatting": "abstract",
    "abstracttitle": "abstract_title",
    "abstractheading": "abstract_title",
    "tocheading": "heading_2",
    "heading1": "heading_1",
    "uberschrift1": "heading_1",
    "titre1": "heading_1",
    "titulo1": "heading_1",
    "titolo1": "heading_1",
    "heading2": "heading_2",
    "heading": "heading_2",
    "normal": "body",
    "bodytext": "body",
    "textbody": "body",
    "firstparagraph": "body",
    "listparagraph": "list_item",
    "listbullet": "list_item",
    "listnumber": "list_item",
    "list": "list_item",
    "listcontinue": "list_continue",
    "quote": "quote",
    "quotations": "quote",
    "blocktext": "quote",
    "intensequote": "intense_quote",
    "caption": "caption",
    "footnotetext": "footnote_text",
    "footnote": "footnote_text",
    "header": "body",
    "footer": "body",
}
CODE_STYLES = frozenset({"code", "htmlcode", "verbatimchar", "sourcetext", "macrotext"})
HYPERLINK_STYLES = frozenset({"hyperlink", "internetlink", "followedhyperlink", "internetlien"})
NOTE_REFERENCE_STYLES = frozenset(
    {"footnotereference", "footnotecharacters", "footnoteanchor", "footnotesymbol"}
)
MONOSPACE_FONT = re.compile(
    r"courier|consolas|menlo|monaco|lucida console|lucida sans typewriter|inconsolata"
    r"|\bmono(?!type|ton)|\bcode\b"
)
"""Marks of a fixed-width family: Courier New, Consolas, DejaVu Sans Mono, Fira Code;
not Monotype Corsiva nor Monoton."""
FALSE_VALUES = ("0", "false", "off", "none")


def normalised_name(name: str) -> str:
    """Return a style name as compared: lower case, unaccented letters and digits only."""
    unaccented = unicodedata.normalize("NFKD", name.lower())
    return re.sub(r"[^0-9a-z]", "", unaccented)


@functools.cache
def toolkit_roles() -> dict[str, str]:
    """Return the toolkit's own style names (normalised) to the bulletin part they mark."""
    from exporter.docx_styles import load_style_sheet
    from exporter.layouts import find_layout

    parts = load_style_sheet(find_layout(None)).parts
    roles = {normalised_name(style): part for part, style in parts.items()}
    roles[normalised_name("Do Not Translate")] = "skip"
    return roles


def toggle(properties: Element | None, name: str) -> bool | None:
    """Return a run property's on/off value (w:b, w:i), or None when it is not set."""
    if properties is None:
        return None
    element = properties.find(w(name))
    if element is None:
        return None
    return element.get(w("val"), "true").lower() not in FALSE_VALUES


@dataclass(frozen=True, slots=True)
class Style:
    """One style of the document, with what the reader needs of it."""

    name: str
    """The style's normalised name."""
    kind: str
    """paragraph or character."""
    based_on: str
    """The id of the style it inherits from, if any."""
    properties: Element | None
    """Its w:rPr (run properties)."""
    paragraph_properties: Element | None
    """Its w:pPr (paragraph properties)."""


@dataclass
class StyleTable:
    """The document's styles by id, and the roles they play."""

    styles: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str = ""
    header_table_styles: set[str] = field(default_factory=set)
    """The table styles that set their first row apart (w:tblStylePr w:type="firstRow")."""
    default_size: int = 22
    """The size of the document's default text, in half-points (w:docDefaults)."""
    toolkit_styles_used: bool = False
    """True when the document uses styles of the toolkit that no plain document has."""

    @classmethod
    def read(cls, package: Package) -> StyleTable:
        """Read word/styles.xml (or whatever the document relates as its styles)."""
        table = cls()
        name = package.related(package.document_name, "/styles")
        if name is None:
            return table
        for element in package.xml(name).iterfind("w:style", NS):
            style_id = element.get(w("styleId"), "")
            kind = element.get(w("type"), "paragraph")
            shown = element.find("w:name", NS)
            based = element.find("w:basedOn", NS)
            table.styles[style_id] = Style(
                name=normalised_name(shown.get(w("val"), "") if shown is not None else style_id),
                kind=kind,
                based_on=based.get(w("val"), "") if based is not None else "",
                properties=element.find("w:rPr", NS),
                paragraph_properties=element.find("w:pPr", NS),
            )
            if kind == "paragraph" and element.get(w("default")) in ("1", "true"):
                table.default_paragraph = style_id
            if kind == "table" and _sets_first_row_apart(element):
                table.header_table_styles.add(style_id)
        size = package.xml(name).find("w:docDefaults/w:rPrDefault/w:rPr/w:sz", NS)
        if size is not None:
            table.default_size = int_value(size, default=22) or 22
        return table

    def _chain(self, style_id: str) -> list[Style]:
        """Return the style and the styles it inherits from, nearest first."""
        chain: list[Style] = []
        seen: set[str] = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def role(self, style_id: str) -> str:
        """Return the part a paragraph style marks (title, body, quote, ...); body if unknown."""
        own = toolkit_roles()
        for style in self._chain(style_id or self.default_paragraph):
            if style.name in own:
                return own[style.name]
            if style.name.startswith("donottranslate"):
                return "skip"
            built_in = BUILT_IN_ROLES.get(style.name) or _numbered_built_in(style.name)
            if built_in:
                return built_in
        return "body"

    def name(self, style_id: str) -> str:
        """Return the normalised name of a style, or its id when the document lacks it."""
        style = self.styles.get(style_id)
        return style.name if style else style_id

    def outline_level(self, style_id: str) -> int | None:
        """Return the outline level a paragraph style gives (0 = top), if any."""
        for style in self._chain(style_id):
            if style.paragraph_properties is not None:
                level = style.paragraph_properties.find("w:outlineLvl", NS)
                if level is not None:
                    return int_value(level, default=9)
        return None

    def numbering(self, style_id: str) -> tuple[str, int] | None:
        """Return the (numId, level) a paragraph style attaches its paragraphs to, if any."""
        for style in self._chain(style_id):
            properties = style.paragraph_properties
            found = properties.find("w:numPr", NS) if properties is not None else None
            if found is not None:
                num = found.find("w:numId", NS)
                level = found.find("w:ilvl", NS)
                num_id = num.get(w("val"), "0") if num is not None else "0"
                return num_id, int_value(level) if level is not None else 0
        return None

    def character_toggle(self, style_id: str, name: str) -> bool:
        """Return whether a character style turns bold (b) or italic (i) on."""
        for style in self._chain(style_id):
            if name == "b" and style.name == "strong":
                return True
            if name == "i" and style.name == "emphasis":
                return True
            value = toggle(style.properties, name)
            if value is not None:
                return value
        return False

    def paragraph_toggle(self, style_id: str, name: str) -> bool:
        """Return whether a paragraph style's run properties turn bold (b) or italic (i) on."""
        for style in self._chain(style_id or self.default_paragraph):
            value = toggle(style.properties, name)
            if value is not None:
                return value
        return False

    def character_value(self, style_id: str, name: str) -> str:
        """Return the w:val of a run property (w:vertAlign) a character style sets, or ""."""
        for style in self._chain(style_id):
            found = style.properties.find(w(name)) if style.properties is not None else None
            if found is not None:
                return str(found.get(w("val"), ""))
        return ""

    def size(self, style_id: str) -> int:
        """Return the text size a paragraph style gives, in half-points."""
        for style in self._chain(style_id or self.default_paragraph):
            found = style.properties.find(w("sz")) if style.properties is not None else None
            if found is not None:
                return int_value(found, default=self.default_size) or self.default_size
        return self.default_size

    def is_hyperlink(self, style_id: str) -> bool:
        """Return whether a character style is the one word processors give links."""
        return any(style.name in HYPERLINK_STYLES for style in self._chain(style_id))

    def is_code(self, style_id: str) -> bool:
        """Return whether a character style marks code."""
        return any(style.name in CODE_STYLES for style in self._chain(style_id))

    def is_note_reference(self, style_id: str) -> bool:
        """Return whether a character style is the footnote reference (call) style."""
        return any(style.name in NOTE_REFERENCE_STYLES for style in self._chain(style_id))


def _numbered_built_in(name: str) -> str:
    """Return the role of numbered built-ins: heading 3-9, list bullet 2, list continue 3."""
    match = re.fullmatch(r"(heading|listbullet|listnumber|listcontinue)([2-9])", name)
    if not match:
        return ""
    if match.group(1) == "heading":
        return "heading_2" if match.group(2) == "2" else "heading_3"
    return "list_continue" if match.group(1) == "listcontinue" else "list_item"


def _sets_first_row_apart(style: Element) -> bool:
    """Return whether a table style formats its first row apart (a header row)."""
    for conditional in style.iterfind("w:tblStylePr", NS):
        if conditional.get(w("type")) == "firstRow":
            return True
    return False


def is_monospace(font: str) -> bool:
    """Return whether a font family name looks like a fixed-width face."""
    return MONOSPACE_FONT.search(font.lower()) is not None


def paragraph_style(paragraph: Element) -> str:
    """Return the id of a paragraph's style (w:pStyle), or "" for the default."""
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return str(style.get(w("val"), "")) if style is not None else ""
