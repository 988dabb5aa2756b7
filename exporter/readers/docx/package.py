"""The parts of a DOCX package and their relationships, read through the safe ZIP opener."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import InputError
from exporter.safezip import Element, SafeZip, parse_xml, read_archive_file

__all__ = ["NS", "Element", "Package", "Relationship", "open_package", "read_package", "w"]

KIND = "DOCX"
OFFICE_DOCUMENT = "/officeDocument"
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}


STRICT_MARK = b"http://purl.oclc.org/ooxml/"
STRICT_NAMESPACES = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": NS["w"].encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": NS["r"].encode(),
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": NS["wp"].encode(),
    b"http://purl.oclc.org/ooxml/drawingml/main": NS["a"].encode(),
    b"http://purl.oclc.org/ooxml/drawingml/picture": NS["pic"].encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/math": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/math"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/customProperties": NS["op"].encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes": NS["vt"].encode(),
}
"""Strict Open XML's namespaces, and the transitional ones they stand for."""


def w(name: str) -> str:
    """Return the Clark name of a WordprocessingML element or attribute (`w:name`)."""
    return f"{{{NS['w']}}}{name}"


@dataclass(frozen=True, slots=True)
class Relationship:
    """One relationship of a part: its type, and its target part name or external URL."""

    type: str
    """The relationship type URI."""
    target: str
    """The package name of the target part, or the URL of an external target."""
    external: bool
    """True when the target is outside the package (a hyperlink's URL)."""


@dataclass
class Package:
    """An opened DOCX: its entries, checked, and the main document's part name."""

    archive: SafeZip
    """The ZIP archive, its directory already checked against the limits."""
    document_name: str
    """The package name of the main document part (usually word/document.xml)."""
    _parsed: dict[str, Element] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Return True if the package holds a part of that name."""
        return self.archive.has(name)

    def read(self, name: str) -> bytes:
        """Return the bytes of a part, read within the limits."""
        return self.archive.read(name)

    def xml(self, name: str) -> Element:
        """Return the root element of an XML part, parsed safely (cached).

        A document saved as Strict Open XML names its elements in other namespaces;
        they are read as the usual (transitional) ones, which they mirror.
        """
        if name not in self._parsed:
            data = self.archive.read(name, self.archive.limits.max_xml_bytes)
            if STRICT_MARK in data:
                for strict, transitional in STRICT_NAMESPACES.items():
                    data = data.replace(strict, transitional)
            self._parsed[name] = parse_xml(data, name, KIND)
        return self._parsed[name]

    def relationships(self, part_name: str) -> dict[str, Relationship]:
        """Return the relationships of a part by id; none when it has no .rels part."""
        folder, base = posixpath.split(part_name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        found = {}
        for rel in self.xml(rels_name).iterfind("rel:Relationship", NS):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not external:
                target = _resolve(folder, target)
            found[rel.get("Id", "")] = Relationship(rel.get("Type", ""), target, external)
        return found

    def related(self, part_name: str, type_suffix: str) -> str | None:
        """Return the name of the first part related from `part_name` by a type ending so."""
        for rel in self.relationships(part_name).values():
            if rel.type.endswith(type_suffix) and not rel.external and self.has(rel.target):
                return rel.target
        return None


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE compound file: Word keeps an encrypted DOCX in one, and a .doc is one."""
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def open_package(data: bytes) -> Package:
    """Open DOCX bytes, checking that they are a sound, reasonably sized Word package."""
    if data.startswith(OLE_SIGNATURE):
        if ENCRYPTION_STREAM in data:
            raise InputError(
                "not a readable DOCX file: it is encrypted (save it again without a password)"
            )
        raise InputError(
            "not a DOCX file: an older Word (.doc) or other OLE file (save it as .docx)"
        )
    archive = SafeZip(data, KIND)
    for name in archive.names():
        if not name.endswith("/"):
            archive.read(name)  # a damaged entry (a bad checksum) refuses the file
    return _with_document(archive)


def read_package(path: Path) -> Package:
    """Open the DOCX file at `path` as `open_package` does, refusing a huge file unread."""
    return _with_document(read_archive_file(path, KIND))


def _with_document(archive: SafeZip) -> Package:
    """Return the package, having found its main document part."""
    package = Package(archive, "")
    document = package.related("", OFFICE_DOCUMENT) if package.has("_rels/.rels") else None
    document = document or ("word/document.xml" if package.has("word/document.xml") else None)
    if document is None:
        raise InputError("not a Word document (the ZIP archive has no word/document.xml)")
    package.document_name = document
    return package


def _resolve(folder: str, target: str) -> str:
    """Return the package name a relative relationship target points to."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def int_value(element: Element, name: str = "val", default: int = 0) -> int:
    """Return a whole-number attribute, or `default` where it is missing or malformed."""
    try:
        return int(element.get(w(name)) or default)
    except ValueError:
        return default
