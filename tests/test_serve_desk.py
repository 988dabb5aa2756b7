"""The article page's desk over HTTP: the form's fields proofed from memory, the save in JSON.

The page sends its form fields to `POST /api/articles/{name}/proof` as it is typed, and
saves them by itself with `Accept: application/json`; both are checked here against the
running server, the folder's files and its git repository.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exporter.serve.form import compose, form_from_post, form_from_text, split_front_matter
from tests.test_serve_api import article_folder, running_server
from tests.test_serve_conflicts import opened
from tests.test_serve_drafts import PROOF_KEYS, folder_state
from tests.test_serve_history import commits

NAME = "rich-article.md"
JSON = {"accept": "application/json"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return article_folder(tmp_path_factory.mktemp("desk"))


@pytest.fixture(scope="module")
def url(folder: Path) -> Iterator[str]:
    with running_server(folder, jobs=2) as address:
        yield address


@pytest.fixture
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client


def proof_of(http: httpx.Client, fields: dict[str, str], name: str = NAME) -> httpx.Response:
    """Send the form's fields as the page does while the editor types."""
    return http.post(f"/api/articles/{name}/proof", data=fields)


def editable(fields: dict[str, str]) -> dict[str, str]:
    """Return the fields the page sends for a proof: not its hidden ones."""
    return {k: v for k, v in fields.items() if k not in ("csrf", "version", "base")}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_form_fields_are_proofed_as_a_save_would_write_them(
    http: httpx.Client, folder: Path
) -> None:
    path = folder / NAME
    fields = opened(http)
    fields["title"] = "Rivers Unbound"
    before = folder_state(folder)
    answer = proof_of(http, editable(fields))
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert set(data) == PROOF_KEYS | {"fields"}
    assert data["fields"] == {} and data["error"] == ""
    assert data["fits"] is True and data["fit"].startswith("fills ")
    assert len(data["pages"]) == 2 and len(data["full_pages"]) == 2
    for url in data["pages"]:
        picture = http.get(url)
        assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    # The text laid out is the file the form composes, the front matter it leaves kept.
    kept = form_from_text(path.read_text(encoding="utf-8")).kept
    composed = compose(form_from_post(fields, kept))
    assert "subtitle: What downstream states" in composed and "keywords:" in composed
    assert data["version"] == sha(composed.encode("utf-8"))
    assert folder_state(folder) == before  # not a byte written, not a time touched
    # The save of the same fields writes exactly that text.
    saved = http.post(f"/articles/{NAME}", data=fields, headers=JSON)
    assert saved.status_code == 200, saved.text
    assert sha(path.read_bytes()) == data["version"] == saved.json()["version"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2023-02-30", "'2023-02-30' is not a date (YYYY-MM-DD)"),
        ("number", "six", "'six' is not a positive whole number"),
        ("lang", "english!", "is not a BCP 47 language tag"),
        ("title", "", "the title is empty"),
        ("author-1-name", "", "the author has no name"),
    ],
)
def test_a_field_at_fault_is_named_without_a_layout(
    http: httpx.Client, field: str, value: str, message: str
) -> None:
    fields = editable(opened(http)) | {field: value}
    answer = proof_of(http, fields)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert message in data["fields"][field]
    assert list(data["fields"]) == [field]
    assert data["state"] == "error" and data["fits"] is None and data["pages"] == []
    assert data["line"] is None and data["seconds"] is None  # answered before any layout
    assert {d["ready"] for d in data["downloads"].values()} == {False}


def test_an_error_in_the_body_is_given_by_its_line_in_the_body(http: httpx.Client) -> None:
    fields = editable(opened(http))
    fields["body"] = "First paragraph.\n\nSecond one.\n\nAn ![image](a.png) in text.\n"
    data = proof_of(http, fields).json()
    assert data["state"] == "error"
    assert list(data["fields"]) == ["body"]
    assert data["line"] == 5
    assert data["fields"]["body"].startswith("line 5, column 4: an image inside running text")
    assert data["error"].startswith(f"{NAME}: ")


def test_where_to_cut_names_the_lines_of_the_body(http: httpx.Client) -> None:
    fields = editable(opened(http))
    paragraph = "the river carries silt and news from the mountains to the delta. " * 12
    fields["body"] = "\n\n".join(f"Paragraph {n} says {paragraph}" for n in range(1, 24))
    data = proof_of(http, fields).json()
    assert data["state"] == "over", data["fit"]
    assert data["beyond"] and data["lines_over"]
    lines = fields["body"].split("\n")
    for past in data["beyond"]:
        assert past["line"] is not None
        assert past["words"].startswith("Paragraph ")
        assert lines[past["line"] - 1].startswith(" ".join(past["words"].split()[:2]) + " ")


