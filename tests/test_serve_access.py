"""Access control: cross-site GETs that start work are refused; tokens checked strictly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from exporter.errors import UsageError
from exporter.serve.options import ServeOptions, check_options
from tests.test_serve_api import article_folder, running_server

TOKEN = "a-long-enough-token-0123"
WORK = ["/articles/rich-article.md/download/pdf", "/articles/rich-article.md/proof.json"]


def test_a_page_of_another_site_cannot_start_work_with_a_get(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=120) as http:
        for path in WORK:
            img = http.get(
                path, headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors"}
            )
            assert img.status_code == 403
            fetched = http.get(path, headers={"origin": "https://elsewhere.example"})
            assert fetched.status_code == 403
        probe = http.get("/articles/missing.md", headers={"sec-fetch-site": "cross-site"})
        assert probe.status_code == 403  # no telling which articles exist
        link = http.get("/", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
        assert link.status_code == 200  # a link followed to the library is fine
        own = http.get(WORK[0], headers={"sec-fetch-site": "same-origin"})
        assert own.status_code == 200


@pytest.mark.parametrize("token", ["                    ", " " + TOKEN, TOKEN + "\t"])
def test_blank_or_padded_tokens_are_refused_at_start(tmp_path: Path, token: str) -> None:
    with pytest.raises(UsageError, match="access token"):
        check_options(ServeOptions(tmp_path, "0.0.0.0", 8000, token, 1))


def test_the_bearer_scheme_is_read_in_any_case(tmp_path: Path) -> None:
    folder = article_folder(tmp_path / "articles")
    with running_server(folder, token=TOKEN) as url, httpx.Client(base_url=url, timeout=60) as http:
        for scheme in ("Bearer", "bearer", "BEARER"):
            answer = http.get("/api/articles", headers={"authorization": f"{scheme} {TOKEN}"})
            assert answer.status_code == 200, scheme
        wrong = http.get("/api/articles", headers={"authorization": f"Basic {TOKEN}"})
        assert wrong.status_code == 401
