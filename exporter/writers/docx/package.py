"""The DOCX package around the document: template leftovers out, properties in, stable bytes."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from exporter import model
from exporter.docx_styles import METADATA_PROPERTY
from exporter.writers import ooxml

FALLBACK_DATE = datetime.date(2000, 1, 1)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_template_leftovers(document: Any) -> None:
    """Remove python-docx's sample thumbnail and the Word 2010 style copy of its template."""
    for rels, reltype in (
        (document.part.package.rels, RT.THUMBNAIL),
        (document.part.rels, STYLES_WITH_EFFECTS),
    ):
        for relationship_id in [r for r, rel in rels.items() if rel.reltype == reltype]:
            del rels[relationship_id]


def set_properties(document: Any, article: model.Article) -> None:
    """Fill the core properties from the article, and keep what the page does not print."""
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
        "keywords": list(article.keywords),
        "affiliations": [author.affiliation for author in article.authors],
    }
    ooxml.custom_properties(
        document.part.package,
        {METADATA_PROPERTY: json.dumps(metadata, ensure_ascii=False)},
    )


def saved(document: Any, date: datetime.date | None) -> bytes:
    """Return the document's package, every entry dated `date`, so that output is stable."""
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue(), date or FALLBACK_DATE)


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
