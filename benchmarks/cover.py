"""The EPUB cover in a warm worker: seconds per article over the benchmark's set.

    python benchmarks/cover.py [--json FILE]

In one process, as a batch worker: reads every article of the set and makes its
context, draws one cover of an article outside the set (fonts, templates, WeasyPrint and
pdfium loaded), then times `exporter.writers.epub.cover.cover_image` once for each
article of the set, in order. Each article is drawn once, so that a cover kept for an
article already drawn would not count. Prints each time, the mean (the figure: seconds
per article), the median and the range.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import article_set
from benchmarks.corpus import write_article
from exporter.build import BuildOptions, prepare
from exporter.writers.epub.cover import cover_image


def cover_times(paths: list[Path]) -> dict[str, float]:
    """Return the seconds of each article's cover, drawn once each after a warm-up."""
    options = BuildOptions(formats=("epub",), out_dir=Path("."))
    prepared = [prepare(path, options) for path in paths]
    with tempfile.TemporaryDirectory(prefix="bench-cover-") as tmp:
        warm = write_article(Path(tmp), 650, seed=999)  # not in the set
        cover_image(*prepare(warm, options))
    times: dict[str, float] = {}
    for path, (article, context) in zip(paths, prepared, strict=True):
        start = time.perf_counter()
        cover_image(article, context)
        times[path.name] = time.perf_counter() - start
    return times


def main(argv: list[str] | None = None) -> int:
    """Time the covers of the set; print them and the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the times here")
    args = parser.parse_args(argv)
    logging.getLogger("exporter").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    times = cover_times(article_set())
    for name, seconds in times.items():
        print(f"{seconds:6.3f} s  {name}")
    values = list(times.values())
    mean = statistics.mean(values)
    print(
        f"cover: {mean:.3f} s per article (mean), median {statistics.median(values):.3f} s, "
        f"{min(values):.3f}-{max(values):.3f} s over {len(values)} articles"
    )
    if args.json is not None:
        data = {"seconds": times, "mean": mean, "median": statistics.median(values)}
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
