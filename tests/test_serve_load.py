"""The server under load, faults and hostile clients: it answers every request, promptly.

Slow builds are stood in for by `tests.pool_tasks.slow_build`, which sleeps as long as
its body says, so that queues fill and clients leave at known moments.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exporter.serve import api
from exporter.workpool import WorkerPool
from tests import pool_tasks
from tests.test_serve_api import ROOT, article_folder, running_app
from tests.test_workpool import alive

ARTICLE = (ROOT / "tests" / "fixtures" / "rich-article.md").read_bytes()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return article_folder(tmp_path / "articles")


def settled(pool: WorkerPool) -> None:
    """Wait until the workers have warmed up: nothing runs or waits."""
    deadline = time.monotonic() + 60
    while pool.waiting or pool.running or not pool.worker_pids:
        assert time.monotonic() < deadline, "the workers did not warm up"
        time.sleep(0.05)


def test_reading_an_article_never_holds_the_other_requests(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save's check of its Markdown runs off the event loop: held here, pages still answer."""
    release, entered = threading.Event(), threading.Event()
    checked = api._checked

    def held(text: str) -> object:
        entered.set()
        release.wait(60)
        return checked(text)

    monkeypatch.setattr(api, "_checked", held)
    with (
        running_app(folder) as (url, _app),
        httpx.Client(base_url=url, timeout=10) as http,
        concurrent.futures.ThreadPoolExecutor(1) as background,
    ):
        version = http.get("/api/articles/rich-article.md").headers["etag"]
        saving = background.submit(
            http.put,
            "/api/articles/rich-article.md",
            content=ARTICLE,
            headers={"if-match": version},
        )
        assert entered.wait(10)
        for path in ("/", "/api/articles", "/articles/japan-rok-relations.md"):
            assert http.get(path).status_code == 200, path  # within the 10 s timeout
        assert not saving.done()
        release.set()
        assert saving.result(30).status_code == 200


def test_past_the_queue_limit_builds_are_answered_503_with_retry_after(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "build_upload", pool_tasks.slow_build)
    with (
        running_app(folder, jobs=1, queue=2) as (url, app),
        httpx.Client(base_url=url, timeout=60) as http,
        concurrent.futures.ThreadPoolExecutor(12) as clients,
    ):
        pool = app.state.editor.workers.pool
        settled(pool)
        deadline = time.monotonic() + 30
        asked = [clients.submit(http.post, "/api/build?to=docx", content=b"3")]
        while pool.waiting or not pool.running:  # the first is running: two more may wait
            assert time.monotonic() < deadline
            time.sleep(0.05)
        asked += [clients.submit(http.post, "/api/build?to=docx", content=b"0") for _ in range(10)]
        answers = [future.result(60) for future in asked]
        assert http.get("/").status_code == 200
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] * 3 + [503] * 8
    busy = next(answer for answer in answers if answer.status_code == 503)
    assert busy.headers["retry-after"] == "5"
    assert busy.json() == {"error": "the server is busy with other builds; try again shortly"}


def test_a_build_whose_client_went_away_is_stopped(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "build_upload", pool_tasks.slow_build)
    with running_app(folder, jobs=1) as (url, app), httpx.Client(base_url=url) as http:
        workers = app.state.editor.workers.pool
        settled(workers)
        host, port = url.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)))
        client.sendall(
            b"POST /api/build?to=docx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n60"
        )
        deadline = time.monotonic() + 60
        while not workers.running:  # the 60 s build has begun
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.05)
        (busy,) = workers.worker_pids
        client.close()
        deadline = time.monotonic() + 15
        while alive(busy):  # stopped within the client check's interval, not in 60 s
            assert time.monotonic() < deadline, "the abandoned build still runs"
            time.sleep(0.1)
        answer = http.post("/api/build?to=docx", content=b"0", timeout=60)
        assert answer.status_code == 200 and int(answer.content) != busy


