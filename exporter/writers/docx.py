"""The DOCX writer: the bulletin as a Word document in the layout's named styles."""

from __future__ import annotations

import datetime
import functools
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Emu, Inches, Pt, RGBColor, Twips

from exporter import model
from exporter.context import RenderContext
from exporter.errors import InputError, LayoutError, UsageError
from exporter.layouts import Layout, issue_line
from exporter.readers.docx.front import METADATA_PROPERTY
from exporter.readers.docx.package import read_package
from exporter.resources import local_path
from exporter.walk import query
from exporter.writers import ooxml
from exporter.writers.html import note_numbers
from exporter.yamlfile import read_yaml

log = logging.getLogger("exporter")

STYLES_FILE = "docx-styles.yaml"
PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Twips(11906), Twips(16838))}
REQUIRED_PARTS = (  # noqa: SIM905 - a long sequence of names reads best as one string
    "masthead masthead_publisher issue_line kicker title subtitle byline summary body "
    "heading_2 heading_3 list_item list_continue quote pull_quote figure caption "
    "footnote_text footnote_reference bio publisher_block running_head footer code "
    "hyperlink"
).split()
OPTIONAL_PARTS = ("table", "table_text", "table_heading")
"""Parts a layout may leave out: tables then take Word's plain grid and the body style."""
# Word knows its built-in styles by these internal names; python-docx maps only some.
WORD_INTERNAL_NAMES = {
    "Footnote Text": "footnote text",
    "Footnote Reference": "footnote reference",
}
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
EXTERNAL_LINK_SCHEMES = ("http:", "https:", "mailto:")
# Characters XML cannot hold, and breaks that would become manual line breaks.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
FALLBACK_DATE = datetime.date(2000, 1, 1)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


@dataclass(frozen=True, slots=True)
class StyleSheet:
    """The layout's DOCX style source (`docx-styles.yaml`), checked."""

    page: dict[str, float]
    """Margins and header/footer distances in inches."""
    fonts: dict[str, str]
    """Font roles (serif, sans, mono) to family names."""
    parts: dict[str, str]
    """Bulletin parts to the names of the styles they are written in."""
    lists: dict[str, Any]
    """List indents (inches) and bullet characters."""
    paragraph_styles: dict[str, dict[str, Any]]
    """Paragraph style definitions by name, in the order they are defined."""
    character_styles: dict[str, dict[str, Any]]
    """Character style definitions by name."""
    table_styles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Table style definitions by name: border colour, header shading and text colour."""


def load_style_sheet(layout: Layout) -> StyleSheet:
    """Read and check the layout's DOCX style source, raising LayoutError on a fault."""
    path = layout.path(STYLES_FILE)
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        changed = 0
    return _read_style_sheet(path, changed)


@functools.lru_cache(maxsize=8)
def _read_style_sheet(path: Path, changed: int) -> StyleSheet:
    """Read a style source once per version of the file (`changed`: its mtime)."""
    del changed  # a key only
    try:
        data: Any = read_yaml(path)
    except yaml.YAMLError as error:
        raise LayoutError(f"broken YAML: {error}", file=str(path)) from None
    if not isinstance(data, dict):
        raise LayoutError("must be a mapping", file=str(path))
    sections = ("page", "fonts", "parts", "lists", "paragraph_styles", "character_styles")
    for key in sections:
        if not isinstance(data.get(key), dict):
            raise LayoutError(f"{key!r} is missing or not a mapping", file=str(path))
    tables = data.get("table_styles") or {}
    if not isinstance(tables, dict):
        raise LayoutError("'table_styles' is not a mapping", file=str(path))
    sheet = StyleSheet(**{key: data[key] for key in sections}, table_styles=tables)
    defined = {**sheet.paragraph_styles, **sheet.character_styles, **sheet.table_styles}
    for part in REQUIRED_PARTS:
        style = sheet.parts.get(part)
        if style not in defined:
            raise LayoutError(f"part {part!r} names no defined style", file=str(path))
    for part in OPTIONAL_PARTS:
        if part in sheet.parts and sheet.parts[part] not in defined:
            raise LayoutError(f"part {part!r} names no defined style", file=str(path))
    return sheet


def write_docx(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as a DOCX document in the layout's named styles."""
    builder = _DocxBuilder(article, context, load_style_sheet(context.layout))
    builder.build()
    buffer = io.BytesIO()
    builder.document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue(), article.date or FALLBACK_DATE)


