"""A returned DOCX's byline matched against the authors it records, and its language told
from its words: with and without --lang, whatever the document declares."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from exporter.build import BuildOptions, render_file
from exporter.readers import load
from exporter.readers.docx.front import byline_names, known_byline
from exporter.serve.workers import import_upload
from tests.test_cli import run

KNOWN = ["Mele Tupou", "Nguyễn Thị Lan"]
FRENCH = """---
title: La coopération régionale sur le Mékong
authors:
  - name: Mele Tupou
    affiliation: Forum des îles du Pacifique
    bio: Mele Tupou dirige le programme de l'eau du Forum à Suva.
  - name: Nguyễn Thị Lan
    bio: Nguyễn Thị Lan est chercheuse à l'Institut d'études fluviales de Hà Nội.
summary: >-
  Les pays en aval du Mékong ont besoin d'un régime commun de données avant la
  prochaine saison sèche.
lang: en
keywords: [Mékong, sécurité de l'eau]
---

Le Mékong fait vivre soixante millions de personnes dans six pays, et chaque saison
sèche depuis 2019 a été pire que la précédente. Les barrages en amont retiennent l'eau
au moment où les rizières en ont le plus besoin.

## Des barrages en amont, des doutes en aval

Les gouvernements de la région n'ont jamais partagé leurs relevés de débit. Sans ces
chiffres, les agriculteurs du delta ne peuvent pas prévoir la crue ni la sécheresse.
"""


@pytest.mark.parametrize(
    "byline",
    [
        "Mele Tupou et Nguyễn Thị Lan",
        "Mele Tupou y Nguyễn Thị Lan",
        "Mele Tupou und Nguyễn Thị Lan",
        "Mele Tupou、Nguyễn Thị Lan",
        "Mele TupouとNguyễn Thị Lan",
    ],
)
def test_kept_names_are_the_authors_whatever_joins_them(byline: str) -> None:
    # Even read as English: the record, not the joining word, tells the names.
    assert known_byline(byline, KNOWN, ["en"]) == KNOWN


def test_transliterated_names_are_taken_by_position() -> None:
    assert known_byline("メレ・トゥポウ、グエン・ティ・ラン", KNOWN, ["ja", "en"]) == [
        "メレ・トゥポウ",
        "グエン・ティ・ラン",
    ]


@pytest.mark.parametrize(
    ("byline", "lang", "names"),
    [
        ("Mele Tupou, Nguyễn Thị Lan et Kenji Ōtani", "fr", [*KNOWN, "Kenji Ōtani"]),
        ("Mele Tupou", "fr", ["Mele Tupou"]),
    ],
)
def test_a_byline_that_changed_is_taken_with_a_warning_naming_both(
    byline: str, lang: str, names: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        assert known_byline(byline, KNOWN, [lang, "en"]) == names
    (message,) = [r.getMessage() for r in caplog.records]
    assert "; ".join(names) in message and "; ".join(KNOWN) in message


def test_a_manuscripts_byline_splits_by_the_editions_words_then_the_documents() -> None:
    assert byline_names("Ana Ruiz y Luis Gómez", "", ["es", "en"]) == ["Ana Ruiz", "Luis Gómez"]
    assert byline_names("Ana Ruiz and Luis Gómez", "", ["es", "en"]) == ["Ana Ruiz", "Luis Gómez"]


@pytest.fixture(scope="module")
def french_declared_english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DOCX of an article written in French but declared English."""
    folder = tmp_path_factory.mktemp("french")
    source = folder / "mekong.md"
    source.write_text(FRENCH, encoding="utf-8")
    docx = folder / "returned.docx"
    docx.write_bytes(render_file(source, BuildOptions(formats=("docx",), out_dir=folder))["docx"])
    return docx


def test_a_text_declared_english_imports_in_its_own_language(
    french_declared_english: Path, tmp_path: Path
) -> None:
    target = tmp_path / "article.md"
    code, _out, err = run("import", str(french_declared_english), "-o", str(target))
    assert code == 0, err
    assert re.search(r"the text reads as French \(fr\), the document says English \(en\)", err)
    article = load(target)
    assert article.lang == "fr"
    assert [a.name for a in article.authors] == KNOWN
    assert all(a.bio for a in article.authors)
    assert article.keywords == ("Mékong", "sécurité de l'eau")


def test_lang_that_contradicts_the_text_is_taken_with_a_warning(
    french_declared_english: Path, tmp_path: Path
) -> None:
    target = tmp_path / "article.md"
    code, _out, err = run("import", str(french_declared_english), "--lang", "es", "-o", str(target))
    assert code == 0, err
    assert "the text reads as French (fr), not Spanish (es) as --lang says" in err
    assert load(target).lang == "es"


def test_a_lang_that_is_no_language_tag_is_refused(french_declared_english: Path) -> None:
    code, _out, err = run("import", str(french_declared_english), "--lang", "fr_FR!")
    assert code == 2 and err.count("\n") == 1 and "--lang" in err, err


def test_the_web_apps_import_tells_the_language_as_the_command_does(
    french_declared_english: Path,
) -> None:
    imported = import_upload(french_declared_english.read_bytes(), ".docx", "", "returned.docx")
    assert imported.article.lang == "fr"
    assert [a.name for a in imported.article.authors] == KNOWN
    assert any("the text reads as French (fr)" in w for w in imported.warnings), imported.warnings
