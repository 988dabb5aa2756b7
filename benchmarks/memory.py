"""Resident memory of one process building many articles in a row (a batch worker's).

    python benchmarks/memory.py [--count 200] [--every 10] [--json FILE]

Writes COUNT generated articles (400 to 1,500 words, all different, seeded), builds each
into PDF, EPUB and DOCX with exporter.build.build_file in this one process, as a batch
worker does but never replaced, and after every EVERY articles prints VmRSS (resident
now) and VmHWM (peak) from /proc/self/status. Ends with the growth of the resident
memory from the mark at a tenth of the articles (the caches filled; at least the 20th,
or the middle of a shorter run) to the last, in %, and the peak; --json writes them.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine, load_line
from exporter.build import BuildOptions, build_file

MB = 1_000_000
"""The budget's megabyte."""


def memory_mb() -> tuple[float, float]:
    """Return this process's resident memory now and at its peak, in MB."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024 / MB
    return fields["VmRSS"], fields["VmHWM"]


def growth(marks: dict[int, float]) -> tuple[int, int, float]:
    """Return the first mark once the caches are filled, the last, and the growth, in %.

    The caches are taken as filled at a tenth of the articles, or at the 20th (the middle
    of a short run), whichever comes later.
    """
    last = max(marks)
    first = min(done for done in marks if done >= max(last / 10, min(20, last / 2)))
    return first, last, (marks[last] - marks[first]) / marks[first] * 100


def main(argv: list[str] | None = None) -> int:
    """Build the articles one after another and print the memory as it goes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write the marks and figures here")
    args = parser.parse_args(argv)
    logging.getLogger("exporter").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        articles = write_corpus(Path(tmp) / "in", args.count)
        options = BuildOptions(formats=("pdf", "epub", "docx"), out_dir=Path(tmp) / "out")
        rss0, _ = memory_mb()
        print(f"\nbefore the first build: {rss0:.0f} MB resident\n")
        print("| articles | resident (VmRSS) | peak (VmHWM) | seconds per article |")
        print("| --- | --- | --- | --- |")
        marks: dict[int, float] = {}
        highest = 0.0
        started = start = time.perf_counter()
        for done, article in enumerate(articles, start=1):
            build_file(article, options)
            if done % args.every == 0 or done == len(articles):
                rss, peak = memory_mb()
                marks[done] = rss
                highest = max(highest, peak)
                per_article = (time.perf_counter() - start) / args.every
                print(f"| {done} | {rss:.0f} MB | {peak:.0f} MB | {per_article:.2f} |")
                start = time.perf_counter()
        seconds = time.perf_counter() - started
    first, last, grown = growth(marks)
    print(
        f"\ngrowth from article {first} to {last}: {marks[first]:.0f} -> {marks[last]:.0f} MB, "
        f"{grown:+.1f}%; peak {highest:.0f} MB; {load_line()}"
    )
    if args.json is not None:
        data = {
            "count": args.count,
            "before_mb": round(rss0, 1),
            "resident_mb": {str(done): round(rss, 1) for done, rss in marks.items()},
            "peak_mb": round(highest, 1),
            "growth_from": first,
            "growth_percent": round(grown, 2),
            "seconds_per_article": round(seconds / args.count, 3),
        }
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
