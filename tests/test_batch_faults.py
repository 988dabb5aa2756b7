"""Batches at real volumes and under faults: every article built or reported, no hang."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.test_batch import run, write_articles
from tests.test_workpool import alive
from tests.tools import children

EXPORTER = [sys.executable, "-m", "exporter"]


def small_articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        path = folder / f"a{i:04d}.md"
        path.write_text(f"---\ntitle: Article {i}\n---\n\nParagraph of article {i}.\n")
        paths.append(path)
    return paths


def test_a_batch_of_300_articles_builds_every_one(tmp_path: Path) -> None:
    # Past the worker's allowance of 50 articles several times over: the volume at
    # which a pool with max_tasks_per_child hung.
    sources = small_articles(tmp_path / "articles", 300)
    out = tmp_path / "out"
    code, err = run(
        "build",
        str(tmp_path / "articles"),
        "--jobs",
        "2",
        "--to",
        "docx,json",
        "--out",
        str(out),
        "--quiet",
    )
    assert code == 0, err
    for source in sources:
        assert (out / f"{source.stem}.docx").stat().st_size > 0
        assert (out / f"{source.stem}.json").stat().st_size > 0


def busy(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) == "R"
    except OSError:
        return False


def test_a_worker_killed_mid_batch_costs_its_article_alone(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 60)
    out = tmp_path / "out"
    batch = subprocess.Popen(
        [*EXPORTER, "build", str(tmp_path / "articles"), "--jobs", "2", "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    victim = 0
    deadline = time.monotonic() + 120
    while not victim and time.monotonic() < deadline and batch.poll() is None:
        if len(list(out.glob("*.pdf"))) >= 5:  # workers warm, half the batch to go
            victim = next((pid for pid in children(batch.pid) if busy(pid)), 0)
        time.sleep(0.02)
    assert victim, "no busy worker was found"
    os.kill(victim, signal.SIGKILL)
    _, err = batch.communicate(timeout=300)
    assert batch.returncode == 1, err
    failed = [line for line in err.splitlines() if "died (signal 9)" in line]
    assert len(failed) == 1, err
    assert "built 59, up to date 0, refused 0, failed 1" in err
    lost = Path(re.sub(r"^exporter: (.*?): .*$", r"\1", failed[0])).stem
    for source in sources:
        if source.stem != lost:
            for suffix in (".pdf", ".epub", ".docx"):
                assert (out / f"{source.stem}{suffix}").stat().st_size > 0


def test_sigterm_ends_the_batch_and_leaves_no_worker(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 40)
    out = tmp_path / "out"
    batch = subprocess.Popen(
        [*EXPORTER, "build", str(tmp_path / "articles"), "--jobs", "2", "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.pdf"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(batch.pid)
    assert workers
    batch.send_signal(signal.SIGTERM)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
    time.sleep(0.5)
    assert not any(alive(pid) for pid in workers)
    assert not list(out.glob(".*.tmp"))  # no half-written file left behind
    assert len(list(out.glob("*.pdf"))) < 40


def test_an_article_past_the_time_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 2)
    for argv in ([str(sources[0])], [str(tmp_path / "articles"), "--jobs", "2"]):
        code, err = run(
            "build", *argv, "--timeout", "0.01", "--to", "pdf", "--out", str(tmp_path / "out")
        )
        assert code == 2, err
        assert "refused: the build took longer than the limit of 0.01 s" in err
        assert "Traceback" not in err
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_limits_on_the_command_line_are_checked(tmp_path: Path) -> None:
    source = write_articles(tmp_path / "articles", 1)[0]
    code, err = run("build", str(source), "--timeout", "-1")
    assert code == 2 and "--timeout -1 is not a number of seconds" in err
    code, err = run("build", str(source), "--memory-limit", "-5")
    assert code == 2 and "--memory-limit -5 is not a number of megabytes" in err
