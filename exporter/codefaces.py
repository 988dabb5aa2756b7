"""The faces code is set in, which only the outputs of an article with code carry.

They are the font files of the fonts folder's `code/` (Noto Sans Mono, regular and bold,
for the bundled fonts): a face of the series' design, so that code never falls to
whatever monospace family a machine has. An article without code loads and embeds none
of them: each output asks `code_faces` with the article.

The PDF's stylesheet names them, as it does the other faces of the layout, by their
family and `exporter.fontfaces.SHIPPED_SUFFIX`, so that an installed Noto Sans Mono never
stands in for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from exporter import model
from exporter.walk import walk

if TYPE_CHECKING:
    from exporter.fontfaces import FontFace

CODE_FOLDER = "code"
FONT_SUFFIXES = (".ttf", ".otf")


def code_faces(article: model.Article, fonts: Path) -> tuple[FontFace, ...]:
    """Return the faces of code in a fonts folder if the article has code, else none."""
    return all_code_faces(fonts) if has_code(article) else ()


def all_code_faces(fonts: Path) -> tuple[FontFace, ...]:
    """Return the faces of code in a fonts folder (none when it has no `code/`)."""
    # Loaded on use: the DOCX, whose font facts come from the cache folder, never needs it.
    from exporter.fontfaces import font_faces

    folder = fonts / CODE_FOLDER
    return font_faces(folder) if folder.is_dir() else ()


def code_font_files(fonts: Path) -> list[Path]:
    """Return the font files of code in a fonts folder, sorted by name, without reading them."""
    folder = fonts / CODE_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)


def has_code(article: model.Article) -> bool:
    """Return whether the article sets code anywhere: inline code or a code block."""
    return any(
        isinstance(node, model.Code)
        for part in (*article.body, *article.notes)
        for node in walk(part)
    )
