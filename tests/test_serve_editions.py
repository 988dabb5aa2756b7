"""Translations as editions in the web app: the import makes the edition, the library and
the editions JSON list it with its source, and mark it outdated once the source changes."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from exporter.docx_styles import SOURCE_PROPERTY, SOURCE_VERSION_PROPERTY
from exporter.editions import version_of
from exporter.readers import load
from exporter.readers.markdown import read_markdown
from exporter.serve.editions import changes_since
from exporter.serve.store import Snapshot
from exporter.validate import validate
from tests.test_serve_api import article_folder, running_server
from tests.translation import custom_properties, translated_docx, with_custom_properties

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
SOURCE = "rich-article.md"
EDITION = "rich-article.ja.md"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return article_folder(tmp_path / "library")


@pytest.fixture
def app(folder: Path) -> Iterator[httpx.Client]:
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=120) as http:
        yield http


def version(app: httpx.Client, name: str) -> str:
    """Return an article's version, as the API gives it."""
    answer = app.get(f"/api/articles/{name}")
    assert answer.status_code == 200, answer.text
    return answer.headers["etag"].strip('"')


def returned_docx(app: httpx.Client, name: str = SOURCE, mark: str = "訳") -> bytes:
    """Download an article's DOCX from the app, and translate its text."""
    answer = app.get(f"/articles/{name}/download/docx")
    assert answer.status_code == 200, answer.text
    return translated_docx(answer.content, mark)


def import_in_library(app: httpx.Client, docx: bytes, lang: str = "ja") -> httpx.Response:
    """Import a DOCX through the library page's form."""
    token = CSRF.search(app.get("/").text)
    assert token is not None
    return app.post(
        "/import",
        data={"csrf": token[1], "lang": lang},
        files={"file": ("returned.docx", docx, DOCX_TYPE)},
    )


def import_by_api(app: httpx.Client, docx: bytes, lang: str = "ja") -> httpx.Response:
    return app.post(
        f"/api/import?format=docx&lang={lang}",
        content=docx,
        headers={"accept": "application/json"},
    )


def editions(app: httpx.Client, name: str) -> Any:
    answer = app.get(f"/api/articles/{name}/editions")
    assert answer.status_code == 200, answer.text
    return answer.json()


def save(app: httpx.Client, name: str, change: str) -> str:
    """Save an article with a line added through the API, as an editor would; its version."""
    current = app.get(f"/api/articles/{name}")
    answer = app.put(
        f"/api/articles/{name}",
        content=current.text + f"\n{change}\n",
        headers={"if-match": current.headers["etag"]},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["version"])


def library_row(app: httpx.Client, name: str) -> str:
    """Return the library page's row of an article, as text with its tags."""
    page = app.get("/").text
    match = re.search(rf'<tr data-name="{re.escape(name)}">(.*?)</tr>', page, re.S)
    assert match is not None, page
    return html.unescape(match[1])


def test_the_apps_docx_names_the_library_article(app: httpx.Client) -> None:
    docx = app.get(f"/articles/{SOURCE}/download/docx").content
    properties = custom_properties(docx)
    assert properties[SOURCE_PROPERTY] == SOURCE
    assert properties[SOURCE_VERSION_PROPERTY] == version(app, SOURCE)


