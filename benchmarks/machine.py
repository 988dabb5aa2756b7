"""What the benchmarks share: the machine's description, the load, timing and medians."""

from __future__ import annotations

import ctypes.util
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


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


def describe_machine() -> str:
    """Return a few lines that say what machine and which versions ran the benchmark."""
    return "\n".join(
        [
            f"machine: {os.cpu_count()} cores (nproc), {_cpu_model()}, "
            f"{_memory_gib():.1f} GiB memory, {platform.platform()}",
            f"python {platform.python_version()}, weasyprint {_version('weasyprint')}, "
            f"{_pandoc_version()}, typst (python) {_version('typst')}, "
            f"libharfbuzz-subset0 {_harfbuzz_subset()}",
            load_line(),
        ]
    )


def load_line() -> str:
    """Return the load averages now, as uptime prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def tool_env() -> dict[str, str]:
    """Return the environment with this venv's bin first on PATH (weasyprint for pandoc)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
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
