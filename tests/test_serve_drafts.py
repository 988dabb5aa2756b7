"""The proof of an unsaved text (`POST /api/articles/{name}/proof`), where to cut, and the
pages at reading size, over HTTP against the running server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import io
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette

from exporter.readers.markdown import read_markdown
from exporter.serve.answers import BusyError
from exporter.serve.proofing import CUT_COLOUR
from exporter.serve.proofs import Proofs
from tests.test_serve_api import EXAMPLE, PICTURE, RICH, article_folder, running_app

MARKDOWN = {"content-type": "text/markdown; charset=utf-8"}
PROOF_KEYS = {
    "version", "fits", "fit", "state", "short", "over", "unit", "cut", "error", "line",
    "column", "warnings", "pages", "full_pages", "seconds", "step", "setting", "lines_left",
    "lines_over", "beyond", "downloads",
}  # fmt: skip
WAIT_SECONDS = 60


def example_parts() -> tuple[str, str, list[str]]:
    """Return the example's front matter (with its `---` lines), body, and prose paragraphs."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip() and p.strip()[0].isalpha()]
    return head + sep, body, paragraphs


def too_long() -> str:
    """Return the example with nine of its paragraphs again: about 700 words over."""
    head, body, paragraphs = example_parts()
    return head + body.rstrip() + "\n\n## More\n\n" + "\n\n".join(paragraphs[:9]) + "\n"


def too_short() -> str:
    """Return the example's first four paragraphs: page 2 is far from full."""
    head, _, paragraphs = example_parts()
    return head + "\n" + "\n\n".join(paragraphs[:4]) + "\n"


def edited(text: str, edit: int) -> str:
    """Return the text with one word inserted after the fifth word of its last paragraph."""
    lines = text.rstrip("\n").split("\n")
    words = lines[-1].split(" ")
    lines[-1] = " ".join([*words[:5], f"also{edit}", *words[5:]])
    return "\n".join(lines) + "\n"


