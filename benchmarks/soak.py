"""A large batch, watched: articles built, wall time, and each worker's peak memory (by hand).

    python benchmarks/soak.py [--count 1000] [--jobs 2] [--to docx,json]

Writes COUNT generated articles (400 to 1,500 words), runs
`python -m exporter build FOLDER --jobs N --to FORMATS`, samples the memory of every
worker process from /proc ten times a second while it runs, checks that every article
has every output, and prints the wall time, the time per article, the number of worker
processes seen (they are replaced after 50 articles) and their peak RSS and address space.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine
from tests.tools import children

ROOT = Path(__file__).resolve().parent.parent


def memory_of(pid: int) -> tuple[int, int]:
    """Return the peak RSS and peak address space of a process, in kB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values.get("VmHWM", "0 kB").split()[0]), int(values.get("VmPeak", "0 kB").split()[0])


def main() -> int:
    """Write the corpus, run the batch while sampling its workers, print what was seen."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--to", default="docx,json")
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder) / "articles"
        out = Path(folder) / "out"
        write_corpus(articles, args.count)
        command = [sys.executable, "-m", "exporter", "build", str(articles), "-q"]
        command += ["--jobs", str(args.jobs), "--to", args.to, "-o", str(out)]
        started = time.perf_counter()
        batch = subprocess.Popen(command, cwd=ROOT)
        peaks: dict[int, tuple[int, int]] = {}
        while batch.poll() is None:
            for pid in children(batch.pid):
                rss, space = memory_of(pid)
                old = peaks.get(pid, (0, 0))
                peaks[pid] = (max(old[0], rss), max(old[1], space))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        formats = args.to.split(",")
        missing = [
            source.stem
            for source in articles.glob("*.md")
            for fmt in formats
            if not (out / f"{source.stem}.{fmt}").is_file()
        ]
    print(f"exit code {batch.returncode}; {args.count} articles, {len(missing)} outputs missing")
    print(f"{seconds:.1f} s in all, {seconds / args.count:.3f} s per article")
    if peaks:
        rss_mib = max(value[0] for value in peaks.values()) / 1024
        space_mib = max(value[1] for value in peaks.values()) / 1024
        print(
            f"{len(peaks)} worker processes; peak RSS {rss_mib:.0f} MiB, "
            f"address space {space_mib:.0f} MiB"
        )
    return 0 if batch.returncode == 0 and not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
