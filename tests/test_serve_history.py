"""Every save is a commit in the folder's git repository; history, restore, delete, rename.

Real HTTP against the running app (tests/test_serve_api.py's server); the repository
is read back with dulwich, and with the git command where there is one.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dulwich import porcelain
from dulwich.objects import Commit
from dulwich.repo import Repo

from exporter.serve.form import split_front_matter
from exporter.serve.history import Change, History, trailers
from exporter.serve.store import slug, version_of
from tests.test_serve_api import EXAMPLE, RICH, article_folder, running_server
from tests.test_serve_conflicts import opened
from tests.test_serve_pages import form_values, open_form

NAME = "rich-article.md"
TITLE = "Rivers Without Borders: Đà Nẵng, Ōsaka and the Mekong's Data Gap"
COPY = f"{slug(TITLE)}.md"
GIT = shutil.which("git")
HIDDEN_FIELD = re.compile(r'name="(csrf|version)" value="([^"]*)"')


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return article_folder(tmp_path / "articles")


@pytest.fixture
def http(folder: Path) -> Iterator[httpx.Client]:
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def commits(folder: Path) -> list[Commit]:
    """Return the commits of the folder's repository, newest first (first parents)."""
    repo = Repo(str(folder))
    try:
        found, current = [], repo.head()
        while current:
            commit = repo[current]
            assert isinstance(commit, Commit)
            found.append(commit)
            current = commit.parents[0] if commit.parents else None
        return found
    finally:
        repo.close()


def head_file(folder: Path, path: str) -> bytes | None:
    """Return a file's bytes in the last commit, or None if it is not there."""
    repo = Repo(str(folder))
    try:
        tree = repo[repo[repo.head()].tree]  # type: ignore[attr-defined]
        try:
            _, blob = tree[path.encode()]
        except KeyError:
            return None
        return repo[blob].as_raw_string()
    finally:
        repo.close()


