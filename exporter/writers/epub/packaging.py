"""The EPUB's container: ebooklib's items, then a zip rewritten to be the same every build."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

from exporter import model
from exporter.errors import UsageError

MIMETYPE = b"application/epub+zip"
PACKAGE_FILE = "EPUB/content.opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
"""The earliest time a zip entry can record."""
ZIP_END = datetime.datetime(2107, 12, 31, 23, 59, 58, tzinfo=datetime.UTC)
CONTAINER_FILE = "META-INF/container.xml"
DISPLAY_OPTIONS_FILE = "META-INF/com.apple.ibooks.display-options.xml"
DISPLAY_OPTIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<display_options>
  <platform name="*">
    <option name="specified-fonts">true</option>
  </platform>
</display_options>
"""
"""Apple Books' display options: use the book's embedded fonts on every platform.

Without it Apple Books sets the text in its own default font, whatever the stylesheet says.
"""


def build_moment(article: model.Article, today: datetime.date | None = None) -> datetime.datetime:
    """Return the book's time of modification (dcterms:modified) and of its zip entries.

    The build must be reproducible, so the time is never the clock's: SOURCE_DATE_EPOCH
    when set (the reproducible-builds convention: a release pins its time there), else
    the article's date, the latest date the article knows of itself. An undated article
    has no date of its own: it takes the day it is built (`today`, the UTC date by
    default) at midnight, which is honest, and the same for every build of that day
    (a reproducible build across days sets SOURCE_DATE_EPOCH).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a whole number of seconds")
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    day = article.date or today or datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def item(epub: Any, uid: str, href: str, media_type: str, content: str | bytes) -> Any:
    """Return an ebooklib item of the given content (text is encoded as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return epub.EpubItem(uid=uid, file_name=href, media_type=media_type, content=data)


def relative(href: str, from_file: str) -> str:
    """Return the link from one file of the EPUB to another."""
    return os.path.relpath(href, os.path.dirname(from_file) or ".").replace(os.sep, "/")


def package_language(article: model.Article) -> Callable[[bytes], bytes]:
    """Return a rewrite of the package document that gives its root the article's language.

    ebooklib writes no xml:lang on <package>; reading systems and Ace read the
    language of the metadata's text from it.
    """

    def rewrite(package: bytes) -> bytes:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(package, parser)
        root.set(XML_LANG, article.lang)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))

    return rewrite


def reproducible_zip(
    ebooklib_zip: bytes,
    moment: datetime.datetime,
    rewrites: dict[str, Callable[[bytes], bytes]],
) -> bytes:
    """Rewrite ebooklib's zip with fixed dates and modes; mimetype first and stored.

    ebooklib stamps every entry with the current time, so two builds would differ;
    `rewrites` change the named entries on the way. Apple Books' display options go in
    after the container file, which ebooklib has no way to add.
    """
    stamp = min(max(moment, ZIP_EPOCH), ZIP_END)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(ebooklib_zip)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        names = [name for name in source.namelist() if name != "mimetype"]
        _write_entry(target, "mimetype", MIMETYPE, date_time, zipfile.ZIP_STORED)
        for name in names:
            data = source.read(name)
            if name in rewrites:
                data = rewrites[name](data)
            _write_entry(target, name, data, date_time, zipfile.ZIP_DEFLATED)
            if name == CONTAINER_FILE:
                _write_entry(
                    target, DISPLAY_OPTIONS_FILE, DISPLAY_OPTIONS, date_time, zipfile.ZIP_DEFLATED
                )
    return output.getvalue()


def _write_entry(
    target: zipfile.ZipFile,
    name: str,
    data: bytes,
    date_time: tuple[int, int, int, int, int, int],
    compression: int,
) -> None:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = compression
    info.create_system = 3  # Unix, whatever system builds it
    info.external_attr = 0o100644 << 16
    # Level 6, not 9: the fonts come out 0.1% larger in half the time.
    target.writestr(info, data, compresslevel=6 if compression == zipfile.ZIP_DEFLATED else None)