def test_the_form_draft_keeps_the_endpoint_limits(http: httpx.Client) -> None:
    huge = {"title": "T", "body": "word " * 1_200_000}
    assert proof_of(http, huge).status_code == 413
    empty = http.post(
        f"/api/articles/{NAME}/proof",
        content=b"",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert empty.status_code == 422 and "error" in empty.json()
    assert proof_of(http, {"title": "T"}, "no-such-article.md").status_code == 404
    other = http.post(
        f"/api/articles/{NAME}/proof", content=b"{}", headers={"content-type": "application/json"}
    )
    assert other.status_code == 415


def test_a_save_asked_in_json_answers_the_new_version_and_is_a_commit(
    http: httpx.Client, folder: Path
) -> None:
    path = folder / NAME
    fields = opened(http)
    commits_before = len(commits(folder)) if (folder / ".git").exists() else 0
    for word in ("first", "second", "third"):
        fields["summary"] = f"The {word} autosave of the summary."
        answer = http.post(f"/articles/{NAME}", data=fields, headers=JSON)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["saved"] == "saved" and data["combined"] == []
        assert data["version"] == sha(path.read_bytes())
        assert base64.b64decode(data["base"]) == path.read_bytes()
        assert data["fields"]["summary"] == f"The {word} autosave of the summary."
        assert isinstance(data["id"], str) and len(data["id"]) == 40
        fields["version"], fields["base"] = data["version"], data["base"]
    logged = commits(folder)
    assert len(logged) == commits_before + 3
    assert all(NAME.encode() in commit.message for commit in logged[:3])
    history = http.get(f"/api/articles/{NAME}/history").json()["versions"]
    assert [v["version"] for v in history[:1]] == [sha(path.read_bytes())]


def test_a_json_save_merges_another_save_or_says_it_conflicts(
    http: httpx.Client, folder: Path
) -> None:
    path = folder / NAME
    with httpx.Client(base_url=str(http.base_url), timeout=120) as them:
        mine, theirs = opened(http), opened(them)
        theirs["kicker"] = "Their Kicker"
        assert them.post(f"/articles/{NAME}", data=theirs, headers=JSON).status_code == 200
        mine["title"] = "Rivers Without Walls"
        merged = http.post(f"/articles/{NAME}", data=mine, headers=JSON)
        assert merged.status_code == 200, merged.text
        data = merged.json()
        assert data["saved"] == "merged" and data["combined"] == ["the kicker"]
        assert data["fields"]["kicker"] == "Their Kicker"
        assert data["fields"]["title"] == "Rivers Without Walls"
        front, _ = split_front_matter(path.read_text(encoding="utf-8"))
        assert (front["kicker"], front["title"]) == ("Their Kicker", "Rivers Without Walls")

        mine, theirs = opened(http), opened(them)
        theirs["kicker"] = "Theirs Again"
        assert them.post(f"/articles/{NAME}", data=theirs, headers=JSON).status_code == 200
        on_disk = path.read_bytes()
        mine["kicker"] = "Mine Again"
        refused = http.post(f"/articles/{NAME}", data=mine, headers=JSON)
        assert refused.status_code == 409
        assert refused.json()["conflict"] is True
        assert path.read_bytes() == on_disk  # nothing saved: the page's form shows the choice
        page = http.post(f"/articles/{NAME}", data=mine)
        assert page.status_code == 409 and 'id="merge"' in page.text


def test_a_json_save_names_its_fields_at_fault_and_its_csrf(
    http: httpx.Client, folder: Path
) -> None:
    path = folder / NAME
    on_disk = path.read_bytes()
    fields = opened(http) | {"date": "2023-02-30"}
    answer = http.post(f"/articles/{NAME}", data=fields, headers=JSON)
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"date": "'2023-02-30' is not a date (YYYY-MM-DD)"}
    forged = http.post(f"/articles/{NAME}", data=fields | {"csrf": "x" * 40}, headers=JSON)
    assert forged.status_code == 403 and "CSRF" in forged.json()["error"]
    assert path.read_bytes() == on_disk


@pytest.mark.parametrize(
    "body",
    [
        b"%zz=%%%&title=T",
        b"\xff\xfe\x00binary=\x00\x01",
        b"title=T&" + b"&".join(b"author-%d-name=x" % i for i in range(150)),
        b"&".join(b"k%d=v" % i for i in range(5000)),
        b"title=T&body=%00%01%02&date=9999-99-99",
        b"body=---%0Atitle: x%0A---",
    ],
    ids=["bad-escapes", "binary", "many-authors", "many-fields", "control-characters", "yaml"],
)
def test_hostile_form_drafts_are_answered_in_json(
    http: httpx.Client, folder: Path, body: bytes
) -> None:
    before = folder_state(folder)
    answer = http.post(
        f"/api/articles/{NAME}/proof",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code in (200, 400, 422), answer.text
    data = answer.json()
    if answer.status_code == 200:
        assert set(data) == PROOF_KEYS | {"fields"}
    else:
        assert data["error"]
    assert folder_state(folder) == before