@dataclass(frozen=True, slots=True)
class _Story:
    """Where blocks are written: the body or one footnote."""

    new_paragraph: Callable[[], Any]
    """Append an empty w:p to the story and return it."""
    part: Any
    """The package part the story lives in, which owns its hyperlink relationships."""
    in_note: bool = False
    """True inside a footnote: no note calls, no subheads, no images."""


@dataclass(frozen=True, slots=True)
class _RunFormat:
    """The formatting inherited by the inlines inside Emphasis, Strong and Link."""

    bold: bool = False
    italic: bool = False
    style_id: str = ""
    lang: str = ""
    vertical: str = ""


@dataclass(frozen=True, slots=True)
class _Template:
    """A document with the page set up and the layout's styles defined, saved."""

    data: bytes
    """The saved DOCX."""
    style_ids: dict[str, str]
    """The style id of each part of the bulletin."""
    text_width: int
    """The width of the text area in EMU."""


# Styled starting documents by layout, style sheet version, paper and language fonts:
# defining the styles is most of a short DOCX's cost, reopening a saved copy a fifth.
TEMPLATE_CACHE_SIZE = 16
_TEMPLATES: dict[tuple[object, ...], _Template] = {}


def _template_key(article: model.Article, context: RenderContext) -> tuple[object, ...]:
    """Return what a styled starting document depends on."""
    layout = context.layout
    styles = layout.path(STYLES_FILE)
    try:
        changed = styles.stat().st_mtime_ns
    except OSError:
        changed = 0
    return (
        str(styles),
        changed,
        context.paper_size,
        tuple(sorted(layout.fonts_for(article.lang).items())),
        tuple(sorted(layout.series.colours.items())),
    )


