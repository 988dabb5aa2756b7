"""An archive of 1,000 articles built, changed in a few, rebuilt, measured (run by hand).

    python benchmarks/archive.py [--count 1000] [--changed 10] [--jobs 2] [--json FILE]

Not part of `make bench`: it takes minutes. Writes COUNT distinct generated articles
(400 to 1,500 words, benchmarks/corpus.py) into a folder and times
`python -m exporter build FOLDER --to pdf,epub,docx -o OUT --jobs N` three times: the
full build; after the issue number of CHANGED articles is changed; and with no change.
Each build's summary must say how many it built and how many were up to date, and every
article must have its three files. While a build runs, the peak resident memory (VmHWM)
of the build's processes (the command and its workers) is read from /proc. Prints the
wall time, the time per article and the peak memory of each build; --json writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.incremental import change
from benchmarks.machine import describe_machine, load_now, machine_facts, tool_env

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "epub", "docx")
MB = 1_000_000
"""The budget's megabyte."""


class PeakMemory:
    """The peak resident memory of a process's children, polled from /proc while it runs."""

    def __init__(self, parent: int, interval: float = 0.5) -> None:
        self.parent = parent
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def stop(self) -> tuple[float, int]:
        """Stop polling; return the largest worker peak in MB and how many workers were seen."""
        self.stopped.set()
        self.thread.join()
        workers = [peak for pid, peak in self.peaks.items() if pid != self.parent]
        return max(workers, default=0) / MB, len(workers)

    def main_peak(self) -> float:
        """Return the peak of the build command itself, in MB."""
        return self.peaks.get(self.parent, 0) / MB

    def _poll(self) -> None:
        while not self.stopped.wait(self.interval):
            for pid in [self.parent, *_children(self.parent)]:
                peak = _peak_bytes(pid)
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)


def _children(parent: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{parent}/task").iterdir()
        found: list[int] = []
        for task in tasks:
            text = (task / "children").read_text(encoding="ascii")
            found.extend(int(pid) for pid in text.split())
        return found
    except OSError:  # gone between two reads
        return []


def _peak_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def build(folder: Path, out: Path, jobs: int, built: int, up_to_date: int) -> dict[str, float]:
    """Build the folder; check its summary and outputs; return its time and memory."""
    command = [sys.executable, "-m", "exporter", "build", str(folder)]
    command += ["--to", ",".join(FORMATS), "-o", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=tool_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        memory = PeakMemory(process.pid)
        _stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - start
        worker_peak, workers = memory.stop()
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    expected = f"built {built}, up to date {up_to_date}, refused 0, failed 0"
    if process.returncode != 0 or last != expected:
        raise SystemExit(f"expected {expected!r}, got ({process.returncode}):\n{stderr[-4000:]}")
    written = sum(not path.name.startswith(".") for path in out.iterdir())
    if written != (built + up_to_date) * len(FORMATS):
        raise SystemExit(f"{written} files for {built + up_to_date} articles")
    return {
        "seconds": elapsed,
        "built": built,
        "worker_peak_mb": worker_peak,
        "workers_seen": workers,
        "main_peak_mb": memory.main_peak(),
        "load": load_now()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Time the full build of the archive, the rebuild after a few changes and with none."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not 0 < args.changed <= args.count:
        parser.error("--changed must be between 1 and --count")
    print(describe_machine(), flush=True)
    count, changed = args.count, args.changed
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        folder, out = Path(tmp) / "articles", Path(tmp) / "out"
        articles = write_corpus(folder, count)
        results["full"] = build(folder, out, args.jobs, count, 0)
        print(f"  full build: {results['full']}", flush=True)
        for article in articles[:: count // changed][:changed]:
            change(article)
        results["changed"] = build(folder, out, args.jobs, changed, count - changed)
        print(f"  {changed} changed: {results['changed']}", flush=True)
        results["unchanged"] = build(folder, out, args.jobs, 0, count)
        print(f"  no change: {results['unchanged']}", flush=True)
    print(f"\n{count} articles, three formats, --jobs {args.jobs}:\n")
    print("| build | wall time | per article | peak memory of a worker | load average (1 min) |")
    print("| --- | --- | --- | --- | --- |")
    for name, label, per in (
        ("full", "full", count),
        ("changed", f"{changed} changed", changed),
        ("unchanged", "no change", count),
    ):
        figures = results[name]
        seconds = figures["seconds"]
        each = f"{seconds / per:.3f} s" if name != "unchanged" else f"{seconds / per * 1000:.1f} ms"
        worker = f"{figures['worker_peak_mb']:.0f} MB" if figures["workers_seen"] else "no worker"
        print(f"| {label} | {seconds:.1f} s | {each} | {worker} | {figures['load']:.2f} |")
    if args.json is not None:
        data = {
            "articles": count,
            "changed": changed,
            "jobs": args.jobs,
            "builds": results,
            "machine": machine_facts(),
            "cpus": os.cpu_count(),
        }
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
