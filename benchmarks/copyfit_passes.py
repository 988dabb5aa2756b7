"""Copyfitting: layout passes per article, over lengths or over the benchmark's set.

    python benchmarks/copyfit_passes.py
    python benchmarks/copyfit_passes.py --set [--json FILE]

Without --set, prints for generated full articles (two authors, a 90-word summary,
subheads, lists, quotes, notes) of 400 to 1,500 body words the body size chosen, the
layout passes and the time of the fitting, then the median passes, and the estimate the
layout's `fit.yaml` could give its first pass (pages per 1,000 body characters at the
largest setting, implied by each article's chosen layout).

With --set, builds the PDF of every article of the benchmark's set and of the CJK
fixtures in one warm process (each once, as a batch worker does) and prints the layouts
each took and their mean: the fitting figure of `make bench`.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import article_set, cjk_fixtures
from exporter import model
from exporter.build import BuildOptions, prepare, render
from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.layouts import find_layout
from exporter.walk import plain_text
from exporter.writers.copyfit import read_bounds, text_length
from exporter.writers.pdf import layout_bulletin
from tests.articles import full_article

LENGTHS = range(400, 1600, 100)
SEEDS = (1, 2, 3)
T = TypeVar("T")


def count_layouts(action: Callable[[], T]) -> tuple[T, int]:
    """Run `action`; return its result and how many whole layouts WeasyPrint made meanwhile.

    Counts calls of WeasyPrint's `layout_document`: every pass of the fitting, and the one
    more that moves a short article's bio to a new page (which `FitResult.attempts` does
    not count). The benchmark counts passes here only: should the PDF writer come to lay
    out parts of a document, or count its passes itself, switch this function to that.
    """
    import weasyprint.document
    import weasyprint.layout

    original = weasyprint.layout.layout_document
    calls = 0

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    weasyprint.document.layout_document = counting
    weasyprint.layout.layout_document = counting
    try:
        result = action()
    finally:
        weasyprint.document.layout_document = original
        weasyprint.layout.layout_document = original
    return result, calls


def set_passes(paths: list[Path], out: Path) -> dict[str, int]:
    """Build the PDF of each article once in this process; return the layouts of each.

    An article refused as too long counts the layouts its refusal took.
    """
    options = BuildOptions(formats=("pdf",), out_dir=out)
    context = RenderContext(find_layout(None), Path("."))
    layout_bulletin(full_article(600, seed=0), context)  # warm: fonts, templates, caches
    passes: dict[str, int] = {}
    for path in paths:
        article, article_context = prepare(path, options)

        def build(a: model.Article = article, c: RenderContext = article_context) -> bool:
            try:
                render(a, c, "pdf")
            except RefusedError:
                return False
            return True

        _built, passes[path.name] = count_layouts(build)
    return passes


def main_set(json_path: Path | None) -> int:
    """Count the layouts of the set and the CJK fixtures; print them and their mean."""
    logging.getLogger("exporter").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    paths = article_set() + cjk_fixtures()
    passes = set_passes(paths, Path("."))
    for name, count in passes.items():
        print(f"{count} layouts  {name}")
    mean = statistics.mean(passes.values())
    print(f"mean {mean:.2f} layouts per article over {len(passes)} articles")
    if json_path is not None:
        data = {"passes": passes, "mean": mean, "articles": len(passes)}
        json_path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Count over the benchmark's set with --set, else survey lengths and seeds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="store_true", help="the benchmark's set and CJK")
    parser.add_argument("--json", type=Path, help="with --set: write the counts here")
    args = parser.parse_args(argv)
    if args.set:
        return main_set(args.json)
    return survey()


def survey() -> int:
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
                result, layouts = count_layouts(
                    functools.partial(layout_bulletin, article, context)
                )
            except RefusedError as error:
                print(f"{words:5} words seed {seed}: refused ({error.what})")
                continue
            elapsed = time.perf_counter() - start
            passes.append(layouts)
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
                f"{fill:4.0%} full{short}, {layouts} passes, {elapsed:.2f} s"
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
