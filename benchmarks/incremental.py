"""An archive built once, then again with no change and after changing a few (run by hand).

    python benchmarks/incremental.py [--count 200] [--changed 10] [--jobs 2] [--runs 3]
                                     [--json FILE]

Writes COUNT distinct generated articles (400 to 1,500 words, benchmarks/corpus.py) into
a folder and times `python -m exporter build FOLDER --to pdf,epub,docx -o OUT --jobs N`:
the first, full build; the same build again with nothing changed (RUNS times, the median
shown); and after the issue number of CHANGED articles is changed. Each build's summary
line must say how many it built and how many were up to date; every article must have its
three files. Prints the times and the time per article of each case.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine, load_line, median, tool_env

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "epub", "docx")


def build(folder: Path, out: Path, jobs: int, built: int, up_to_date: int) -> float:
    """Build the folder; check its summary and outputs; return the wall time."""
    command = [sys.executable, "-m", "exporter", "build", str(folder)]
    command += ["--to", ",".join(FORMATS), "-o", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    expected = f"built {built}, up to date {up_to_date}, refused 0, failed 0"
    if done.returncode != 0 or last != expected:
        raise SystemExit(f"expected {expected!r}, got ({done.returncode}):\n{done.stderr}")
    written = sum(not path.name.startswith(".") for path in out.iterdir())
    if written != (built + up_to_date) * len(FORMATS):
        raise SystemExit(f"{written} files for {built + up_to_date} articles")
    return elapsed


def change(article: Path) -> None:
    """Change an article as an editor fixing its issue number would."""
    text = article.read_text(encoding="utf-8")
    if "number: 700\n" not in text:
        raise SystemExit(f"{article}: no issue number to change")
    article.write_text(text.replace("number: 700\n", "number: 701\n", 1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Time the full build, the build with no change and the one after a few changes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="builds with no change")
    parser.add_argument("--json", type=Path, help="write the times here")
    args = parser.parse_args(argv)
    if not 0 < args.changed <= args.count:
        parser.error("--changed must be between 1 and --count")
    print(describe_machine())
    count, changed = args.count, args.changed
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        articles = write_corpus(Path(tmp) / "articles", count)
        folder, out = Path(tmp) / "articles", Path(tmp) / "out"
        full = build(folder, out, args.jobs, count, 0)
        print(f"  full build: {full:.1f} s; {load_line()}", flush=True)
        unchanged = [build(folder, out, args.jobs, 0, count) for _ in range(args.runs)]
        print(f"  no change: {', '.join(f'{t:.2f} s' for t in unchanged)}; {load_line()}")
        step = count // changed
        for article in articles[::step][:changed]:
            change(article)
        after_change = build(folder, out, args.jobs, changed, count - changed)
        print(f"  {changed} changed: {after_change:.1f} s; {load_line()}", flush=True)
    print(f"\n{count} articles, three formats, --jobs {args.jobs}:\n")
    print("| build | wall time | per article |")
    print("| --- | --- | --- |")
    print(f"| full | {full:.1f} s | {full / count:.3f} s |")
    print(
        f"| no change (median of {args.runs}) | {median(unchanged):.2f} s "
        f"| {median(unchanged) / count * 1000:.1f} ms |"
    )
    print(
        f"| {changed} changed | {after_change:.1f} s "
        f"| {after_change / changed:.3f} s per changed article |"
    )
    if args.json is not None:
        data = {
            "articles": count,
            "changed": changed,
            "jobs": args.jobs,
            "seconds": {"full": full, "unchanged": unchanged, "changed": after_change},
        }
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
