"""The layout's font files as @font-face rules name them, read once from the fonts' own tables.

The tables are read with HarfBuzz (uharfbuzz), in C: fontTools parses them in Python,
about 5 ms a font for what is read here, and a build reads eight fonts.

Where WeasyPrint sets the text (the PDF, the EPUB's cover picture), the stylesheets name
the layout's faces by their family and SHIPPED_SUFFIX (`shipped_family`): Pango sets text
in an installed face rather than an @font-face one of the same family name (WeasyPrint
issue 1073), and Noto Serif, Sans and Sans Mono are installed on many machines, in
other versions, of other metrics (Debian's fonts-noto-core and fonts-noto-mono). The
EPUB's stylesheet, which e-readers read, and the DOCX, which Word reads, keep the
families' own names.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT_SUFFIXES = (".ttf", ".otf")
# Where the OpenType OS/2 table keeps a face's weight and slant (OpenType 1.9, "OS/2 -
# OS/2 and Windows Metrics Table").
OS2_WEIGHT_CLASS = 4  # usWeightClass, uint16
OS2_SELECTION = 62  # fsSelection, uint16: bit 0 italic
SHIPPED_SUFFIX = " Shipped"
"""What WeasyPrint's name of a family of the layout's own adds to the family's name."""


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file and the family, style and weight its tables declare."""

    path: Path
    """The font file."""
    family: str
    """The family name the CSS uses."""
    style: str
    """normal or italic."""
    weight: int
    """The weight class (400 regular, 700 bold)."""

    @property
    def url(self) -> str:
        """Return the file's URL."""
        return self.path.resolve().as_uri()


def shipped_family(family: str) -> str:
    """Return the name WeasyPrint's stylesheets give a family of the layout's own faces."""
    return family + SHIPPED_SUFFIX


@functools.cache
def font_faces(folder: Path) -> tuple[FontFace, ...]:
    """Return the faces of every font file in a folder, sorted by file name (once a process)."""
    faces = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        face = open_face(path)
        os2 = table(face, "OS/2")
        italic = bool(uint16(os2, OS2_SELECTION) & 1)
        style = "italic" if italic else "normal"
        faces.append(FontFace(path, family_name(face, path), style, uint16(os2, OS2_WEIGHT_CLASS)))
    return tuple(faces)


def open_face(path: Path, index: int = 0) -> Any:
    """Return HarfBuzz's face of a font file (face `index` of a collection)."""
    # Loaded on use: a build whose font facts come from the cache folder never needs it.
    import uharfbuzz

    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)), index)


def family_name(face: Any, path: Path) -> str:
    """Return a font's typographic family name, else its family name, else the file's stem."""
    # The typographic family (name 16) groups all weights; the legacy family (1) is the
    # fallback. HarfBuzz gives the English name.
    import uharfbuzz

    names = uharfbuzz.OTNameIdPredefined
    family = face.get_name(names.TYPOGRAPHIC_FAMILY) or face.get_name(names.FONT_FAMILY)
    return str(family or path.stem)


def table(face: Any, tag: str) -> bytes:
    """Return a table of a font as bytes (empty when the font has none)."""
    return bytes(face.reference_table(tag).data)


def uint16(data: bytes, offset: int) -> int:
    """Return the big-endian uint16 at `offset` of a table, 0 past its end."""
    return int(struct.unpack_from(">H", data, offset)[0]) if len(data) >= offset + 2 else 0


def uint32(data: bytes, offset: int) -> int:
    """Return the big-endian uint32 at `offset` of a table, 0 past its end."""
    return int(struct.unpack_from(">I", data, offset)[0]) if len(data) >= offset + 4 else 0
