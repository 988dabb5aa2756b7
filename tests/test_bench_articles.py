"""The benchmark's article set is what benchmarks/README.md says: distinct, 450-1,500 words."""

from __future__ import annotations

from benchmarks.articles import (
    COLD_ARTICLE,
    LEAST,
    MOST,
    PROOF_ARTICLE,
    article_set,
    cjk_fixtures,
)
from exporter.readers import load
from exporter.walk import plain_text, reading_length


def test_the_set_holds_at_least_24_distinct_articles_of_450_to_1500_words() -> None:
    paths = article_set()
    articles = [load(path) for path in paths]
    assert len(paths) >= 24
    assert len({path.read_bytes() for path in paths}) == len(paths)
    assert len({article.title for article in articles}) == len(paths)
    assert len({plain_text(article.body) for article in articles}) == len(paths)
    for path, article in zip(paths, articles, strict=True):
        length = reading_length(article.body)
        assert length.unit == "words", path.name
        assert LEAST <= length.count <= MOST, (path.name, length.count)


def test_the_set_names_its_cold_and_proof_articles_and_the_cjk_fixtures_exist() -> None:
    paths = {path.name: path for path in article_set()}
    assert COLD_ARTICLE in paths
    proof = reading_length(load(paths[PROOF_ARTICLE]).body)
    assert 600 <= proof.count <= 800  # the proof figure is for about 700 words
    assert len(cjk_fixtures()) == 3
