"""Fit the layout's estimate of pages used (`estimate` in fit.yaml) to laid-out articles.

    python benchmarks/calibrate_fit.py [--articles 96] [--data sweep.json] [--layout apb]

Lays out varied articles (tests/varied.py: the repository's texts in English, Japanese,
Korean and Chinese, 350 to 1,600 words) at every other step of the layout's scale, from
the tightest until two steps overflow, and records the pages each used. Then finds the
characters a column line holds, each language's character width and the coefficients
that turn the estimate's lengths into pages (least squares over the layouts that end on
page 2), prints them as the `estimate` block of fit.yaml, and says how far the estimate
is off on the articles it was not fitted on. `--data` keeps the layouts in a file and
reuses them on the next run. Run it after changing the design's CSS or fit.yaml.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter import codec
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers import pdf
from exporter.writers.fitestimate import Estimate, Language, Parts
from exporter.writers.fitscale import Attempt, FitBounds, read_bounds
from exporter.writers.pagefill import measure
from tests.varied import FIXTURES, LANGUAGES, varied_article

LINE_CHOICES = tuple(float(line) for line in range(40, 80, 2))
WIDTH_ROUNDS = 4


def sweep(article: Any, context: RenderContext, bounds: FitBounds) -> list[dict[str, Any]]:
    """Lay an article out at every other step from the tightest; return what each used."""
    lay_out = pdf._page_layout(article, context)
    rows = []
    overflows = 0
    for step in range(bounds.steps, -1, -2):
        document = lay_out(bounds.setting(step), False)
        attempt = Attempt(bounds.setting(step), measure(document, bounds.pages), bounds.pages)
        rows.append(
            {
                "step": step,
                "pages": attempt.pages,
                "fill": attempt.measure.fill,
                "pages_used": attempt.pages_used,
            }
        )
        overflows = overflows + 1 if not attempt.fits else 0
        if overflows == 2:
            break
    return rows


def collect(count: int, context: RenderContext, bounds: FitBounds) -> list[dict[str, Any]]:
    """Lay out `count` varied articles; return each with its rows."""
    data = []
    for index in range(count):
        lang = LANGUAGES[index % len(LANGUAGES)]
        words = 350 + (index * 131) % 1250
        article = varied_article(words, seed=index, lang=lang)
        started = time.perf_counter()
        rows = sweep(article, context, bounds)
        print(
            f"{index:3} {lang:7} {words:5} words: {len(rows)} layouts, "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        data.append({"article": codec.to_data(article), "rows": rows})
    return data


def solve(matrix: list[list[float]], values: list[float]) -> list[float]:
    """Return the least-squares solution of matrix · x = values (normal equations)."""
    size = len(matrix[0])
    normal = [[sum(r[i] * r[j] for r in matrix) for j in range(size)] for i in range(size)]
    right = [sum(r[i] * v for r, v in zip(matrix, values, strict=True)) for i in range(size)]
    for col in range(size):  # Gauss-Jordan with partial pivoting
        pivot = max(range(col, size), key=lambda row: abs(normal[row][col]))
        normal[col], normal[pivot] = normal[pivot], normal[col]
        right[col], right[pivot] = right[pivot], right[col]
        for row in range(size):
            if row != col and normal[col][col]:
                factor = normal[row][col] / normal[col][col]
                normal[row] = [
                    a - factor * b for a, b in zip(normal[row], normal[col], strict=True)
                ]
                right[row] -= factor * right[col]
    return [right[i] / normal[i][i] for i in range(size)]


Sample = tuple[Any, Any, float, str, int]
"""An article, a setting, the pages its layout used, its language, its index."""


def samples(data: list[dict[str, Any]], bounds: FitBounds) -> list[Sample]:
    """Return a sample for every layout ending on page 2."""
    found = []
    for index, entry in enumerate(data):
        article = codec.article_from_data(entry["article"])
        for row in entry["rows"]:
            if row["pages"] == bounds.pages and row["fill"] > 0.3:
                lang = article.lang.split("-")[0]
                setting = bounds.setting(row["step"])
                found.append((article, setting, row["pages_used"], lang, index))
    return found


@dataclass(frozen=True, slots=True)
class Measuring:
    """How the layout measures text: its body face and the characters a column holds."""

    face: str
    context: RenderContext

    def parts(self, estimate: Estimate, article: Any) -> Parts:
        """Return the article's parts as the PDF writer measures them."""
        layout = self.context.layout
        width = estimate.width(layout.fonts)
        shape = pdf._picture_shapes(self.context)
        return estimate.parts(article, width, layout.series.column_characters, shape)