@dataclass(slots=True)
class _DocxBuilder:
    """Builds one document: styles, page, header and footer, then the parts in order."""

    article: model.Article
    context: RenderContext
    sheet: StyleSheet
    document: Any = field(init=False)
    style_ids: dict[str, str] = field(init=False, default_factory=dict)
    numbers: dict[str, int] = field(init=False, default_factory=dict)
    footnote_ids: dict[str, int] = field(init=False, default_factory=dict)
    footnotes: ooxml.Footnotes | None = field(init=False, default=None)
    numbering: ooxml.Numbering = field(init=False)
    text_width: int = field(init=False, default=0)
    bookmarks: int = field(init=False, default=0)
    anchors: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        key = _template_key(self.article, self.context)
        template = _TEMPLATES.get(key)
        if template is None:
            self.document = docx.Document()
            self._drop_template_leftovers()
            self._set_page()
            self._define_styles()
            buffer = io.BytesIO()
            self.document.save(buffer)
            template = _Template(buffer.getvalue(), dict(self.style_ids), self.text_width)
            if len(_TEMPLATES) >= TEMPLATE_CACHE_SIZE:
                _TEMPLATES.clear()
            _TEMPLATES[key] = template
        # Every document starts from the saved copy, the first one too, so that all are alike.
        self.document = docx.Document(io.BytesIO(template.data))
        self.style_ids = dict(template.style_ids)
        self.text_width = template.text_width
        self.numbers = note_numbers(self.article)
        # The places links may point at: bookmarks are written outside footnotes only.
        self.anchors = frozenset(
            anchor.id for block in (*self.article.body,) for anchor in query(block, model.Anchor)
        )
        lists = self.sheet.lists
        self.numbering = ooxml.Numbering(
            self.document.part.numbering_part.element,
            bullets=tuple(str(b) for b in lists.get("bullets", ["•"])),
            indent=Inches(float(lists.get("indent_per_level", 0.25))).twips,
            hanging=Inches(float(lists.get("hanging", 0.2))).twips,
        )

    def build(self) -> None:
        """Write everything into the document."""
        ooxml.set_language(self.document.styles.element, self.article.lang)
        ooxml.do_not_stretch_lines_before_breaks(self.document.settings.element)
        self._set_header_and_footer()
        self._set_properties()
        self._write_front_matter()
        body = _Story(self._new_body_paragraph, self.document.part)
        for block in self.article.body:
            self._block(block, body, "body", -1)
        self._write_uncalled_notes(body)
        for author in self.article.authors:
            if author.bio.strip():
                self._text_paragraph("bio", author.bio)
        self._write_publisher_block()
        if self.context.reference_docx is not None:
            self._adopt_reference_styles(self.context.reference_docx)

    # -- document set-up -------------------------------------------------------------

    def _drop_template_leftovers(self) -> None:
        """Remove python-docx's sample thumbnail and the Word 2010 style copy of its template."""
        for rels, reltype in (
            (self.document.part.package.rels, RT.THUMBNAIL),
            (self.document.part.rels, STYLES_WITH_EFFECTS),
        ):
            for relationship_id in [r for r, rel in rels.items() if rel.reltype == reltype]:
                del rels[relationship_id]

    def _adopt_reference_styles(self, path: Path) -> None:
        """Take the styles and theme of a reference DOCX, keeping the article's language."""
        try:
            package = read_package(path)
            styles_name = package.related(package.document_name, "/styles")
            if styles_name is None:
                raise InputError("the document has no styles")
            reference = package.xml(styles_name)
            theme_name = package.related(package.document_name, "/theme")
            theme = package.read(theme_name) if theme_name else None
        except OSError as error:
            raise UsageError(
                f"--reference-docx: cannot read it ({error.strerror})", str(path)
            ) from None
        except InputError as error:
            raise UsageError(f"--reference-docx: {error.what}", str(path)) from None
        ooxml.merge_styles(self.document.styles.element, reference)
        ooxml.set_language(self.document.styles.element, self.article.lang)
        if theme is not None:
            for relationship in self.document.part.rels.values():
                if relationship.reltype == RT.THEME and not relationship.is_external:
                    relationship.target_part._blob = theme

    def _set_page(self) -> None:
        section = self.document.sections[0]
        width, height = PAGE_SIZES.get(self.context.paper_size, PAGE_SIZES["letter"])
        section.page_width, section.page_height = width, height
        margin = Inches(float(self.sheet.page.get("margin", 0.7)))
        section.left_margin = section.right_margin = margin
        section.top_margin = section.bottom_margin = margin
        section.header_distance = Inches(float(self.sheet.page.get("header_distance", 0.35)))
        section.footer_distance = Inches(float(self.sheet.page.get("footer_distance", 0.35)))
        self.text_width = int(width - 2 * margin)

    def _define_styles(self) -> None:
        styles = self.document.styles
        definitions = [
            *((name, spec, WD_STYLE_TYPE.PARAGRAPH) for name, spec in self._paragraph_specs()),
            *(
                (name, spec, WD_STYLE_TYPE.CHARACTER)
                for name, spec in self.sheet.character_styles.items()
            ),
        ]
        self._restyle_normal()
        by_name: dict[str, list[Any]] = {}
        for existing in styles:
            by_name.setdefault(existing.name, []).append(existing)
        created = {}
        for name, _spec, kind in definitions:
            # A fresh definition, so that the template's theme fonts and colours do not leak in.
            for existing in by_name.get(name, []):
                existing.delete()
            style = styles.add_style(name, kind)
            if name in WORD_INTERNAL_NAMES:
                style.element.name_val = WORD_INTERNAL_NAMES[name]
            style.quick_style = True
            created[name] = style
        for name, spec, kind in definitions:
            self._apply_style(created, name, spec or {}, kind)
        for name, spec in self.sheet.table_styles.items():
            created[name] = self._table_style(name, spec or {})
        self.style_ids = {part: created[name].style_id for part, name in self.sheet.parts.items()}

    def _table_style(self, name: str, spec: dict[str, Any]) -> Any:
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
        style.quick_style = True
        style.base_style = self.document.styles["Normal Table"]
        ooxml.table_style(
            style.element,
            border=self._colour(spec.get("border", "000000")),
            header_fill=self._colour(spec.get("header_shading", "FFFFFF")),
            header_colour=self._colour(spec.get("header_colour", "000000")),
        )
        return style

    def _paragraph_specs(self) -> list[tuple[str, dict[str, Any]]]:
        # Normal is the root every style inherits from: it is restyled in place, not recreated.
        return [(n, s) for n, s in self.sheet.paragraph_styles.items() if n != "Normal"]

    def _apply_style(
        self, created: dict[str, Any], name: str, spec: dict[str, Any], kind: WD_STYLE_TYPE
    ) -> None:
        style = created[name]
        based_on = spec.get("based_on")
        if based_on:
            style.base_style = created.get(based_on) or self.document.styles[based_on]
        elif kind == WD_STYLE_TYPE.PARAGRAPH:
            style.base_style = self.document.styles["Normal"]
        self._apply_font(style, spec)
        if kind != WD_STYLE_TYPE.PARAGRAPH:
            return
        if spec.get("next") in created:
            style.next_paragraph_style = created[spec["next"]]
        self._apply_paragraph_format(style, spec)

    def _apply_font(self, style: Any, spec: dict[str, Any]) -> None:
        font = style.font
        if "font" in spec:
            family = self.sheet.fonts.get(spec["font"], spec["font"])
            # The East Asian slot (w:eastAsia) takes the CJK family of a CJK edition.
            east_asia = self.context.layout.fonts_for(self.article.lang).get(spec["font"], "")
            ooxml.set_fonts(style.element.get_or_add_rPr(), family, east_asia=east_asia)
        if "size" in spec:
            font.size = Pt(float(spec["size"]))
        for key in ("bold", "italic", "all_caps", "small_caps", "superscript", "underline"):
            if key in spec:
                setattr(font, key, bool(spec[key]))
        if "colour" in spec:
            font.color.rgb = RGBColor.from_string(self._colour(spec["colour"]))

    def _apply_paragraph_format(self, style: Any, spec: dict[str, Any]) -> None:
        fmt = style.paragraph_format
        if "space_before" in spec:
            fmt.space_before = Pt(float(spec["space_before"]))
        if "space_after" in spec:
            fmt.space_after = Pt(float(spec["space_after"]))
        if "line_spacing" in spec:
            fmt.line_spacing = float(spec["line_spacing"])
        if "alignment" in spec:
            fmt.alignment = ALIGNMENTS[spec["alignment"]]
        if "indent_left" in spec:
            fmt.left_indent = Inches(float(spec["indent_left"]))
        if "indent_right" in spec:
            fmt.right_indent = Inches(float(spec["indent_right"]))
        for key in ("keep_with_next", "widow_control"):
            if key in spec:
                setattr(fmt, key, bool(spec[key]))
        if spec.get("right_tab"):
            fmt.tab_stops.add_tab_stop(Emu(self.text_width), WD_TAB_ALIGNMENT.RIGHT)
        ppr = style.element.get_or_add_pPr()
        if "shading" in spec:
            ooxml.set_shading(ppr, self._colour(spec["shading"]))
        sides = {
            "border": ("top", "left", "bottom", "right"),
            "border_top": ("top",),
            "border_bottom": ("bottom",),
            "border_top_bottom": ("top", "bottom"),
        }
        for key, border_sides in sides.items():
            if key in spec:
                ooxml.set_borders(ppr, border_sides, self._colour(spec[key]))
        if "outline_level" in spec:
            ooxml.set_outline_level(ppr, int(spec["outline_level"]))

    def _colour(self, value: object) -> str:
        """Return a colour as six hex digits: a series colour name or a '#rrggbb' value."""
        text = str(value)
        text = self.context.layout.series.colours.get(text, text)
        digits = text.lstrip("#")
        if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
            raise LayoutError(
                f"colour {value!r} is not #rrggbb or a series colour", file=STYLES_FILE
            )
        return digits.upper()

    def _restyle_normal(self) -> None:
        spec = self.sheet.paragraph_styles.get("Normal") or {}
        normal = self.document.styles["Normal"]
        self._apply_font(normal, spec)
        self._apply_paragraph_format(normal, spec)

    def _set_header_and_footer(self) -> None:
        section = self.document.sections[0]
        # Page 1 carries the masthead instead of the running head, as in the print edition.
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.first_page_footer.is_linked_to_previous = False
        series = self.context.layout.series
        line = issue_line(series, self.article.number, self.article.date, self.article.lang)
        head = section.header.paragraphs[0]
        head.style = self._style("running_head")
        head.add_run(" | ".join(part for part in (series.name, line) if part))
        foot = section.footer.paragraphs[0]
        foot.style = self._style("footer")
        foot._p.append(ooxml.page_field())

    def _style(self, part: str) -> Any:
        """Return the style object a part is written in."""
        return self.document.styles.get_by_id(self.style_ids[part], self._style_kind(part))

    def _style_kind(self, part: str) -> WD_STYLE_TYPE:
        name = self.sheet.parts[part]
        if name in self.sheet.character_styles:
            return WD_STYLE_TYPE.CHARACTER
        return WD_STYLE_TYPE.PARAGRAPH

    def _set_properties(self) -> None:
        article = self.article
        properties = self.document.core_properties
        properties.title = _core_text(article.title)
        properties.author = _core_text("; ".join(author.name for author in article.authors))
        properties.subject = _core_text(article.summary)
        properties.keywords = _core_text(", ".join(article.keywords))
        properties.category = _core_text(article.kicker)
        properties.language = article.lang
        properties.comments = ""
        properties.last_modified_by = ""
        properties.revision = 1
        # Dates from the article, never from the clock, so that a rebuild gives the same file.
        stamp = datetime.datetime.combine(
            article.date or FALLBACK_DATE, datetime.time(), tzinfo=datetime.UTC
        )
        properties.created = properties.modified = stamp
        # What the page does not print, kept for the way back (`exporter import`): LibreOffice
        # rewrites the keywords property ("a, b c" becomes "a b c") but keeps custom ones.
        metadata = {
            "series": article.series,
            "keywords": list(article.keywords),
            "affiliations": [author.affiliation for author in article.authors],
        }
        ooxml.custom_properties(
            self.document.part.package,
            {METADATA_PROPERTY: json.dumps(metadata, ensure_ascii=False)},
        )

    # -- parts of the bulletin -------------------------------------------------------

    def _new_body_paragraph(self) -> Any:
        return self.document.element.body.add_p()

    def _paragraph(self, story: _Story, part: str) -> Any:
        paragraph = story.new_paragraph()
        paragraph.style = self.style_ids[part]
        return paragraph

    def _text_paragraph(self, part: str, text: str) -> Any:
        paragraph = self._paragraph(_Story(self._new_body_paragraph, self.document.part), part)
        paragraph.append(ooxml.run(_clean(text)))
        return paragraph

    def _write_front_matter(self) -> None:
        article, series = self.article, self.context.layout.series
        masthead = self._text_paragraph("masthead", series.name)
        masthead.append(ooxml.special_run("w:tab"))
        masthead.append(
            ooxml.run(_clean(series.publisher), style_id=self.style_ids["masthead_publisher"])
        )
        line = issue_line(series, article.number, article.date, article.lang)
        names = ", ".join(author.name for author in article.authors)
        for part, text in (
            ("issue_line", line),
            ("kicker", series.kicker(article.kicker)),
            ("title", article.title),
            ("subtitle", article.subtitle),
            ("byline", names),
            ("summary", article.summary),
        ):
            if text.strip():
                self._text_paragraph(part, text)

    def _write_uncalled_notes(self, body: _Story) -> None:
        """Write notes no text calls (so no footnote can hold them) under a notes subhead."""
        uncalled = [note for note in self.article.notes if note.label not in self.footnote_ids]
        if not uncalled:
            return
        self._text_paragraph("heading_2", self.context.layout.series.notes_heading)
        for note in uncalled:
            for block in note.content:
                self._block(block, body, "footnote_text", -1)

    def _write_publisher_block(self) -> None:
        series = self.context.layout.series
        texts = (series.mission, series.statement, *series.editors, series.disclaimer, series.web)
        for text in texts:
            if text.strip():
                self._text_paragraph("publisher_block", text)

    # -- blocks ----------------------------------------------------------------------

    def _block(self, block: model.Block, story: _Story, part: str, depth: int) -> None:
        """Write one block in the style of `part`; `depth` is the list nesting (-1 outside)."""
        if isinstance(block, model.Paragraph):
            self._inlines(self._paragraph(story, part), block.content, _RunFormat(), story)
        elif isinstance(block, model.Heading):
            heading_part = part if story.in_note else f"heading_{block.level}"
            self._inlines(self._paragraph(story, heading_part), block.content, _RunFormat(), story)
        elif isinstance(block, model.ListBlock):
            self._list(block, story, part, depth + 1)
        elif isinstance(block, model.BlockQuote):
            for inner in block.content:
                self._block(inner, story, "footnote_text" if story.in_note else "quote", depth)
        elif isinstance(block, model.PullQuote):
            for inner in block.content:
                self._block(inner, story, "footnote_text" if story.in_note else "pull_quote", depth)
        elif isinstance(block, model.Table):
            self._table(block, story, part)
        else:
            self._figure(block, story, part)

    def _table(self, table: model.Table, story: _Story, part: str) -> None:
        """Write a Word table: its caption above it, header rows repeated on each page."""
        if table.caption:
            caption = self._paragraph(story, part if story.in_note else "caption")
            self._inlines(caption, table.caption, _RunFormat(), story)
        if story.in_note:
            # A footnote holds paragraphs only here: a row each, its cells apart by tabs.
            for row in (*table.head, *table.body):
                paragraph = self._paragraph(story, part)
                for index, cell in enumerate(row.cells):
                    if index:
                        paragraph.append(ooxml.special_run("w:tab"))
                    self._inlines(paragraph, cell.content, _RunFormat(), story)
            return
        rows = (*table.head, *table.body)
        written = self.document.add_table(rows=len(rows), cols=table.columns)
        if "table" in self.style_ids:
            written.style = self.document.styles.get_by_id(
                self.style_ids["table"], WD_STYLE_TYPE.TABLE
            )
        else:
            written.style = self.document.styles["Table Grid"]
        text_part = "table_text" if "table_text" in self.style_ids else "body"
        heading_part = "table_heading" if "table_heading" in self.style_ids else text_part
        shading = self.sheet.table_styles.get(self.sheet.parts.get("table", ""), {})
        align = table.align or ("",) * table.columns
        for index, (row, written_row) in enumerate(zip(rows, written.rows, strict=True)):
            header = index < len(table.head)
            ooxml.set_row(written_row._tr, header=header)
            for cell, written_cell, alignment in zip(
                row.cells, written_row.cells, align, strict=True
            ):
                if header and "header_shading" in shading:
                    # Direct as well as in the table style: LibreOffice ignores the style's
                    # first-row formatting.
                    ooxml.shade_cell(written_cell._tc, self._colour(shading["header_shading"]))
                paragraph = written_cell.paragraphs[0]._p
                paragraph.style = self.style_ids[heading_part if header else text_part]
                if alignment:
                    written_cell.paragraphs[0].alignment = ALIGNMENTS[alignment]
                self._inlines(paragraph, cell.content, _RunFormat(), story)

    def _list(self, block: model.ListBlock, story: _Story, part: str, level: int) -> None:
        level = min(level, 8)
        num_id = self.numbering.add_list(block.ordered, block.start, level)
        for item in block.items:
            for index, inner in enumerate(item.content):
                if isinstance(inner, model.Paragraph):
                    paragraph = self._paragraph(
                        story, "list_item" if index == 0 else "list_continue"
                    )
                    ppr = paragraph.get_or_add_pPr()
                    if index == 0:
                        ooxml.set_numbering(ppr, num_id, level)
                    else:
                        # A later paragraph of the item lines up with the item's text.
                        ppr.get_or_add_ind().left = Twips(self.numbering.item_indent(level))
                    self._inlines(paragraph, inner.content, _RunFormat(), story)
                else:
                    self._block(inner, story, part, level)

    def _figure(self, figure: model.Figure, story: _Story, part: str) -> None:
        path = None if story.in_note else local_path(figure.src, self.context)
        paragraph = self._paragraph(story, "figure" if not story.in_note else part)
        embedded = False
        if path is not None:
            try:
                paragraph.append(self._picture_run(str(path), figure.alt, figure.src))
                embedded = True
            except (UnrecognizedImageError, OSError) as error:
                log.warning("could not embed %r in the DOCX: %s", figure.src, error)
        if not embedded:
            if figure.alt.strip():
                paragraph.append(ooxml.run(_clean(figure.alt)))
            else:
                paragraph.getparent().remove(paragraph)  # never an empty paragraph
        if figure.caption:
            caption = self._paragraph(story, "caption" if not story.in_note else part)
            self._inlines(caption, figure.caption, _RunFormat(), story)

    def _picture_run(self, path: str, alt: str, src: str) -> Any:
        part = self.document.part
        _relationship_id, image = part.get_or_add_image(path)
        width, _height = image.scaled_dimensions(None, None)
        inline = part.new_pic_inline(path, min(width, self.text_width), None)
        inline.docPr.set("descr", alt)
        # The object's name survives a word processor's re-save: the reader takes the src from it.
        inline.docPr.set("name", src)
        drawing = ooxml.special_run("w:drawing")
        drawing[-1].append(inline)
        return drawing

    # -- inlines ---------------------------------------------------------------------

    def _inlines(
        self,
        container: Any,
        inlines: tuple[model.Inline, ...],
        fmt: _RunFormat,
        story: _Story,
    ) -> None:
        for inline in inlines:
            self._inline(container, inline, fmt, story)

    def _inline(self, container: Any, inline: model.Inline, fmt: _RunFormat, story: _Story) -> None:
        if isinstance(inline, model.Text):
            text = _clean(inline.text)
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
            self._inlines(container, inline.content, _with(fmt, italic=True), story)
        elif isinstance(inline, model.Strong):
            self._inlines(container, inline.content, _with(fmt, bold=True), story)
        elif isinstance(inline, model.Code):
            code = self.style_ids["code"]
            container.append(
                ooxml.run(_clean(inline.text), bold=fmt.bold, style_id=code, lang=fmt.lang)
            )
        elif isinstance(inline, model.LineBreak):
            container.append(ooxml.special_run("w:br"))
        elif isinstance(inline, model.Link):
            self._link(container, inline, fmt, story)
        elif isinstance(inline, model.Span):
            self._inlines(container, inline.content, _with(fmt, lang=inline.lang), story)
        elif isinstance(inline, model.Superscript):
            self._inlines(container, inline.content, _with(fmt, vertical="superscript"), story)
        elif isinstance(inline, model.Subscript):
            self._inlines(container, inline.content, _with(fmt, vertical="subscript"), story)
        elif isinstance(inline, model.Anchor):
            if not story.in_note:  # a bookmark in a footnote is not where links can go
                self.bookmarks += 1
                container.extend(ooxml.bookmark(self.bookmarks, inline.id))
        else:
            self._note_call(container, inline, story)

    def _link(self, container: Any, link: model.Link, fmt: _RunFormat, story: _Story) -> None:
        url = link.url.strip()
        if url.startswith("#") and url[1:] in self.anchors:
            element = ooxml.internal_hyperlink(url[1:], _clean(link.title))
        elif url.lower().startswith(EXTERNAL_LINK_SCHEMES):
            element = ooxml.hyperlink(story.part, url, _clean(link.title))
        else:
            # Unsafe schemes, and places a footnote holds: the text stays, the link goes.
            self._inlines(container, link.content, fmt, story)
            return
        container.append(element)
        linked = _with(fmt, style_id=self.style_ids["hyperlink"])
        self._inlines(element, link.content, linked, story)

    def _note_call(self, container: Any, ref: model.NoteRef, story: _Story) -> None:
        note = next((n for n in self.article.notes if n.label == ref.note), None)
        if note is None or story.in_note:
            return
        reference_style = self.style_ids["footnote_reference"]
        if ref.note in self.footnote_ids:
            # Word cannot call one footnote twice: a later call repeats its number.
            number = str(self.footnote_ids[ref.note])
            container.append(ooxml.run(number, style_id=reference_style))
            return
        if self.footnotes is None:
            self.footnotes = ooxml.Footnotes(self.document.part)
        footnote_id, footnote = self.footnotes.add()
        self.footnote_ids[ref.note] = footnote_id
        container.append(
            ooxml.special_run("w:footnoteReference", reference_style, id=str(footnote_id))
        )
        note_story = _Story(
            lambda: _new_note_paragraph(footnote), self.footnotes.part, in_note=True
        )
        for block in note.content:
            self._block(block, note_story, "footnote_text", -1)
        first = footnote.find(qn("w:p"))
        if first is None:
            first = self._paragraph(note_story, "footnote_text")
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


def _new_note_paragraph(parent: Any) -> Any:
    """Append an empty w:p to a footnote and return it."""
    paragraph = OxmlElement("w:p")
    parent.append(paragraph)
    return paragraph


def _with(fmt: _RunFormat, **changes: Any) -> _RunFormat:
    values = {
        "bold": fmt.bold,
        "italic": fmt.italic,
        "style_id": fmt.style_id,
        "lang": fmt.lang,
        "vertical": fmt.vertical,
        **changes,
    }
    return _RunFormat(**values)


def _clean(text: str) -> str:
    """Return text Word can hold on one line: no control characters, no manual breaks."""
    return BREAKS.sub(" ", UNWRITABLE.sub("", text))


def _with_fixed_timestamps(data: bytes, date: datetime.date) -> bytes:
    """Return the package re-zipped with every entry dated `date`, so that output is stable."""
    # ZIP dates run from 1980 to 2107.
    stamp = (min(max(date.year, 1980), 2107), date.month, date.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def _core_text(text: str, limit: int = 255) -> str:
    """Return `text` cut at a word to the 255 characters a core property may hold."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"