def test_hundreds_of_concurrent_builds_are_each_answered(folder: Path) -> None:
    """Real builds, more at once than the queue takes: 200 or 503 each, never a hang."""
    with (
        running_app(folder, jobs=2) as (url, _app),
        httpx.Client(base_url=url, timeout=120) as http,
        concurrent.futures.ThreadPoolExecutor(50) as clients,
    ):
        asked = [
            clients.submit(http.post, "/api/build?to=docx", content=ARTICLE) for _ in range(150)
        ]
        codes = [future.result(300).status_code for future in asked]
        assert http.get("/api/articles").status_code == 200
    assert set(codes) <= {200, 503}
    assert codes.count(200) >= 66  # two running and the queue's 64, at the least


def test_half_open_and_slow_clients_are_closed_and_others_served(folder: Path) -> None:
    with running_app(folder, head_seconds=3, body_seconds=2) as (url, _app):
        host, port = url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(200)]
        slow_head = socket.create_connection((host, int(port)))
        slow_head.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert httpx.get(f"{url}/api/articles", timeout=10).status_code == 200
        slow_body = socket.create_connection((host, int(port)))
        slow_body.sendall(
            b"PUT /api/articles/x.md HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 1000\r\n\r\n" + b"x" * 10
        )
        slow_body.settimeout(10)
        answer = b"".join(iter(lambda: slow_body.recv(4096), b"")).decode()
        assert answer.startswith("HTTP/1.1 408"), answer
        assert '{"error":"the request\'s body did not arrive within 2 s"}' in answer
        for connection in (*idle, slow_head):
            connection.settimeout(10)
            assert connection.recv(1) == b""  # closed by the server within its head deadline
            connection.close()
        slow_body.close()


def test_the_default_head_deadline_closes_a_half_open_connection(folder: Path) -> None:
    with running_app(folder) as (url, _app):
        host, port = url.removeprefix("http://").split(":")
        connection = socket.create_connection((host, int(port)))
        started = time.monotonic()
        connection.settimeout(60)
        assert connection.recv(1) == b""
        assert time.monotonic() - started < 15  # the default: 10 s
        connection.close()


def test_past_the_connections_kept_the_idle_ones_make_room(folder: Path) -> None:
    with running_app(folder, max_connections=50) as (url, _app):
        host, port = url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(120)]
        for _ in range(3):
            assert httpx.get(f"{url}/api/articles", timeout=10).status_code == 200
        for connection in idle:
            connection.close()


