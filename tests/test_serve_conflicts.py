"""Two editors save one article: their changes are merged; only real overlaps are asked."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exporter.serve.form import split_front_matter
from tests.test_serve_api import article_folder, running_server
from tests.test_serve_pages import form_values

NAME = "rich-article.md"
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
FORM = re.compile(r'<form method="post" action="/articles/[^"]+"[^>]*>(.*?)</form>', re.S)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return article_folder(tmp_path / "articles")


@pytest.fixture
def url(folder: Path) -> Iterator[str]:
    with running_server(folder) as address:
        yield address


def opened(client: httpx.Client) -> dict[str, str]:
    """Open the article's page as an editor; return what its form would post."""
    page = client.get(f"/articles/{NAME}").text
    edit_form = FORM.findall(page)[-1]
    return form_values(page) | dict(HIDDEN.findall(edit_form))


def test_changes_to_different_parts_are_saved_together(url: str, folder: Path) -> None:
    with httpx.Client(base_url=url) as me, httpx.Client(base_url=url) as them:
        mine, theirs = opened(me), opened(them)
        theirs["kicker"] = "Opinion"
        theirs["body"] = theirs["body"].replace("sixty million", "sixty-five million")
        assert them.post(f"/articles/{NAME}", data=theirs).status_code == 303
        mine["title"] = "Rivers Without Walls"
        mine["body"] = mine["body"].replace("remain **scarce**", "remain **very scarce**")
        answer = me.post(f"/articles/{NAME}", data=mine, follow_redirects=True)
    assert answer.status_code == 200
    assert "with the changes saved meanwhile to the kicker; the body (1 place) kept too" in (
        html.unescape(answer.text)
    )
    front, body = split_front_matter((folder / NAME).read_text())
    assert front["title"] == "Rivers Without Walls" and front["kicker"] == "Opinion"
    assert "sixty-five million" in body and "remain **very scarce**" in body


def test_a_real_overlap_is_shown_side_by_side_and_the_choice_saved(url: str, folder: Path) -> None:
    with httpx.Client(base_url=url) as me, httpx.Client(base_url=url) as them:
        mine, theirs = opened(me), opened(them)
        theirs["kicker"] = "Their Kicker"
        theirs["summary"] = "Their summary of the article."
        assert them.post(f"/articles/{NAME}", data=theirs).status_code == 303
        saved_by_them = (folder / NAME).read_text()
        mine["kicker"] = "My Kicker"
        mine["body"] = mine["body"].replace("sixty million", "sixty-one million")
        answer = me.post(f"/articles/{NAME}", data=mine)
        assert answer.status_code == 409
        assert (folder / NAME).read_text() == saved_by_them  # nothing saved yet
        page = html.unescape(answer.text)
        assert 'id="merge"' in page and "Their changes to the summary are kept" in page
        assert re.search(r'<pre class="theirs">Their Kicker</pre>', page)
        assert re.search(r'<pre class="yours">My Kicker</pre>', page)
        merge_form = dict(HIDDEN.findall(FORM.findall(answer.text)[0]))
        assert set(merge_form) == {"csrf", "base", "yours", "theirs"}
        unchosen = me.post(f"/articles/{NAME}/merge", data=merge_form)
        assert unchosen.status_code == 409 and "choose a version at every place" in unchosen.text
        chosen = me.post(f"/articles/{NAME}/merge", data=merge_form | {"choice-0": "yours"})
        assert chosen.status_code == 303
    front, body = split_front_matter((folder / NAME).read_text())
    assert front["kicker"] == "My Kicker"
    assert front["summary"] == "Their summary of the article."
    assert "sixty-one million" in body


def test_a_save_made_while_choosing_asks_again(url: str, folder: Path) -> None:
    with httpx.Client(base_url=url) as me, httpx.Client(base_url=url) as them:
        mine, theirs = opened(me), opened(them)
        assert them.post(f"/articles/{NAME}", data=theirs | {"kicker": "A"}).status_code == 303
        answer = me.post(f"/articles/{NAME}", data=mine | {"kicker": "B"})
        merge_form = dict(HIDDEN.findall(FORM.findall(answer.text)[0]))
        again = opened(them)
        assert them.post(f"/articles/{NAME}", data=again | {"kicker": "C"}).status_code == 303
        late = me.post(f"/articles/{NAME}/merge", data=merge_form | {"choice-0": "yours"})
        assert late.status_code == 409
        assert '<pre class="theirs">C</pre>' in late.text
    assert split_front_matter((folder / NAME).read_text())[0]["kicker"] == "C"


def test_a_form_without_its_base_still_sees_both_versions_whole(url: str, folder: Path) -> None:
    with httpx.Client(base_url=url) as me, httpx.Client(base_url=url) as them:
        mine, theirs = opened(me), opened(them)
        del mine["base"]
        assert them.post(f"/articles/{NAME}", data=theirs | {"kicker": "A"}).status_code == 303
        answer = me.post(f"/articles/{NAME}", data=mine | {"kicker": "B"})
    assert answer.status_code == 409 and 'id="conflict"' in answer.text
    assert split_front_matter((folder / NAME).read_text())[0]["kicker"] == "A"