def test_an_imported_translation_is_the_articles_edition_and_outdated_once_it_changes(
    app: httpx.Client, folder: Path
) -> None:
    docx = returned_docx(app)
    source_version = version(app, SOURCE)
    answer = import_in_library(app, docx)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/articles/{EDITION}"
    edition, source = load(folder / EDITION), load(folder / SOURCE)
    assert (edition.translation_of, edition.translated_from) == (SOURCE, source_version)
    assert (edition.lang, edition.number, edition.date, edition.series) == (
        "ja",
        615,
        source.date,
        "apb",
    )
    assert edition.title == "訳" + source.title
    page = app.get(f"/articles/{EDITION}").text
    assert f"imported as the Japanese edition of {SOURCE}" in page
    assert f"wrote {EDITION}" in page

    listed = {a["name"]: a for a in app.get("/api/articles").json()["articles"]}
    assert listed[SOURCE]["editions"] == [EDITION]
    assert listed[EDITION]["translation_of"] == SOURCE
    assert listed[EDITION]["outdated"] is False
    assert f'href="/articles/{EDITION}"' in library_row(app, SOURCE)
    assert "outdated" not in library_row(app, SOURCE)
    assert f'ja edition of <a href="/articles/{SOURCE}">' in library_row(app, EDITION)

    data = editions(app, SOURCE)
    assert data["name"] == SOURCE and data["version"] == source_version
    assert data["translation_of"] is None
    (entry,) = data["editions"]
    assert entry == {
        "name": EDITION,
        "lang": "ja",
        "title": edition.title,
        "url": f"/articles/{EDITION}",
        "translated_from": source_version,
        "source_version": source_version,
        "outdated": False,
        "changes": {
            "from": source_version,
            "to": source_version,
            "added": 0,
            "removed": 0,
            "differences": [],
        },
        "changes_unavailable": None,
    }
    own = editions(app, EDITION)
    assert own["lang"] == "ja" and own["editions"] == []
    assert own["translation_of"]["name"] == SOURCE
    assert own["translation_of"]["in_library"] is True
    assert own["translation_of"]["outdated"] is False

    # The source changes: the edition is outdated, in the JSON and in the library.
    changed = save(app, SOURCE, "A paragraph added after the translation.")
    (entry,) = editions(app, SOURCE)["editions"]
    assert entry["outdated"] is True
    assert entry["source_version"] == changed and entry["translated_from"] == source_version
    # What changed since, from the folder's history of saves.
    assert entry["changes_unavailable"] is None
    assert entry["changes"]["added"] >= 1
    assert any(
        "A paragraph added after the translation." in line
        for line in entry["changes"]["differences"]
    )
    assert editions(app, EDITION)["translation_of"]["outdated"] is True
    assert "(outdated)" in library_row(app, SOURCE)
    assert "outdated" in library_row(app, EDITION)
    assert {a["name"]: a for a in app.get("/api/articles").json()["articles"]}[EDITION][
        "outdated"
    ] is True


def test_importing_an_edition_again_saves_a_new_version(app: httpx.Client, folder: Path) -> None:
    assert import_by_api(app, returned_docx(app)).status_code == 201
    opened = version(app, EDITION)  # an editor opens the edition, and types
    changed = save(app, SOURCE, "A paragraph added after the translation.")
    answer = import_by_api(app, returned_docx(app, mark="新訳"))
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["edition"] == {
        "name": EDITION,
        "url": f"/articles/{EDITION}",
        "version": version(app, EDITION),
        "created": False,
        "saved": True,
        "translation_of": SOURCE,
        "translated_from": changed,
    }
    assert answer.headers["location"] == f"/api/articles/{EDITION}"
    assert f"saved as a new version of {EDITION}" in data["warnings"]
    assert data["markdown"] == (folder / EDITION).read_text(encoding="utf-8")
    assert load(folder / EDITION).title.startswith("新訳")
    assert editions(app, SOURCE)["editions"][0]["outdated"] is False
    # The editor's unsaved text is not lost: their save meets the newer version.
    refused = app.put(
        f"/api/articles/{EDITION}",
        content="---\ntitle: Mine\n---\n\nMine.\n",
        headers={"if-match": f'"{opened}"'},
    )
    assert refused.status_code == 412
    # The same import again saves nothing.
    again = import_by_api(app, returned_docx(app, mark="新訳"))
    assert again.json()["edition"]["saved"] is False
    assert again.json()["edition"]["version"] == data["edition"]["version"]


def test_what_is_not_a_translation_of_the_library_is_a_new_article(
    app: httpx.Client, folder: Path
) -> None:
    docx = returned_docx(app)
    names = sorted(p.name for p in folder.iterdir())
    for forged, said in [
        ({SOURCE_PROPERTY: "../rich-article.md"}, None),
        ({SOURCE_PROPERTY: "/etc/passwd"}, None),
        ({SOURCE_PROPERTY: "missing.md"}, "written from missing.md, which is not in this library"),
        ({SOURCE_PROPERTY: "dist"}, "which is not in this library"),
        ({SOURCE_PROPERTY: ".hidden.md"}, "which is not in this library"),
    ]:
        answer = import_by_api(app, with_custom_properties(docx, forged))
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["edition"] is None
        assert "translation_of" not in data["markdown"]
        if said is not None:
            assert any(said in w and "imported as a new article" in w for w in data["warnings"])
    # In the source's own language: the source returned, not an edition.
    same = import_by_api(app, docx, lang="en").json()
    assert same["edition"] is None and "translation_of" not in same["markdown"]
    assert any("imported as an article of its own" in w for w in same["warnings"])
    assert sorted(p.name for p in folder.iterdir()) == names  # the API wrote nothing
    # Through the library page: a new article, under a name of its own.
    answer = import_in_library(app, with_custom_properties(docx, {SOURCE_PROPERTY: "../x.md"}))
    assert answer.status_code == 303
    name = answer.headers["location"].removeprefix("/articles/")
    assert name != EDITION and "translation_of" not in (folder / name).read_text("utf-8")


