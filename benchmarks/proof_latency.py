"""The editor's proof over the HTTP API: from a save to both page pictures served.

    python benchmarks/proof_latency.py [--edits 10] [--article NAME] [--jobs 2] [--json FILE]
                                       [--draft]

Copies the benchmark's set into a folder and starts `exporter serve` on it (JOBS worker
processes). Once it answers, the proofs of the article (about 700 words) and of JOBS
others are asked for at once, so that every worker lays out a bulletin, and one edit is
saved and proofed, all untimed: the server is warm, as while an editor works. Then
EDITS small edits, one after another, each timed from the start of its save until both
page pictures are in: `PUT /api/articles/NAME` with the version edited (If-Match);
`GET /articles/NAME/proof.json`, which answers once the proof of the file as it is now
is made (its `version` must be the one saved, its `pages` two picture URLs); then `GET`
of each picture. An edit inserts one word into the next paragraph, as an editor's small
correction does. Prints each edit's time and the server's own time (the proof's
`seconds`), the median and the worst.

With `--draft`, the proof follows the typing: nothing is saved, and each edit is timed
from the start of `POST /api/articles/NAME/proof` with the edited text until both page
pictures of its answer are in (its `version` must be the text's SHA-256). One edit is
proofed so untimed first.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import PROOF_ARTICLE, article_set
from benchmarks.machine import tool_env
from benchmarks.serve_load import free_port

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 120
INSERTED = "also"
PROSE = re.compile(r"^[^\W\d_]")
"""A paragraph of prose starts with a letter (not a list item, heading, table or quote)."""


def edited(text: str, edit: int) -> str:
    """Return the article with one word inserted after the fifth word of a paragraph."""
    head, sep, body = text.partition("\n---\n")
    lines = body.split("\n")
    prose = [i for i, line in enumerate(lines) if PROSE.match(line) and len(line.split()) > 8]
    index = prose[edit % len(prose)]
    words = lines[index].split(" ")
    lines[index] = " ".join([*words[:5], INSERTED, *words[5:]])
    return head + sep + "\n".join(lines)


def proof_once(http: httpx.Client, name: str, version: str) -> float:
    """Ask for the proof of `version` (empty: the file as it is) and both its pictures;
    return the server's seconds."""
    while True:
        proof = http.get(f"/articles/{name}/proof.json")
        proof.raise_for_status()
        data = proof.json()
        if data["version"] == version or not version:
            break
    if data["error"] or len(data["pages"]) != 2:
        raise SystemExit(f"{name}: no two-page proof: {data['error'] or data['pages']}")
    for url in data["pages"]:
        picture = http.get(url)
        picture.raise_for_status()
        if picture.headers["content-type"] != "image/png":
            raise SystemExit(f"{url}: not a PNG but {picture.headers['content-type']}")
    return float(data["seconds"])


def draft_once(http: httpx.Client, name: str, text: str) -> float:
    """Ask for the proof of an unsaved text and both its pictures; return the server's seconds."""
    answer = http.post(
        f"/api/articles/{name}/proof",
        content=text.encode("utf-8"),
        headers={"content-type": "text/markdown; charset=utf-8"},
    )
    answer.raise_for_status()
    data = answer.json()
    if data["version"] != hashlib.sha256(text.encode("utf-8")).hexdigest():
        raise SystemExit(f"{name}: the draft's proof is of another text")
    if data["error"] or len(data["pages"]) != 2:
        raise SystemExit(f"{name}: no two-page proof: {data['error'] or data['pages']}")
    for url in data["pages"]:
        picture = http.get(url)
        picture.raise_for_status()
    return float(data["seconds"])


def save(http: httpx.Client, name: str, text: str, version: str) -> str:
    """Save a new text of the article over `version`; return the new version."""
    saved = http.put(f"/api/articles/{name}", content=text, headers={"if-match": f'"{version}"'})
    if saved.status_code != 200:
        raise SystemExit(f"saving {name}: {saved.status_code} {saved.text}")
    return str(saved.json()["version"])


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    """Wait until the server answers its article list."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"exporter serve stopped (exit code {server.returncode})")
        try:
            if httpx.get(f"{url}/api/articles", timeout=30).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"exporter serve did not answer within {START_SECONDS} s")


def measure(name: str, edits: int, jobs: int, draft: bool = False) -> list[tuple[float, float]]:
    """Serve a copy of the set; return (seconds to both pictures, server's seconds) per edit."""
    with tempfile.TemporaryDirectory(prefix="bench-proof-") as tmp:
        folder = Path(tmp)
        for path in article_set():
            shutil.copy(path, folder / path.name)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "exporter", "serve", str(folder), "-q"]
        server = subprocess.Popen(
            [*command, "--port", str(port), "-j", str(jobs)],
            cwd=ROOT,
            env={**tool_env(), "EXPORTER_TOKEN": ""},
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(url, server)
            with httpx.Client(base_url=url, timeout=120) as http:
                current = http.get(f"/api/articles/{name}")
                current.raise_for_status()
                text, version = current.text, current.headers["etag"].strip('"')
                others = [p.name for p in article_set() if p.name != name][:jobs]
                with concurrent.futures.ThreadPoolExecutor(jobs + 1) as clients:
                    # warm: every worker's first layout (fonts, hyphenation, caches)
                    first = [clients.submit(proof_once, http, other, "") for other in others]
                    proof_once(http, name, version)
                    for future in first:
                        future.result()
                text = edited(text, 0)
                if draft:
                    draft_once(http, name, text)  # warm: an edit, as the timed ones
                else:
                    version = save(http, name, text, version)
                    proof_once(http, name, version)  # warm: an edit, as the timed ones
                times: list[tuple[float, float]] = []
                for edit in range(1, edits + 1):
                    started = time.perf_counter()
                    text = edited(text, edit)
                    if draft:
                        server_seconds = draft_once(http, name, text)
                    else:
                        version = save(http, name, text, version)
                        server_seconds = proof_once(http, name, version)
                    times.append((time.perf_counter() - started, server_seconds))
        finally:
            server.terminate()
            server.wait(30)
    return times


def main(argv: list[str] | None = None) -> int:
    """Time the edits; print them, the median and the worst."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--article", default=PROOF_ARTICLE)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the times here")
    parser.add_argument("--draft", action="store_true", help="proof unsaved texts (POST)")
    args = parser.parse_args(argv)
    times = measure(args.article, args.edits, args.jobs, args.draft)
    for edit, (seconds, server) in enumerate(times, start=1):
        print(f"edit {edit}: both pictures in {seconds:.3f} s (the server's proof: {server:.2f} s)")
    wall = [seconds for seconds, _ in times]
    kind = "draft proof" if args.draft else "proof"
    print(
        f"{kind} of {args.article}: median {statistics.median(wall):.3f} s, "
        f"worst {max(wall):.3f} s over {len(wall)} edits"
    )
    if args.json is not None:
        data = {
            "article": args.article,
            "draft": args.draft,
            "seconds": wall,
            "server_seconds": [server for _, server in times],
            "median": statistics.median(wall),
            "worst": max(wall),
        }
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
