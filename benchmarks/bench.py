"""`make bench`: every speed figure of the toolkit beside its budget, in one run.

    python benchmarks/bench.py [--quick] [--json PATH] [--parts batch,cold,...]

Runs the parts in order and prints a table `figure | measured | budget | verdict`, then
writes the figures, the runs behind them, the machine and the load to a JSON file
(default dist/bench.json). The parts, each also a script of its own:

- batch (batch.py): the set of benchmarks/articles/ built in PDF + EPUB + DOCX by
  `exporter build --jobs 1` and `--jobs 2`, interleaved: seconds per article with
  `--jobs 2`, and the speed-up of `--jobs 2` over `--jobs 1`;
- cold (compare_pandoc.py): one article of the set in a new process, three formats
  against pandoc's three commands (md to docx, to epub, to pdf through this venv's
  WeasyPrint), and DOCX only against pandoc's md to docx, in one loop;
- fitting (copyfit_passes.py --set): WeasyPrint layouts per article, the set and the
  CJK fixtures built once each in a warm process;
- memory (memory.py): one process building many generated articles in three formats,
  never replaced: its peak and the growth of its resident memory (run beside fitting,
  since neither is a time);
- cover (cover.py): the EPUB cover, seconds per article in a warm process;
- proof (proof_latency.py): `exporter serve` on the set, 10 small edits saved through
  its API, each timed until both page pictures are served; then 10 unsaved texts sent
  to `POST /api/articles/NAME/proof`, as the editor's page does while typing.

Commands are timed with bytecode written (PYTHONDONTWRITEBYTECODE unset), after one
untimed warm-up of each kind. --quick runs fewer runs and articles, for development.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import batch, compare_pandoc, proof_latency
from benchmarks.articles import COLD_ARTICLE, PROOF_ARTICLE, article_set, body_words
from benchmarks.machine import (
    BYTECODE_NOTE,
    CpuWatch,
    describe_machine,
    load_line,
    load_now,
    machine_facts,
    median,
    tool_env,
)

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PARTS = ("batch", "cold", "fitting", "memory", "cover", "proof")
BUSY = 0.2
"""The share of the CPU other processes may take during a part before the output warns."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure and its budget."""

    key: str
    """A stable name for the JSON."""
    label: str
    """What was measured, in words, with how (runs, articles)."""
    measured: float
    """The figure."""
    budget: float
    """The limit it must stay within."""
    unit: str
    """"s", "x", "MB", "%" or "" (a count)."""
    at_most: bool = True
    """True when the figure must be at most the budget; False, at least."""
    spread: str = ""
    """The range behind it, in words ("0.69-0.72 s"), where there is one."""

    @property
    def verdict(self) -> str:
        """Return "met" or "missed"."""
        ok = self.measured <= self.budget if self.at_most else self.measured >= self.budget
        return "met" if ok else "missed"

    def shown(self, value: float) -> str:
        """Return a value of this figure with its unit."""
        if self.unit == "s":
            return f"{value:.3f} s"
        if self.unit == "x":
            return f"{value:.2f}x"
        if self.unit == "%":
            return f"{value:+.1f}%"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        return f"{value:.2f}"


@dataclass(slots=True)
class Options:
    """How much each part runs."""

    batch_runs: int
    cold_runs: int
    cover_runs: int
    memory_count: int
    edits: int
    parts: tuple[str, ...]


def spread_of(values: list[float], unit: str = "s") -> str:
    """Return 'min-max' of some values."""
    if unit == "s":
        return f"{min(values):.3f}-{max(values):.3f} s"
    return f"{min(values):.2f}-{max(values):.2f}"


