"""The editor's server under load, watched from outside (by hand).

    python benchmarks/serve_load.py [--articles 260] [--builds 260] [--jobs 2]

Starts `exporter serve` on a folder of ARTICLES generated articles and one of about
900 kB, then, while timing the library page (`/`) and the article list four times a
second from another client:

1. saves the 900 kB article five times (each save reads and checks it);
2. asks for BUILDS PDF builds at once, 50 clients at a time, and counts the answers by
   status (200, or 503 when the server sheds load; a request never answered is a hang);
3. opens 200 connections that send nothing and measures how long until the server
   closes them.

Prints the latency of the library while each part ran (median, 95th percentile, most),
the answers, and the time half-open connections stayed open.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.machine import describe_machine

ROOT = Path(__file__).resolve().parent.parent


class Watch:
    """Times GET requests in a thread until stopped; keeps the latencies in seconds."""

    def __init__(self, url: str, paths: tuple[str, ...]) -> None:
        self.url, self.paths = url, paths
        self.latencies: list[float] = []
        self.failures = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            while not self.stopped.is_set():
                for path in self.paths:
                    started = time.perf_counter()
                    try:
                        ok = http.get(path).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    self.latencies.append(time.perf_counter() - started)
                    self.failures += not ok
                time.sleep(0.25)

    def stop(self) -> str:
        """Stop watching; return the latencies seen, in words."""
        self.stopped.set()
        self.thread.join()
        ms = sorted(1000 * value for value in self.latencies)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        return (
            f"{len(ms)} requests, median {statistics.median(ms):.0f} ms, 95% {p95:.0f} ms, "
            f"most {ms[-1]:.0f} ms, {self.failures} failed"
        )


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def big_article(target: Path) -> bytes:
    """Write an article of about 900 kB of body into `target`; return its bytes."""
    paragraph = "The river carries the season's data downstream to every state. " * 8
    body = "\n\n".join(f"{paragraph} ({n})" for n in range(1700))
    text = f"---\ntitle: A very long article\n---\n\n{body}\n"
    target.write_text(text)
    return text.encode()


def main() -> int:
    """Start the server, load it part by part, print what was seen."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=260)
    parser.add_argument("--builds", type=int, default=260)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder) / "articles"
        write_corpus(articles, args.articles)
        big = big_article(articles / "zz-very-long.md")
        sample = next(articles.glob("*.md")).read_bytes()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "exporter", "serve", str(articles)]
        server = subprocess.Popen(
            [*command, "--port", str(port), "-j", str(args.jobs)],
            cwd=ROOT,
            env={**os.environ, "EXPORTER_TOKEN": ""},
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    httpx.get(f"{url}/api/articles", timeout=30)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            paths = ("/", "/api/articles")
            quiet = Watch(url, paths)
            time.sleep(3)
            print(f"library, idle ({args.articles} articles): {quiet.stop()}")

            watch = Watch(url, paths)
            with httpx.Client(base_url=url, timeout=120) as http:
                for _ in range(5):
                    version = http.get("/api/articles/zz-very-long.md").headers["etag"]
                    saved = http.put(
                        "/api/articles/zz-very-long.md", content=big, headers={"if-match": version}
                    )
                    assert saved.status_code == 200, saved.text
            print(
                f"library, while a {len(big) // 1000} kB article is saved 5 times: {watch.stop()}"
            )

            watch = Watch(url, paths)
            started = time.perf_counter()
            with (
                httpx.Client(base_url=url, timeout=600) as http,
                concurrent.futures.ThreadPoolExecutor(50) as clients,
            ):
                asked = [
                    clients.submit(http.post, "/api/build?to=pdf", content=sample)
                    for _ in range(args.builds)
                ]
                answers = Counter(future.result().status_code for future in asked)
            seconds = time.perf_counter() - started
            print(f"{args.builds} PDF builds at once: {dict(answers)} in {seconds:.1f} s")
            print(f"library, while they ran: {watch.stop()}")

            host = ("127.0.0.1", port)
            idle = [socket.create_connection(host) for _ in range(200)]
            opened = time.perf_counter()
            served = httpx.get(f"{url}/api/articles", timeout=30).status_code
            closed_after = []
            for connection in idle:
                connection.settimeout(120)
                connection.recv(1)
                closed_after.append(time.perf_counter() - opened)
                connection.close()
            print(
                f"200 half-open connections: a request among them answered {served}; "
                f"all closed by the server after {max(closed_after):.1f} s"
            )
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
