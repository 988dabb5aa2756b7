"""The pictures of a DOCX: found in drawings and VML shapes, each given a file of its own.

A picture becomes a figure whose `src` is `imageN.EXT`, numbered in reading order,
with the extension of its real format (read from its first bytes). The bytes travel
beside the article (`Media`); whoever writes the article writes them as
`NAME-imageN.EXT` beside it (`exporter.readers.media`).
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field

from exporter import model
from exporter.errors import InputError
from exporter.readers.docx.package import NS, Element, Package

log = logging.getLogger("exporter")

R = NS["r"]
V = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xd7\xcd\xc6\x9a", "wmf"),
    (b"\x01\x00\x09\x00", "wmf"),
)
PLACEHOLDER_NAMES = ("picture ", "image ", "graphic ", "grafik ")
"""How word processors name a picture they inserted: not a path."""
KNOWN_EXTENSIONS = frozenset(
    {"png", "jpeg", "jpg", "gif", "bmp", "tiff", "tif", "wmf", "emf", "svg", "webp"}
)


def image_format(data: bytes, part_name: str) -> str:
    """Return the extension of an image's real format, from its bytes, else from its name."""
    for signature, extension in SIGNATURES:
        if data.startswith(signature):
            return extension
    if data[40:44] == b" EMF":
        return "emf"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "svg"
    extension = posixpath.splitext(part_name)[1].lstrip(".").lower()
    return extension if extension in KNOWN_EXTENSIONS else "bin"


@dataclass
class Pictures:
    """The pictures of one document, numbered as they are met."""

    package: Package
    files: dict[str, bytes] = field(default_factory=dict)
    """The bytes of each picture by its file name (imageN.EXT)."""
    names: dict[str, str] = field(default_factory=dict)
    """The file name given to each picture part."""
    unnamed: int = 0
    """Pictures without a description, given a neutral alternative text."""
    charts: int = 0
    """Charts and diagrams, which are left out."""
    missing: int = 0
    """Pictures linked from outside the file or missing from it."""
    kept: list[str] = field(default_factory=list)
    """The paths of the pictures that kept their names."""
    keep_names: bool = False
    """True for the toolkit's own documents: a picture named by its path beside the
    article (wp:docPr name, as the writer sets it) keeps that path, and is not extracted."""

    def figure(self, node: Element, holder: Element, part_name: str) -> model.Figure | None:
        """Return the figure a node of a drawing or VML shape shows, if it is a picture."""
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == f"{{{NS['a']}}}blip":
            rel_id = node.get(f"{{{R}}}embed") or node.get(f"{{{R}}}link") or ""
            kept = self._kept_name(holder)
            if kept:
                self.kept.append(kept)
                alt = next((t for t in _drawing_text(holder) if t.strip()), kept)
                return model.Figure(kept, " ".join(alt.split()))
            return self._figure(rel_id, part_name, _drawing_text(holder))
        if tag == f"{{{V}}}imagedata":
            rel_id = node.get(f"{{{R}}}id") or node.get(f"{{{R}}}pict") or ""
            shape = node.getparent()
            alt = shape.get("alt", "") if shape is not None else ""
            return self._figure(rel_id, part_name, (alt, node.get(f"{{{OFFICE}}}title", "")))
        if tag == f"{{{NS['a']}}}graphicData" and node.get("uri") in (CHART, DIAGRAM):
            self.charts += 1
        return None

    def _kept_name(self, holder: Element) -> str:
        """Return the path a toolkit document's picture names, if it keeps it."""
        if not self.keep_names:
            return ""
        properties = holder.find(".//wp:docPr", NS)
        name = properties.get("name", "").strip() if properties is not None else ""
        safe = "." in name and not name.startswith(("/", "\\")) and ".." not in name
        return name if safe and not name.lower().startswith(PLACEHOLDER_NAMES) else ""

    def _figure(self, rel_id: str, part_name: str, texts: tuple[str, str]) -> model.Figure | None:
        relationship = self.package.relationships(part_name).get(rel_id)
        if (
            relationship is None
            or relationship.external
            or not self.package.has(relationship.target)
        ):
            self.missing += 1
            return None
        name = self.names.get(relationship.target)
        if name is None:
            try:
                data = self.package.read(relationship.target)
            except InputError:
                self.missing += 1
                return None
            name = f"image{len(self.files) + 1}.{image_format(data, relationship.target)}"
            self.names[relationship.target] = name
            self.files[name] = data
        alt = next((" ".join(text.split()) for text in texts if text.strip()), "")
        if not alt:
            self.unnamed += 1
            alt = f"Image {name.split('.')[0].removeprefix('image')}"
        return model.Figure(name, alt)

    def warn(self) -> None:
        """Say what was left out or guessed."""
        if self.kept:
            log.warning(
                "images stay inside the DOCX: place %s beside the article",
                ", ".join(map(repr, dict.fromkeys(self.kept))),
            )
        if self.unnamed:
            log.warning(
                "%d picture(s) have no description (alt text): each was given 'Image N'; "
                "describe them in the article",
                self.unnamed,
            )
        if self.charts:
            log.warning("left out %d chart(s) or diagram(s): no picture of them", self.charts)
        if self.missing:
            log.warning("left out %d picture(s) linked from outside the file", self.missing)


def _drawing_text(element: Element) -> tuple[str, str]:
    """Return a drawing's description and title (wp:docPr descr, title)."""
    properties = element.find(".//wp:docPr", NS)
    if properties is None:
        return "", ""
    return properties.get("descr", ""), properties.get("title", "")


def object_nodes(element: Element) -> list[Element]:
    """Return the nodes of a drawing or shape in order; a text box's content as one node."""
    found: list[Element] = []
    stack = [element]
    while stack:
        node = stack.pop()
        found.append(node)
        if node.tag == f"{{{NS['w']}}}txbxContent":
            continue
        stack.extend(reversed([child for child in node if isinstance(child.tag, str)]))
    return found
