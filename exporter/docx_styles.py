"""The layout's DOCX style source (`docx-styles.yaml`), read and checked once per version.

The DOCX writer defines its Word styles from it; the DOCX reader recognises the
bulletin's parts by the same style names, and finds what the page does not print, and
the article file the document was written from, in the custom properties named here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.errors import LayoutError
from exporter.layouts import Layout
from exporter.yamlfile import read_yaml

STYLES_FILE = "docx-styles.yaml"
METADATA_PROPERTY = "Exporter Article"
"""The custom property where the writer keeps what the page does not print (keywords, ...)."""
SOURCE_PROPERTY = "Exporter Source"
"""The custom property naming the article file a DOCX was written from (its file name)."""
SOURCE_VERSION_PROPERTY = "Exporter Source Version"
"""The custom property holding that file's version: the SHA-256 of its bytes, in hex."""
REQUIRED_PARTS = (  # noqa: SIM905 - a long sequence of names reads best as one string
    "masthead masthead_publisher issue_line kicker title subtitle byline summary body "
    "heading_2 heading_3 list_item list_continue quote pull_quote figure caption "
    "footnote_text footnote_reference bio publisher_block running_head footer code "
    "hyperlink"
).split()
OPTIONAL_PARTS = ("table", "table_text", "table_heading")
"""Parts a layout may leave out: tables then take Word's plain grid and the body style."""


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
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other families to try, by family, where a family is not installed (w:altName)."""


def load_style_sheet(layout: Layout) -> StyleSheet:
    """Read and check the layout's DOCX style source, raising LayoutError on a fault."""
    path = layout.path(STYLES_FILE)
    return _read_style_sheet(path, style_sheet_version(layout))


def style_sheet_version(layout: Layout) -> int:
    """Return what changes when the style source is edited: its mtime (0 when missing)."""
    try:
        return (layout.folder / STYLES_FILE).stat().st_mtime_ns
    except OSError:
        return 0


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
    fallbacks = data.get("fallbacks") or {}
    if not isinstance(fallbacks, dict) or not all(
        isinstance(names, list) and all(isinstance(name, str) for name in names)
        for names in fallbacks.values()
    ):
        raise LayoutError("'fallbacks' must map families to lists of families", file=str(path))
    sheet = StyleSheet(
        **{key: data[key] for key in sections},
        table_styles=tables,
        fallbacks={str(family): tuple(names) for family, names in fallbacks.items()},
    )
    defined = {**sheet.paragraph_styles, **sheet.character_styles, **sheet.table_styles}
    for part in REQUIRED_PARTS:
        style = sheet.parts.get(part)
        if style not in defined:
            raise LayoutError(f"part {part!r} names no defined style", file=str(path))
    for part in OPTIONAL_PARTS:
        if part in sheet.parts and sheet.parts[part] not in defined:
            raise LayoutError(f"part {part!r} names no defined style", file=str(path))
    return sheet
