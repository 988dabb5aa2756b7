"""The styled starting document: page set up and the layout's styles defined, cached."""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Inches, Pt, RGBColor, Twips
from docx.styles import BabelFish
from docx.styles.style import StyleFactory
from lxml import etree

from exporter import cache, model
from exporter.context import RenderContext
from exporter.docx_styles import STYLES_FILE, StyleSheet, style_sheet_version
from exporter.errors import InputError, LayoutError, UsageError
from exporter.layouts import Series
from exporter.writers import ooxml
from exporter.writers.docx import package as package_module
from exporter.writers.docx import unused_styles
from exporter.writers.docx.package import drop_template_leftovers, package_bytes

PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Twips(11906), Twips(16838))}
# Word knows its built-in styles by these internal names; python-docx maps only some.
WORD_INTERNAL_NAMES = {
    "Footnote Text": "footnote text",
    "Footnote Reference": "footnote reference",
}
TEMPLATE_STYLES_TAKEN = ("Header", "Footer", "Table Grid")
"""python-docx's own styles the writer takes by name (`front`, `blocks`): kept in the
starting document with the layout's."""
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True, slots=True)
class StyledDocument:
    """A fresh document with the page set up and the layout's styles defined."""

    document: Any
    """The python-docx Document."""
    style_ids: dict[str, str]
    """The style id of each part of the bulletin."""
    text_width: int
    """The width of the text area in EMU."""


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
TEMPLATE_DATE = (1980, 1, 1, 0, 0, 0)
_TEMPLATES: dict[tuple[object, ...], _Template] = {}
# The modules whose code makes a styled starting document: a change to them is a change
# to the document, as much as one to the layout, for the cache folder's copy.
TEMPLATE_CODE = (__file__, ooxml.__file__, package_module.__file__, unused_styles.__file__)


def styled_document(
    article: model.Article, context: RenderContext, sheet: StyleSheet
) -> StyledDocument:
    """Return a new document in the layout's styles, for the article's paper and language."""
    key = _template_key(article, context)
    template = _TEMPLATES.get(key)
    if template is None:
        template = _kept_template(article, context, sheet)
        if len(_TEMPLATES) >= TEMPLATE_CACHE_SIZE:
            _TEMPLATES.clear()
        _TEMPLATES[key] = template
    # Every document starts from the saved copy, the first one too, so that all are alike.
    return StyledDocument(
        docx.Document(io.BytesIO(template.data)), dict(template.style_ids), template.text_width
    )


def _kept_template(article: model.Article, context: RenderContext, sheet: StyleSheet) -> _Template:
    """Return the styled starting document from the cache folder, made and kept if need be.

    A cold start otherwise opens python-docx's own template and defines every style
    again: about 25 ms, a third of the writing of a cold DOCX.
    """
    fonts = sorted(context.layout.fonts_for(article.lang).items())
    trimmed = str(_trimmed(context))
    slot = (
        "docx-styles-"
        + cache.digest(str(context.layout.folder), context.paper_size, repr(fonts), trimmed).hex()[
            :24
        ]
    )
    try:
        code = [Path(name).read_bytes() for name in TEMPLATE_CODE]
    except OSError:  # no source to tell a changed toolkit by: made afresh every time
        return _new_template(article, context, sheet)
    inputs = cache.digest(
        *code,
        docx.__version__,
        etree.__version__,
        repr(sheet),
        repr(sorted(context.layout.series.colours.items())),
        context.paper_size,
        repr(fonts),
        trimmed,
    )
    kept = cache.load(slot, inputs)
    if kept is not None:
        header, _, data = kept.partition(b"\n")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            facts = json.loads(header)
            return _Template(data, dict(facts["style_ids"]), int(facts["text_width"]))
    template = _new_template(article, context, sheet)
    facts = {"style_ids": template.style_ids, "text_width": template.text_width}
    cache.store(slot, inputs, json.dumps(facts).encode() + b"\n" + template.data)
    return template


def _new_template(article: model.Article, context: RenderContext, sheet: StyleSheet) -> _Template:
    """Return python-docx's template with the page set up and the layout's styles defined."""
    definer = _StyleDefiner(docx.Document(), article, context, sheet)
    drop_template_leftovers(definer.document)
    definer.set_page()
    definer.define_styles()
    if _trimmed(context):
        # python-docx's template defines some 160 of Word's styles, which every document
        # leaves out at the end (`unused_styles`): left out here, once, they are neither
        # read again with the starting document nor searched (nine tenths of its bytes).
        taken = [definer.document.styles[name].style_id for name in TEMPLATE_STYLES_TAKEN]
        unused_styles.drop_unused_styles(definer.document, [*definer.style_ids.values(), *taken])
    # Stored, not compressed: it is only ever read back.
    data = package_bytes(definer.document, TEMPLATE_DATE, zipfile.ZIP_STORED)
    return _Template(data, dict(definer.style_ids), definer.text_width)


def _trimmed(context: RenderContext) -> bool:
    """Return True when the starting document holds only the styles documents may use:
    not when a reference document's styles are merged in, which then keeps them all."""
    return context.reference_docx is None


