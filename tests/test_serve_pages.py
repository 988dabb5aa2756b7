"""The web app's pages, used as a browser without JavaScript would: forms posted with httpx."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exporter.serve.status import Status, StatusBook, now
from exporter.serve.workers import render_article
from tests.test_serve_api import EXAMPLE, RICH, article_folder, running_server

HIDDEN = re.compile(r'name="(csrf|version)" value="([^"]*)"')


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return article_folder(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def browser(folder: Path) -> Iterator[httpx.Client]:
    with running_server(folder, jobs=2) as url, httpx.Client(base_url=url, timeout=120) as http:
        yield http


def open_form(browser: httpx.Client, name: str) -> tuple[dict[str, str], str]:
    """Open an article's page; return its form's hidden fields and the page."""
    page = browser.get(f"/articles/{name}")
    assert page.status_code == 200
    return dict(HIDDEN.findall(page.text)), page.text


def form_values(page: str) -> dict[str, str]:
    """Return the values of the form's inputs and text areas, as the browser would post them."""
    values = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', page)
    }
    for name, text in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        values[name] = html.unescape(text)
    return values


def test_the_form_shows_the_front_matter_and_the_body(browser: httpx.Client) -> None:
    _, page = open_form(browser, "rich-article.md")
    values = form_values(page)
    assert values["number"] == "615"
    assert values["date"] == "2023-05-02"
    assert values["author-0-name"] == "Nguyễn Thị Lan"
    assert values["author-1-bio"].startswith("Kenji Ōtani is a Visiting Scholar")
    assert values["author-2-name"] == ""  # the spare row for another author
    assert values["body"].startswith(RICH.read_text().split("---\n", 2)[2].lstrip("\n")[:40])


def test_a_save_writes_the_file_and_keeps_what_the_form_does_not_show(
    browser: httpx.Client, folder: Path
) -> None:
    hidden, page = open_form(browser, "rich-article.md")
    values = form_values(page) | hidden
    values["title"] = "Rivers Without Borders, Revised"
    values["author-2-name"] = "A. Third"
    values["author-2-bio"] = "A. Third writes."
    answer = browser.post("/articles/rich-article.md", data=values)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/articles/rich-article.md?saved=1"
    text = (folder / "rich-article.md").read_text()
    assert "title: Rivers Without Borders, Revised\n" in text
    assert "- name: A. Third\n  bio: A. Third writes.\n" in text
    assert "subtitle: What downstream states can ask of upstream dams" in text  # kept
    assert "keywords:" in text
    assert "date: 2023-05-02\n" in text
    assert "![A map of the Mekong basin](basin.png" in text
    assert not list(folder.glob(".*.tmp"))  # the atomic write left nothing behind


def test_invalid_input_is_shown_at_its_field_and_the_file_is_untouched(
    browser: httpx.Client, folder: Path
) -> None:
    before = (folder / "japan-rok-relations.md").read_bytes()
    hidden, page = open_form(browser, "japan-rok-relations.md")
    values = form_values(page) | hidden | {"date": "2022-13-45", "number": "twelve"}
    answer = browser.post("/articles/japan-rok-relations.md", data=values)
    assert answer.status_code == 422
    assert re.search(r'id="date"[^>]*aria-invalid="true"', answer.text)
    assert 'id="date-error">&#39;2022-13-45&#39; is not a date (YYYY-MM-DD)' in answer.text
    assert 'id="number-error">&#39;twelve&#39; is not a positive whole number' in answer.text
    assert "2022-13-45" in form_values(answer.text)["date"]  # what was typed stays
    assert (folder / "japan-rok-relations.md").read_bytes() == before
    # A fault of the body is shown at the body, with its line in the body.
    values = form_values(page) | hidden | {"body": "First.\n\nSecond, with a call.[^7]\n"}
    answer = browser.post("/articles/japan-rok-relations.md", data=values)
    assert answer.status_code == 422
    assert 'id="body-error">line 3: footnote &#39;7&#39; is called but never defined' in answer.text
    assert (folder / "japan-rok-relations.md").read_bytes() == before