def test_an_edition_whose_version_is_unknown_is_not_called_up_to_date(
    app: httpx.Client, folder: Path
) -> None:
    docx = with_custom_properties(returned_docx(app), {SOURCE_VERSION_PROPERTY: "not-a-version"})
    answer = import_by_api(app, docx)
    assert answer.status_code == 201, answer.text
    assert any("does not say which version" in w for w in answer.json()["warnings"])
    assert "translated_from" not in (folder / EDITION).read_text("utf-8")
    (entry,) = editions(app, SOURCE)["editions"]
    assert entry["outdated"] is None and entry["translated_from"] is None
    assert entry["changes"] is None
    assert "does not say which version" in entry["changes_unavailable"]


def test_a_file_of_the_editions_name_that_is_no_edition_is_left_alone(
    app: httpx.Client, folder: Path
) -> None:
    other = "---\ntitle: Another article\nlang: ja\n---\n\nIts own text.\n"
    (folder / EDITION).write_text(other, encoding="utf-8")
    answer = import_in_library(app, returned_docx(app))
    assert answer.status_code == 303
    name = answer.headers["location"].removeprefix("/articles/")
    assert name != EDITION
    assert (folder / EDITION).read_text(encoding="utf-8") == other
    assert load(folder / name).translation_of == SOURCE  # still the source's edition
    assert [e["name"] for e in editions(app, SOURCE)["editions"]] == [name]


def test_editions_of_what_is_no_article_are_not_found(app: httpx.Client) -> None:
    for name in ("missing.md", "..%2Frich-article.md", ".hidden.md", "dist"):
        answer = app.get(f"/api/articles/{name}/editions")
        assert answer.status_code == 404, name
        assert "error" in answer.json()


def test_changes_since_uses_the_history_when_it_has_the_text() -> None:
    old = "---\ntitle: T\n---\n\nOne.\n\nTwo.\n"
    new = "---\ntitle: T\n---\n\nOne.\n\nTwo, changed.\n\nThree.\n"
    source = Snapshot("a.md", new, version_of(new.encode()))
    before = version_of(old.encode())
    asked: list[tuple[str, str]] = []

    def history(name: str, at: str) -> str | None:
        asked.append((name, at))
        return old if at == before else None

    changes, why = changes_since(source, before, history)
    assert asked == [("a.md", before)] and why is None
    assert changes == {
        "from": before,
        "to": source.version,
        "added": 3,
        "removed": 1,
        "differences": ["@@ -6,2 +6,4 @@", " ", "-Two.", "+Two, changed.", "+", "+Three."],
    }
    # No history, a version it does not keep, or a text that is not that version.
    assert changes_since(source, before, None)[0] is None
    assert changes_since(source, "0" * 64, history)[0] is None
    assert changes_since(source, before, lambda name, at: old + "x")[0] is None
    assert changes_since(None, before, history) == (None, "the source is not in the library")


def test_an_article_file_is_taken_as_its_front_matter_says(app: httpx.Client, folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    edition = (
        f"---\ntitle: 訳\nlang: ja\ntranslation_of: {SOURCE}\n"
        f"translated_from: {version(app, SOURCE)}\n---\n\n訳文。\n"
    )
    answer = app.post(
        "/api/import?format=md", content=edition.encode(), headers={"accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["edition"] is None
    assert f"translation_of: {SOURCE}" in answer.json()["markdown"]
    assert sorted(p.name for p in folder.iterdir()) == names


def test_the_article_form_keeps_an_editions_source() -> None:
    from exporter.serve.form import compose, form_from_text

    text = (
        f"---\ntitle: 訳\nlang: ja\ntranslation_of: {SOURCE}\ntranslated_from: {'a' * 64}\n"
        "---\n\n訳文。\n"
    )
    form = form_from_text(text)
    saved = compose(dataclasses.replace(form, title="新しい訳"))
    article = validate(read_markdown(saved))
    assert (article.title, article.translation_of, article.translated_from) == (
        "新しい訳",
        SOURCE,
        "a" * 64,
    )
