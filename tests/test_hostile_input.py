"""Hostile input: raw HTML, escaping references and network addresses leak into no output."""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import socket
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from exporter.build import BuildOptions, build_file
from exporter.context import RenderContext
from exporter.fontsubset import subset_font
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.resources import MAX_IMAGE_BYTES, local_path
from exporter.writers.docx.fonts import obfuscate
from exporter.writers.fetcher import PolicyFetcher
from exporter.writers.html import HtmlOptions, body_html
from tests.tools import epubcheck_problems, normalise

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SECRET = "SECRET-7Q3K-NEVER-PRINTED"
LAST_PARAGRAPH = "The last ordinary paragraph ends the article here."
# Text inside dropped elements: none of it may print anywhere.
DROPPED_TEXTS = ("SCRIPT-TEXT", "STYLE-TEXT", "IFRAME-TEXT", "bg.png", "alert(")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HOSTILE = """\
---
title: A Hostile Article
authors: [Ann Author]
---
The first paragraph is harmless.

Inline <script>document.write("SCRIPT-TEXT")</script> script and a
<b onclick="steal()">bold word</b> with a handler.

<script>
alert("SCRIPT-TEXT");
</script>

<style>
body {{ background: url(http://127.0.0.1:{port}/bg.png) }} /* STYLE-TEXT */
</style>

<iframe src="http://127.0.0.1:{port}/">IFRAME-TEXT</iframe>

<img src="file:///etc/hostname">

A [javascript link](javascript:alert(1)) keeps its words.

![Climbing out](../secret.txt)

![A remote image](http://127.0.0.1:{port}/x.png)

![The host name](file:///etc/hostname)

![A link out](leak.png)

![The kernel](/proc/self/environ)

{last}
"""


@dataclass(frozen=True, slots=True)
class Outputs:
    """The hostile article's outputs and what the build logged."""

    pdf: Path
    epub: Path
    docx: Path
    warnings: list[str]
    connections: int


class Recorder(logging.Handler):
    """Keeps every record logged while it is attached."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outputs]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "secret.txt").write_text(SECRET)
    (root / "secret.png").write_bytes(PNG)
    folder = root / "article"
    folder.mkdir()
    os.symlink(root / "secret.txt", folder / "leak.png")
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    source = folder / "hostile.md"
    source.write_text(HOSTILE.format(port=server.getsockname()[1], last=LAST_PARAGRAPH))
    handler = Recorder()
    logger = logging.getLogger("exporter")
    logger.addHandler(handler)
    try:
        options = BuildOptions(formats=("pdf", "epub", "docx"), out_dir=root / "out")
        pdf, epub, docx = build_file(source, options)
    finally:
        logger.removeHandler(handler)
    connections = 0
    while True:
        try:
            server.accept()[0].close()
        except BlockingIOError:
            break
        connections += 1
    server.close()
    warnings = [r.getMessage() for r in handler.records if r.levelno == logging.WARNING]
    yield Outputs(pdf, epub, docx, warnings, connections)


def host_name_pattern() -> re.Pattern[str]:
    """Return a pattern of the machine's host name; a short one must stand as a word."""
    name = Path("/etc/hostname").read_text().strip()
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")


def zip_texts(path: Path) -> dict[str, str]:
    """Return every file of a zip, decoded so that any byte is searchable."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("latin-1") for name in archive.namelist()}


def layout_fonts() -> dict[str, bytes]:
    """Return the bytes of the layout's font files by file name."""
    folder = find_layout(None).fonts
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def searchable_parts(path: Path) -> dict[str, str]:
    """Return the parts of an EPUB or DOCX to search for leaks: all but the layout's fonts.

    A font is binary, where a short host name occurs by chance: it is checked instead to
    be the layout's own font of that name, cut to the characters it keeps, and so to
    carry nothing else.
    """
    fonts = layout_fonts()
    parts = zip_texts(path)
    keys = docx_font_keys(parts)
    for name in [n for n in parts if n.endswith((".ttf", ".otf", ".odttf"))]:
        packed = parts.pop(name).encode("latin-1")
        if name in keys:  # a DOCX's font, obfuscated
            packed = obfuscate(packed, keys[name])
        with TTFont(io.BytesIO(packed)) as font:
            kept = set(font.getBestCmap())
            file_name = (
                Path(name).name if name not in keys else f"{font['name'].getDebugName(6)}.ttf"
            )
        assert subset_font(fonts[file_name], kept) == packed, name
    return parts