def test_an_older_version_is_refused_and_both_are_shown(
    browser: httpx.Client, folder: Path
) -> None:
    path = folder / "japan-rok-relations.md"
    hidden, page = open_form(browser, "japan-rok-relations.md")
    with httpx.Client(base_url=str(browser.base_url), timeout=60) as other:  # a second editor
        their_hidden, their_page = open_form(other, "japan-rok-relations.md")
        assert their_hidden["version"] == hidden["version"]
        theirs = form_values(their_page) | their_hidden | {"lang": "en-US"}
        assert other.post("/articles/japan-rok-relations.md", data=theirs).status_code == 303
    saved_by_them = path.read_text()
    assert "lang: en-US" in saved_by_them
    values = form_values(page) | hidden | {"title": "My Title"}
    answer = browser.post("/articles/japan-rok-relations.md", data=values)
    assert answer.status_code == 409
    assert path.read_text() == saved_by_them
    assert 'id="conflict"' in answer.text
    assert "lang: en-US" in html.unescape(answer.text.split('id="theirs">')[1].split("</pre>")[0])
    assert "title: My Title" in html.unescape(
        answer.text.split('id="yours">')[1].split("</pre>")[0]
    )
    # The form holds mine, now against their version: saving it again is a choice.
    again = dict(HIDDEN.findall(answer.text))
    assert again["version"] != hidden["version"]
    values = form_values(answer.text) | again
    assert values["title"] == "My Title"
    assert browser.post("/articles/japan-rok-relations.md", data=values).status_code == 303
    assert "title: My Title" in path.read_text()
    # A change made outside the app (a text editor, git) is caught the same way.
    hidden, page = open_form(browser, "japan-rok-relations.md")
    path.write_text(path.read_text() + "\nA paragraph added in a text editor.\n")
    values = form_values(page) | hidden
    assert browser.post("/articles/japan-rok-relations.md", data=values).status_code == 409
    assert path.read_text().endswith("\nA paragraph added in a text editor.\n")


def test_the_server_answers_while_a_build_runs(browser: httpx.Client) -> None:
    ended: list[float] = []

    def build() -> None:
        with httpx.Client(base_url=str(browser.base_url), timeout=120) as http:
            answer = http.post("/api/build?to=pdf", content=EXAMPLE.read_bytes())
            assert answer.status_code == 200
            ended.append(time.perf_counter())

    builders = [threading.Thread(target=build) for _ in range(4)]
    for builder in builders:
        builder.start()
    time.sleep(0.2)
    answer = browser.get("/api/articles")
    listed = time.perf_counter()
    for builder in builders:
        builder.join()
    assert answer.status_code == 200
    assert len(ended) == len(builders)
    assert listed < max(ended), "the list came only after every build had ended"


def test_a_form_without_the_csrf_token_is_refused(browser: httpx.Client, folder: Path) -> None:
    before = (folder / "japan-rok-relations.md").read_bytes()
    hidden, page = open_form(browser, "japan-rok-relations.md")
    values = form_values(page) | {"version": hidden["version"], "title": "Forged"}
    answer = browser.post("/articles/japan-rok-relations.md", data=values)
    assert answer.status_code == 403
    forged = values | {"csrf": "x" * 43}
    assert browser.post("/articles/japan-rok-relations.md", data=forged).status_code == 403
    with httpx.Client(base_url=str(browser.base_url)) as stranger:  # no cookie of its own
        assert (
            stranger.post("/new", data={"title": "Spam", "csrf": hidden["csrf"]}).status_code == 403
        )
    assert (folder / "japan-rok-relations.md").read_bytes() == before


def test_new_article_and_import_make_new_files(browser: httpx.Client, folder: Path) -> None:
    hidden, _ = open_form(browser, "japan-rok-relations.md")
    created = browser.post("/new", data={"title": "A Fresh Start", "csrf": hidden["csrf"]})
    assert created.status_code == 303
    assert created.headers["location"] == "/articles/a-fresh-start.md"
    assert "title: A Fresh Start" in (folder / "a-fresh-start.md").read_text()
    docx = browser.post("/api/build?to=docx", content=EXAMPLE.read_bytes())
    imported = browser.post(
        "/import",
        data={"csrf": hidden["csrf"], "lang": "ja"},
        files={"file": ("returned.docx", docx.content)},
    )
    assert imported.status_code == 303
    name = imported.headers["location"].removeprefix("/articles/")
    text = (folder / name).read_text()
    assert "title: 'Strengthening Japan-ROK Relations" in text
    assert "for the peace and prosperity of Asia." in text
    assert "lang: ja" in text
    page = browser.get(imported.headers["location"])
    assert "imported from returned.docx" in page.text
    refused = browser.post(
        "/import", data={"csrf": hidden["csrf"]}, files={"file": ("x.pdf", b"%PDF-1.7")}
    )
    assert refused.status_code == 422
    assert "cannot import .pdf files" in refused.text
    listed = browser.get("/").text
    assert "A Fresh Start" in listed and name in listed


