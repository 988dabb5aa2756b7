"""Subset fonts' six-letter tags drawn from what each subset holds, so that no two share one.

WeasyPrint tags a subset (`HUQPOW+Noto-Serif`) from the font's description alone: every
bulletin's Noto Serif has the same tag, whatever glyphs its subset holds. A prepress desk
that imposes two bulletins on one sheet, or a RIP that caches fonts by name between
jobs, then takes one subset for the other and prints missing glyphs; the PDF reference
(ISO 32000-1, 9.6.4) wants different subsets to have different tags. Here each tag is
drawn from a digest of the embedded font program: the same subset keeps its tag from
build to build, a different one gets another.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pikepdf

SUBSET_NAME = re.compile(r"^/?[A-Z]{6}\+(?P<name>.+)$")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
TAG_LETTERS = 6


def retag_subsets(pdf: pikepdf.Pdf) -> None:
    """Give each subset font of the file a tag drawn from its font program; unique per file."""
    used: dict[str, tuple[int, int]] = {}
    done: set[tuple[int, int]] = set()
    for font in _fonts(pdf):
        if font.objgen in done:
            continue
        done.add(font.objgen)
        descendants = font.get("/DescendantFonts")
        parts = [font, *(descendants if isinstance(descendants, pikepdf.Array) else [])]
        descriptor = parts[-1].get("/FontDescriptor")
        program = _program(descriptor)
        match = SUBSET_NAME.match(str(font.get("/BaseFont", "")))
        if match is None or program is None:
            continue
        digest = hashlib.sha256(program.read_raw_bytes()).digest()
        tag = _tag(digest)
        salt = 0
        while used.get(tag, program.objgen) != program.objgen:
            salt += 1
            tag = _tag(hashlib.sha256(digest + bytes([salt])).digest())
        used[tag] = program.objgen
        name = pikepdf.Name(f"/{tag}+{match['name']}")
        for part in parts:
            if SUBSET_NAME.match(str(part.get("/BaseFont", ""))):
                part.BaseFont = name
        if isinstance(descriptor, pikepdf.Dictionary) and "/FontName" in descriptor:
            descriptor.FontName = name


def _tag(digest: bytes) -> str:
    """Return six capital letters from a digest."""
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:TAG_LETTERS])


def _program(descriptor: object) -> pikepdf.Stream | None:
    """Return the font program a font descriptor embeds, if any."""
    if not isinstance(descriptor, pikepdf.Dictionary):
        return None
    for key in FONT_FILES:
        found = descriptor.get(key)
        if isinstance(found, pikepdf.Stream):
            return found
    return None


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Yield the fonts of every page's resources and of the forms they draw."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for font in (resources.get("/Font") or {}).values():
            if isinstance(font, pikepdf.Dictionary):
                yield font
        for xobject in (resources.get("/XObject") or {}).values():
            if isinstance(xobject, pikepdf.Stream) and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.get("/Resources"))
