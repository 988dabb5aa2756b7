"""The OPDS catalogue: `exporter catalog OUT_DIR` and the app's /opds, read as clients read them.

A folder holds three full builds (EPUB and PDF: the example, the rich fixture, a French
issue) and 120 small EPUB-only builds in English and French. Every feed must be valid
against the OPDS 1.2 RELAX NG schema (tests/schemas/opds, from opds-spec), list every
EPUB with its links and metadata, newest first in pages of 50, with language facets.
The app must answer the same feeds; feedparser (Debian's python3-feedparser) and
calibre's own OPDS search client (its OpenSearch store code) must read them.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from lxml import etree
from PIL import Image

from exporter.catalog import make_catalogue
from exporter.catalog.covers import THUMBNAIL_SIZE
from exporter.catalog.feeds import PAGE_SIZE
from exporter.cli import main
from tests.test_serve_api import article_folder, running_server

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "schemas" / "opds"
NS = {
    "a": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/terms/",
    "opds": "http://opds-spec.org/2010/catalog",
    "thr": "http://purl.org/syndication/thread/1.0",
    "schema": "http://schema.org/",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
ACQUISITION = "http://opds-spec.org/acquisition"
FACET = "http://opds-spec.org/facet"
GENERATED = 120
FULL_BUILDS = 3
FRENCH = """\
    ---
    series: apb
    title: "Les fleuves sans frontières"
    number: 640
    date: 2024-11-05
    lang: fr
    summary: Une lecture du Mékong en amont et en aval.
    authors:
      - name: Camille Durand
      - name: Louis Martin
    ---

    Le Mékong traverse six pays. Chacun mesure son débit à sa manière.
"""


def small_article(number: int) -> str:
    """Return a short article whose date and language vary with `number`."""
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=7 * number)
    lang = "fr" if number % 3 == 0 else "en"
    return (
        f"---\nseries: apb\ntitle: Issue {number} on river data\nnumber: {number}\n"
        f"date: {day.isoformat()}\nlang: {lang}\nsummary: Generated issue {number}.\n"
        f"authors:\n  - name: Writer {number}\n---\n\nA paragraph for issue {number}.\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of built articles: three in EPUB and PDF, 120 in EPUB alone."""
    sources = tmp_path_factory.mktemp("sources")
    out = tmp_path_factory.mktemp("built")
    full = article_folder(sources / "full")
    (full / "fleuves.md").write_text(textwrap.dedent(FRENCH), encoding="utf-8")
    small = sources / "small"
    small.mkdir()
    for number in range(1, GENERATED + 1):
        (small / f"issue-{number:03}.md").write_text(small_article(number), encoding="utf-8")
    assert main(["build", str(full), "--to", "epub,pdf", "-o", str(out), "-q"]) == 0
    assert main(["build", str(small), "--to", "epub", "-o", str(out), "-q", "-j", "2"]) == 0
    assert len(list(out.glob("*.epub"))) == GENERATED + FULL_BUILDS
    assert main(["catalog", str(out), "-q", "--search", "http://localhost/s?q={searchTerms}"]) == 0
    return out


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "opds_catalog_1_2.rng")))


