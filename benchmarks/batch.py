"""Many articles in three formats: `exporter build --jobs 1` against `--jobs 2` (run by hand).

    python benchmarks/batch.py [--runs 3] [--jobs 1,2] [--count N] [--json FILE]

Runs `python -m exporter build ARTICLES --to pdf,epub,docx -o OUT -q --jobs N --force`
for each N, the cases interleaved in each run, and prints the median wall time, the time
per article and the speed-up of each N over the first. ARTICLES is the benchmark's set
(benchmarks/articles/), or with --count N that many generated articles (400 to 1,500
words). Every build is a full one, into a fresh folder and with --force (an incremental
build would skip the articles already up to date). Each run checks that every article
has its three files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import article_set
from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine, load_line, median, run_timed, spread

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "epub", "docx")


def build(articles: list[Path], out: Path, jobs: int) -> float:
    """Build every article into a fresh folder; check the outputs; return the wall time."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "exporter", "build", *map(str, articles)]
    command += ["--to", ",".join(FORMATS), "-o", str(out), "-q", "--jobs", str(jobs), "--force"]
    elapsed = run_timed(command, cwd=ROOT)
    written = sum(not path.name.startswith(".") for path in out.iterdir())  # not the manifest
    if written != len(articles) * len(FORMATS):
        raise SystemExit(f"--jobs {jobs}: {written} files for {len(articles)} articles")
    return elapsed


def measure(articles: list[Path], runs: int, jobs: list[int]) -> dict[int, list[float]]:
    """Build the articles `runs` times with each --jobs value, interleaved; return the times."""
    times: dict[int, list[float]] = {j: [] for j in jobs}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for run in range(runs):
            for j in jobs:
                times[j].append(build(articles, Path(tmp) / "out", j))
            laps = ", ".join(f"--jobs {j}: {t[-1]:.1f} s" for j, t in times.items())
            print(f"  batch run {run + 1}: {laps}; {load_line()}", flush=True)
    return times


def main(argv: list[str] | None = None) -> int:
    """Time each --jobs value over the articles and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--count", type=int, help="generated articles instead of the set")
    parser.add_argument("--json", type=Path, help="write the times here")
    args = parser.parse_args(argv)
    print(describe_machine())
    jobs = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        articles = write_corpus(Path(tmp), args.count) if args.count else article_set()
        times = measure(articles, args.runs, jobs)
    first = median(times[jobs[0]])
    print(f"\n{len(articles)} articles, three formats, {args.runs} runs:\n")
    print("| jobs | wall time | per article | speed-up over the first |")
    print("| --- | --- | --- | --- |")
    for j in jobs:
        print(
            f"| {j} | {spread(times[j])} | {median(times[j]) / len(articles):.3f} s "
            f"| {first / median(times[j]):.2f}x |"
        )
    if args.json is not None:
        data = {"articles": len(articles), "seconds": {str(j): t for j, t in times.items()}}
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