def fitted(
    found: list[Sample],
    line: float,
    widths: dict[str, float],
    measuring: Measuring,
    checked: list[Sample] | None = None,
) -> tuple[Estimate, list[float]]:
    """Return the estimate fitted with `line` and `widths`, and its errors (pages) on
    `checked` (by default the samples it was fitted on)."""
    languages = {lang: Language(width, 0.2) for lang, width in widths.items()}
    unit = Estimate(line, 0.0, 0.0, 0.0, languages, measuring.face)
    column_only = dataclasses.replace(unit, column_pages=1.0)
    page_only = dataclasses.replace(unit, page_pages=1.0)
    matrix = []
    for article, setting, *_ in found:
        parts = measuring.parts(unit, article)
        matrix.append([column_only.pages(parts, setting), page_only.pages(parts, setting), 1.0])
    # English, most of what the series prints, weighs as much as the other languages
    # together.
    english = sum(1 for sample in found if sample[3] == "en") or 1
    weight = max(len(found) - english, 1) / english
    scale = [math.sqrt(weight) if sample[3] == "en" else 1.0 for sample in found]
    rows = zip(matrix, scale, strict=True)
    weighted = [[value * factor for value in row] for row, factor in rows]
    values = [sample[2] * factor for sample, factor in zip(found, scale, strict=True)]
    column, page, base = solve(weighted, values)
    estimate = Estimate(line, column, page, base, languages, measuring.face)
    errors = [
        estimate.pages(measuring.parts(estimate, article), setting) - used
        for article, setting, used, *_ in (checked if checked is not None else found)
    ]
    return estimate, errors


def language_widths(found: list[Sample], line: float, measuring: Measuring) -> dict[str, float]:
    """Return each CJK language's character width that leaves its estimate unbiased."""
    widths = {"ja": 1.0, "ko": 1.0, "zh": 1.0}
    for _ in range(WIDTH_ROUNDS):
        _, errors = fitted(found, line, widths, measuring)
        for lang in widths:
            mine = [e for e, f in zip(errors, found, strict=True) if f[3] == lang]
            if mine:
                # A wider character takes more lines: move the width against the bias.
                widths[lang] *= 1 - statistics.mean(mine) / 1.2
    return widths


def rms(values: list[float]) -> float:
    """Return the root mean square of some errors."""
    return math.sqrt(sum(v * v for v in values) / max(len(values), 1))


def main() -> int:
    """Collect or read the layouts, fit the estimate, print it and its errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--layout", default=None)
    parser.add_argument("--face", default="", help="the body face (default: fit.yaml's)")
    args = parser.parse_args()
    context = RenderContext(find_layout(args.layout), FIXTURES)
    bounds = read_bounds(context.layout.path("fit.yaml"))
    face = args.face or (bounds.estimate.face if bounds.estimate else "")
    measuring = Measuring(face, context)
    if args.data and args.data.exists():
        data = json.loads(args.data.read_text(encoding="utf-8"))
    else:
        data = collect(args.articles, context, bounds)
        if args.data:
            args.data.write_text(json.dumps(data), encoding="utf-8")
    found = samples(data, bounds)
    best: tuple[float, float, dict[str, float]] | None = None
    for line in LINE_CHOICES:
        widths = language_widths(found, line, measuring)
        _, errors = fitted(found, line, widths, measuring)
        if best is None or rms(errors) < best[0]:
            best = (rms(errors), line, widths)
    assert best is not None
    _, line, widths = best
    estimate, errors = fitted(found, line, widths, measuring)
    print(f"\n{len(found)} layouts of {len(data)} articles; error of the estimate (pages):")
    for lang in ("en", *widths):
        mine = [e for e, f in zip(errors, found, strict=True) if f[3] == lang]
        if mine:
            print(
                f"  {lang}: {len(mine)} layouts, mean {statistics.mean(mine):+.4f}, "
                f"rms {rms(mine):.4f}"
            )
    print(f"  all: rms {rms(errors):.4f}")
    # Fitted on the even articles alone, the error on the odd ones.
    even = [f for f in found if f[4] % 2 == 0]
    odd = [f for f in found if f[4] % 2 == 1]
    _, held_out = fitted(even, line, widths, measuring, checked=odd)
    print(f"  fitted on half the articles, on the other half: rms {rms(held_out):.4f}\n")
    print("estimate:")
    print(f"  fixed_pages: {bounds.fixed_pages}")
    print(f"  characters_per_line: {line}")
    print(f"  pages_per_column_point: {estimate.column_pages:.7f}")
    print(f"  pages_per_page_point: {estimate.page_pages:.7f}")
    print(f"  base_pages: {estimate.base_pages:.4f}")
    if face:
        print(f"  face: {face}")
    print("  languages:")
    for lang, width in widths.items():
        print(f"    {lang}: {{width: {width:.3f}, leading: 0.2}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
