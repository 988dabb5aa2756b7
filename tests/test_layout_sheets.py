"""The bulletin's stylesheets: the design parsed once, each setting's values apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import weasyprint

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.recent import Recent
from exporter.writers import pdf, sheets
from exporter.writers.copyfit import read_bounds
from tests.varied import FIXTURES, varied_article


def test_the_design_is_parsed_once_for_many_articles_and_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    original = weasyprint.CSS.__init__

    def counting(self: weasyprint.CSS, *args: object, **kwargs: object) -> None:
        parsed.append(str(kwargs.get("string", ""))[:60])
        original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.CSS, "__init__", counting)
    monkeypatch.setattr(sheets, "_parsed", Recent(sheets.SHEETS_KEPT))
    context = RenderContext(find_layout(None), FIXTURES)
    passes = 0
    for seed in range(3):
        passes += pdf._fit_layout(varied_article(700 + 150 * seed, seed=900 + seed), context).passes
    designs = [text for text in parsed if "bulletin's design" in text]
    assert len(designs) == 1, parsed
    # One small sheet per setting laid out, the same setting parsed once.
    assert len(parsed) - 1 <= passes


def test_a_layout_that_sets_its_values_in_one_stylesheet_still_works(tmp_path: Path) -> None:
    """A layout made before the fit's values had a sheet of their own: `fit.NAME` in
    bulletin.css.j2, the running head as `running_head`."""
    folder = tmp_path / "old"
    shutil.copytree(find_layout(None).folder, folder)
    (folder / sheets.FIT_TEMPLATE).unlink()
    (folder / "bulletin.css.j2").write_text(
        "@page { size: letter; margin: 0.6in; @top-left { content: "
        "{{ running_head | css_string }}; } }\n"
        "html { font: {{ fit.body_size }}pt/{{ fit.leading }} serif; }\n"
        ".body { columns: 2; }\n"
        ".closing { {% if bio_on_new_page %}break-before: page;{% endif %} }\n"
        ".publisher-block { float: footnote; }\n",
        encoding="utf-8",
    )
    html = (folder / "bulletin.html.j2").read_text(encoding="utf-8")
    (folder / "bulletin.html.j2").write_text(
        html.replace("</head>", "<style>{{ css | safe }}</style>\n</head>"), encoding="utf-8"
    )
    layout = find_layout(str(folder))
    context = RenderContext(layout, FIXTURES)
    bounds = read_bounds(layout.path("fit.yaml"))
    article = varied_article(900, seed=3)
    lay_out = pdf._page_layout(article, context)
    loose, tight = (lay_out(bounds.setting(step), False) for step in (0, bounds.steps))
    assert len(loose.pages) >= len(tight.pages) >= 1
    text = pdf._write(tight, article, context)
    assert text.startswith(b"%PDF")
