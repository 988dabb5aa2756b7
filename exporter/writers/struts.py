"""A style's line height and baseline (WeasyPrint's `strut`), kept on the style once found.

WeasyPrint asks for a style's strut on every line box and inline box it lays out, and
caches the answer under a key it builds each time from fourteen of the style's font
properties: building that key was about 5% of a bulletin's layout. A style's font and
line height do not change once computed (WeasyPrint copies a style to change one), so
the answer is kept on the style object itself, and the layout's calls are answered from
it. Installed over `weasyprint.layout.inline`, where the function has the shape expected.
"""

from __future__ import annotations

from typing import Any

from exporter.writers.hooks import expected

KEPT = "_exporter_strut"
"""The attribute of a WeasyPrint style that holds its strut, once asked for."""
_installed = False


def strut(style: Any) -> tuple[float, float]:
    """Return WeasyPrint's line height and baseline of `style`, found once per style."""
    kept: tuple[float, float] | None = getattr(style, KEPT, None)
    if kept is None:
        from weasyprint.text.line_break import strut as weasyprint_strut

        kept = weasyprint_strut(style)
        setattr(style, KEPT, kept)
    return kept


def install() -> None:
    """Answer WeasyPrint's layout's strut calls from the styles."""
    global _installed
    if _installed:
        return
    _installed = True
    from weasyprint.layout import inline

    if expected(inline, "strut", ["style"], "WeasyPrint's struts are not as expected") is None:
        return
    inline.strut = strut
