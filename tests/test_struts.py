"""Each style's strut found once per layout: the same pages, far fewer of WeasyPrint's calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from weasyprint.layout import inline
from weasyprint.text import line_break

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import pdf, struts

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "japan-rok-relations.md"


def _pdf() -> bytes:
    """Return the example's PDF, laid out afresh."""
    pdf._layouts.clear()
    return pdf.write_pdf(load(EXAMPLE), RenderContext(find_layout(None), EXAMPLE.parent))


def test_struts_kept_on_their_styles_give_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [0]
    weasyprint_strut = line_break.strut

    def counted(style: Any) -> tuple[float, float]:
        found[0] += 1
        result: tuple[float, float] = weasyprint_strut(style)
        return result

    monkeypatch.setattr(line_break, "strut", counted)
    _pdf()  # every hook installed
    assert inline.strut is struts.strut
    found[0] = 0
    kept = _pdf()
    by_style = found[0]
    monkeypatch.setattr(inline, "strut", counted)
    found[0] = 0
    assert _pdf() == kept
    assert by_style * 5 < found[0], (by_style, found[0])