def test_the_proof_says_how_far_over_a_long_article_is(browser: httpx.Client, folder: Path) -> None:
    paragraph = "A sentence that goes on to fill the page with words of policy. " * 12
    body = "\n\n".join(paragraph for _ in range(40))
    (folder / "too-long.md").write_text(f"---\ntitle: Far Too Long\n---\n\n{body}\n")
    proof = browser.get("/articles/too-long.md/proof.json").json()
    assert proof["fits"] is False
    assert re.search(r"about [\d,]+ words over", proof["fit"])
    assert proof["pages"] == []
    assert browser.get("/articles/too-long.md/pages/1.png").status_code == 404


def test_the_pdf_download_is_the_bulletin_the_proof_showed(
    browser: httpx.Client, folder: Path
) -> None:
    """The download starts its fitting from the proof's setting, in whichever worker."""
    text = (folder / "japan-rok-relations.md").read_text()
    (folder / "edited.md").write_text(text.replace("remarkable administration", "administration"))
    proof = browser.get("/articles/edited.md/proof.json").json()
    assert proof["fits"] is True and isinstance(proof["step"], int)
    downloads = [browser.get("/articles/edited.md/download/pdf") for _ in range(2)]
    assert all(answer.status_code == 200 for answer in downloads)
    expected = render_article(str(folder / "edited.md"), "pdf", False, proof["step"]).data
    assert downloads[0].content == downloads[1].content == expected


def test_build_all_shows_its_progress_and_fills_dist(browser: httpx.Client, folder: Path) -> None:
    hidden, _ = open_form(browser, "japan-rok-relations.md")
    names = sorted(p.name for p in folder.glob("*.md"))
    assert browser.post("/build-all", data={"csrf": hidden["csrf"]}).status_code == 303
    seen = []
    deadline = time.monotonic() + 240
    while True:
        progress = browser.get("/build-all/progress").json()
        seen.append(progress["done"])
        if not progress["running"]:
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert progress["total"] == len(names)
    assert progress["done"] == len(names)
    assert progress["refused"] == 1  # too-long.md
    assert any("too long for two pages" in m for m in progress["messages"])
    assert seen == sorted(seen)
    for name in names:
        stem = Path(name).stem
        built = all(
            (folder / "dist" / f"{stem}.{ext}").is_file() for ext in ("pdf", "epub", "docx")
        )
        assert built == (name != "too-long.md")
    listed = {a["name"]: a for a in browser.get("/api/articles").json()["articles"]}
    assert listed["japan-rok-relations.md"]["fits"] is True
    assert listed["japan-rok-relations.md"]["last_built"]
    assert listed["too-long.md"]["fits"] is False
    assert listed["too-long.md"]["last_built"] is None
    # Proofs and saves leave no temporary file behind; the statuses are kept on disk.
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") and p.is_file()]
    assert "too-long.md" in (folder / ".exporter" / "status.json").read_text()


def test_a_late_check_of_an_older_version_leaves_the_newer_in_sight(tmp_path: Path) -> None:
    book = StatusBook(tmp_path)
    newer = Status("v3", True, "fits 2 pages: 11 pt body", (), now())
    older = Status("v2", False, "too long for two pages", ("a warning",), now())
    book.record("a.md", newer)
    book.record("a.md", older)  # its check ended last
    kept = StatusBook(tmp_path)  # read back from .exporter/status.json
    assert kept.get("a.md", "v3") == newer
    assert kept.get("a.md", "v2") == older
    assert kept.get("a.md", "v1") is None
