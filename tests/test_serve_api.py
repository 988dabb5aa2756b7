"""The web app's HTTP API and its guard, called with httpx against a running server.

`running_server` starts the real app under uvicorn in a thread, on a free loopback
port, with its worker processes; the browser and page tests use it too.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest
from starlette.applications import Starlette

from exporter.cli import main
from exporter.errors import InputError
from exporter.layouts import find_layout
from exporter.serve.options import ServeOptions, check_options
from exporter.serve.workers import known_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
RICH = ROOT / "tests" / "fixtures" / "rich-article.md"
PICTURE = ROOT / "tests" / "fixtures" / "basin.png"
TOKEN = "a-test-token-of-some-length"
LETTER_WIDTH = 612
BLEED = 9  # 0.125 in


@contextlib.contextmanager
def running_app(folder: Path, **options: Any) -> Iterator[tuple[str, Starlette]]:
    """Run the app over `folder` under uvicorn in a thread, configured as `exporter serve`
    configures it; yield its base URL and the app. `options` are ServeOptions fields."""

    from exporter.serve.app import create_app, make_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options.setdefault("jobs", 1)
    chosen = check_options(ServeOptions(folder, "127.0.0.1", port, **options))
    app = create_app(chosen)
    server = make_server(chosen, app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()


@contextlib.contextmanager
def running_server(folder: Path, token: str = "", jobs: int = 1) -> Iterator[str]:
    """Run the app over `folder` under uvicorn in a thread; yield its base URL."""
    with running_app(folder, token=token, jobs=jobs) as (url, _app):
        yield url


def article_folder(target: Path) -> Path:
    """Fill `target` with the example, the rich fixture and its picture; return it."""
    target.mkdir(parents=True, exist_ok=True)
    for source in (EXAMPLE, RICH, PICTURE):
        shutil.copy(source, target / source.name)
    return target


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return article_folder(tmp_path_factory.mktemp("articles"))


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[httpx.Client]:
    with running_server(folder, jobs=2) as url, httpx.Client(base_url=url, timeout=120) as http:
        yield http


def pdf_of(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def test_articles_lists_the_markdown_files_of_the_folder(client: httpx.Client) -> None:
    answer = client.get("/api/articles")
    assert answer.status_code == 200
    listed = {entry["name"]: entry for entry in answer.json()["articles"]}
    assert set(listed) == {"japan-rok-relations.md", "rich-article.md"}
    assert listed["rich-article.md"]["number"] == 615
    assert listed["rich-article.md"]["date"] == "2023-05-02"
    assert listed["japan-rok-relations.md"]["title"].startswith("Strengthening Japan-ROK")


def test_an_article_is_read_and_saved_with_its_version(client: httpx.Client, folder: Path) -> None:
    path = folder / "japan-rok-relations.md"
    read = client.get("/api/articles/japan-rok-relations.md")
    assert read.status_code == 200
    assert read.text == path.read_text()
    etag = read.headers["etag"]
    edited = read.text.replace("lang: en\n", "lang: en-GB\n")
    saved = client.put(
        "/api/articles/japan-rok-relations.md", content=edited, headers={"if-match": etag}
    )
    assert saved.status_code == 200, saved.text
    assert path.read_text() == edited
    stale = client.put(
        "/api/articles/japan-rok-relations.md", content=read.text, headers={"if-match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["version"] == saved.json()["version"]
    assert path.read_text() == edited
    blind = client.put("/api/articles/japan-rok-relations.md", content=read.text)
    assert blind.status_code == 428
    broken = client.put(
        "/api/articles/japan-rok-relations.md",
        content=edited.replace("title:", "titel:"),
        headers={"if-match": saved.headers["etag"]},
    )
    assert broken.status_code == 422
    assert "unknown key 'titel'" in broken.json()["error"]
    assert path.read_text() == edited
    restored = client.put(
        "/api/articles/japan-rok-relations.md",
        content=read.text,
        headers={"if-match": saved.headers["etag"]},
    )
    assert restored.status_code == 200
    new = "---\ntitle: Made by a script\n---\n\nText.\n"
    created = client.put("/api/articles/scripted.md", content=new, headers={"if-none-match": "*"})
    assert created.status_code == 201
    again = client.put("/api/articles/scripted.md", content=new, headers={"if-none-match": "*"})
    assert again.status_code == 412
    assert client.put(
        "/api/articles/..%2Fescape.md", content=new, headers={"if-none-match": "*"}
    ).status_code in (404, 422)
    assert not (folder.parent / "escape.md").exists()
    assert client.get("/api/articles/missing.md").status_code == 404
    (folder / "scripted.md").unlink()


def test_build_returns_a_two_page_pdf_with_the_article_text(client: httpx.Client) -> None:
    answer = client.post("/api/build", params={"to": "pdf"}, content=EXAMPLE.read_bytes())
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    pdf = pdf_of(answer.content)
    assert len(pdf.pages) == 2
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Strengthening Japan-ROK Relations" in first
    assert pdf.pages[0].mediabox.width == LETTER_WIDTH
    assert json.loads(answer.headers["x-exporter-warnings"]) == []


def test_build_print_version_has_bleed(client: httpx.Client) -> None:
    answer = client.post("/api/build?to=pdf&print=1", content=EXAMPLE.read_bytes())
    assert answer.status_code == 200, answer.text
    pdf = pdf_of(answer.content)
    assert len(pdf.pages) == 2
    page = pdf.pages[0]
    assert page.trimbox.width == LETTER_WIDTH
    assert page.bleedbox.width == LETTER_WIDTH + 2 * BLEED
    assert page.mediabox.width > page.bleedbox.width  # the crop marks stand outside the bleed


def test_build_epub_and_docx(client: httpx.Client) -> None:
    epub = client.post("/api/build?to=epub", content=EXAMPLE.read_bytes())
    assert epub.status_code == 200, epub.text
    with zipfile.ZipFile(io.BytesIO(epub.content)) as archive:
        assert archive.read("mimetype") == b"application/epub+zip"
        texts = [archive.read(n) for n in archive.namelist() if n.endswith(".xhtml")]
    assert any(b"Young Parliamentary Diplomacy" in text for text in texts)
    docx = client.post("/api/build?to=docx", content=EXAMPLE.read_bytes())
    assert docx.status_code == 200, docx.text
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert b"Young Parliamentary Diplomacy" in archive.read("word/document.xml")


@pytest.mark.parametrize(
    ("query", "body", "message"),
    [
        ("to=pdf", b"---\ntitle: x\ndate: 2022-13-45\n---\n\nText.\n", "date '2022-13-45'"),
        ("to=pdf", b"No front matter at all.\n", "no front matter"),
        ("to=pdf", b"---\ntitle: x\n---\n\nA call.[^9]\n", "footnote '9'"),
        ("to=pdf", b"", "no article"),
        ("to=html", EXAMPLE.read_bytes(), "to='html'"),
        ("to=pdf", b"---\ntitle: x\nseries: nosuch\n---\n\nText.\n", "'nosuch'"),
    ],
    ids=["bad-date", "no-front-matter", "undefined-note", "empty", "unknown-format", "series"],
)
def test_bad_input_is_422_with_a_one_line_message(
    client: httpx.Client, query: str, body: bytes, message: str
) -> None:
    answer = client.post(f"/api/build?{query}", content=body)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert message in error
    assert "\n" not in error
    assert "/tmp" not in error  # the temporary folder is no business of the client


def test_oversized_input_is_413_with_or_without_a_length(client: httpx.Client) -> None:
    big = b"---\ntitle: x\n---\n\n" + b"word " * 1_100_000
    assert client.post("/api/build?to=pdf", content=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it comes
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    answer = client.post("/api/build?to=pdf", content=chunks())
    assert answer.status_code == 413
    assert "limit" in answer.json()["error"]


def test_an_upload_cannot_read_the_servers_files(client: httpx.Client, folder: Path) -> None:
    # The same picture beside the stored article is printed; from an upload it is not.
    stored = client.get("/articles/rich-article.md/download/pdf")
    assert stored.status_code == 200
    assert _image_count(stored.content) >= 1
    names = [
        "basin.png",
        str(folder / "basin.png"),
        f"file://{folder / 'basin.png'}",
        f"../{folder.name}/basin.png",
    ]
    figures = "\n\n".join(f"![picture {i}]({name})" for i, name in enumerate(names))
    article = f"---\ntitle: Reaching out\n---\n\nText.\n\n{figures}\n"
    answer = client.post("/api/build?to=pdf", content=article.encode())
    assert answer.status_code == 200, answer.text
    assert _image_count(answer.content) == 0
    warnings = " ".join(json.loads(answer.headers["x-exporter-warnings"]))
    assert "missing file 'basin.png'" in warnings
    assert "outside the article's folder" in warnings


def _image_count(data: bytes) -> int:
    return sum(len(page.images) for page in pdf_of(data).pages)


def test_import_turns_a_docx_into_markdown(client: httpx.Client) -> None:
    docx = client.post("/api/build?to=docx", content=RICH.read_bytes())
    assert docx.status_code == 200
    answer = client.post(
        "/api/import",
        content=docx.content,
        headers={
            "content-type": "application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document"
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/markdown")
    markdown = answer.text
    assert markdown.startswith("---\n")
    assert "Rivers Without Borders" in markdown
    assert "number: 615" in markdown
    # The same as a multipart upload, answered in JSON, with a language given.
    answer = client.post(
        "/api/import?lang=vi",
        files={"file": ("returned.docx", docx.content)},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert "lang: vi" in answer.json()["markdown"]
    assert isinstance(answer.json()["warnings"], list)


def test_import_gives_a_manuscripts_pictures_beside_its_markdown(client: httpx.Client) -> None:
    manuscript = (ROOT / "tests" / "fixtures" / "docx-made" / "pictures.docx").read_bytes()
    answer = client.post(
        "/api/import?format=docx", content=manuscript, headers={"accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    pictures = answer.json()["pictures"]
    assert pictures
    for name, data in pictures.items():
        assert (
            f"]({name}" in answer.json()["markdown"] or f"](<{name}>" in answer.json()["markdown"]
        )
        assert base64.b64decode(data)[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1")
    plain = client.post("/api/import?format=docx", content=manuscript)
    warnings = json.loads(plain.headers["x-exporter-warnings"])
    assert any("Accept: application/json" in warning for warning in warnings)


def test_import_of_a_web_page(client: httpx.Client) -> None:
    page = (ROOT / "tests" / "fixtures" / "webpages").glob("*.html")
    html = next(iter(sorted(page)))
    answer = client.post("/api/import?format=html", content=html.read_bytes())
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith("---\n")
    assert "title:" in answer.text


def test_import_refuses_what_it_cannot_read(client: httpx.Client) -> None:
    unknown = client.post("/api/import", content=b"\x00\x01", headers={"content-type": "x/y"})
    assert unknown.status_code == 422
    assert "?format=" in unknown.json()["error"]
    broken = client.post("/api/import?format=docx", content=b"not a zip file")
    assert broken.status_code == 422
    assert "/tmp" not in broken.json()["error"]


def test_a_web_article_cannot_take_a_folder_of_the_server_as_its_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "layouts" / "apb", tmp_path / "mine")
    (tmp_path / "mine" / "series.yaml").write_text(
        (ROOT / "layouts" / "apb" / "series.yaml").read_text().replace("id: apb", "id: mine")
    )
    monkeypatch.chdir(tmp_path)
    assert find_layout(None, "mine").folder == (tmp_path / "mine").resolve()  # the CLI's way
    with pytest.raises(InputError, match="not a known layout"):
        known_layout("mine")
    assert known_layout("apb").folder.name == "apb"


def test_a_request_from_another_site_or_host_is_refused(client: httpx.Client) -> None:
    foreign = client.post(
        "/api/build?to=pdf",
        content=EXAMPLE.read_bytes(),
        headers={"origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    rebound = client.get("/api/articles", headers={"host": "evil.example:8000"})
    assert rebound.status_code == 421


def test_a_token_is_asked_for_when_set(tmp_path: Path) -> None:
    with running_server(article_folder(tmp_path), token=TOKEN) as url:
        with httpx.Client(base_url=url) as http:
            assert http.get("/api/articles").status_code == 401
            wrong = http.get("/api/articles", headers={"authorization": "Bearer nope"})
            assert wrong.status_code == 401
            odd = http.get(
                "/api/articles", headers={"authorization": "Bearer \u00e9t\u00e9".encode("latin-1")}
            )
            assert odd.status_code == 401
            assert http.get("/?token=\u00e9t\u00e9").status_code == 401
            right = http.get("/api/articles", headers={"authorization": f"Bearer {TOKEN}"})
            assert right.status_code == 200
            assert http.get("/static/app.css").status_code == 401
        with httpx.Client(base_url=url) as browser:
            login = browser.get(f"/?token={TOKEN}")
            assert login.status_code == 303
            assert login.headers["location"] == "/"
            assert TOKEN not in login.headers["set-cookie"]
            assert browser.get("/").status_code == 200  # the cookie now carries the login
            assert browser.get("/api/articles").status_code == 200


def test_serve_refuses_to_listen_beyond_loopback_without_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPORTER_TOKEN", raising=False)
    assert main(["serve", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "--token" in capsys.readouterr().err
    assert main(["serve", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert check_options(ServeOptions(tmp_path, "0.0.0.0", 8000, TOKEN)).token == TOKEN
    assert check_options(ServeOptions(tmp_path, "::1")).host == "::1"


def test_other_commands_do_not_import_the_web_app() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from exporter.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['schema'])\n"
        "print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


def test_the_serve_command_serves_the_folder(tmp_path: Path) -> None:
    article_folder(tmp_path)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    env = {**os.environ, "EXPORTER_TOKEN": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "serve", str(tmp_path), "--port", str(port), "-j", "1"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/articles", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "exporter serve did not start"
                time.sleep(0.1)
        assert answer.status_code == 200
        assert len(answer.json()["articles"]) == 2
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop
        _, err = process.communicate(timeout=60)
    assert f"serving {tmp_path.resolve()} at http://127.0.0.1:{port}/" in err
    assert process.returncode == 0
