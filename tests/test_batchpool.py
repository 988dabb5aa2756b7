"""A batch's workers start before its articles are read, each with its formats' writers loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.batchpool import start_pool
from exporter.collector import COLLECT_AFTER
from tests import pool_tasks
from tests.test_batch import run, write_articles

# Runs `exporter build` in a new process and prints, as JSON, which of the parent's own
# modules were loaded when the batch's workers were started (none if they never were).
SCRIPT = """
import json, sys
from exporter import batchpool
started = []
start_pool = batchpool.start_pool
def recording(*args, **named):
    started.append(sorted(m for m in ("exporter.build", "exporter.readers", "yaml")
                          if m in sys.modules))
    return start_pool(*args, **named)
batchpool.start_pool = recording
from exporter.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "started": started}))
"""


def build_recording(*argv: str) -> dict[str, object]:
    """Run `exporter build ARGV` in a new process; say when its workers started."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "build", *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return answer


@pytest.mark.parametrize(
    ("formats", "loaded", "not_loaded"),
    [
        (("docx",), {"exporter.batch", "exporter.writers.docx", "docx"}, {"weasyprint"}),
        (("pdf", "epub"), {"exporter.writers.pdf", "exporter.writers.epub", "weasyprint"}, set()),
    ],
)
def test_a_worker_has_its_formats_writers_loaded_before_its_first_article(
    formats: tuple[str, ...], loaded: set[str], not_loaded: set[str]
) -> None:
    pool = start_pool(1, formats)
    try:
        modules = set(pool.submit(pool_tasks.loaded_modules).result(timeout=120))
    finally:
        pool.shutdown()
    assert loaded <= modules
    assert not not_loaded & modules
    assert "exporter.writers.xliff" not in modules


def test_a_worker_collects_cycles_as_rarely_as_the_command_line() -> None:
    pool = start_pool(1, ("json",))
    try:
        assert pool.submit(pool_tasks.collection_threshold).result(timeout=60) == COLLECT_AFTER
    finally:
        pool.shutdown()


def test_the_workers_of_named_files_start_before_the_articles_are_read(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    answer = build_recording(
        *map(str, sources), "--jobs", "2", "--to", "docx", "-q", "-o", str(out)
    )
    assert answer == {"code": 0, "started": [[]]}  # once, before the reader and the layouts
    assert sorted(p.name for p in out.iterdir()) == [f"{s.stem}.docx" for s in sources]


@pytest.mark.parametrize(
    "how",
    [
        ["--jobs", "1"],  # one process: no pool
        ["--jobs", "2", "FOLDER"],  # a folder: started once its manifest says what to build
    ],
)
def test_no_pool_is_started_early_for_one_process_or_a_folder(
    tmp_path: Path, how: list[str]
) -> None:
    sources = write_articles(tmp_path / "in", 2)
    named = [str(tmp_path / "in")] if "FOLDER" in how else list(map(str, sources))
    options = [option for option in how if option != "FOLDER"]
    answer = build_recording(*named, *options, "--to", "json", "-q", "-o", str(tmp_path / "out"))
    assert answer["code"] == 0
    # A folder's pool is started by build_all once the manifest is read: after the reader.
    assert answer["started"] == (
        [] if "1" in how else [["exporter.build", "exporter.readers", "yaml"]]
    )


def test_named_files_give_the_same_files_in_workers_as_in_one_process(tmp_path: Path) -> None:
    sources = list(map(str, write_articles(tmp_path / "in", 3)))
    for jobs in ("1", "2"):
        code, err = run(
            "build", *sources, "--jobs", jobs, "--to", "epub,docx", "-q", "-o", str(tmp_path / jobs)
        )
        assert code == 0, err
    one = sorted((tmp_path / "1").iterdir())
    assert len(one) == 6
    for path in one:
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name
