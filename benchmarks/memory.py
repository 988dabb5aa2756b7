"""Resident memory of one process building 200 articles in a row (run by hand).

    python benchmarks/memory.py [--count 200] [--every 10]

Writes COUNT generated articles (400 to 1,500 words, all different), builds each into
PDF, EPUB and DOCX with exporter.build.build_file in this one process, and after every
EVERY articles prints VmRSS (resident now) and VmHWM (peak) from /proc/self/status.
Ends with the growth of the resident memory from article EVERY to the last, in %.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine, load_line
from exporter.build import BuildOptions, build_file


def memory_mib() -> tuple[float, float]:
    """Return this process's resident memory now and at its peak, in MiB."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def main() -> int:
    """Build the articles one after another and print the memory as it goes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    logging.getLogger("exporter").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        articles = write_corpus(Path(tmp) / "in", args.count)
        options = BuildOptions(formats=("pdf", "epub", "docx"), out_dir=Path(tmp) / "out")
        rss0, _ = memory_mib()
        print(f"\nbefore the first build: {rss0:.0f} MiB resident\n")
        print("| articles | resident (VmRSS) | peak (VmHWM) | seconds per article |")
        print("| --- | --- | --- | --- |")
        marks: dict[int, float] = {}
        highest = 0.0
        start = time.perf_counter()
        for done, article in enumerate(articles, start=1):
            build_file(article, options)
            if done % args.every == 0 or done == len(articles):
                rss, peak = memory_mib()
                marks[done] = rss
                highest = max(highest, peak)
                per_article = (time.perf_counter() - start) / args.every
                print(f"| {done} | {rss:.0f} MiB | {peak:.0f} MiB | {per_article:.2f} |")
                start = time.perf_counter()
    first, last = marks[min(marks)], marks[max(marks)]
    print(
        f"\ngrowth from article {min(marks)} to {max(marks)}: {first:.0f} -> {last:.0f} MiB, "
        f"{(last - first) / first * 100:+.1f}%; peak {highest:.0f} MiB; {load_line()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
