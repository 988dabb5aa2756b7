"""The folder is the user's: links out of it are skipped, never written through; leftovers go."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from exporter.serve.store import ArticleStore, OutsideFolderError
from tests.test_serve_api import article_folder, running_server
from tests.test_serve_pages import open_form


def test_a_link_out_of_the_folder_is_skipped_and_the_rest_listed(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    (folder / "passwd.md").symlink_to("/etc/passwd")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        listed = [a["name"] for a in http.get("/api/articles").json()["articles"]]
        assert listed == ["japan-rok-relations.md", "rich-article.md"]
        assert http.get("/").status_code == 200
        assert http.get("/api/articles/passwd.md").status_code == 404


def test_saving_through_a_link_writes_its_target_in_the_folder(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    (folder / "alias.md").symlink_to("japan-rok-relations.md")
    store = ArticleStore(folder)
    snapshot = store.read("alias.md")
    store.save("alias.md", snapshot.text.replace("Strengthening", "Renewing"), snapshot.version)
    assert (folder / "alias.md").is_symlink()
    assert "Renewing" in (folder / "japan-rok-relations.md").read_text()


def test_a_dist_that_leads_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (folder / "dist").symlink_to(outside)
    with pytest.raises(OutsideFolderError, match="dist/ leads out of the folder"):
        ArticleStore(folder).out_dir("dist")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        hidden, _ = open_form(http, "japan-rok-relations.md")
        assert http.post("/build-all", data={"csrf": hidden["csrf"]}).status_code == 303
        deadline = time.monotonic() + 60
        while (progress := http.get("/build-all/progress").json())["running"]:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert progress["failed"] == 2
    assert any("leads out of the folder" in message for message in progress["messages"])
    assert list(outside.iterdir()) == []


def test_leftovers_of_killed_saves_and_proofs_are_removed_at_start(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    leftovers = [".japan-rok-relations.md.a1b2c3d4.tmp", ".rich-article.x_9y8z7w.md"]
    kept = [".notes.md", ".other.md.a1b2c3d4.tmp", "japan-rok-relations.md"]
    for name in leftovers + kept[:2]:
        (folder / name).write_text("left")
    ArticleStore(folder)
    assert not any((folder / name).exists() for name in leftovers)
    assert all((folder / name).exists() for name in kept)


def test_pages_name_the_folder_but_never_show_its_path(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        page = http.get("/").text
    assert "articles" in page
    assert str(tmp_path) not in page
