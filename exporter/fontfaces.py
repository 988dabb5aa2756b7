"""The layout's font files as @font-face rules name them, read once from the fonts' own tables."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_SUFFIXES = (".ttf", ".otf")


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


@functools.cache
def font_faces(folder: Path) -> tuple[FontFace, ...]:
    """Return the faces of every font file in a folder, sorted by file name (once a process)."""
    faces = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        with TTFont(path, lazy=True) as font:
            names = font["name"]
            # Typographic family (16) groups all weights; legacy family (1) is the fallback.
            family = str(names.getDebugName(16) or names.getDebugName(1) or path.stem)
            italic = bool(font["OS/2"].fsSelection & 1)
            weight = int(font["OS/2"].usWeightClass)
        faces.append(FontFace(path, family, "italic" if italic else "normal", weight))
    return tuple(faces)