def _template_key(article: model.Article, context: RenderContext) -> tuple[object, ...]:
    """Return what a styled starting document depends on."""
    layout = context.layout
    return (
        _trimmed(context),
        str(layout.folder / STYLES_FILE),
        style_sheet_version(layout),
        context.paper_size,
        tuple(sorted(layout.fonts_for(article.lang).items())),
        tuple(sorted(layout.series.colours.items())),
    )


def colour(value: object, series: Series) -> str:
    """Return a colour as six hex digits: a series colour name or a '#rrggbb' value."""
    text = str(value)
    text = series.colours.get(text, text)
    digits = text.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        raise LayoutError(f"colour {value!r} is not #rrggbb or a series colour", file=STYLES_FILE)
    return digits.upper()


def style_of(document: Any, sheet: StyleSheet, style_ids: dict[str, str], part: str) -> Any:
    """Return the style object a part of the bulletin is written in."""
    name = sheet.parts[part]
    kind = WD_STYLE_TYPE.CHARACTER if name in sheet.character_styles else WD_STYLE_TYPE.PARAGRAPH
    return document.styles.get_by_id(style_ids[part], kind)


def adopt_reference_styles(document: Any, path: Path, lang: str) -> None:
    """Take the styles and theme of a reference DOCX, keeping the article's language."""
    from exporter.readers.docx.package import read_package

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
    ooxml.merge_styles(document.styles.element, reference)
    ooxml.set_language(document.styles.element, lang)
    if theme is not None:
        for relationship in document.part.rels.values():
            if relationship.reltype == RT.THEME and not relationship.is_external:
                relationship.target_part._blob = theme


@dataclass(slots=True)
class _StyleDefiner:
    """Sets up the page of a fresh document and defines the layout's styles in it."""

    document: Any
    article: model.Article
    context: RenderContext
    sheet: StyleSheet
    style_ids: dict[str, str] = field(default_factory=dict)
    text_width: int = 0
    found: dict[str, Any] = field(default_factory=dict)
    """The template's styles looked up by name so far (each lookup searches them all)."""

    def set_page(self) -> None:
        section = self.document.sections[0]
        width, height = PAGE_SIZES.get(self.context.paper_size, PAGE_SIZES["letter"])
        section.page_width, section.page_height = width, height
        margin = Inches(float(self.sheet.page.get("margin", 0.7)))
        section.left_margin = section.right_margin = margin
        section.top_margin = section.bottom_margin = margin
        section.header_distance = Inches(float(self.sheet.page.get("header_distance", 0.35)))
        section.footer_distance = Inches(float(self.sheet.page.get("footer_distance", 0.35)))
        self.text_width = int(width - 2 * margin)

    def define_styles(self) -> None:
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
            if name in created:
                raise LayoutError(f"style {name!r} is defined twice", file=STYLES_FILE)
            # A fresh definition, so that the template's theme fonts and colours do not leak in.
            for existing in by_name.get(name, []):
                existing.delete()
            # As `styles.add_style` does, without its search of every style for the name,
            # which the deletion above has made sure is free.
            element = styles.element.add_style_of_type(BabelFish.ui2internal(name), kind, False)
            style = StyleFactory(element)
            if name in WORD_INTERNAL_NAMES:
                style.element.name_val = WORD_INTERNAL_NAMES[name]
            style.quick_style = True
            created[name] = style
        for name, spec, kind in definitions:
            self._apply_style(created, name, spec or {}, kind)
        for name, spec in self.sheet.table_styles.items():
            created[name] = self._table_style(name, spec or {})
        self.style_ids = {part: created[name].style_id for part, name in self.sheet.parts.items()}
        self._set_default_fonts()

    def _set_default_fonts(self) -> None:
        """Make Normal's fonts the document's defaults, in place of the template's theme."""
        role = (self.sheet.paragraph_styles.get("Normal") or {}).get("font")
        if not role:
            return
        family = self.sheet.fonts.get(role, role)
        east_asia = self.context.layout.fonts_for(self.article.lang).get(role, "")
        ooxml.set_default_fonts(self.document.styles.element, family, east_asia=east_asia)

    def _template_style(self, name: str) -> Any:
        if name not in self.found:
            self.found[name] = self.document.styles[name]
        return self.found[name]

    def _colour(self, value: object) -> str:
        return colour(value, self.context.layout.series)

    def _table_style(self, name: str, spec: dict[str, Any]) -> Any:
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
        style.quick_style = True
        style.base_style = self._template_style("Normal Table")
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
            style.base_style = created.get(based_on) or self._template_style(based_on)
        elif kind == WD_STYLE_TYPE.PARAGRAPH:
            style.base_style = self._template_style("Normal")
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

    def _restyle_normal(self) -> None:
        spec = self.sheet.paragraph_styles.get("Normal") or {}
        normal = self._template_style("Normal")
        self._apply_font(normal, spec)
        self._apply_paragraph_format(normal, spec)
