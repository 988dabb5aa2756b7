"""Builds on a Dask cluster: a scheduler and two workers on the loopback address."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.test_batch import run, write_articles

pytest.importorskip("distributed")

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    """A scheduler and its worker processes, each a `dask` command."""

    def __init__(self, folder: Path, *worker_options: str, **config: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **config}
        self.worker_options = worker_options or ("--no-nanny",)
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start(
            "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"
        )
        self.workers = [self.start_worker(), self.start_worker()]
        self.wait_for(2)

    def start_worker(self) -> subprocess.Popen[bytes]:
        return self._start(
            "worker",
            self.address,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            *self.worker_options,
            "--no-dashboard",
            "--local-directory",
            str(self.folder),
        )

    def busy_worker(self) -> subprocess.Popen[bytes]:
        """Take out of the list and return a worker the scheduler has given tasks to."""
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            pids = client.run(os.getpid)
            busy = {pids[address] for address, keys in client.processing().items() if keys}
        victim = next(worker for worker in self.workers if worker.pid in busy)
        self.workers.remove(victim)
        return victim

    def wait_for(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=60)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _start(self, *argv: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(DASK), *argv],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    started = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield started
    finally:
        started.stop()


def pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def test_a_cluster_build_gives_a_local_build_s_outputs_and_a_bad_article_fails_alone(
    cluster: Cluster, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    sources = write_articles(articles, 7)
    pictured = articles / "pictured"
    pictured.mkdir()
    Image.new("RGB", (60, 40), "red").save(pictured / "square.png")
    text = "---\ntitle: With a Picture\n---\nA square.\n\n![A red square](square.png)\n"
    (pictured / "pictured.md").write_text(text, encoding="utf-8")
    (articles / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    names = [source.stem for source in sources] + ["pictured"]

    code, err = run(
        "build", str(articles), "--scheduler", cluster.address, "-o", str(tmp_path / "c")
    )
    assert code == 2, err
    refused = [line for line in err.splitlines() if line.startswith("exporter: ")]
    assert len(refused) == 1
    assert str(articles / "broken.md") in refused[0]
    assert "exporter-task-" not in err  # the worker's temporary folder is never named
    assert "built 8, up to date 0, refused 1, failed 0" in err
    assert sum(line.startswith("[") for line in err.splitlines()) == 9  # a line per article

    code, err = run("build", str(articles), "--jobs", "2", "-o", str(tmp_path / "l"))
    assert code == 2, err
    for name in names:
        for suffix in (".epub", ".docx"):
            cluster_bytes = (tmp_path / "c" / (name + suffix)).read_bytes()
            assert cluster_bytes == (tmp_path / "l" / (name + suffix)).read_bytes(), name + suffix
        assert pages(tmp_path / "c" / f"{name}.pdf") == pages(tmp_path / "l" / f"{name}.pdf")
    assert not (tmp_path / "c" / "broken.pdf").exists()

    # The manifest is kept as locally: nothing sent again but the broken article.
    code, err = run(
        "build", str(articles), "--scheduler", cluster.address, "-o", str(tmp_path / "c")
    )
    assert "built 0, up to date 8, refused 1, failed 0" in err
    (pictured / "square.png").unlink()
    Image.new("RGB", (60, 40), "blue").save(pictured / "square.png")
    code, err = run(
        "build", str(articles), "--scheduler", cluster.address, "-o", str(tmp_path / "c")
    )
    assert "built 1, up to date 7, refused 1, failed 0" in err


def test_an_unreachable_scheduler_is_one_line_error(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 2)
    address = f"tcp://127.0.0.1:{free_port()}"
    code, err = run(
        "build", str(tmp_path / "articles"), "--scheduler", address, "-o", str(tmp_path)
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert f"cannot reach the Dask scheduler at {address}" in err
    assert "Traceback" not in err


def test_without_the_extra_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_articles(tmp_path / "articles", 2)
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, err = run(
        "build", str(tmp_path / "articles"), "--scheduler", "tcp://127.0.0.1:1", "-o", str(tmp_path)
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "pip install 'exporter[cluster]'" in err


def test_a_worker_killed_mid_batch_has_its_articles_built_elsewhere(
    cluster: Cluster, tmp_path: Path
) -> None:
    sources = write_articles(tmp_path / "articles", 8)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "exporter", "build", str(tmp_path / "articles")]
    command += ["--scheduler", cluster.address, "-o", str(out)]
    build = subprocess.Popen(command, cwd=ROOT, env=cluster.env, stderr=subprocess.PIPE, text=True)
    assert build.stderr is not None
    lines = [build.stderr.readline()]  # the first article done: the others are under way
    victim = cluster.busy_worker()
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    _, rest = build.communicate(timeout=120)
    lines += rest.splitlines()
    assert build.returncode == 0, lines
    assert lines[-1] == "built 8, up to date 0, refused 0, failed 0"
    for source in sources:
        for suffix in (".pdf", ".epub", ".docx"):
            assert (out / (source.stem + suffix)).stat().st_size > 0
    cluster.workers.append(cluster.start_worker())  # as it was, for any test after this one
    cluster.wait_for(2)


def test_an_article_whose_worker_dies_on_every_try_is_reported_failed(
    tmp_path: Path,
) -> None:
    # Each worker's nanny ends it when it passes 95% of 130 MB: every build of a bulletin
    # (about 150 MB) kills its worker; the scheduler gives an article two tries.
    deadly = Cluster(
        tmp_path / "dask",
        "--memory-limit",
        "130MB",
        DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1",
        DASK_DISTRIBUTED__WORKER__MEMORY__PAUSE="False",
        DASK_DISTRIBUTED__WORKER__MEMORY__TARGET="False",
        DASK_DISTRIBUTED__WORKER__MEMORY__SPILL="False",
    )
    try:
        (source,) = write_articles(tmp_path / "articles", 1)
        command = [sys.executable, "-m", "exporter", "build", str(tmp_path / "articles")]
        command += ["--scheduler", deadly.address, "-o", str(tmp_path / "out")]
        done = subprocess.run(
            command, cwd=ROOT, env=deadly.env, capture_output=True, text=True, timeout=120
        )
    finally:
        deadly.stop()
    errors = [line for line in done.stderr.splitlines() if line.startswith("exporter: ")]
    assert done.returncode == 1, done.stderr
    assert errors == [
        f"exporter: {source}: failed on the cluster: KilledWorker: its worker died on every "
        "try (distributed.scheduler.allowed-failures)"
    ]
    assert not (tmp_path / "out" / f"{source.stem}.pdf").exists()
