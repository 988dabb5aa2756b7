"""Each box's flow asked of its style in one call: the same pages, none of the five questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from weasyprint.formatting_structure.boxes import Box

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import normalflow, pdf

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "japan-rok-relations.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _pdf(path: Path) -> bytes:
    """Return the article's PDF, laid out afresh."""
    pdf._layouts.clear()
    return pdf.write_pdf(load(path), RenderContext(find_layout(None), path.parent))


@pytest.mark.parametrize(
    "path", [EXAMPLE, FIXTURES / "rich-article.md"], ids=["example", "rich-fixture"]
)
def test_flow_asked_in_one_call_gives_the_same_pdf(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    asked = [0]
    weasyprint_is_floated = Box.is_floated

    def counted(box: Any) -> bool:
        asked[0] += 1
        answer: bool = weasyprint_is_floated(box)
        return answer

    monkeypatch.setattr(Box, "is_floated", counted)
    _pdf(path)  # every hook installed
    assert Box.is_in_normal_flow is normalflow.is_in_normal_flow
    asked[0] = 0
    kept = _pdf(path)
    in_one_call = asked[0]
    monkeypatch.setattr(Box, "is_in_normal_flow", normalflow.weasyprint_is_in_normal_flow)
    asked[0] = 0
    assert _pdf(path) == kept
    assert in_one_call * 2 < asked[0], (in_one_call, asked[0])


@pytest.mark.parametrize(
    ("float_", "position", "in_flow"),
    [
        ("none", "static", True),
        ("none", "relative", True),
        ("left", "static", False),
        ("inline-end", "static", False),
        ("footnote", "static", False),
        ("none", "absolute", False),
        ("none", "fixed", False),
        ("none", ("running()", "header"), False),
        ("none", ("note()", "aside"), False),
    ],
)
def test_flow_answered_as_weasyprint_answers(float_: str, position: Any, in_flow: bool) -> None:
    box = Box.__new__(Box)
    box.style = {"float": float_, "position": position}
    assert normalflow.is_in_normal_flow(box) is in_flow
    weasyprint = normalflow.weasyprint_is_in_normal_flow or Box.is_in_normal_flow
    assert weasyprint(box) is in_flow
