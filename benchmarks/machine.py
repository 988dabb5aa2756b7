"""What the benchmarks share: the machine's description, the load, timing and medians."""

from __future__ import annotations

import ctypes.util
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
BYTECODE_NOTE = (
    "bytecode: written (PYTHONDONTWRITEBYTECODE unset for the commands timed, "
    "as an installed package has its .pyc files)"
)


def pandoc_path() -> str:
    """Return the pandoc that pypandoc-binary ships."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _harfbuzz_subset() -> str:
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status} ${Version}", "libharfbuzz-subset0"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0 and "installed" in done.stdout:
            return "installed " + done.stdout.split()[-1]
    except OSError:
        pass
    found = ctypes.util.find_library("harfbuzz-subset")
    return f"found ({found})" if found else "not installed"


def _pandoc_version() -> str:
    try:
        done = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True)
        return done.stdout.splitlines()[0]
    except (ImportError, OSError, IndexError):
        return "not installed"


def machine_facts() -> dict[str, str | int | float]:
    """Return what machine and which versions run the benchmark, as data."""
    return {
        "cores": os.cpu_count() or 0,
        "cpu": _cpu_model(),
        "memory_gib": round(_memory_gib(), 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": _version("weasyprint"),
        "pandoc": _pandoc_version(),
        "libharfbuzz_subset0": _harfbuzz_subset(),
    }


def describe_machine() -> str:
    """Return a few lines that say what machine and which versions ran the benchmark."""
    facts = machine_facts()
    return "\n".join(
        [
            f"machine: {facts['cores']} cores (nproc), {facts['cpu']}, "
            f"{facts['memory_gib']} GiB memory, {facts['platform']}",
            f"python {facts['python']}, weasyprint {facts['weasyprint']}, {facts['pandoc']}, "
            f"libharfbuzz-subset0 {facts['libharfbuzz_subset0']}",
            BYTECODE_NOTE,
            load_line(),
        ]
    )


def load_line() -> str:
    """Return the load averages now, as uptime prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def load_now() -> list[float]:
    """Return the load averages now (1, 5 and 15 minutes), rounded."""
    return [round(value, 2) for value in os.getloadavg()]


def cpu_seconds() -> tuple[float, float]:
    """Return the CPU seconds the machine has been busy, and those of this process and
    its finished children (the commands timed and their workers)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    own = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        own += usage.ru_utime + usage.ru_stime
    return busy, own


class CpuWatch:
    """How much of the machine's CPU other processes took while it watched."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.busy, self.own = cpu_seconds()

    def others_share(self) -> float:
        """Return the share of all cores that others used since the watch started (0-1)."""
        busy, own = cpu_seconds()
        wall = time.perf_counter() - self.started
        others = (busy - self.busy) - (own - self.own)
        return max(0.0, others / (wall * (os.cpu_count() or 1)))


def tool_env() -> dict[str, str]:
    """Return the environment of the commands timed: this venv's bin first on PATH
    (pandoc finds its weasyprint there), and bytecode written as an installed package's is."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_timed(command: Sequence[str], cwd: Path | None = None) -> float:
    """Run a command to completion, failing loudly; return its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return elapsed


def median(values: Sequence[float]) -> float:
    """Return the median of some timings."""
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """Return 'median (min-max)' of some timings in seconds."""
    return f"{median(values):.3f} s ({min(values):.3f}-{max(values):.3f})"
