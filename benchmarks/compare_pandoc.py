"""One article in a cold process: the exporter against pandoc's own commands (run by hand).

    python benchmarks/compare_pandoc.py [--runs 5] [--words 400,950,1500 | --article FILE]
                                        [--profile]

For each length (generated articles), or for the article FILE, runs side by side in
the same loop, each in a new process: `python -m exporter build A.md --to pdf,epub,docx`
against pandoc to DOCX, to EPUB and to PDF (--pdf-engine=weasyprint, this venv's
weasyprint on PATH) one after the other; then `--to docx` against pandoc to DOCX.
Prints medians and the ratios of the medians. --profile adds the top functions of one
cold three-format build (cProfile).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import body_words
from benchmarks.corpus import write_article
from benchmarks.machine import describe_machine, load_line, median, pandoc_path, run_timed, spread

ROOT = Path(__file__).resolve().parent.parent


def exporter_command(article: Path, out: Path, formats: str) -> list[str]:
    """Return the exporter's build command for one article."""
    command = [sys.executable, "-m", "exporter", "build", str(article)]
    return [*command, "--to", formats, "-o", str(out), "-q"]


def pandoc_commands(article: Path, out: Path) -> dict[str, list[str]]:
    """Return pandoc's command for each format, on the same Markdown file."""
    pandoc = pandoc_path()
    return {
        "docx": [pandoc, str(article), "-o", str(out / "pandoc.docx")],
        "epub": [pandoc, str(article), "-o", str(out / "pandoc.epub")],
        "pdf": [pandoc, str(article), "--pdf-engine=weasyprint", "-o", str(out / "pandoc.pdf")],
    }


def measure(article: Path, out: Path, runs: int) -> dict[str, list[float]]:
    """Time the four cases `runs` times, interleaved; return their wall times."""
    times: dict[str, list[float]] = {"all": [], "pandoc all": [], "docx": [], "pandoc docx": []}
    pandoc = pandoc_commands(article, out)
    for _ in range(runs):
        times["all"].append(run_timed(exporter_command(article, out, "pdf,epub,docx"), cwd=ROOT))
        times["pandoc all"].append(sum(run_timed(command) for command in pandoc.values()))
        times["docx"].append(run_timed(exporter_command(article, out, "docx"), cwd=ROOT))
        times["pandoc docx"].append(run_timed(pandoc["docx"]))
    return times


def profile(article: Path, out: Path) -> None:
    """Print the top functions of one cold three-format build, by cumulative time."""
    command = [sys.executable, "-m", "cProfile", "-s", "cumulative"]
    command += exporter_command(article, out, "pdf,epub,docx")[1:]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print("\n".join(lines[start - 2 : start + 40]))


def main() -> int:
    """Write the articles, time both tools on each and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", default="400,950,1500")
    parser.add_argument("--article", type=Path, help="this article instead of generated ones")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        folder = Path(tmp)
        if args.article:
            articles = [args.article.resolve()]
        else:
            articles = [write_article(folder / "in", int(w)) for w in args.words.split(",")]
        # One untimed build of each kind, so that the file cache holds every library.
        measure(articles[0], folder, 1)
        print(
            "\n| words | exporter 3 formats | pandoc 3 commands | ratio "
            "| exporter DOCX | pandoc DOCX | ratio | load after |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for article in articles:
            t = measure(article, folder, args.runs)
            words = body_words(article)
            print(
                f"| {words} | {spread(t['all'])} | {spread(t['pandoc all'])} "
                f"| {median(t['all']) / median(t['pandoc all']):.2f}x "
                f"| {spread(t['docx'])} | {spread(t['pandoc docx'])} "
                f"| {median(t['docx']) / median(t['pandoc docx']):.2f}x | {load_line()[14:]} |"
            )
        if args.profile:
            print()
            profile(articles[-1], folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
