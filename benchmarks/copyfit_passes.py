"""Copyfitting passes and time per article over a range of lengths (run by hand).

    python benchmarks/copyfit_passes.py

Prints, for generated full articles (two authors, a 90-word summary, subheads, lists,
quotes, notes) of 400 to 1,500 body words, the body size chosen, the number of layout
passes and the time of the fitting, then the median passes, and the estimate the
layout's `fit.yaml` could give its first pass (pages per 1,000 body characters at the
largest setting, implied by each article's chosen layout).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.layouts import find_layout
from exporter.walk import plain_text
from exporter.writers.copyfit import read_bounds, text_length
from exporter.writers.pdf import layout_bulletin
from tests.articles import full_article

LENGTHS = range(400, 1600, 100)
SEEDS = (1, 2, 3)


def main() -> int:
    """Lay out every length and seed; print one line each and the medians."""
    context = RenderContext(find_layout(None), Path("."))
    bounds = read_bounds(context.layout.path("fit.yaml"))
    layout_bulletin(full_article(600, seed=0), context)  # warm the fonts and templates
    passes: list[int] = []
    times: list[float] = []
    implied: list[float] = []
    for words in LENGTHS:
        for seed in SEEDS:
            article = full_article(words, seed=seed)
            start = time.perf_counter()
            try:
                result = layout_bulletin(article, context)
            except RefusedError as error:
                print(f"{words:5} words seed {seed}: refused ({error.what})")
                continue
            elapsed = time.perf_counter() - start
            passes.append(len(result.attempts))
            times.append(elapsed)
            chosen = [a for a in result.attempts if a.setting == result.setting][-1]
            if chosen.pages == bounds.pages:
                body = chosen.pages_used - bounds.fixed_pages
                share = result.setting.area() / bounds.setting(0).area()
                length = text_length(plain_text(article.body)) / 1000
                implied.append(body / share / length)
            report = result.report
            short = f", {report.short} words short" if report and report.short else ""
            fill = report.fill if report else 0.0
            print(
                f"{words:5} words seed {seed}: {result.setting.body_size:6.3f} pt, page 2 "
                f"{fill:4.0%} full{short}, {len(result.attempts)} passes, {elapsed:.2f} s"
            )
    print(
        f"median passes {statistics.median(passes)}, max {max(passes)}; "
        f"median fitting time {statistics.median(times):.2f} s over {len(passes)} articles"
    )
    print(
        f"implied estimate: {statistics.median(implied):.3f} pages per 1,000 characters "
        f"(fit.yaml: {bounds.pages_per_1000_characters}), with fixed_pages {bounds.fixed_pages}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
