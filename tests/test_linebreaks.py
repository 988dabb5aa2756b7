"""Lines broken once per layout: fewer calls of WeasyPrint's line breaker, the same PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exporter.build import BuildOptions, prepare, render
from exporter.writers import linebreaks, pdf
from exporter.writers.copyfit import read_bounds

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
WITHOUT = """
import sys
from pathlib import Path
from exporter.writers import linebreaks
linebreaks._installed = True  # never installed: WeasyPrint breaks every line at each try
from exporter.build import BuildOptions, prepare, render
article, context = prepare(Path(sys.argv[1]), BuildOptions(("pdf",), Path(".")))
sys.stdout.buffer.write(render(article, context, "pdf"))
"""


def test_the_bulletin_is_the_same_with_lines_broken_once() -> None:
    article, context = prepare(EXAMPLE, BuildOptions(("pdf",), ROOT))
    with_memo = render(article, context, "pdf")
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, str(EXAMPLE)], capture_output=True, cwd=ROOT, check=True
    )
    assert done.stdout == with_memo


def test_a_layout_breaks_each_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    linebreaks.install()
    from weasyprint.layout import inline

    wrapper, original = inline.split_first_line, linebreaks._breaker
    assert original is not None and wrapper is not original
    asked: list[str] = []
    broken: list[str] = []

    def counting_original(text: str, *rest: object, **named: object) -> object:
        broken.append(text)
        return original(text, *rest, **named)

    def counting_wrapper(text: str, *rest: object, **named: object) -> object:
        asked.append(text)
        return wrapper(text, *rest, **named)

    monkeypatch.setattr(linebreaks, "_breaker", counting_original)
    monkeypatch.setattr(inline, "split_first_line", counting_wrapper)
    article, context = prepare(EXAMPLE, BuildOptions(("pdf",), ROOT))
    bounds = read_bounds(context.layout.path("fit.yaml"))
    pdf._page_layout(article, context)(bounds.setting(15), False)
    assert broken and len(asked) > 2 * len(broken), (len(asked), len(broken))
