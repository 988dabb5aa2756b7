"""The DOCX package around the document: template leftovers out, properties in, stable bytes."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.pkgwriter import _ContentTypesItem

from exporter import model
from exporter.context import SourceFile
from exporter.docx_styles import METADATA_PROPERTY, SOURCE_PROPERTY, SOURCE_VERSION_PROPERTY
from exporter.writers import ooxml
from exporter.writers.docx import deflated

FALLBACK_DATE = datetime.date(2000, 1, 1)
# The content types item python-docx writes (untyped, and private to it: a change there
# fails the tests that compare DOCX bytes, not a user's build unnoticed).
CONTENT_TYPES: Any = _ContentTypesItem
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_template_leftovers(document: Any) -> None:
    """Remove python-docx's sample thumbnail and the Word 2010 style copy of its template."""
    for rels, reltype in (
        (document.part.package.rels, RT.THUMBNAIL),
        (document.part.rels, STYLES_WITH_EFFECTS),
    ):
        for relationship_id in [r for r, rel in rels.items() if rel.reltype == reltype]:
            del rels[relationship_id]


def set_properties(document: Any, article: model.Article, source: SourceFile | None) -> None:
    """Fill the core properties from the article, keep what the page does not print, and
    record the article file the document is written from (`source`), if there is one."""
    properties = document.core_properties
    properties.title = _core_text(article.title)
    # A list for machines (the reader splits it), not the printed byline, which joins the
    # names in the edition's own wording ("A and B", "A et B", "A、B").
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
        # The authors as the article names them: the import matches a translated byline
        # against them, whatever joins the names.
        "authors": [author.name for author in article.authors],
        "keywords": list(article.keywords),
        "affiliations": [author.affiliation for author in article.authors],
    }
    custom = {METADATA_PROPERTY: json.dumps(metadata, ensure_ascii=False)}
    if source is not None:
        # Where a translation returned in this document came from, and which version of
        # it the translator saw: custom properties, which no page prints and which CAT
        # tools and word processors carry into the translated document as they are
        # (OmegaT and LibreOffice do: tests/test_editions.py).
        custom[SOURCE_PROPERTY] = source.name
        custom[SOURCE_VERSION_PROPERTY] = source.version
    ooxml.custom_properties(document.part.package, custom)


def saved(document: Any, date: datetime.date | None) -> bytes:
    """Return the document's package, every entry dated `date`, so that output is stable."""
    day = date or FALLBACK_DATE
    # ZIP dates run from 1980 to 2107.
    stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)
    return package_bytes(document, stamp, zipfile.ZIP_DEFLATED)


def package_bytes(
    document: Any, stamp: tuple[int, int, int, int, int, int], compression: int
) -> bytes:
    """Return the document's package as a ZIP whose entries are all dated `stamp`.

    What python-docx's `Document.save` writes, entry for entry, but in one pass: its
    own ZIP is dated by the clock, and writing it and then again with a fixed date
    compressed every part twice (and the embedded fonts are most of a document).
    """
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:

        def write(uri: PackURI, blob: bytes) -> None:
            entry = zipfile.ZipInfo(uri.membername, date_time=stamp)
            entry.compress_type = compression
            deflated.write_entry(archive, entry, blob)

        # python-docx's own order: content types, package relationships, then each part
        # followed by its relationships.
        write(CONTENT_TYPES_URI, CONTENT_TYPES.from_parts(parts).blob)
        write(PACKAGE_URI.rels_uri, package.rels.xml)
        for part in parts:
            write(part.partname, part.blob)
            if len(part.rels):
                write(part.partname.rels_uri, part.rels.xml)
    return buffer.getvalue()


def _core_text(text: str, limit: int = 255) -> str:
    """Return `text` cut at a word to the 255 characters a core property may hold."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"