def git_log(folder: Path) -> list[str]:
    """Return `git log --format=%s` in the folder (the test is skipped without git)."""
    if GIT is None:
        pytest.skip("no git command here; dulwich has read the commits")
    done = subprocess.run(
        [GIT, "log", "--format=%s"], cwd=folder, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def put(http: httpx.Client, name: str, text: str) -> httpx.Response:
    """Save a text through the API, as the autosave does, from the version on disk."""
    etag = http.get(f"/api/articles/{name}").headers["etag"]
    return http.put(f"/api/articles/{name}", content=text, headers={"if-match": etag})


def edited(folder: Path, name: str, old: str, new: str) -> str:
    text = (folder / name).read_text()
    assert old in text
    return text.replace(old, new, 1)


def test_saves_through_the_form_and_the_api_are_commits(
    http: httpx.Client, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    original = (folder / NAME).read_bytes()
    with caplog.at_level(logging.WARNING, logger="exporter"):
        saved = put(http, NAME, edited(folder, NAME, "sixty million", "sixty-one million"))
    assert saved.status_code == 200
    assert [r.message for r in caplog.records if "made a git repository" in r.message] == [
        "made a git repository in articles: every save is kept there"
    ]
    hidden, page = open_form(http, NAME)
    values = form_values(page) | hidden | {"kicker": "Opinion"}
    assert http.post(f"/articles/{NAME}", data=values).status_code == 303

    found = commits(folder)
    subjects = [c.message.decode().split("\n")[0] for c in found]
    # The file as it was before the app's first save is kept first.
    assert subjects == [f"Save {NAME}", f"Save {NAME}", f"Keep {NAME} as found in the folder"]
    assert saved.json()["id"] == found[1].id.decode()
    assert head_file(folder, NAME) == (folder / NAME).read_bytes()
    assert all(c.author == b"exporter serve <serve@exporter.invalid>" for c in found)
    assert trailers(found[0].message) == {"Exporter-Action": "save", "Exporter-Article": NAME}
    repo = Repo(str(folder))
    try:
        oldest = repo[repo[found[-1].tree][NAME.encode()][1]]  # type: ignore[index]
        assert oldest.as_raw_string() == original
        assert NAME.encode() in repo.open_index()  # git status shows it as committed
    finally:
        repo.close()
    assert git_log(folder) == subjects
    status = subprocess.run(
        [str(GIT), "status", "--porcelain"], cwd=folder, capture_output=True, text=True
    ).stdout
    assert f" {NAME}" not in status  # neither changed nor staged: as committed
    assert "?? basin.png" in status  # the other files are left untracked


def test_an_existing_repository_is_used_and_its_other_files_left_alone(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    (folder / "notes.txt").write_text("notes, committed\n")
    porcelain.init(str(folder))
    porcelain.add(str(folder), [str(folder / "notes.txt"), str(folder / NAME)])
    porcelain.commit(str(folder), message=b"The user's commit", author=b"U <u@example.org>")
    (folder / "notes.txt").write_text("notes, changed and not committed\n")
    (folder / "staged.txt").write_text("staged, not committed\n")
    porcelain.add(str(folder), [str(folder / "staged.txt")])
    (folder / "untracked.txt").write_text("untracked\n")
    before = Repo(str(folder))
    index_before = {path: before.open_index()[path] for path in (b"notes.txt", b"staged.txt")}
    before.close()

    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        assert put(http, NAME, edited(folder, NAME, "sixty million", "sixty-two")).is_success
        new = "---\ntitle: Made by a script\n---\n\nText.\n"
        created = http.put("/api/articles/new.md", content=new, headers={"if-none-match": "*"})
        assert created.status_code == 201 and created.json()["id"]

    found = commits(folder)
    assert [c.message.decode().split("\n")[0] for c in found] == [
        "Create new.md",
        f"Save {NAME}",
        "The user's commit",
    ]
    assert not (folder / ".git" / "info" / "exclude").read_bytes().startswith(b"# exporter")
    assert head_file(folder, "notes.txt") == b"notes, committed\n"
    assert head_file(folder, "staged.txt") is None  # staged by the user, left staged
    assert head_file(folder, "untracked.txt") is None
    assert head_file(folder, "japan-rok-relations.md") is None  # never saved by the app
    after = Repo(str(folder))
    index = after.open_index()
    assert {path: index[path] for path in (b"notes.txt", b"staged.txt")} == index_before
    assert b"untracked.txt" not in index
    after.close()
    if GIT is not None:
        status = subprocess.run(
            [GIT, "status", "--porcelain"], cwd=folder, capture_output=True, text=True
        ).stdout.splitlines()
        assert sorted(status) == sorted(
            [
                " M notes.txt",
                "A  staged.txt",
                "?? basin.png",
                "?? japan-rok-relations.md",
                "?? untracked.txt",
            ]
        )
        subprocess.run([GIT, "fsck", "--strict"], cwd=folder, check=True, capture_output=True)


def test_history_lists_the_versions_with_their_words_and_fit(
    http: httpx.Client, folder: Path
) -> None:
    texts = []
    for number in range(3):
        texts.append(edited(folder, NAME, "sixty", f"sixty-{number}"))
        assert put(http, NAME, texts[-1]).is_success
    proof = http.get(f"/articles/{NAME}/proof.json").json()  # the app's check of the newest
    answer = http.get(f"/api/articles/{NAME}/history")
    assert answer.status_code == 200
    data = answer.json()
    assert data["name"] == NAME and data["version"] == version_of(texts[-1].encode())
    assert data["next"] is None
    versions = data["versions"]
    assert len(versions) == 4  # three saves and the file as found
    assert [v["version"] for v in versions[:3]] == [version_of(t.encode()) for t in texts[::-1]]
    newest = versions[0]
    assert set(newest) == {
        "id",
        "time",
        "name",
        "version",
        "words",
        "unit",
        "fit",
        "message",
        "action",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", newest["time"])
    assert newest["message"] == f"Save {NAME}" and newest["action"] == "save"
    assert newest["words"] > 100 and newest["unit"] == "words"
    assert newest["fit"]["text"] == proof["fit"] and newest["fit"]["state"] == proof["state"]
    assert versions[1]["fit"] is None  # never proofed
    assert versions[-1]["action"] == "found"

    first = http.get(f"/api/articles/{NAME}/history", params={"limit": 3}).json()
    assert len(first["versions"]) == 3 and first["next"]
    rest = http.get(f"/api/articles/{NAME}/history", params={"before": first["next"]}).json()
    assert [v["id"] for v in first["versions"] + rest["versions"]] == [v["id"] for v in versions]


def test_a_version_its_diff_and_its_restore(http: httpx.Client, folder: Path) -> None:
    first = edited(folder, NAME, "sixty million", "sixty-one million")
    assert put(http, NAME, first).is_success
    second = first.replace("sixty-one million", "seventy million")
    saved = put(http, NAME, second).json()
    versions = http.get(f"/api/articles/{NAME}/history").json()["versions"]
    older = versions[1]["id"]

    shown = http.get(f"/api/articles/{NAME}/versions/{older}")
    assert shown.status_code == 200 and shown.json()["text"] == first
    assert shown.json()["version"] == version_of(first.encode())

    changes = http.get(f"/api/articles/{NAME}/diff", params={"from": older}).json()
    assert changes["to"] == {"id": None, "version": saved["version"]}
    assert (changes["added"], changes["removed"]) == (1, 1)
    changed = [line for line in changes["lines"] if line["kind"] != "same"]
    assert [line["kind"] for line in changed] == ["removed", "added"]
    assert "sixty-one million" in changed[0]["text"] and "seventy million" in changed[1]["text"]
    assert changed[0]["old"] == changed[1]["new"]
    assert len(changes["lines"]) == len(second.splitlines()) + 1
    between = http.get(
        f"/api/articles/{NAME}/diff", params={"from": older, "to": versions[0]["id"]}
    ).json()
    assert between["lines"] == changes["lines"]

    stale = http.post(
        f"/api/articles/{NAME}/restore",
        json={"version": older, "base": version_of(first.encode())},
    )
    assert stale.status_code == 412 and stale.json()["version"] == saved["version"]
    assert (folder / NAME).read_text() == second
    restored = http.post(
        f"/api/articles/{NAME}/restore", json={"version": older, "base": saved["version"]}
    )
    assert restored.status_code == 200, restored.text
    assert (folder / NAME).read_text() == first
    newest = http.get(f"/api/articles/{NAME}/history").json()["versions"][0]
    assert newest["action"] == "restore" and newest["id"] == restored.json()["id"]
    assert newest["message"].startswith(f"Restore {NAME} to its version of ")
    assert newest["version"] == version_of(first.encode())


def test_a_deleted_article_is_listed_and_brought_back(http: httpx.Client, folder: Path) -> None:
    assert put(http, NAME, edited(folder, NAME, "sixty", "sixty-one")).is_success
    etag = http.get(f"/api/articles/{NAME}").headers["etag"]
    assert http.delete(f"/api/articles/{NAME}").status_code == 428
    assert http.delete(f"/api/articles/{NAME}", headers={"if-match": '"0"'}).status_code == 412
    gone = http.delete(f"/api/articles/{NAME}", headers={"if-match": etag})
    assert gone.status_code == 200, gone.text
    assert not (folder / NAME).exists()
    assert NAME not in [a["name"] for a in http.get("/api/articles").json()["articles"]]
    assert http.get(f"/api/articles/{NAME}").status_code == 404
    assert head_file(folder, NAME) is None

    listed = http.get("/api/deleted").json()["deleted"]
    assert [(d["name"], d["title"], d["id"]) for d in listed] == [(NAME, TITLE, gone.json()["id"])]
    assert listed[0]["version"] == etag.strip('"')
    assert "Đà Nẵng, Ōsaka" in http.get("/").text  # the library's Deleted list
    kept = http.get(f"/api/articles/{NAME}/history").json()
    assert kept["version"] is None and len(kept["versions"]) == 2

    back = http.post(f"/api/deleted/{NAME}/restore")
    assert back.status_code == 201 and back.json()["name"] == NAME
    assert version_of((folder / NAME).read_bytes()) == etag.strip('"')
    assert http.get("/api/deleted").json()["deleted"] == []
    history = http.get(f"/api/articles/{NAME}/history").json()["versions"]
    assert [v["action"] for v in history] == ["undelete", "save", "found"]
    assert http.post(f"/api/deleted/{NAME}/restore").status_code == 404


def test_a_deleted_article_comes_back_under_a_free_name(http: httpx.Client, folder: Path) -> None:
    etag = http.get(f"/api/articles/{NAME}").headers["etag"]
    assert http.delete(f"/api/articles/{NAME}", headers={"if-match": etag}).is_success
    other = "---\ntitle: Another\n---\n\nOther text.\n"
    created = http.put(f"/api/articles/{NAME}", content=other, headers={"if-none-match": "*"})
    assert created.status_code == 201
    assert [d["name"] for d in http.get("/api/deleted").json()["deleted"]] == [NAME]
    back = http.post(f"/api/deleted/{NAME}/restore")
    assert back.status_code == 201 and back.json()["name"] == "rich-article-2.md"
    assert (folder / "rich-article-2.md").read_bytes() == RICH.read_bytes()
    assert (folder / NAME).read_text() == other
    assert http.get("/api/deleted").json()["deleted"] == []
    versions = http.get("/api/articles/rich-article-2.md/history").json()["versions"]
    assert [(v["name"], v["action"]) for v in versions] == [
        ("rich-article-2.md", "undelete"),
        (NAME, "found"),
    ]
    assert versions[0]["message"] == f"Bring back rich-article-2.md, deleted as {NAME}"
    mine = http.get(f"/api/articles/{NAME}/history").json()["versions"]
    assert [v["action"] for v in mine] == ["create"]


def test_a_renamed_article_keeps_its_history(http: httpx.Client, folder: Path) -> None:
    assert put(http, NAME, edited(folder, NAME, "sixty", "sixty-one")).is_success
    etag = http.get(f"/api/articles/{NAME}").headers["etag"].strip('"')
    taken = http.post(f"/api/articles/{NAME}/rename", json={"to": EXAMPLE.name, "base": etag})
    assert taken.status_code == 409
    for bad in ("../out.md", ".git", "sub/x.md", "x.txt", "", "a" * 200 + ".md", 7):
        refused = http.post(f"/api/articles/{NAME}/rename", json={"to": bad, "base": etag})
        assert refused.status_code == 422, bad
    stale = http.post(f"/api/articles/{NAME}/rename", json={"to": "rivers.md", "base": "0"})
    assert stale.status_code == 412
    unsaid = http.post(f"/api/articles/{NAME}/rename", json={"to": "rivers.md"})
    assert unsaid.status_code == 428
    renamed = http.post(f"/api/articles/{NAME}/rename", json={"to": "rivers.md", "base": etag})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "rivers.md" and not (folder / NAME).exists()
    assert put(http, "rivers.md", edited(folder, "rivers.md", "sixty-one", "sixty-two")).is_success

    versions = http.get("/api/articles/rivers.md/history").json()["versions"]
    assert [(v["name"], v["action"]) for v in versions] == [
        ("rivers.md", "save"),
        ("rivers.md", "rename"),
        (NAME, "save"),
        (NAME, "found"),
    ]
    oldest = http.get(f"/api/articles/rivers.md/versions/{versions[-1]['id']}")
    assert oldest.status_code == 200 and oldest.json()["text"] == RICH.read_text()
    assert http.get("/api/deleted").json()["deleted"] == []  # renamed, not deleted
    if GIT is not None:
        follow = subprocess.run(
            [GIT, "log", "--follow", "--format=%s", "--", "rivers.md"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "Rename rich-article.md to rivers.md" in follow.stdout


def test_a_duplicate_is_named_after_its_title(http: httpx.Client, folder: Path) -> None:
    copy = http.post(f"/api/articles/{NAME}/duplicate")
    assert copy.status_code == 201
    name = copy.json()["name"]
    assert name == COPY
    assert (folder / name).read_bytes() == (folder / NAME).read_bytes()
    again = http.post(f"/api/articles/{NAME}/duplicate").json()["name"]
    assert again == COPY.replace(".md", "-2.md")
    versions = http.get(f"/api/articles/{name}/history").json()["versions"]
    assert [(v["action"], v["message"]) for v in versions] == [
        ("duplicate", f"Create {name} as a copy of {NAME}")
    ]
    assert http.post("/api/articles/nothing.md/duplicate").status_code == 404


def test_the_library_is_searched_and_sorted(http: httpx.Client, folder: Path) -> None:
    def names(**params: str) -> list[str]:
        answer = http.get("/api/articles", params=params)
        assert answer.status_code == 200, answer.text
        return [a["name"] for a in answer.json()["articles"]]

    extra = "---\ntitle: Ärzte am Fluss\nnumber: 700\nlang: pt-BR\nauthors: [Kenji Ōtani]\n---\n\n"
    (folder / "de.md").write_text(extra + "Ein kurzer Text.\n")
    assert names(q="rivers") == [NAME]
    assert names(q="ÄRZTE") == ["de.md"]
    assert names(q="ōtani") == ["de.md", NAME]  # an author of both
    assert names(q="615") == [NAME]
    assert names(q="PT-br") == ["de.md"]
    assert names(q="otani 700") == ["de.md"]  # every word, accents or not
    assert names(q="ōtani 701") == []
    assert names(sort="title") == ["de.md", NAME, EXAMPLE.name]
    assert names(sort="number") == ["de.md", NAME, EXAMPLE.name]  # most first; none last
    assert names(sort="number", order="asc") == [NAME, "de.md", EXAMPLE.name]
    assert names(sort="words") == [EXAMPLE.name, NAME, "de.md"]
    (folder / EXAMPLE.name).write_text((folder / EXAMPLE.name).read_text())  # changed last
    assert names(sort="changed")[0] == EXAMPLE.name
    listed = {a["name"]: a for a in http.get("/api/articles").json()["articles"]}
    assert listed["de.md"]["authors"] == ["Kenji Ōtani"] and listed["de.md"]["words"] == 3
    for bad in ({"sort": "size"}, {"order": "up"}, {"q": "x" * 201}):
        assert http.get("/api/articles", params=bad).status_code == 422

    page = http.get("/", params={"q": "rivers", "sort": "title"}).text
    assert 'name="q" type="search" value="rivers"' in page
    assert f'data-name="{NAME}"' in page and 'data-name="de.md"' not in page
    assert 'href="/?q=rivers&amp;sort=title&amp;order=desc" aria-current="true"' in page


def test_the_library_forms_rename_duplicate_and_delete(http: httpx.Client, folder: Path) -> None:
    page = http.get("/").text
    csrf = HIDDEN_FIELD.findall(page)[0][1]
    row = re.search(rf'<tr data-name="{re.escape(NAME)}">(.*?)</tr>', page, re.S)
    assert row is not None
    version = dict(HIDDEN_FIELD.findall(row[1]))["version"]
    assert version == version_of((folder / NAME).read_bytes())

    assert http.post(f"/articles/{NAME}/duplicate", data={}).status_code == 403
    copy = http.post(f"/articles/{NAME}/duplicate", data={"csrf": csrf})
    assert copy.status_code == 303 and copy.headers["location"] == f"/articles/{COPY}"
    form = {"csrf": csrf, "version": version, "to": "rivers.md"}
    assert http.post(f"/articles/{NAME}/rename", data=form | {"csrf": "x" * 40}).status_code == 403
    bad = http.post(f"/articles/{NAME}/rename", data=form | {"to": "../x.md"})
    assert bad.status_code == 422 and "is not an article file name" in bad.text
    moved = http.post(f"/articles/{NAME}/rename", data=form)
    assert moved.status_code == 303 and moved.headers["location"] == "/articles/rivers.md"
    stale = http.post("/articles/rivers.md/delete", data={"csrf": csrf, "version": "0"})
    assert stale.status_code == 409 and (folder / "rivers.md").exists()
    gone = http.post("/articles/rivers.md/delete", data={"csrf": csrf, "version": version})
    assert gone.status_code == 303 and not (folder / "rivers.md").exists()
    page = http.get("/").text
    assert 'action="/deleted/rivers.md/restore"' in page
    back = http.post("/deleted/rivers.md/restore", data={"csrf": csrf})
    assert back.status_code == 303 and (folder / "rivers.md").exists()
    subjects = [c.message.decode().split("\n")[0] for c in commits(folder)]
    assert subjects == [
        "Bring back rivers.md",
        "Delete rivers.md",
        f"Rename {NAME} to rivers.md",
        f"Keep {NAME} as found in the folder",
        f"Create {COPY} as a copy of {NAME}",
    ]


def test_new_articles_imports_and_merges_are_commits(http: httpx.Client, folder: Path) -> None:
    csrf = HIDDEN_FIELD.findall(http.get("/").text)[0][1]
    assert http.post("/new", data={"csrf": csrf, "title": "A New One"}).status_code == 303
    upload = {"file": ("manuscript.md", RICH.read_bytes(), "text/markdown")}
    assert http.post("/import", data={"csrf": csrf}, files=upload).status_code == 303
    mine, theirs = opened(http), opened(http)
    assert http.post(f"/articles/{NAME}", data=theirs | {"kicker": "Theirs"}).status_code == 303
    merged = http.post(f"/articles/{NAME}", data=mine | {"title": "Mine"})
    assert merged.status_code == 303
    subjects = [c.message.decode().split("\n")[0] for c in commits(folder)]
    assert subjects == [
        f"Save {NAME}, merged with a save made meanwhile",
        f"Save {NAME}",
        f"Keep {NAME} as found in the folder",
        f"Import {COPY} from manuscript.md",
        "Create a-new-one.md",
    ]
    front, _ = split_front_matter((folder / NAME).read_text())
    assert (front["title"], front["kicker"]) == ("Mine", "Theirs")
    assert head_file(folder, NAME) == (folder / NAME).read_bytes()


def test_concurrent_saves_commit_in_the_order_they_were_written(
    http: httpx.Client, folder: Path
) -> None:
    base = (folder / NAME).read_text()

    def save(number: int) -> int:
        text = base.replace("sixty million", f"sixty million ({number})")
        while True:
            answer = put(http, NAME, text)
            if answer.status_code != 412:
                return answer.status_code

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert set(pool.map(save, range(8))) == {200}
    found = commits(folder)
    assert len(found) == 9  # eight saves and the file as found
    assert head_file(folder, NAME) == (folder / NAME).read_bytes()
    texts = [c for c in found if b"Exporter-Action: save" in c.message]
    assert len(texts) == 8


def test_a_repository_that_cannot_be_written_does_not_stop_a_save(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = article_folder(tmp_path / "articles")
    porcelain.init(str(folder))
    objects = folder / ".git" / "objects"
    shutil.rmtree(objects)
    objects.write_text("not a folder")  # every object written fails (root writes anyway)
    with (
        caplog.at_level(logging.WARNING, logger="exporter"),
        running_server(folder) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        for number in range(3):
            text = edited(folder, NAME, "sixty", f"sixty-{number}")
            saved = put(http, NAME, text)
            assert saved.status_code == 200 and saved.json()["id"] is None
            assert (folder / NAME).read_text() == text
        etag = http.get(f"/api/articles/{NAME}").headers["etag"]
        refused = http.delete(f"/api/articles/{NAME}", headers={"if-match": etag})
        assert refused.status_code == 503 and "is not deleted" in refused.json()["error"]
        assert (folder / NAME).exists()
        history = http.get(f"/api/articles/{NAME}/history")
        assert history.status_code == 500 and "cannot be read" in history.json()["error"]
        assert http.get("/").status_code == 200
    warnings = [r.message for r in caplog.records if "history is not kept" in r.message]
    assert len(warnings) == 1


def test_a_folder_whose_git_is_broken_still_saves(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    (folder / ".git").write_text("gitdir: /nowhere/at/all\n")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        text = edited(folder, NAME, "sixty", "sixty-one")
        assert put(http, NAME, text).status_code == 200
        assert (folder / NAME).read_text() == text
    assert (folder / ".git").read_text() == "gitdir: /nowhere/at/all\n"  # never replaced


def test_hostile_names_ids_and_bodies(http: httpx.Client, folder: Path) -> None:
    assert put(http, NAME, edited(folder, NAME, "sixty", "sixty-one")).is_success
    etag = http.get(f"/api/articles/{NAME}").headers["etag"].strip('"')
    for name in ("..%2F..%2Fetc%2Fpasswd", ".git", "%2Egit", "config.md%00", "x" * 300 + ".md"):
        for path in ("history", "versions/" + "0" * 40, "diff?from=" + "0" * 40):
            answer = http.get(f"/api/articles/{name}/{path}")
            assert answer.status_code == 404, (name, path, answer.text)
            assert "error" in answer.json()
    assert http.delete("/api/articles/.git", headers={"if-match": etag}).status_code == 404
    assert http.post("/api/deleted/.git/restore").status_code == 404
    for commit in ("HEAD", "0" * 40, "../../config", "f" * 39, "z" * 40):
        answer = http.get(f"/api/articles/{NAME}/versions/{commit}")
        assert answer.status_code == 404, commit
    for params in ({}, {"from": "HEAD"}, {"from": "0" * 40}):
        assert http.get(f"/api/articles/{NAME}/diff", params=params).status_code in (404, 422)
    for params in ({"limit": "0"}, {"limit": "x"}, {"limit": "100000"}, {"before": "x:y"}):
        assert http.get(f"/api/articles/{NAME}/history", params=params).status_code == 422
    outside = {"before": "0" * 40 + ":../../etc/passwd"}
    assert http.get(f"/api/articles/{NAME}/history", params=outside).status_code == 422
    restore = f"/api/articles/{NAME}/restore"
    assert (
        http.post(restore, content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
    )
    for body in (b"not json", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000, b'{"version": 5}'):
        answer = http.post(restore, content=body, headers={"content-type": "application/json"})
        assert answer.status_code in (413, 422), body[:20]
    big = b'{"version": "' + b"0" * 100_000 + b'"}'
    answer = http.post(restore, content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert http.post(restore, json={"version": "0" * 40}).status_code == 428
    assert http.post(restore, json={"version": "0" * 40, "base": etag}).status_code == 404
    cross = http.post(
        restore, json={"version": "0" * 40, "base": etag}, headers={"origin": "http://evil.test"}
    )
    assert cross.status_code == 403
    (folder / "alias.md").symlink_to(NAME)
    assert http.delete("/api/articles/alias.md", headers={"if-match": etag}).status_code == 422
    link_rename = http.post("/api/articles/alias.md/rename", json={"to": "b.md", "base": etag})
    assert link_rename.status_code == 422 and (folder / "alias.md").is_symlink()
    assert sorted(p.name for p in folder.iterdir() if p.name != ".git") == sorted(
        ["alias.md", "basin.png", EXAMPLE.name, NAME]
    )


def test_a_commit_message_keeps_to_one_line_whatever_it_names(tmp_path: Path) -> None:
    history = History(tmp_path)
    (tmp_path / "a.md").write_text("text\n")
    subject = "Import a.md from x\n\nExporter-Action: delete\nExporter-Article: b.md\x00"
    commit = history.record(Change("import", "a.md", subject, {"a.md": b"text\n"}))
    assert commit
    message = commits(tmp_path)[0].message.decode()
    assert (
        message.split("\n")[0]
        == "Import a.md from x Exporter-Action: delete Exporter-Article: b.md"
    )
    assert trailers(message.encode()) == {"Exporter-Action": "import", "Exporter-Article": "a.md"}
    assert history.deleted() == []


def test_a_repository_made_by_git_keeps_working_with_git(tmp_path: Path) -> None:
    if GIT is None:
        pytest.skip("no git command here")
    folder = article_folder(tmp_path / "articles")

    def git(*args: str) -> str:
        done = subprocess.run(
            [str(GIT), "-c", "user.name=U", "-c", "user.email=u@example.org", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    git("init", "-q")
    git("add", NAME, EXAMPLE.name)
    git("commit", "-q", "-m", "The user's commit")  # its index holds the cached trees
    text = edited(folder, NAME, "sixty million", "sixty-three million")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        assert put(http, NAME, text).json()["id"]
    assert git("status", "--porcelain").splitlines() == ["?? basin.png"]
    # A commit of git's own after the app's must keep the app's version, not the
    # cached tree of before it.
    git("commit", "-q", "--allow-empty", "-m", "The user's second commit")
    assert git("show", f"HEAD:{NAME}") == text
    git("update-index", "--split-index")  # an index the app does not rewrite
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=60) as http:
        again = put(http, NAME, text.replace("sixty-three", "sixty-four"))
        assert again.status_code == 200 and again.json()["id"]
    assert "sixty-four" in git("show", f"HEAD:{NAME}")
    assert git("ls-files") == f"{EXAMPLE.name}\n{NAME}\n"  # no entry lost
    git("fsck", "--strict")
