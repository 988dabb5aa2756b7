"""A save's time with its commit (before: without the history; after: with it), and reads.

    python benchmarks/save_history.py [--saves 1000] [--http 200] [--spread 300] [--json FILE]

1. The store: SAVES saves of one article (about 700 words), each a one-word edit, in a
   copy of the benchmark's set: first with no history (the app before every save was a
   commit), then in a new copy whose history the saves make (a new repository). Each
   save is timed alone: `ArticleStore.save` as the app calls it in a reader thread.
2. HTTP: HTTP saves through `PUT /api/articles/NAME` (If-Match), the app served by a
   process of its own as `exporter serve` serves it, without and then with the history.
3. Reads of the history of 1: its first page (50 versions), the page after 19 others
   (`before`), one version, the diff of the oldest with the file now, the deleted list.
4. A folder of SPREAD articles: the library's first listing (front matter) and its
   first count of every length (a sort by length); then 10 saves of each, round robin,
   and the first page of one article's history, which walks the whole line of commits.

Prints each figure; medians and the 90th percentile. Tests never assert times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import PROOF_ARTICLE, article_set
from benchmarks.machine import describe_machine, load_line, tool_env
from benchmarks.proof_latency import ROOT, edited, wait_for
from benchmarks.serve_load import free_port
from exporter.serve.history import History
from exporter.serve.listing import Listing
from exporter.serve.options import ServeOptions, check_options
from exporter.serve.store import ArticleStore


def copy_set(folder: Path, count: int = 0) -> None:
    """Copy the benchmark's set into `folder`; to `count` articles, copies under new names."""
    articles = article_set()
    for path in articles:
        shutil.copy(path, folder / path.name)
    for number in range(max(0, count - len(articles))):
        source = articles[number % len(articles)]
        shutil.copy(source, folder / f"{source.stem}-copy{number}.md")


def figures(seconds: list[float]) -> dict[str, float]:
    """Return the median, 90th percentile and mean of some times, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def timed(action: Callable[[], Any]) -> float:
    """Return the seconds an action takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def store_saves(folder: Path, saves: int, history: bool) -> list[float]:
    """Time `saves` saves of the proof article by the store, with or without the history."""
    store = ArticleStore(folder, History(folder) if history else None)
    snapshot = store.read(PROOF_ARTICLE)
    times = []
    for number in range(saves):
        text = edited(snapshot.text, number)
        start = time.perf_counter()
        snapshot = store.save(PROOF_ARTICLE, text, snapshot.version)
        times.append(time.perf_counter() - start)
    return times


@contextlib.contextmanager
def served(folder: Path, history: bool = True) -> Iterator[str]:
    """Serve the app over `folder` in a process of its own (this script's --serve); yield
    its URL. Without `history`, its store commits nothing: the app before the history."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(folder), "--port", str(port)]
    server = subprocess.Popen(
        [*command, *([] if history else ["--no-history"])],
        cwd=ROOT,
        env={**tool_env(), "EXPORTER_TOKEN": ""},
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(60)


def serve(folder: Path, port: int, history: bool) -> None:
    """Run the app as `exporter serve` runs it; without its history when asked."""
    from exporter.serve.app import create_app, make_server

    options = check_options(ServeOptions(folder, "127.0.0.1", port, jobs=1))
    app = create_app(options)
    if not history:
        app.state.editor.store.history = None
    make_server(options, app).run()


def http_saves(folder: Path, saves: int, history: bool) -> list[float]:
    """Time `saves` saves through `PUT /api/articles/NAME`, with or without the history."""
    times = []
    with served(folder, history) as url, httpx.Client(base_url=url, timeout=60) as http:
        current = http.get(f"/api/articles/{PROOF_ARTICLE}")
        text, version = current.text, current.headers["etag"]
        for number in range(saves):
            text = edited(text, number)
            start = time.perf_counter()
            answer = http.put(
                f"/api/articles/{PROOF_ARTICLE}", content=text, headers={"if-match": version}
            )
            times.append(time.perf_counter() - start)
            answer.raise_for_status()
            version = answer.headers["etag"]
    return times


def reads(folder: Path) -> dict[str, Any]:
    """Time the history's reads over a folder whose article has many versions."""
    found: dict[str, Any] = {}
    with served(folder) as url, httpx.Client(base_url=url, timeout=120) as http:
        base = f"/api/articles/{PROOF_ARTICLE}"
        found["history, first page (cold)"] = timed(lambda: http.get(f"{base}/history"))
        found["history, first page"] = timed(lambda: http.get(f"{base}/history"))
        cursor = ""
        for _ in range(19):
            page_before = http.get(f"{base}/history", params={"before": cursor} if cursor else {})
            cursor = page_before.json()["next"]
        page = {"before": cursor}
        found["history, page 20"] = timed(lambda: http.get(f"{base}/history", params=page))
        versions = http.get(f"{base}/history", params={"limit": 500}).json()["versions"]
        oldest = versions[-1]["id"]
        found["one version"] = timed(lambda: http.get(f"{base}/versions/{oldest}"))
        found["diff, oldest to now"] = timed(
            lambda: http.get(f"{base}/diff", params={"from": oldest})
        )
        found["deleted list (cold)"] = timed(lambda: http.get("/api/deleted"))
        found["deleted list"] = timed(lambda: http.get("/api/deleted"))
        found["library listing"] = timed(lambda: http.get("/api/articles"))
        found["library search and sort"] = timed(
            lambda: http.get("/api/articles", params={"q": "the", "sort": "words"})
        )
    return {key: round(value * 1000, 1) for key, value in found.items()}