def test_every_error_of_the_api_is_json(
    folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(_scope: object, _receive: object, _send: object) -> None:
        raise RuntimeError("a bug")

    with running_app(folder) as (url, app), httpx.Client(base_url=url, timeout=30) as http:
        route = next(r for r in app.routes if getattr(r, "path", "") == "/api/articles")
        monkeypatch.setattr(route, "app", broken)
        answers = {
            "multipart": http.post(
                "/api/import",
                content=b"--x\r\nnot a part",
                headers={"content-type": "multipart/form-data; boundary=x"},
            ),
            "no route": http.get("/api/nothing-here"),
            "method": http.delete("/api/build"),
            "cross-site": http.get("/api/articles", headers={"sec-fetch-site": "cross-site"}),
            "not found": http.get("/api/articles/missing.md"),
        }
        with caplog.at_level(logging.ERROR):
            answers["bug"] = http.get("/api/articles")
    expected = {
        "multipart": 400,
        "no route": 404,
        "method": 405,
        "cross-site": 403,
        "not found": 404,
        "bug": 500,
    }
    for name, answer in answers.items():
        assert answer.status_code == expected[name], name
        assert answer.headers["content-type"] == "application/json", name
        assert " ".join(answer.json()["error"].split()) == answer.json()["error"], name
    assert answers["bug"].json() == {"error": "internal error: RuntimeError: a bug"}


def test_a_client_that_drops_its_upload_leaves_no_traceback(folder: Path) -> None:
    logged: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = logged.append  # type: ignore[method-assign]
    server_log = logging.getLogger("uvicorn.error")  # uvicorn's loggers do not propagate
    try:
        with running_app(folder) as (url, _app):
            server_log.addHandler(handler)  # once uvicorn has set its logging up
            host, port = url.removeprefix("http://").split(":")
            for path in (b"/api/build", b"/api/import?format=md", b"/api/articles/new.md"):
                dropped = socket.create_connection((host, int(port)))
                method = b"PUT" if path.endswith(b".md") else b"POST"
                dropped.sendall(
                    method + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 100000\r\n\r\n" + b"x" * 5000
                )
                time.sleep(0.3)
                dropped.close()
            time.sleep(1)
            assert httpx.get(f"{url}/api/articles", timeout=10).status_code == 200
    finally:
        server_log.removeHandler(handler)
    assert not [r.getMessage() for r in logged if r.exc_info or r.levelno >= logging.ERROR]


@contextlib.contextmanager
def serve_process(folder: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run `exporter serve` in a session of its own; yield the process and its URL."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "serve", str(folder), "--port", str(port), *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "EXPORTER_TOKEN": ""},
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/articles", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "exporter serve did not start"
                time.sleep(0.1)
        yield process, url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)


def session_processes(session: int) -> list[int]:
    """Return the live processes of a session (the server, its workers, their helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def start_builds(url: str, count: int) -> concurrent.futures.ThreadPoolExecutor:
    """Start `count` PDF builds in the background, answered or not."""
    clients = concurrent.futures.ThreadPoolExecutor(count)
    for _ in range(count):
        clients.submit(httpx.post, f"{url}/api/build?to=pdf", content=ARTICLE, timeout=120)
    return clients


def test_sigterm_stops_the_server_within_seconds_while_it_builds(folder: Path) -> None:
    with serve_process(folder, "-j", "2") as (process, url):
        clients = start_builds(url, 6)
        deadline = time.monotonic() + 30
        while len(session_processes(process.pid)) < 3:  # the server and its two workers
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1)  # the builds are under way
        stopped = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        assert time.monotonic() - stopped < 10
        deadline = time.monotonic() + 5
        while session_processes(process.pid):
            assert time.monotonic() < deadline, "processes outlived the server"
            time.sleep(0.1)
        clients.shutdown(wait=True, cancel_futures=True)
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()


def test_workers_end_by_themselves_after_the_server_is_killed(folder: Path) -> None:
    with serve_process(folder, "-j", "2") as (process, url):
        clients = start_builds(url, 4)
        deadline = time.monotonic() + 30
        while len(session_processes(process.pid)) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        process.kill()
        process.wait(10)
        deadline = time.monotonic() + 10
        while left := session_processes(process.pid):
            assert time.monotonic() < deadline, f"still running after kill -9: {left}"
            time.sleep(0.1)
        clients.shutdown(wait=True, cancel_futures=True)


def test_wrong_tokens_are_limited_per_client_and_logged(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "a-long-enough-token-0123"
    with (
        caplog.at_level(logging.WARNING, logger="exporter"),
        running_app(folder, token=token) as (url, _app),
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        assert http.get("/api/articles").status_code == 401  # no token offered: not counted
        for attempt in range(10):
            wrong = {"authorization": f"Bearer wrong-token-{attempt:02d}-padding"}
            assert http.get("/api/articles", headers=wrong).status_code == 401
        limited = http.get("/api/articles", headers={"authorization": f"Bearer {token}"})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "too many wrong access tokens" in limited.json()["error"]
    refusals = [r.getMessage() for r in caplog.records if "wrong access token" in r.getMessage()]
    assert len(refusals) == 10
    assert refusals[-1].endswith("(10 in the last minute)")
    assert json.dumps(refusals).count(token) == 0
