"""Many articles in three formats: `exporter build --jobs 1` against `--jobs 2` (run by hand).

    python benchmarks/batch.py [--count 60] [--runs 3] [--jobs 1,2]

Writes COUNT generated articles (400 to 1,500 words), then runs
`python -m exporter build *.md --to pdf,epub,docx -o OUT -q --jobs N` for each N, the
cases interleaved in each run, and prints the median wall time, the time per article and
the speed-up of each N over the first. On a CLI without --jobs it times the plain
sequential build (the same work as --jobs 1) and says that the others were not run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine, load_line, median, run_timed, spread

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "epub", "docx")


def has_jobs() -> bool:
    """Return whether this exporter's build command takes --jobs."""
    command = [sys.executable, "-m", "exporter", "build", "--help"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return "--jobs" in done.stdout


def build(articles: list[Path], out: Path, jobs: int | None) -> float:
    """Build every article into a fresh folder; check the outputs; return the wall time."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "exporter", "build", *map(str, articles)]
    command += ["--to", ",".join(FORMATS), "-o", str(out), "-q"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    elapsed = run_timed(command, cwd=ROOT)
    written = len(list(out.iterdir()))
    if written != len(articles) * len(FORMATS):
        raise SystemExit(f"--jobs {jobs}: {written} files for {len(articles)} articles")
    return elapsed


def main() -> int:
    """Write the corpus, time each --jobs value and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()
    print(describe_machine())
    jobs: list[int | None] = [int(j) for j in args.jobs.split(",")]
    if not has_jobs():
        print("this CLI has no --jobs: timing the sequential build only (as --jobs 1)")
        jobs = [None]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        articles = write_corpus(Path(tmp) / "in", args.count)
        times: dict[int | None, list[float]] = {j: [] for j in jobs}
        for run in range(args.runs):
            for j in jobs:
                times[j].append(build(articles, Path(tmp) / "out", j))
            print(f"run {run + 1}: " + ", ".join(f"{t[-1]:.1f} s" for t in times.values()))
            print(f"  {load_line()}")
    first = median(times[jobs[0]])
    print(f"\n{args.count} articles, three formats, {args.runs} runs:\n")
    print("| jobs | wall time | per article | speed-up over the first |")
    print("| --- | --- | --- | --- |")
    for j in jobs:
        label = "sequential (no --jobs)" if j is None else str(j)
        print(
            f"| {label} | {spread(times[j])} | {median(times[j]) / args.count:.3f} s "
            f"| {first / median(times[j]):.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
