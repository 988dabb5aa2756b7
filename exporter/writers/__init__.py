"""The writers: one per output format, found by name in a flat registry table.

Each entry names a module and function, imported only when that format is asked
for, so that a DOCX-only build never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from exporter.errors import UsageError

if TYPE_CHECKING:  # the registry itself loads no model: the command line reads it first
    from exporter import model
    from exporter.context import RenderContext

Writer: TypeAlias = "Callable[[model.Article, RenderContext], bytes]"


@dataclass(frozen=True, slots=True)
class WriterEntry:
    """Where a writer lives and what its files are called."""

    module: str
    """The module that holds the writer."""
    function: str
    """The writer function: (article, context) -> bytes."""
    extension: str
    """The extension of the files it writes."""
    embeds_fonts: bool = False
    """True when its files carry the layout's fonts, whose glyphs are then checked."""


WRITERS: dict[str, WriterEntry] = {
    "pdf": WriterEntry("exporter.writers.pdf", "write_pdf", ".pdf", embeds_fonts=True),
    "epub": WriterEntry("exporter.writers.epub", "write_epub", ".epub", embeds_fonts=True),
    "docx": WriterEntry("exporter.writers.docx", "write_docx", ".docx"),
    "json": WriterEntry("exporter.writers.json", "write_json", ".json"),
    "md": WriterEntry("exporter.writers.markdown", "write_markdown", ".md"),
    "xliff": WriterEntry("exporter.writers.xliff", "write_xliff", ".xlf"),
    "xliff12": WriterEntry("exporter.writers.xliff12", "write_xliff12", ".xlf"),
}
DEFAULT_FORMATS = ("pdf", "epub", "docx")


def writer_entry(name: str) -> WriterEntry:
    """Return the registry entry of a format, or raise UsageError naming the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        known = ", ".join(WRITERS)
        raise UsageError(f"unknown format {name!r} (known: {known})") from None


def get_writer(name: str) -> Writer:
    """Return the writer function of a format, importing its module on first use."""
    entry = writer_entry(name)
    writer: Writer = getattr(importlib.import_module(entry.module), entry.function)
    return writer