def run_script(name: str, *args: str) -> dict[str, Any]:
    """Run one of the benchmark scripts with --json in a new process; return its JSON."""
    with tempfile.TemporaryDirectory(prefix="bench-part-") as tmp:
        out = Path(tmp) / "part.json"
        command = [sys.executable, str(HERE / name), *args, "--json", str(out)]
        done = subprocess.run(command, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def warm_up(articles: list[Path]) -> None:
    """Run each kind of command once untimed: bytecode written, libraries in the file cache."""
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        compare_pandoc.measure(HERE / "articles" / COLD_ARTICLE, Path(tmp), 1)
        batch.build(articles[:2], Path(tmp) / "batch", 2)


def part_batch(options: Options, raw: dict[str, Any]) -> list[Figure]:
    """Time the set's batch with --jobs 1 and --jobs 2."""
    articles = article_set()
    times = batch.measure(articles, options.batch_runs, [1, 2])
    raw["batch"] = {"articles": [p.name for p in articles], "seconds": times}
    count, runs = len(articles), options.batch_runs
    per_article = [t / count for t in times[2]]
    how = f"{count} articles, median of {runs} run{'s' * (runs > 1)}"
    return [
        Figure(
            "batch_seconds_per_article",
            f"batch: seconds per article, PDF + EPUB + DOCX, --jobs 2 ({how})",
            median(times[2]) / count,
            0.25,
            "s",
            spread=spread_of(per_article),
        ),
        Figure(
            "batch_speedup",
            f"batch: --jobs 2 speed-up over --jobs 1 ({how})",
            median(times[1]) / median(times[2]),
            1.7,
            "x",
            at_most=False,
            spread=f"--jobs 1: {spread_of(times[1])}; --jobs 2: {spread_of(times[2])}",
        ),
    ]


def part_cold(options: Options, raw: dict[str, Any]) -> list[Figure]:
    """Time one article in new processes, the exporter and pandoc in one loop."""
    article = HERE / "articles" / COLD_ARTICLE
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        times = compare_pandoc.measure(article, Path(tmp), options.cold_runs)
    raw["cold"] = {"article": article.name, "seconds": times}
    runs = options.cold_runs
    how = f"{article.name}, {body_words(article)} words, median of {runs} run{'s' * (runs > 1)}"

    def ratio(ours: str, theirs: str) -> Figure:
        label = (
            "three formats against pandoc's three commands"
            if ours == "all"
            else ("DOCX only against pandoc md to docx")
        )
        return Figure(
            f"cold_{ours}_ratio",
            f"cold: {label} ({how})",
            median(times[ours]) / median(times[theirs]),
            1.5 if ours == "all" else 2.0,
            "x",
            spread=(
                f"exporter {median(times[ours]):.3f} s ({spread_of(times[ours])}), "
                f"pandoc {median(times[theirs]):.3f} s ({spread_of(times[theirs])})"
            ),
        )

    return [ratio("all", "pandoc all"), ratio("docx", "pandoc docx")]


def part_fitting_and_memory(options: Options, raw: dict[str, Any]) -> list[Figure]:
    """Count the layouts of the set and watch a long-lived builder's memory, side by side."""
    figures: list[Figure] = []
    memory: subprocess.Popen[str] | None = None
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        memory_json = Path(tmp) / "memory.json"
        if "memory" in options.parts:
            every = max(1, options.memory_count // 20)
            command = [sys.executable, str(HERE / "memory.py"), "--count"]
            command += [str(options.memory_count), "--every", str(every)]
            memory = subprocess.Popen(
                [*command, "--json", str(memory_json)],
                cwd=ROOT,
                env=tool_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        if "fitting" in options.parts:
            passes = run_script("copyfit_passes.py", "--set")
            raw["fitting"] = passes
            counts = list(passes["passes"].values())
            figures.append(
                Figure(
                    "fitting_layouts_per_article",
                    f"fitting: WeasyPrint layouts per article, mean over the set and the "
                    f"CJK fixtures ({passes['articles']} articles, each built once, warm)",
                    passes["mean"],
                    1.3,
                    "",
                    spread=f"{min(counts)}-{max(counts)} layouts",
                )
            )
        if memory is not None:
            output, _ = memory.communicate()
            if memory.returncode != 0:
                raise SystemExit(f"memory.py failed ({memory.returncode}):\n{output}")
            data = json.loads(memory_json.read_text(encoding="utf-8"))
            raw["memory"] = data
            count = data["count"]
            figures += [
                Figure(
                    "memory_peak_mb",
                    f"memory: peak of one process building {count} articles in three "
                    f"formats (VmHWM)",
                    data["peak_mb"],
                    500,
                    "MB",
                ),
                Figure(
                    "memory_growth_percent",
                    f"memory: flat, growth of the resident memory from article "
                    f"{data['growth_from']} to {count}",
                    data["growth_percent"],
                    10,
                    "%",
                    spread=f"{data['resident_mb'][str(data['growth_from'])]:.0f} -> "
                    f"{data['resident_mb'][str(count)]:.0f} MB",
                ),
            ]
    return figures


def part_cover(options: Options, raw: dict[str, Any]) -> list[Figure]:
    """Time the EPUB cover of every article of the set in warm processes."""
    runs = [run_script("cover.py") for _ in range(options.cover_runs)]
    raw["cover"] = runs
    means = [run["mean"] for run in runs]
    every = [seconds for run in runs for seconds in run["seconds"].values()]
    count = len(runs[0]["seconds"])
    how = f"median of {len(runs)} runs' means" if len(runs) > 1 else "mean of 1 run"
    return [
        Figure(
            "cover_seconds_per_article",
            f"cover: seconds per article in a warm process ({count} articles, {how})",
            statistics.median(means),
            0.05,
            "s",
            spread=f"one cover {spread_of(every)}",
        )
    ]


def part_proof(options: Options, raw: dict[str, Any]) -> list[Figure]:
    """Time the proof after each of some edits, saved and unsaved, over the HTTP API."""
    words = body_words(HERE / "articles" / PROOF_ARTICLE)
    figures: list[Figure] = []
    for key, draft, what in (
        ("proof", False, "save to both page pictures served"),
        ("draft_proof", True, "unsaved text sent to both page pictures served"),
    ):
        times = proof_latency.measure(PROOF_ARTICLE, options.edits, 2, draft=draft)
        wall = [seconds for seconds, _ in times]
        raw[key] = {
            "article": PROOF_ARTICLE,
            "seconds": wall,
            "server_seconds": [server for _, server in times],
        }
        how = f"{PROOF_ARTICLE}, {words} words, {len(wall)} edits, --jobs 2"
        figures += [
            Figure(
                f"{key}_median_seconds",
                f"{key.replace('_', ' ')}: {what}, median ({how})",
                statistics.median(wall),
                0.5,
                "s",
                spread=spread_of(wall),
            ),
            Figure(
                f"{key}_worst_seconds",
                f"{key.replace('_', ' ')}: {what}, worst ({how})",
                max(wall),
                1.0,
                "s",
            ),
        ]
    return figures


def table(figures: list[Figure]) -> str:
    """Return the figures as a Markdown table."""
    lines = ["| figure | measured | budget | verdict |", "| --- | --- | --- | --- |"]
    for figure in figures:
        measured = figure.shown(figure.measured)
        if figure.spread:
            measured += f" ({figure.spread})"
        budget = ("≤ " if figure.at_most else "≥ ") + figure.shown(figure.budget)
        if figure.unit == "%":
            budget = f"≤ {figure.budget:.0f}%"
        lines.append(f"| {figure.label} | {measured} | {budget} | {figure.verdict} |")
    return "\n".join(lines)


def options_from(args: argparse.Namespace) -> Options:
    """Return how much to run: the defaults, --quick's, or what was given."""
    quick = args.quick
    parts = tuple(args.parts.split(",")) if args.parts else PARTS
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))} (known: {PARTS})")
    return Options(
        batch_runs=args.runs or (1 if quick else 3),
        cold_runs=args.cold_runs or (2 if quick else 5),
        cover_runs=args.cover_runs or (1 if quick else 3),
        memory_count=args.memory_count or (20 if quick else 200),
        edits=args.edits,
        parts=parts,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the parts, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and articles")
    parser.add_argument("--json", type=Path, default=ROOT / "dist" / "bench.json")
    parser.add_argument("--parts", help=f"some of {','.join(PARTS)} (default: all)")
    parser.add_argument("--runs", type=int, help="batch runs (default 3; --quick 1)")
    parser.add_argument("--cold-runs", type=int, help="cold runs (default 5; --quick 2)")
    parser.add_argument("--cover-runs", type=int, help="cover runs (default 3; --quick 1)")
    parser.add_argument(
        "--memory-count", type=int, help="articles the memory part builds (default 200; --quick 20)"
    )
    parser.add_argument("--edits", type=int, default=10, help="proof edits (default 10)")
    args = parser.parse_args(argv)
    options = options_from(args)
    started = time.perf_counter()
    print(describe_machine(), flush=True)
    articles = article_set()
    words = {path.name: body_words(path) for path in articles}
    print(
        f"article set: {len(articles)} articles of {min(words.values())}-"
        f"{max(words.values())} words (benchmarks/articles/)"
        + (" (--quick: fewer runs and articles)" if args.quick else ""),
        flush=True,
    )
    warm_up(articles)
    print(f"warm-up done (each command once, untimed); {load_line()}", flush=True)
    steps: list[tuple[str, Callable[[Options, dict[str, Any]], list[Figure]]]] = [
        ("batch", part_batch),
        ("cold", part_cold),
        ("fitting+memory", part_fitting_and_memory),
        ("cover", part_cover),
        ("proof", part_proof),
    ]
    figures: list[Figure] = []
    raw: dict[str, Any] = {}
    loads: dict[str, list[float]] = {"start": load_now()}
    others: dict[str, float] = {}
    for name, step in steps:
        if not set(name.split("+")) & set(options.parts):
            continue
        began, watch = time.perf_counter(), CpuWatch()
        found = step(options, raw)
        figures += found
        loads[name], others[name] = load_now(), round(watch.others_share(), 3)
        seconds = time.perf_counter() - began
        print(
            f"{name}: done in {seconds:.0f} s; other processes took {others[name]:.0%} of "
            f"the CPU; {load_line()}",
            flush=True,
        )
        for figure in found:
            print(f"  {figure.key}: {figure.shown(figure.measured)} ({figure.verdict})")
    total = time.perf_counter() - started
    print()
    print(table(figures))
    print(f"\n{len(figures)} figures, {sum(f.verdict == 'met' for f in figures)} met; ", end="")
    print(f"the benchmark took {total:.0f} s; {load_line()}")
    busy = [name for name, share in others.items() if share > BUSY]
    if busy:
        print(
            f"warning: other processes took more than {BUSY:.0%} of the CPU during "
            f"{', '.join(busy)}: its times may be high (a batch's speed-up low); run again on a "
            "quiet machine to compare"
        )
    report = {
        "version": 1,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(total, 1),
        "machine": machine_facts(),
        "bytecode": BYTECODE_NOTE,
        "load": loads,
        "others_cpu": others,
        "options": asdict(options),
        "articles": words,
        "figures": [{**asdict(f), "verdict": f.verdict} for f in figures],
        "runs": raw,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