def spread(count: int) -> dict[str, float]:
    """Time the first page of one article's history among COUNT articles' commits."""
    with tempfile.TemporaryDirectory(prefix="bench-spread-") as tmp:
        folder = Path(tmp)
        copy_set(folder, count)
        store = ArticleStore(folder, History(folder))
        names = store.names()
        listing_start = time.perf_counter()
        listing = Listing(store)
        entries = listing.entries()
        first_listing = time.perf_counter() - listing_start
        again = timed(listing.entries)
        lengths = timed(lambda: [listing.length(name, entry) for name, entry in entries])
        start = time.perf_counter()
        for round_number in range(10):
            for name in names:
                snapshot = store.read(name)
                text = snapshot.text.rstrip("\n") + f" ({round_number})\n"
                store.save(name, text, snapshot.version)
        saving = time.perf_counter() - start
        with served(folder) as url, httpx.Client(base_url=url, timeout=300) as http:
            page = timed(lambda: http.get(f"/api/articles/{names[0]}/history"))
            again_page = timed(lambda: http.get(f"/api/articles/{names[0]}/history"))
        return {
            "articles": len(names),
            "commits": len(names) * 11,
            "save_ms_mean": round(saving / (len(names) * 10) * 1000, 2),
            "listing_first_ms": round(first_listing * 1000, 1),
            "listing_cached_ms": round(again * 1000, 1),
            "lengths_first_ms": round(lengths * 1000, 1),
            "history_first_page_ms": round(page * 1000, 1),
            "history_first_page_again_ms": round(again_page * 1000, 1),
        }


def main() -> None:
    """Run the measures and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--http", type=int, default=200)
    parser.add_argument("--spread", type=int, default=300)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-history", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, not args.no_history)
        return
    print(describe_machine(), load_line(), sep="\n", flush=True)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        before, after = Path(tmp) / "before", Path(tmp) / "after"
        for folder in (before, after):
            folder.mkdir()
            copy_set(folder)
        without = store_saves(before, args.saves, history=False)
        with_history = store_saves(after, args.saves, history=True)
        tenth = max(1, args.saves // 10)
        results["store"] = {
            "saves": args.saves,
            "without history": figures(without),
            "with history": figures(with_history),
            "with history, first tenth": figures(with_history[:tenth]),
            "with history, last tenth": figures(with_history[-tenth:]),
            "repository bytes": sum(
                p.stat().st_size for p in (after / ".git").rglob("*") if p.is_file()
            ),
        }
        print(json.dumps(results["store"], indent=1), flush=True)
        if args.http:
            results["http"] = {"saves": args.http}
            for history in (False, True):
                http_folder = Path(tmp) / f"http-{history}"
                http_folder.mkdir()
                copy_set(http_folder)
                times = http_saves(http_folder, args.http, history)
                results["http"]["with history" if history else "without history"] = figures(times)
            print(json.dumps(results["http"], indent=1), flush=True)
        results["reads"] = reads(after)
        print(json.dumps(results["reads"], indent=1), flush=True)
    if args.spread:
        results["spread"] = spread(args.spread)
        print(json.dumps(results["spread"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
