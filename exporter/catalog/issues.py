"""What a catalogue says of one built issue, read from its EPUB's package document."""

from __future__ import annotations

import posixpath
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import ExportError, InputError
from exporter.safezip import Element, SafeZip, is_safe_name, read_archive_file

NAMESPACES = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>{}|^`\"\\]+\Z")
"""An absolute IRI without the characters atom:id must not hold unescaped."""
MAX_COVER_BYTES = 10_000_000
"""The largest cover image taken from an EPUB."""


@dataclass(frozen=True, slots=True)
class Cover:
    """An issue's cover image as its EPUB holds it."""

    data: bytes
    """The image file's bytes."""
    media_type: str
    """Its media type, from the EPUB's manifest."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One built article: its EPUB's metadata and the formats built beside it."""

    name: str
    """The outputs' file name without its suffix: `NAME.epub`, `NAME.pdf`."""
    identifier: str
    """The EPUB's unique identifier (a urn:uuid)."""
    title: str
    """The title."""
    authors: tuple[str, ...]
    """The authors' names, in order."""
    language: str
    """The language (BCP 47)."""
    issued: str
    """The publication date, YYYY-MM-DD, or empty."""
    modified: str
    """When the EPUB was last modified (dcterms:modified), as an ISO 8601 time."""
    summary: str
    """The summary, or empty."""
    publisher: str
    """The publisher, or empty."""
    series: str
    """The series the issue belongs to, or empty."""
    number: str
    """The issue's number in its series, or empty."""
    cover: Cover | None
    """The cover image, if the EPUB has one."""
    has_pdf: bool
    """True if the PDF was built beside the EPUB."""

    @property
    def sort_key(self) -> tuple[str, float, str]:
        """Order issues oldest first: by date, then number, then title."""
        number = float(self.number) if _is_number(self.number) else -1.0
        return (self.issued or self.modified[:10], number, self.title)


def read_issue(epub: Path) -> Issue:
    """Read the issue whose EPUB is at `epub`; raise InputError naming the file if unreadable."""
    try:
        archive = read_archive_file(epub, "EPUB")
        container = archive.xml("META-INF/container.xml")
        package_paths = container.xpath("//c:rootfile/@full-path", namespaces=NAMESPACES)
        if not package_paths or not is_safe_name(str(package_paths[0])):
            raise InputError("damaged EPUB file: META-INF/container.xml names no package document")
        package_path = str(package_paths[0])
        package = archive.xml(package_path)
        metadata = _one(package, "opf:metadata", package_path)
        cover = _cover(archive, package, posixpath.dirname(package_path))
    except OSError as error:
        raise InputError(f"cannot read it ({error.strerror or error})", str(epub)) from None
    except ExportError as error:
        raise error.in_file(str(epub)) from None
    title = _text(metadata, "dc:title")
    if not title:
        raise InputError("its package document has no dc:title", str(epub), package_path)
    series, number = _collection(metadata)
    return Issue(
        name=epub.stem,
        identifier=_iri(_text(metadata, "dc:identifier"), epub.stem),
        title=title,
        authors=tuple(_texts(metadata, "dc:creator")),
        language=_text(metadata, "dc:language") or "und",
        issued=_text(metadata, "dc:date")[:10],
        modified=_text(metadata, "opf:meta[@property='dcterms:modified']"),
        summary=_text(metadata, "dc:description"),
        publisher=_text(metadata, "dc:publisher"),
        series=series,
        number=number,
        cover=cover,
        has_pdf=epub.with_suffix(".pdf").is_file(),
    )


def _iri(identifier: str, name: str) -> str:
    """Return the identifier if it is an IRI an atom:id can be, else a urn:uuid made from it."""
    if IRI.match(identifier):
        return identifier
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier or name)}"


def _collection(metadata: Element) -> tuple[str, str]:
    """Return the series (an EPUB 3 collection of type series) and the issue's place in it."""
    for collection in metadata.xpath(
        "opf:meta[@property='belongs-to-collection']", namespaces=NAMESPACES
    ):
        ident = collection.get("id", "")
        kinds = _refinements(metadata, ident, "collection-type")
        if ident and kinds and kinds[0] != "series":
            continue
        positions = _refinements(metadata, ident, "group-position") if ident else []
        position = positions[0] if positions else ""
        return " ".join("".join(collection.itertext()).split()), position
    return "", ""


def _cover(archive: SafeZip, package: Element, folder: str) -> Cover | None:
    """Return the image the manifest marks as the cover (EPUB 3, else EPUB 2's meta)."""
    items = package.xpath(
        "opf:manifest/opf:item[contains(concat(' ', @properties, ' '), ' cover-image ')]",
        namespaces=NAMESPACES,
    )
    if not items:
        ids = package.xpath("opf:metadata/opf:meta[@name='cover']/@content", namespaces=NAMESPACES)
        if ids:
            items = package.xpath(
                "opf:manifest/opf:item[@id=$ident]", namespaces=NAMESPACES, ident=ids[0]
            )
    if not items:
        return None
    href = posixpath.normpath(posixpath.join(folder, items[0].get("href", "")))
    media_type = items[0].get("media-type", "")
    if not media_type.startswith("image/") or not is_safe_name(href) or not archive.has(href):
        return None
    return Cover(archive.read(href, MAX_COVER_BYTES), media_type)


def _refinements(metadata: Element, ident: str, prop: str) -> list[str]:
    """Return the values of the metas that refine the element of id `ident` with `prop`."""
    found = metadata.xpath(
        "opf:meta[@refines=$refines][@property=$prop]",
        namespaces=NAMESPACES,
        refines=f"#{ident}",
        prop=prop,
    )
    texts = (" ".join("".join(node.itertext()).split()) for node in found)
    return [text for text in texts if text]


def _one(element: Element, path: str, part: str) -> Element:
    found = element.xpath(path, namespaces=NAMESPACES)
    if not found:
        raise InputError(f"damaged EPUB file: {part} has no {path.split(':')[-1]}")
    return found[0]


def _texts(element: Element, path: str) -> list[str]:
    found = element.xpath(path, namespaces=NAMESPACES)
    texts = (" ".join("".join(node.itertext()).split()) for node in found)
    return [text for text in texts if text]


def _text(element: Element, path: str) -> str:
    texts = _texts(element, path)
    return texts[0] if texts else ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