def docx_font_keys(parts: dict[str, str]) -> dict[str, str]:
    """Return the key of each obfuscated font of a DOCX by part name (none in an EPUB)."""
    if "word/fontTable.xml" not in parts:
        return {}
    rels = etree.fromstring(parts["word/_rels/fontTable.xml.rels"].encode("latin-1"))
    targets = {rel.get("Id"): f"word/{rel.get('Target')}" for rel in rels}
    table = etree.fromstring(parts["word/fontTable.xml"].encode("latin-1"))
    return {
        targets[element.get(f"{{{R}}}id")]: str(element.get(f"{{{W}}}fontKey"))
        for element in table.iter()
        if element.get(f"{{{W}}}fontKey")
    }


def pdf_text(path: Path) -> str:
    return normalise(" ".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages))


def docx_text(path: Path) -> str:
    xml = zip_texts(path)["word/document.xml"]
    return " ".join(re.sub(r"<[^>]+>", "", xml).split())


def test_no_connection_reaches_the_loopback_port(hostile: Outputs) -> None:
    assert hostile.connections == 0


def test_the_last_paragraph_is_in_every_output(hostile: Outputs) -> None:
    epub_content = zip_texts(hostile.epub)["EPUB/content.xhtml"]
    for text in (pdf_text(hostile.pdf), epub_content, docx_text(hostile.docx)):
        assert LAST_PARAGRAPH in " ".join(text.split())
        assert "javascript link keeps its words" in " ".join(text.split())
        assert "bold word" in text


def test_no_output_holds_the_host_name_or_a_file_outside(hostile: Outputs) -> None:
    host = host_name_pattern()
    texts = {"pdf text": pdf_text(hostile.pdf)}
    texts.update({f"epub {n}": t for n, t in searchable_parts(hostile.epub).items()})
    texts.update({f"docx {n}": t for n, t in searchable_parts(hostile.docx).items()})
    for where, text in texts.items():
        assert not host.search(text), where
        assert SECRET not in text, where
        for dropped in DROPPED_TEXTS:
            assert dropped not in text, (where, dropped)
    assert SECRET.encode() not in hostile.pdf.read_bytes()


def test_the_epub_holds_no_script_frame_handler_or_style(hostile: Outputs) -> None:
    for name, text in zip_texts(hostile.epub).items():
        lowered = text.lower()
        for banned in ("<script", "<iframe", "javascript:", "onclick", "<object", "<embed"):
            assert banned not in lowered, (name, banned)
    content = zip_texts(hostile.epub)["EPUB/content.xhtml"]
    assert "<style" not in content and "style=" not in content
    images = [n for n in zip_texts(hostile.epub) if n.startswith("EPUB/images/")]
    assert images == ["EPUB/images/cover.png"]


def test_the_html_the_pdf_is_made_from_holds_no_markup_of_the_article(tmp_path: Path) -> None:
    source = tmp_path / "hostile.md"
    source.write_text(HOSTILE.format(port=9, last=LAST_PARAGRAPH))
    html = body_html(load(source), HtmlOptions())
    for banned in ("<script", "<style", "style=", "<iframe", "onclick", "javascript:"):
        assert banned not in html.lower(), banned
    assert html.count("<img") == 5  # the Markdown figures, which the fetcher then refuses
    assert LAST_PARAGRAPH in html


def test_the_pdf_and_docx_hold_no_script_link(hostile: Outputs) -> None:
    reader = pypdf.PdfReader(hostile.pdf)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert not str(action.get("/URI", "")).lower().startswith("javascript")
            assert "/JS" not in action
    names = reader.root_object.get("/Names")
    assert names is None or "/JavaScript" not in names.get_object()
    assert "/OpenAction" not in reader.root_object
    for name, text in zip_texts(hostile.docx).items():
        assert "javascript:" not in text.lower(), name
        assert "127.0.0.1" not in text, name


def test_the_dropped_html_is_reported_once(hostile: Outputs) -> None:
    reports = [w for w in hostile.warnings if w.startswith("dropped raw HTML")]
    assert len(reports) == 1
    for named in ("<script>", "onclick attribute", "<style>", "<iframe>", "<img>", "javascript:"):
        assert named in reports[0]


def test_the_hostile_epub_passes_epubcheck(hostile: Outputs) -> None:
    assert epubcheck_problems(hostile.epub) == []


def test_title_markup_prints_as_text(tmp_path: Path) -> None:
    source = tmp_path / "title.md"
    source.write_text(
        '---\ntitle: "<b onmouseover=x>T</b> & Co"\nauthors: ["<i>Ann</i>"]\n---\nBody text.\n'
    )
    pdf, epub, docx = build_file(
        source, BuildOptions(formats=("pdf", "epub", "docx"), out_dir=tmp_path / "out")
    )
    assert "<b onmouseover=x>T</b> & Co" in pdf_text(pdf)
    for name, text in zip_texts(epub).items():
        assert "<b " not in text and "<i>" not in text, name
    content = zip_texts(epub)["EPUB/content.xhtml"]
    assert "&lt;b onmouseover=x&gt;T&lt;/b&gt; &amp; Co" in content
    for name, text in zip_texts(docx).items():
        assert "<b " not in text and "<i>" not in text, name
    assert "&lt;b onmouseover=x&gt;T&lt;/b&gt; &amp; Co" in zip_texts(docx)["word/document.xml"]


