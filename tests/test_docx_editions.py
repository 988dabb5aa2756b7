"""Tests of the DOCX in each edition's language: styles that exist, the theme language."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.build import BuildOptions, render_file

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {
    "en": ROOT / "examples" / "japan-rok-relations.md",
    "ja": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ja.md",
    "ko": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ko.md",
    "zh-Hans": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-zh-Hans.md",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def story_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("word/")
            and name.split("/")[-1].startswith(("document", "header", "footer", "footnotes"))
        ]


@pytest.fixture(scope="module")
def editions() -> dict[str, bytes]:
    return {
        lang: render_file(path, BuildOptions(("docx",), ROOT))["docx"]
        for lang, path in EDITIONS.items()
    }


def test_every_style_a_part_names_exists(editions: dict[str, bytes]) -> None:
    for data in editions.values():
        defined = set(xml(data, "word/styles.xml").xpath("w:style/@w:styleId", namespaces=NS))
        for name in story_parts(data):
            used = set(xml(data, name).xpath("//w:pStyle/@w:val|//w:rStyle/@w:val", namespaces=NS))
            assert used <= defined, f"{name} names undefined styles {used - defined}"
        first_header = xml(data, "word/header1.xml")
        assert first_header.xpath("string(//w:pStyle/@w:val)", namespaces=NS) == "header"


@pytest.mark.parametrize("lang", EDITIONS)
def test_theme_language_is_the_editions(editions: dict[str, bytes], lang: str) -> None:
    data = editions[lang]
    theme = xml(data, "word/settings.xml").find("w:themeFontLang", NS)
    assert theme is not None
    defaults = xml(data, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert defaults is not None
    east_asian = lang if lang != "en" else None
    assert theme.get(f"{{{W}}}eastAsia") == defaults.get(f"{{{W}}}eastAsia") == east_asian
    assert theme.get(f"{{{W}}}val") == lang