def feed(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def links(element: etree._Element, rel: str) -> list[etree._Element]:
    return list(element.xpath("a:link[@rel=$rel]", namespaces=NS, rel=rel))


def href(element: etree._Element, rel: str) -> str | None:
    found = links(element, rel)
    return found[0].get("href") if found else None


def pages(folder: Path, first: str) -> list[etree._Element]:
    """Follow a feed's rel=next links from its first page; return every page."""
    found, name = [], first
    while name is not None:
        assert len(found) < 10, "the next links go round in a circle"
        page = feed(folder / name)
        found.append(page)
        name = href(page, "next")
    return found


def entries(folder: Path, first: str) -> list[etree._Element]:
    return [entry for page in pages(folder, first) for entry in page.findall("a:entry", NS)]


def test_every_feed_is_valid_opds_1_2(built: Path, schema: etree.RelaxNG) -> None:
    feeds = sorted(built.glob("catalog*.xml"))
    assert len(feeds) >= 7
    for path in feeds:
        assert schema.validate(etree.parse(str(path))), f"{path.name}: {schema.error_log}"
    # The schema is enforced, not merely loaded: a feed without its id is refused.
    broken = etree.parse(str(built / "catalog-all.xml"))
    root = broken.getroot()
    root.remove(root.find("a:id", NS))
    assert not schema.validate(broken)


def test_every_built_epub_has_an_entry_with_its_links_and_metadata(built: Path) -> None:
    listed = {}
    for entry in entries(built, "catalog-all.xml"):
        epubs = entry.xpath(
            "a:link[@rel=$rel][@type='application/epub+zip']/@href", namespaces=NS, rel=ACQUISITION
        )
        assert len(epubs) == 1
        listed[epubs[0]] = entry
    assert set(listed) == {path.name for path in built.glob("*.epub")}
    for name, entry in listed.items():
        assert entry.findtext("a:title", namespaces=NS).strip()
        assert entry.findtext("a:author/a:name", namespaces=NS).strip()
        assert entry.findtext("dc:language", namespaces=NS) in {"en", "fr"}
        pdfs = entry.xpath("a:link[@type='application/pdf']/@href", namespaces=NS)
        assert pdfs == (
            [name.replace(".epub", ".pdf")] if (built / name).with_suffix(".pdf").exists() else []
        )
        cover = built / href(entry, "http://opds-spec.org/image")
        thumbnail = built / href(entry, "http://opds-spec.org/image/thumbnail")
        with Image.open(cover) as big, Image.open(thumbnail) as small:
            assert small.width <= THUMBNAIL_SIZE[0] and small.height <= THUMBNAIL_SIZE[1]
            assert small.width < big.width
            # The thumbnail is the cover made small: the same proportions, to a pixel.
            assert abs(small.width / small.height - big.width / big.height) < 0.02


def test_an_entry_says_what_the_epub_package_document_says(built: Path) -> None:
    entry = next(
        each
        for each in entries(built, "catalog-all.xml")
        if href(each, ACQUISITION) == "rich-article.epub"
    )
    package = etree.fromstring(
        subprocess.run(
            ["unzip", "-p", str(built / "rich-article.epub"), "EPUB/content.opf"],
            capture_output=True,
            check=True,
        ).stdout
    )
    opf = {"dc": "http://purl.org/dc/elements/1.1/", "opf": "http://www.idpf.org/2007/opf"}
    assert entry.findtext("a:title", namespaces=NS) == package.findtext(
        ".//dc:title", namespaces=opf
    )
    authors = [name.text for name in entry.findall("a:author/a:name", NS)]
    assert authors == [each.text for each in package.findall(".//dc:creator", opf)]
    assert len(authors) == 2
    assert entry.findtext("dc:issued", namespaces=NS) == package.findtext(
        ".//dc:date", namespaces=opf
    )
    assert entry.findtext("a:summary", namespaces=NS) == package.findtext(
        ".//dc:description", namespaces=opf
    )
    assert entry.findtext("schema:isPartOf", namespaces=NS) == "Asia Pacific Bulletin"
    assert entry.findtext("schema:position", namespaces=NS) == "615"
    assert "no. 615" in entry.findtext("a:content", namespaces=NS)


def test_entries_are_newest_first_in_pages_of_fifty(built: Path) -> None:
    found = pages(built, "catalog-all.xml")
    total = GENERATED + FULL_BUILDS
    assert [len(page.findall("a:entry", NS)) for page in found] == [50, 50, total - 100]
    selves = [href(page, "self") for page in found]
    assert selves[0] == "catalog-all.xml" and len(set(selves)) == 3
    for number, page in enumerate(found):
        assert href(page, "first") == selves[0]
        assert href(page, "last") == selves[-1]
        assert href(page, "previous") == (selves[number - 1] if number else None)
    issued = [
        entry.findtext("dc:issued", namespaces=NS)
        for page in found
        for entry in page.findall("a:entry", NS)
        if entry.find("dc:issued", NS) is not None
    ]
    assert len(issued) > 100
    assert issued == sorted(issued, reverse=True)


def test_language_facets_narrow_the_list(built: Path) -> None:
    every = feed(built / "catalog-all.xml")
    facets = links(every, FACET)
    titles = {facet.get("title"): facet for facet in facets}
    assert set(titles) == {"All languages", "English", "French"}
    assert all(facet.get(f"{{{NS['opds']}}}facetGroup") == "Language" for facet in facets)
    assert titles["All languages"].get(f"{{{NS['opds']}}}activeFacet") == "true"
    french = titles["French"]
    assert french.get(f"{{{NS['opds']}}}activeFacet") is None
    listed = entries(built, french.get("href"))
    assert len(listed) == int(french.get(f"{{{NS['thr']}}}count")) == GENERATED // 3 + 1
    assert {entry.findtext("dc:language", namespaces=NS) for entry in listed} == {"fr"}
    narrowed = feed(built / french.get("href"))
    active = [
        facet.get("title")
        for facet in links(narrowed, FACET)
        if facet.get(f"{{{NS['opds']}}}activeFacet") == "true"
    ]
    assert active == ["French"]


def test_the_root_leads_to_every_series_and_language(built: Path) -> None:
    root = feed(built / "catalog.xml")
    assert "kind=navigation" in links(root, "self")[0].get("type")
    subsections = {
        entry.findtext("a:title", namespaces=NS): entry.xpath(
            "a:link[@rel='subsection']/@href", namespaces=NS
        )[0]
        for entry in root.findall("a:entry", NS)
    }
    for target in subsections.values():
        assert (built / target).is_file()
    assert {"All issues", "All issues: English", "All issues: French"} <= set(subsections)
    assert "Asia Pacific Bulletin" in subsections
    series = entries(built, subsections["Asia Pacific Bulletin"])
    assert {entry.findtext("schema:isPartOf", namespaces=NS) for entry in series} == {
        "Asia Pacific Bulletin"
    }
    # Every feed links the root as its start and the OpenSearch description.
    for path in built.glob("catalog-*.xml"):
        page = feed(path)
        assert href(page, "start") == "catalog.xml"
        assert href(page, "search") == "search.xml"


def test_the_opensearch_description_parses(built: Path) -> None:
    description = feed(built / "search.xml")
    assert description.tag == f"{{{NS['os']}}}OpenSearchDescription"
    assert 0 < len(description.findtext("os:ShortName", namespaces=NS)) <= 16
    assert description.findtext("os:Description", namespaces=NS)
    url = description.find("os:Url", NS)
    assert url.get("template") == "http://localhost/s?q={searchTerms}"
    assert url.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"


def test_a_folder_without_built_articles_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("nothing built here", encoding="utf-8")
    assert main(["catalog", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and str(tmp_path) in error and "no built articles" in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_a_catalogue_is_written_whole_or_not_at_all(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in list(built.glob("issue-00*.epub"))[:3]:
        shutil.copy(path, tmp_path / path.name)
    renamed = []

    def failing_replace(source: str, target: str | Path) -> None:
        if len(renamed) == 4:
            raise OSError(28, "No space left on device")
        renamed.append(target)
        real_replace(source, target)

    real_replace = os.replace
    monkeypatch.setattr("exporter.output.os.replace", failing_replace)
    assert main(["catalog", str(tmp_path)]) == 1
    monkeypatch.undo()
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == sorted(
        path.name for path in tmp_path.glob("*.epub")
    )
    assert not list(tmp_path.glob("covers/*"))


def test_an_unreadable_epub_is_left_out_with_a_warning(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(built / "rich-article.epub", tmp_path / "rich-article.epub")
    (tmp_path / "broken.epub").write_bytes(b"not a zip at all")
    with (
        zipfile.ZipFile(built / "fleuves.epub") as source,
        zipfile.ZipFile(tmp_path / "entity.epub", "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                # An entity that would read a file of the machine, were entities resolved.
                data = data.replace(
                    b"<package",
                    b'<!DOCTYPE package [<!ENTITY leak SYSTEM "file:///etc/passwd">]><package',
                    1,
                ).replace(b"<dc:title>", b"<dc:title>&leak;", 1)
            target.writestr(info, data)
    assert main(["catalog", str(tmp_path)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 2
    assert any("broken.epub" in line and "not a EPUB file" in line for line in warnings)
    assert any("entity.epub" in line and "declares a DTD" in line for line in warnings)
    listed = entries(tmp_path, "catalog-all.xml")
    assert [href(entry, ACQUISITION) for entry in listed] == ["rich-article.epub"]
    assert b"root:" not in b"".join(path.read_bytes() for path in tmp_path.glob("*.xml"))


def test_file_names_and_identifiers_of_any_kind_make_valid_links(
    built: Path, tmp_path: Path, schema: etree.RelaxNG
) -> None:
    odd = "Issue 7 (été) #2"
    shutil.copy(built / "rich-article.epub", tmp_path / f"{odd}.epub")
    shutil.copy(built / "rich-article.pdf", tmp_path / f"{odd}.pdf")
    with (
        zipfile.ZipFile(built / "fleuves.epub") as source,
        zipfile.ZipFile(tmp_path / "isbn.epub", "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                data = re.sub(rb">urn:uuid:[^<]*<", b">ISBN 978-0 {draft}<", data, count=1)
            target.writestr(info, data)
    assert main(["catalog", str(tmp_path), "-q"]) == 0
    page = etree.parse(str(tmp_path / "catalog-all.xml"))
    assert schema.validate(page), schema.error_log
    targets = page.xpath("//a:entry/a:link/@href", namespaces=NS)
    assert len(targets) == 4 + 3  # cover, thumbnail, EPUB and PDF; no PDF for the other
    for target in targets:
        assert (tmp_path / unquote(target)).is_file(), target
    assert f"{quote(odd)}.epub" in targets


def test_a_smaller_catalogue_leaves_no_page_of_a_larger_one(built: Path, tmp_path: Path) -> None:
    for path in sorted(built.glob("issue-*.epub"))[: PAGE_SIZE + 1]:
        shutil.copy(path, tmp_path / path.name)
    assert main(["catalog", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "catalog-all-2.xml").is_file()
    for path in sorted(tmp_path.glob("issue-*.epub"))[PAGE_SIZE:]:
        path.unlink()
    assert main(["catalog", str(tmp_path), "-q"]) == 0
    assert not (tmp_path / "catalog-all-2.xml").exists()
    assert href(feed(tmp_path / "catalog-all.xml"), "next") is None


def test_the_app_says_when_nothing_is_built_yet(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        answer = http.get("/opds/")
    assert answer.status_code == 404
    assert answer.text.count("\n") == 0 and "no built articles in dist/" in answer.text


@pytest.fixture(scope="module")
def app_url(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run the app over a folder whose dist/ holds the built articles, as Build all leaves it."""
    folder = article_folder(tmp_path_factory.mktemp("app"))
    (folder / "dist").mkdir()
    for path in built.iterdir():
        if path.suffix in (".epub", ".pdf"):
            shutil.copy(path, folder / "dist" / path.name)
    with running_server(folder) as url:
        yield url


def test_the_app_answers_the_same_catalogue_at_opds(built: Path, app_url: str) -> None:
    expected = make_catalogue(built, "search?q={searchTerms}")
    with httpx.Client(base_url=app_url, timeout=60, follow_redirects=True) as http:
        root = http.get("/opds")
        assert root.status_code == 200
        assert str(root.url).endswith("/opds/")
        assert "kind=navigation" in root.headers["content-type"]
        assert root.content == expected.files["catalog.xml"]
        for entry in etree.fromstring(root.content).findall("a:entry", NS):
            name = entry.xpath("a:link[@rel='subsection']/@href", namespaces=NS)[0]
            answer = http.get(f"/opds/{name}")
            assert answer.content == expected.files[name]
        page = etree.fromstring(http.get("/opds/catalog-all.xml").content)
        entry = page.find("a:entry", NS)
        for link in entry.findall("a:link", NS):
            answer = http.get(f"/opds/{link.get('href')}")
            assert answer.status_code == 200
            assert answer.headers["content-type"].split(";")[0] == link.get("type")
            assert answer.content == (
                expected.files.get(link.get("href")) or (built / link.get("href")).read_bytes()
            )
        assert http.get("/opds/../rich-article.md").status_code == 404
        assert http.get("/opds/nothing.epub").status_code == 404


def test_the_app_searches_titles_authors_and_summaries(
    built: Path, app_url: str, schema: etree.RelaxNG
) -> None:
    with httpx.Client(base_url=app_url, timeout=60) as http:
        description = etree.fromstring(http.get("/opds/search.xml").content)
        template = description.find("os:Url", NS).get("template")
        assert template == f"{app_url}/opds/search?q={{searchTerms}}"
        for query, expected in [
            ("mekong data", {"rich-article.epub"}),
            ("Durand", {"fleuves.epub"}),
            ("Hideshi", {"japan-rok-relations.epub"}),
        ]:
            answer = http.get("/opds/search", params={"q": query})
            assert answer.status_code == 200
            document = etree.fromstring(answer.content)
            assert schema.validate(etree.ElementTree(document)), schema.error_log
            found = set(document.xpath(f"//a:link[@rel='{ACQUISITION}']/@href", namespaces=NS))
            # Results are made on request, their links absolute (calibre's client needs it).
            assert all(link.startswith(f"{app_url}/opds/") for link in found)
            epubs = {link.rsplit("/", 1)[-1] for link in found if link.endswith(".epub")}
            assert epubs == expected
        # "river" is in 121 titles: three pages, each valid, linked by next.
        expected = [
            entry.findtext("a:id", namespaces=NS)
            for entry in entries(built, "catalog-all.xml")
            if "river"
            in " ".join(
                entry.xpath(
                    "a:title//text() | a:author/a:name//text() | a:summary//text()", namespaces=NS
                )
            ).casefold()
        ]
        assert len(expected) > 2 * PAGE_SIZE
        found, url = [], "/opds/search?q=river"
        while url:
            answer = etree.fromstring(http.get(url).content)
            assert schema.validate(etree.ElementTree(answer)), schema.error_log
            assert len(answer.findall("a:entry", NS)) <= PAGE_SIZE
            found += [
                entry.findtext("a:id", namespaces=NS) for entry in answer.findall("a:entry", NS)
            ]
            url = href(answer, "next") or ""
        assert found == expected


FEEDPARSER_READ = """
import json, sys, feedparser
parsed = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(parsed.bozo), "version": parsed.version, "next": [
        link.href for link in parsed.feed.links if link.rel == "next"],
    "entries": [{
        "title": entry.title, "author": entry.get("author", ""),
        "language": entry.get("dcterms_language", ""),
        "published": entry.get("published", ""),
        "links": [[link.rel, link.type, link.href] for link in entry.links],
    } for entry in parsed.entries],
}))
"""


@pytest.mark.slow
@pytest.mark.skipif(
    subprocess.run(["/usr/bin/python3", "-c", "import feedparser"], check=False).returncode != 0,
    reason="feedparser is not installed (Debian: apt-get install python3-feedparser)",
)
def test_feedparser_reads_the_catalogue_from_the_app(app_url: str) -> None:
    url, seen = f"{app_url}/opds/catalog-all.xml", 0
    while url:
        result = subprocess.run(
            ["/usr/bin/python3", "-c", FEEDPARSER_READ, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        parsed = json.loads(result.stdout)
        assert not parsed["bozo"] and parsed["version"] == "atom10"
        for entry in parsed["entries"]:
            assert entry["title"] and entry["author"] and entry["language"] in {"en", "fr"}
            assert entry["published"] or entry["title"].startswith("Strengthening")
            types = {kind for rel, kind, _href in entry["links"] if rel == ACQUISITION}
            assert "application/epub+zip" in types
        seen += len(parsed["entries"])
        url = parsed["next"][0] if parsed["next"] else ""
    assert seen == GENERATED + FULL_BUILDS


CALIBRE_SEARCH = """
import json, sys
from calibre.gui2.store.opensearch_store import open_search
results = list(open_search(sys.argv[-2], sys.argv[-1], max_results=100, timeout=60))
print("RESULTS " + json.dumps([
    {"title": r.title, "author": r.author, "downloads": r.downloads, "cover": r.cover_url}
    for r in results]))
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("calibre-debug") is None, reason="calibre is not installed")
def test_calibre_opds_search_client_finds_and_downloads_an_issue(app_url: str) -> None:
    script = Path(os.environ.get("TMPDIR", "/tmp")) / f"opds-calibre-{os.getpid()}.py"
    script.write_text(CALIBRE_SEARCH, encoding="utf-8")
    environment = {
        **os.environ,
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
        "QT_QPA_PLATFORM": "offscreen",
    }
    try:
        result = subprocess.run(
            ["calibre-debug", str(script), "--", f"{app_url}/opds/search.xml", "Mekong"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
            check=False,
        )
    finally:
        script.unlink()
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert lines, result.stdout + result.stderr
    found = json.loads(lines[0].removeprefix("RESULTS "))
    titles = {each["title"]: each for each in found}
    assert set(titles) == {
        "Rivers Without Borders: Đà Nẵng, Ōsaka and the Mekong’s Data Gap",
        "Les fleuves sans frontières",
    }
    rich = titles["Rivers Without Borders: Đà Nẵng, Ōsaka and the Mekong’s Data Gap"]
    assert rich["author"] == "Nguyễn Thị Lan, Kenji Ōtani"
    assert set(rich["downloads"]) == {"EPUB", "PDF"}
    with httpx.Client(base_url=f"{app_url}/opds/", timeout=60) as http:
        epub = http.get(rich["downloads"]["EPUB"])
        assert epub.status_code == 200 and epub.content[:2] == b"PK"
        cover = http.get(rich["cover"])
        with Image.open(io.BytesIO(cover.content)) as image:
            assert image.format == "JPEG"
