"""A paragraph break stays visible at the tight end of the scale: an indent joins the space."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import pdf
from exporter.writers.copyfit import read_bounds

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"


def first_line_offsets(document: Any) -> list[float]:
    """Return, for each body paragraph on page 1, its first line's offset from its box."""
    offsets: list[float] = []

    def walk(box: Any) -> None:
        if getattr(box, "element_tag", None) == "p" and type(box).__name__ == "BlockBox":
            lines = [c for c in box.children if type(c).__name__ == "LineBox"]
            if lines and lines[0].children:
                offsets.append(float(lines[0].children[0].position_x - box.content_box_x()))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    return offsets


def test_tight_settings_indent_paragraphs_loose_ones_do_not() -> None:
    context = RenderContext(find_layout(None), EXAMPLE.parent)
    bounds = read_bounds(context.layout.path("fit.yaml"))
    lay_out = pdf._page_layout(load(EXAMPLE), context)
    below, indent = bounds.paragraph_indent
    assert below > 0 and indent > 0
    for step in (0, 8, bounds.steps):
        setting = bounds.setting(step)
        offsets = first_line_offsets(lay_out(setting, False))
        indented = [o for o in offsets if o > 1]
        if setting.paragraph_space < below:
            assert setting["paragraph_indent"] == indent
            # Paragraphs after paragraphs are indented by `indent` em (the summary, the
            # byline and a paragraph's continuation in the next column are not).
            size_px = setting.body_size * 4 / 3
            assert len(indented) >= 3
            assert all(abs(o - indent * size_px) < 1 for o in indented)
        else:
            assert setting["paragraph_indent"] == 0
            assert indented == []
