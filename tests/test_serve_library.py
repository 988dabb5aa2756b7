"""The library without scripts: the list alone for a search, the order by language, a
rename refused beside its field, a deletion with its undo, what changed since a
translation as a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exporter.serve.library import counted, name_problem
from exporter.serve.translation_changes import hunks
from tests.test_serve_api import article_folder, running_server

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')
NAME = "rich-article.md"
OTHER = (
    "---\ntitle: Ärzte am Fluss\nnumber: 700\nlang: pt-BR\nauthors: [Kenji Ōtani]\n---\n\nText.\n"
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = article_folder(tmp_path_factory.mktemp("library"))
    (found / "de.md").write_text(OTHER, encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def http(folder: Path) -> Iterator[httpx.Client]:
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def row_of(page: str, name: str) -> str:
    match = re.search(rf'<tr data-name="{re.escape(name)}">(.*?)</tr>', page, re.S)
    assert match is not None, page
    return match[1]


def test_the_shelf_alone_answers_a_search(http: httpx.Client) -> None:
    part = http.get("/shelf", params={"q": "otani", "sort": "number"})
    assert part.status_code == 200
    assert "<html" not in part.text and "<table" in part.text
    assert re.findall(r'data-name="([^"]+)"', part.text) == ["de.md", NAME]
    assert 'data-count="2 articles hold “otani”"' in part.text
    assert 'aria-sort="descending">No.</th>' in part.text
    wrong = http.get("/shelf", params={"sort": "size"})
    assert wrong.status_code == 200 and "is not an order here" in wrong.text


def test_the_library_sorts_by_language(http: httpx.Client) -> None:
    page = http.get("/", params={"sort": "lang"}).text
    assert re.findall(r'<tr data-name="([^"]+)"', page)[-1] == "de.md"  # en before pt-BR
    assert 'aria-sort="ascending">Lang</th>' in page
    api = http.get("/api/articles", params={"sort": "lang", "order": "desc"}).json()
    assert api["articles"][0]["name"] == "de.md"


def test_each_rows_buttons_are_named_with_its_article(http: httpx.Client) -> None:
    row = row_of(http.get("/").text, NAME)
    title = "Rivers Without Borders: Đà Nẵng, Ōsaka and the Mekong&#39;s Data Gap"
    for action in ("Duplicate", "Delete", "Rename"):
        assert f'aria-label="{action} {title}"' in row
    assert re.search(rf'<label for="rename-\d+">New file name of {re.escape(title)}</label>', row)


def test_a_refused_rename_is_said_beside_its_field(http: httpx.Client, folder: Path) -> None:
    page = http.get("/").text
    csrf, version = CSRF.findall(page)[0], VERSION.findall(row_of(page, NAME))[0]
    for typed, status, said in (
        ("../x.md", 422, "../x.md is not an article file name: it holds a slash"),
        ("rivers", 422, "rivers is not an article file name: it must end in .md"),
        ("de.md", 409, "de.md exists already: choose another name"),
    ):
        answer = http.post(
            f"/articles/{NAME}/rename", data={"csrf": csrf, "version": version, "to": typed}
        )
        assert answer.status_code == status
        row = row_of(answer.text, NAME)
        assert '<details class="rename" open>' in row
        assert f'value="{typed}"' in row and 'aria-invalid="true"' in row
        error = re.search(r'<p class="error field-error" id="(rename-error-\d+)">([^<]*)</p>', row)
        assert error is not None and error[2].startswith(said)
        assert f'aria-describedby="{error[1]}"' in row
    assert (folder / NAME).exists() and not (folder / "rivers").exists()


def test_a_deletion_offers_its_undo_which_comes_back_to_the_library(
    http: httpx.Client, folder: Path
) -> None:
    text = "---\ntitle: Gone Soon\n---\n\nA paragraph.\n"
    assert http.put(
        "/api/articles/gone.md", content=text, headers={"if-none-match": "*"}
    ).is_success
    page = http.get("/").text
    csrf, version = CSRF.findall(page)[0], VERSION.findall(row_of(page, "gone.md"))[0]
    gone = http.post("/articles/gone.md/delete", data={"csrf": csrf, "version": version})
    assert gone.status_code == 303 and gone.headers["location"] == "/?deleted=gone.md"
    notice = http.get(gone.headers["location"]).text
    assert "Deleted “Gone Soon” (gone.md)" in notice
    assert 'aria-label="Undo: bring back Gone Soon"' in notice
    assert not (folder / "gone.md").exists()
    back = http.post("/deleted/gone.md/restore", data={"csrf": csrf, "then": "library"})
    assert back.status_code == 303 and back.headers["location"] == "/?restored=gone.md"
    assert "Brought back" in http.get(back.headers["location"]).text
    assert (folder / "gone.md").read_text(encoding="utf-8") == text
    # A name that was not deleted, or is none, says nothing.
    assert 'id="done"' not in http.get("/", params={"deleted": "../etc.md"}).text


def test_the_changes_page_of_what_has_no_edition_says_so(http: httpx.Client) -> None:
    page = http.get(f"/articles/{NAME}/changes")
    assert page.status_code == 200
    assert "has no editions, and is no edition" in page.text
    assert http.get("/articles/nothing.md/changes").status_code == 404


def test_a_diff_reads_as_numbered_places() -> None:
    places = hunks(["@@ -3,2 +3,3 @@", " kept", "-old", "+new", "+more", "@@ -9 +10 @@", "-x"])
    assert [
        (p.start, [(line.kind, line.old, line.new, line.text) for line in p.lines]) for p in places
    ] == [
        (
            3,
            [
                ("same", 3, 3, "kept"),
                ("removed", 4, None, "old"),
                ("added", None, 4, "new"),
                ("added", None, 5, "more"),
            ],
        ),
        (10, [("removed", 9, None, "x")]),
    ]


def test_names_and_counts_read_as_sentences() -> None:
    assert name_problem("") == "type the new file name, like new-name.md"
    assert name_problem("a\\b.md").endswith("it holds a slash, and an article stays in this folder")
    assert name_problem("-x.md").endswith("letters, digits, ., - and _, then .md")
    assert counted(1, "") == "1 article in this folder"
    assert counted(0, "x") == "0 articles hold “x”"
