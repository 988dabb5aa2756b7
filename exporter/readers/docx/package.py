"""Safe access to the parts of a DOCX package: ZIP checks, XML without DTDs, relationships."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from exporter.errors import InputError

# python-docx and lxml elements; lxml-stubs cannot type XPath results precisely.
Element = Any

MAX_UNCOMPRESSED_BYTES = 100_000_000
MAX_ENTRIES = 2_000
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
# No entity expansion, no network, no DTD loading: a part is data, never instructions.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


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

    archive: zipfile.ZipFile
    """The ZIP archive."""
    document_name: str
    """The package name of the main document part (usually word/document.xml)."""
    _parsed: dict[str, Element] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Return True if the package holds a part of that name."""
        return name in self.archive.NameToInfo

    def read(self, name: str) -> bytes:
        """Return the bytes of a part."""
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
            raise InputError(f"damaged DOCX file: cannot read {name} ({error})") from None

    def xml(self, name: str) -> Element:
        """Return the root element of an XML part, parsed safely (cached)."""
        if name not in self._parsed:
            self._parsed[name] = parse_xml(self.read(name), name)
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


def parse_xml(data: bytes, name: str) -> Element:
    """Parse one XML part, refusing DTDs (entity tricks) and reporting bad XML in one line."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise InputError(f"damaged DOCX file: {name} is not valid XML ({error})") from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(f"refused DOCX file: {name} declares a DTD, which DOCX never needs")
    return root


def open_package(data: bytes) -> Package:
    """Open DOCX bytes, checking that they are a sound, reasonably sized Word package."""
    if not data.startswith(b"PK"):
        raise InputError("not a DOCX file (not a ZIP archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError("not a DOCX file (not a ZIP archive, or a damaged one)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"refused DOCX file: {len(infos)} entries, over {MAX_ENTRIES}")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name:
            raise InputError(f"refused DOCX file: unsafe entry name {name!r}")
        if info.flag_bits & 0x1:
            raise InputError("refused DOCX file: it is encrypted (save it without a password)")
        total += info.file_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"refused DOCX file: {total} bytes uncompressed, over {MAX_UNCOMPRESSED_BYTES}"
        )
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
