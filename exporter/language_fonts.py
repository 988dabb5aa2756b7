"""The system fonts of an edition in a language the shipped fonts lack (CJK): find, check, subset.

A layout's `fonts.yaml` names, per language, the families its CSS sets the text in
(Noto Serif CJK JP, ...). WeasyPrint finds them through fontconfig; the EPUB carries
them subset to the characters it prints; a missing family is an error before any
layout, not a page of empty boxes.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from exporter import cache, model
from exporter.errors import LayoutError
from exporter.glyphs import edition_text, shipped_coverage
from exporter.layouts import LANGUAGE_FONTS_FILE, Layout

# fontconfig's weights and slants (fontconfig.h): what a CSS weight and style ask for.
FONTCONFIG_WEIGHTS = {400: 80, 700: 200}
FONTCONFIG_ROMAN = 0
FACES = ((400, "normal"), (700, "normal"))
"""The faces an edition uses of each family: CJK families have no italics (see the CSS)."""


@dataclass(frozen=True, slots=True)
class FontFile:
    """One face of an installed family: its file and its index in a collection."""

    path: Path
    """The font file (a .ttc collection holds several fonts)."""
    index: int
    """The font's index in the file."""


@dataclass(frozen=True, slots=True)
class SubsetFace:
    """One face of a language's family, subset to the characters an edition prints."""

    family: str
    """The family name the CSS uses."""
    weight: int
    """The CSS font weight."""
    style: str
    """The CSS font style."""
    filename: str
    """A file name for the subset font (OpenType)."""
    data: bytes
    """The subset font's bytes."""


def require_fonts(layout: Layout, lang: str) -> dict[str, str]:
    """Return the families an edition in `lang` needs by role; raise if one is not installed."""
    families = layout.fonts_for(lang)
    for family in dict.fromkeys(families.values()):
        if not installed_faces(family):
            raise LayoutError(
                f"the {lang!r} edition is set in the font family {family!r}, which is not "
                "installed (Debian: apt-get install fonts-noto-cjk, or scripts/setup.sh)",
                file=str(layout.folder / LANGUAGE_FONTS_FILE),
            )
    return families


@functools.cache
def installed_faces(family: str) -> dict[tuple[int, str], FontFile]:
    """Return the installed faces of a family by (CSS weight, style), as fontconfig lists them.

    A family found is kept in the cache folder, and looked for again only once one of its
    files has changed or gone: listing the system's fonts takes a cold build 8 ms.
    """
    slot = "fonts-installed-" + cache.digest(family).hex()[:24]
    try:
        inputs: bytes | None = cache.digest(Path(__file__).read_bytes(), family)
    except OSError:  # no source to tell a changed toolkit by: looked for every time
        inputs = None
    kept = cache.load(slot, inputs) if inputs is not None else None
    if kept is not None:
        with contextlib.suppress(ValueError, KeyError, TypeError, OSError):
            return _still_installed(json.loads(kept))
    faces = _listed_faces(family)
    if faces and inputs is not None:
        listed = [
            [weight, style, str(face.path), face.index, *_file_status(face.path)]
            for (weight, style), face in sorted(faces.items())
        ]
        with contextlib.suppress(OSError):
            cache.store(slot, inputs, json.dumps(listed).encode())
    return faces


def _still_installed(listed: list[list[object]]) -> dict[tuple[int, str], FontFile]:
    """Return the faces kept in the cache folder; raise KeyError if one has changed."""
    faces = {}
    for weight, style, path, index, size, time in listed:
        face = FontFile(Path(str(path)), int(str(index)))
        if _file_status(face.path) != (size, time):
            raise KeyError(path)
        faces[(int(str(weight)), str(style))] = face
    if not faces:
        raise KeyError("no face")
    return faces


def _file_status(path: Path) -> tuple[int, int]:
    """Return a file's size and time of change."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _listed_faces(family: str) -> dict[tuple[int, str], FontFile]:
    """Return the installed faces of a family by (CSS weight, style) from fontconfig's list."""
    faces: dict[tuple[int, str], FontFile] = {}
    for line in _installed_fonts():
        path, index, weight, slant, families = [*line.split("|"), "", "", "", ""][:5]
        if family not in families.split(",") or not slant.isdigit() or not weight.isdigit():
            continue
        for css_weight, fc_weight in FONTCONFIG_WEIGHTS.items():
            if int(weight) == fc_weight and int(slant) == FONTCONFIG_ROMAN:
                faces.setdefault((css_weight, "normal"), FontFile(Path(path), int(index or 0)))
    return faces


@functools.cache
def _installed_fonts() -> list[str]:
    """Return fontconfig's line (file|index|weight|slant|families) of every font, sorted."""
    # One listing a process, however many families the font table and editions look up.
    import subprocess  # on use: a family kept in the cache folder is not looked for

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    listing = subprocess.run(
        [fc_list, "--format", "%{file}|%{index}|%{weight}|%{slant}|%{family}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return sorted(listing.splitlines())


def edition_faces(article: model.Article, layout: Layout) -> list[SubsetFace]:
    """Return the system faces an edition of the article needs, subset to what it prints."""
    if not layout.fonts_for(article.lang):
        return []
    series = layout.series.localised(article.lang)
    text = edition_text(article, series)
    return subset_faces(layout, article.lang, text, shipped_coverage(layout.font_files()))


def subset_faces(layout: Layout, lang: str, text: str, covered: set[int]) -> list[SubsetFace]:
    """Return the faces of `lang`'s families subset to the characters of `text` not `covered`.

    `covered` holds the code points the shipped fonts show: they come first in every
    font stack, so the system family only ever draws the rest.
    """
    wanted = sorted({ord(ch) for ch in text if not ch.isspace()} - covered)
    if not wanted:
        return []
    faces = []
    for role, family in sorted(require_fonts(layout, lang).items()):
        found = installed_faces(family)
        for weight, style in FACES:
            source = found.get((weight, style))
            if source is None:
                continue
            data = _subset(source, tuple(wanted))
            name = f"{family.replace(' ', '')}-{role}-{weight}.otf"
            faces.append(SubsetFace(family, weight, style, name, data))
    return faces


@functools.lru_cache(maxsize=16)
def _subset(source: FontFile, code_points: tuple[int, ...]) -> bytes:
    """Return the font subset to some characters, with the default features and palt."""
    from exporter.fontsubset import subset_font

    return subset_font(source.path.read_bytes(), code_points, ("palt",), source.index)