def version(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def folder_state(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Return every file under `folder`, hidden ones too: its size, time and hash."""
    return {
        str(path.relative_to(folder)): (
            path.stat().st_size,
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = article_folder(tmp_path_factory.mktemp("drafts"))
    (target / "too-long.md").write_text(too_long(), encoding="utf-8")
    (target / "too-short.md").write_text(too_short(), encoding="utf-8")
    for name in ("gated.md", "other.md", "successive.md"):
        (target / name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def served(folder: Path) -> Iterator[tuple[httpx.Client, Starlette]]:
    with (
        running_app(folder, jobs=2) as (url, app),
        httpx.Client(base_url=url, timeout=120) as http,
    ):
        yield http, app


@pytest.fixture(scope="module")
def client(served: tuple[httpx.Client, Starlette]) -> httpx.Client:
    return served[0]


def proof(client: httpx.Client, name: str, text: str | bytes) -> httpx.Response:
    return client.post(f"/api/articles/{name}/proof", content=text, headers=MARKDOWN)


def test_a_draft_is_proofed_from_memory_and_nothing_is_written(
    client: httpx.Client, folder: Path
) -> None:
    path = folder / RICH.name
    before = folder_state(folder)
    text = path.read_text(encoding="utf-8").replace("Rivers Without Borders", "Rivers Unbound")
    answer = proof(client, RICH.name, text)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert set(data) == PROOF_KEYS
    assert data["version"] == version(text)
    assert data["fits"] is True and data["state"] in ("fits", "short")
    assert data["error"] == "" and data["line"] is None
    assert data["fit"].startswith("fills ")
    assert len(data["pages"]) == 2
    assert not any(PICTURE.name in warning for warning in data["warnings"])  # found beside it
    for url in data["pages"]:
        picture = client.get(url)
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/png"
    assert {d["ready"] for d in data["downloads"].values()} == {True}
    # The file, its time, and the folder are as they were: no copy, no status, nothing.
    assert folder_state(folder) == before
    assert path.read_text(encoding="utf-8") != text
    # The saved version's proof answers the same keys, and the draft's pictures stay.
    saved = client.get(f"/articles/{RICH.name}/proof.json").json()
    assert set(saved) == PROOF_KEYS
    assert saved["version"] == version(path.read_bytes())
    assert client.get(data["pages"][0]).status_code == 200


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("---\ntitle: T\ncolour: red\n---\n\nText.\n", "unknown key 'colour'", 3, None),
        ("---\ntitle: T\ndate: 2024-02-31\n---\n\nText.\n", "is not a date", 3, None),
        ("---\ntitle: T\nauthors: [Ann\n---\n\nText.\n", "broken YAML", 3, 14),
        ("---\ntitle: T\n---\n\nOne.\n\nAn ![i](a.png) in text.\n", "image inside running", 7, 4),
        ("---\ntitle: T\n---\n\nOne.\n\n- a\n- ![](basin.png)\n", "has no alt text", 8, None),
        ("---\ntitle: T\nseries: nosuch\n---\n\nText.\n", "no layout named 'nosuch'", 3, None),
        ("Text without front matter.\n", "no front matter", None, None),
    ],
    ids=["unknown-key", "bad-value", "yaml", "body", "model", "series", "no-front-matter"],
)
def test_a_text_that_does_not_read_answers_its_error_and_line(
    client: httpx.Client, text: str, message: str, line: int | None, column: int | None
) -> None:
    answer = proof(client, "other.md", text)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert message in data["error"] and data["error"].startswith("other.md: ")
    assert "\n" not in data["error"]
    assert (data["line"], data["column"]) == (line, column)
    assert data["state"] == "error" and data["fits"] is None
    assert data["pages"] == [] and data["setting"] is None
    reasons = {d["reason"] for d in data["downloads"].values() if not d["ready"]}
    assert reasons == {data["error"]}
    if line is not None:
        assert f"line {line}" in data["error"]  # the line the command line prints too


def test_a_saved_file_that_does_not_read_names_its_line_too(
    client: httpx.Client, folder: Path
) -> None:
    (folder / "broken.md").write_text("---\ntitle: T\n---\n\nOne.\n\nAn ![i](a.png) in text.\n")
    try:
        data = client.get("/articles/broken.md/proof.json").json()
    finally:
        (folder / "broken.md").unlink()
    assert data["line"] == 7 and "image inside running text" in data["error"]


def test_ten_successive_texts_are_each_answered_the_last_with_the_last(
    client: httpx.Client, folder: Path
) -> None:
    before = folder_state(folder)
    text = (folder / "successive.md").read_text(encoding="utf-8")
    answers = []
    for edit in range(10):
        text = edited(text, edit)
        answer = proof(client, "successive.md", text)
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
        assert answers[-1]["version"] == version(text)
        assert len(answers[-1]["pages"]) == 2
    last = answers[-1]
    assert last["fits"] is True
    # Set from the step the one before was set at, as a saved version's proof is.
    assert all(isinstance(a["step"], int) for a in answers)
    for url in last["pages"]:
        assert f"v={version(text)}" in url
        assert client.get(url).status_code == 200
    assert folder_state(folder) == before


class Gate:
    """Holds the draft proofs of one article before their layout until opened.

    It counts the texts laid out, so that a test sees which ones were.
    """

    def __init__(self, proofs: Proofs, name: str) -> None:
        self.proofs = proofs
        self.name = name
        self.opened = threading.Event()
        self.laid_out: list[str] = []
        self.original: Callable[..., Awaitable[Any]] = proofs._draft_proof

        async def gated(article: str, draft: Any) -> Any:
            if article == self.name:
                while not self.opened.is_set():
                    await asyncio.sleep(0.02)
                self.laid_out.append(draft.version)
            return await self.original(article, draft)

        proofs._draft_proof = gated  # type: ignore[method-assign]

    def close(self) -> None:
        self.opened.set()
        self.proofs._draft_proof = self.original  # type: ignore[method-assign]


def wait_until(check: Callable[[], bool]) -> None:
    """Wait until the server's state passes `check` (a count, not a time, is asserted)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        assert time.monotonic() < deadline, "the server did not get there"
        time.sleep(0.01)


def test_while_a_proof_runs_only_the_newest_text_waits(
    served: tuple[httpx.Client, Starlette], folder: Path
) -> None:
    client, app = served
    proofs: Proofs = app.state.editor.proofs
    base = (folder / "gated.md").read_text(encoding="utf-8")
    texts = [edited(base, 100 + i) for i in range(5)]
    gate = Gate(proofs, "gated.md")
    try:
        with concurrent.futures.ThreadPoolExecutor(len(texts) + 1) as pool:
            sent = [pool.submit(proof, client, "gated.md", texts[0])]
            wait_until(lambda: "gated.md" in proofs.desks)
            for i, text in enumerate(texts[1:], start=1):
                sent.append(pool.submit(proof, client, "gated.md", text))
                desk = proofs.desks["gated.md"]
                wait_until(
                    lambda t=text, d=desk: d.waiting is not None and d.waiting.version == version(t)
                )
                if i > 1:
                    # The text it replaced is answered at once, while the first still runs.
                    replaced = sent[i - 1].result(WAIT_SECONDS)
                    assert replaced.status_code == 409
                    assert replaced.json() | {"error": ""} == {
                        "error": "",
                        "superseded": True,
                        "version": version(texts[i - 1]),
                        "newer": version(text),
                    }
                    assert not sent[0].done()
            # Another article's draft does not wait for this one's.
            other = proof(client, "other.md", edited(base, 999))
            assert other.status_code == 200 and other.json()["fits"] is True
            assert not sent[0].done()
            gate.opened.set()
            answers = [future.result(WAIT_SECONDS) for future in sent]
    finally:
        gate.close()
    assert [a.status_code for a in answers] == [200, 409, 409, 409, 200]
    assert answers[0].json()["version"] == version(texts[0])
    assert answers[-1].json()["version"] == version(texts[-1])
    # Two layouts: the one running, then the newest text; the replaced ones never.
    assert gate.laid_out == [version(texts[0]), version(texts[-1])]
    assert "gated.md" not in proofs.desks


def send_and_leave(client: httpx.Client, name: str, text: bytes) -> socket.socket:
    """Send a draft's request on a connection of its own; return the connection."""
    url = httpx.URL(str(client.base_url))
    raw = socket.create_connection((url.host, url.port))
    head = (
        f"POST /api/articles/{name}/proof HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
        f"Content-Type: text/markdown\r\nContent-Length: {len(text)}\r\n\r\n"
    )
    raw.sendall(head.encode() + text)
    return raw


def test_a_client_gone_stops_its_proof(served: tuple[httpx.Client, Starlette]) -> None:
    client, app = served
    proofs: Proofs = app.state.editor.proofs
    text = edited(EXAMPLE.read_text(encoding="utf-8"), 555).encode()
    gate = Gate(proofs, "gated.md")
    try:
        with send_and_leave(client, "gated.md", text):
            wait_until(lambda: "gated.md" in proofs.desks)
        # Nobody waits for it any more: the text is dropped before it is laid out.
        wait_until(lambda: "gated.md" not in proofs.desks)
        gate.opened.set()
        assert gate.laid_out == []
    finally:
        gate.close()


def test_a_text_given_up_for_a_newer_one_is_laid_out_still(
    served: tuple[httpx.Client, Starlette],
) -> None:
    """A page that drops its request for an older text while a newer one waits is still
    there: the running layout is not stopped (a stopped worker is slow to replace)."""
    client, app = served
    proofs: Proofs = app.state.editor.proofs
    older, newer = (edited(EXAMPLE.read_text(encoding="utf-8"), n) for n in (556, 557))
    gate = Gate(proofs, "gated.md")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            with send_and_leave(client, "gated.md", older.encode()):
                wait_until(lambda: "gated.md" in proofs.desks)
                sent = pool.submit(proof, client, "gated.md", newer)
                desk = proofs.desks["gated.md"]
                wait_until(lambda: desk.waiting is not None)
            running = desk.running
            assert running is not None
            wait_until(lambda: not running.answers)  # the older one's request has gone
            gate.opened.set()
            answer = sent.result(WAIT_SECONDS)
    finally:
        gate.close()
    assert answer.status_code == 200 and answer.json()["version"] == version(newer)
    assert gate.laid_out == [version(older), version(newer)]


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [
        (b"", MARKDOWN, 422, "no article"),
        (b" \n\n ", MARKDOWN, 422, "no article"),
        (b"---\ntitle: Caf\xe9\n---\n\nText.\n", MARKDOWN, 422, "not UTF-8"),
        (PICTURE.read_bytes(), MARKDOWN, 422, "binary"),
        (b"\0\0\0\0", {"content-type": "text/plain"}, 422, "binary"),
        (EXAMPLE.read_bytes(), {"content-type": "application/octet-stream"}, 415, "text/markdown"),
        (EXAMPLE.read_bytes(), {"content-type": "text/markdown; charset=latin-1"}, 415, "UTF-8"),
        (EXAMPLE.read_bytes(), {"content-type": "multipart/form-data"}, 415, "text/markdown"),
        (EXAMPLE.read_bytes(), {}, 415, "text/markdown"),
        (b"---\ntitle: x\n---\n\n" + b"word " * 1_000_000, MARKDOWN, 413, "limit"),
    ],
    ids=[
        "empty",
        "blank",
        "latin-1",
        "png",
        "nul",
        "octet-stream",
        "charset",
        "multipart",
        "no-type",
        "too-large",
    ],
)
def test_hostile_input_gets_a_json_error(
    client: httpx.Client,
    folder: Path,
    body: bytes,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    before = folder_state(folder)
    answer = client.post("/api/articles/other.md/proof", content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert message in answer.json()["error"]
    assert "\n" not in answer.json()["error"]
    assert folder_state(folder) == before


def test_the_line_of_a_byte_that_is_not_utf8(client: httpx.Client) -> None:
    answer = proof(client, "other.md", b"---\ntitle: T\n---\n\nCaf\xe9.\n")
    assert answer.status_code == 422
    assert answer.json()["line"] == 5


def test_no_such_article_and_other_sites(client: httpx.Client) -> None:
    missing = proof(client, "missing.md", EXAMPLE.read_text(encoding="utf-8"))
    assert missing.status_code == 404 and "missing.md" in missing.json()["error"]
    escaping = proof(client, "..%2Fother.md", EXAMPLE.read_text(encoding="utf-8"))
    assert escaping.status_code == 404
    foreign = client.post(
        "/api/articles/other.md/proof",
        content=EXAMPLE.read_bytes(),
        headers={**MARKDOWN, "origin": "https://elsewhere.example"},
    )
    assert foreign.status_code == 403
    assert client.get("/api/articles/other.md/proof").status_code == 405


def test_a_full_queue_is_answered_503_with_retry_after(
    served: tuple[httpx.Client, Starlette], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, app = served

    async def busy(*_args: Any, **_kwargs: Any) -> Any:
        raise BusyError("the server is busy with other builds; try again shortly")

    monkeypatch.setattr(app.state.editor.workers, "run", busy)
    answer = proof(client, "other.md", edited(EXAMPLE.read_text(encoding="utf-8"), 777))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "busy" in answer.json()["error"]


def test_where_to_cut_an_article_too_long(client: httpx.Client, folder: Path) -> None:
    text = too_long()
    answer = proof(client, "too-long.md", text)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["fits"] is False and data["state"] == "over" and data["over"] > 0
    assert data["setting"]["name"] == "tightest" and data["lines_left"] is None
    tightest, ideal = data["lines_over"]
    assert (tightest["setting"], tightest["measured"]) == ("tightest", True)
    assert (ideal["setting"], ideal["measured"]) == ("ideal", False)
    assert 0 < tightest["lines"] < ideal["lines"]
    assert tightest["body_size"] == data["setting"]["body_size"] < ideal["body_size"]
    assert f"cut about {tightest['lines']} lines at" in data["fit"]
    # The blocks past page 2 are the body's last ones, in order; only the first may be
    # cut across by the page's end.
    beyond = data["beyond"]
    body_blocks = len(read_markdown(text).body)
    assert [b["block"] for b in beyond] == list(range(body_blocks - len(beyond), body_blocks))
    assert all(b["whole"] for b in beyond[1:])
    lines = text.split("\n")
    for block in beyond:
        assert block["kind"] == "paragraph"
        assert lines[block["line"] - 1].startswith(block["words"].rstrip("\u2026"))
    whole = [b for b in beyond if b["whole"]]
    assert whole and f"\u201c{whole[0]['words']}\u201d fall" in data["fit"]
    # Every page of the overflowing layout, the red line on page 2, the wash past it.
    assert len(data["pages"]) >= 3
    pages = [
        Image.open(io.BytesIO(client.get(url).content)).convert("RGB") for url in data["pages"]
    ]
    assert red_lines(pages[0]) == red_bars(pages[0]) == 0
    assert red_lines(pages[1]) > 0  # the line across page 2
    assert red_bars(pages[2]) > 0  # the bars beside the blocks past it
    downloads = data["downloads"]
    assert downloads["pdf"]["ready"] is False and "too long" in downloads["pdf"]["reason"]
    assert downloads["epub"]["ready"] is True and downloads["docx"]["ready"] is True
    # The saved file says the same, and its EPUB and DOCX are built as the proof says.
    saved = client.get("/articles/too-long.md/proof.json").json()
    assert saved["lines_over"] == data["lines_over"] and saved["beyond"] == beyond
    assert client.get("/articles/too-long.md/download/epub").status_code == 200
    assert client.get("/articles/too-long.md/download/pdf").status_code == 422


def red_lines(picture: Image.Image, share: float = 0.9) -> int:
    """Return how many rows of the picture are mostly the red of the cut's marks."""
    red = bytes(CUT_COLOUR)
    rows = (picture.crop((0, y, picture.width, y + 1)).tobytes() for y in range(picture.height))
    return sum(1 for row in rows if row.count(red) >= share * picture.width)


def red_bars(picture: Image.Image) -> int:
    """Return how many columns of the picture hold a bar of the cut's red (an inch long)."""
    turned = picture.transpose(Image.Transpose.ROTATE_90)
    return red_lines(turned, share=picture.height / 11 / turned.width)


def test_the_room_an_article_too_short_leaves(client: httpx.Client) -> None:
    answer = proof(client, "too-short.md", too_short())
    data = answer.json()
    assert data["fits"] is True and data["state"] == "short" and data["short"] > 0
    assert data["setting"] == {"step": 0, "name": "loosest", "body_size": 12.0, "leading": 1.5}
    assert data["lines_left"] > 10
    assert f"set at 12 pt (the loosest setting), {data['lines_left']} lines left" in data["fit"]
    assert data["lines_over"] == [] and data["beyond"] == []
    # One that fits leaves a few lines at most, and says so only in its figures.
    fitting = proof(client, "other.md", EXAMPLE.read_text(encoding="utf-8")).json()
    assert fitting["state"] == "fits" and 0 <= fitting["lines_left"] < data["lines_left"]
    assert "left on page 2" not in fitting["fit"]
    assert fitting["setting"]["body_size"] < 12


def test_a_page_at_reading_size(client: httpx.Client) -> None:
    data = proof(client, "too-long.md", too_long()).json()
    small = Image.open(io.BytesIO(client.get(data["pages"][2]).content))
    answer = client.get(data["full_pages"][2])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    large = Image.open(io.BytesIO(answer.content)).convert("RGB")
    assert (large.width, large.height) == (2 * small.width, 2 * small.height)  # 200 dpi
    assert large.width == 1700  # US Letter: 8.5 in
    assert red_bars(large) > 0  # the marks are drawn again at that size
    assert client.get(data["full_pages"][2]).content == answer.content  # kept, the same
    name = "too-long.md"
    assert (
        client.get(f"/articles/{name}/pages/9.png?v={data['version']}&size=full").status_code == 404
    )
    assert (
        client.get(f"/articles/{name}/pages/1.png?v={data['version']}&size=huge").status_code == 404
    )