# The resource policy itself, reference by reference.


@pytest.fixture
def article_folder(tmp_path: Path) -> Path:
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = tmp_path / "article"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "ok.png").write_bytes(PNG)
    os.symlink(tmp_path / "secret.png", folder / "out.png")
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder / "loop-a", folder / "loop-b")
    os.symlink("/dev", folder / "devices")
    return folder


REFUSED = [
    ("../secret.png", "outside"),
    ("images/../../secret.png", "outside"),
    ("/etc/hostname", "outside"),
    ("file:///etc/hostname", "outside"),
    ("file://localhost/etc/hostname", "outside"),
    ("file:///proc/self/environ", "outside"),
    ("/dev/zero", "outside"),
    ("devices/zero", "outside"),
    ("out.png", "outside"),
    ("loop-a", "loop"),
    ("http://127.0.0.1:9/x.png", "network"),
    ("HTTPS://example.org/x.png", "network"),
    ("ftp://127.0.0.1/x.png", "network"),
    ("data:image/png;base64," + base64.b64encode(PNG).decode(), "data: URL"),
    ("missing.png", "missing"),
    ("http://[127.0.0.1/x.png", "not a valid address"),
    ("images", "missing"),
]


@pytest.mark.parametrize(("reference", "reason"), REFUSED)
def test_the_policy_refuses_with_a_warning_naming_the_reference(
    article_folder: Path, reference: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    context = RenderContext(layout=find_layout(None), source_dir=article_folder)
    assert local_path(reference, context) is None
    (message,) = [r.getMessage() for r in caplog.records]
    assert reason in message and repr(reference)[:40] in message


def test_the_policy_allows_the_article_folder_and_the_layout(article_folder: Path) -> None:
    context = RenderContext(layout=find_layout(None), source_dir=article_folder)
    assert local_path("images/ok.png", context) == article_folder / "images" / "ok.png"
    ok_url = (article_folder / "images" / "ok.png").as_uri()
    assert local_path(ok_url, context) == article_folder / "images" / "ok.png"
    font = next(context.layout.fonts.glob("*.ttf"))
    assert local_path(font.as_uri(), context) == font.resolve()


def test_an_article_in_the_root_folder_still_cannot_read_the_kernel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    context = RenderContext(layout=find_layout(None), source_dir=Path("/"))
    assert local_path("proc/self/environ", context) is None
    assert local_path("dev/zero", context) is None


def test_the_fetcher_serves_small_data_urls_and_refuses_large_ones(
    article_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fetcher = PolicyFetcher(RenderContext(layout=find_layout(None), source_dir=article_folder))
    small = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert fetcher.fetch(small).read() == PNG
    large = "data:image/png;base64," + "A" * (MAX_IMAGE_BYTES * 4 // 3 + 1000)
    with pytest.raises(ValueError, match="too large"):
        fetcher.fetch(large)
    assert "refused a data: URL" in caplog.text
    assert len(caplog.text) < 1000  # the warning does not print the URL itself


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x.png",
        "https://127.0.0.1:{port}/x.png",
        "ftp://127.0.0.1:{port}/x.png",
        "file://127.0.0.1:{port}/x.png",
        "file:///etc/hostname",
    ],
)
def test_the_fetcher_opens_no_connection(article_folder: Path, url: str) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    fetcher = PolicyFetcher(RenderContext(layout=find_layout(None), source_dir=article_folder))
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url.format(port=server.getsockname()[1]))
    with pytest.raises(BlockingIOError):
        server.accept()
    server.close()


def test_a_markdown_article_with_only_safe_html_builds_without_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "safe.md"
    source.write_text(
        '---\ntitle: Safe\n---\nHe said <span lang="fr">bonjour</span> <em>twice</em>.<br>'
        'See <a href="https://example.org/">the site</a>.\n'
    )
    (epub,) = build_file(source, BuildOptions(formats=("epub",), out_dir=tmp_path))
    content = zip_texts(epub)["EPUB/content.xhtml"]
    assert '<span lang="fr" xml:lang="fr">bonjour</span> <em>twice</em>.<br/>' in content
    assert '<a href="https://example.org/">the site</a>' in content
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
