"""XLIFF 1.2 for older CAT tools (`--to xliff12`): the units, ids and segments of the 2.1
file, valid under the OASIS 1.2 strict schema; a translated file, OmegaT's too, imports back
as the article's edition."""

from __future__ import annotations

import copy
import dataclasses
import io
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from exporter import codec, model
from exporter.build import BuildOptions, render_file
from exporter.context import RenderContext
from exporter.editions import version_of
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.readers.xliff import read_xliff
from exporter.writers.xliff12 import write_xliff12
from tests.test_cli import run
from tests.test_xliff import EXAMPLE, NS, PICTURE, RICH, SCHEMAS, changed_article, fuller_article
from tests.test_xliff import model_xliff as model_xliff2
from tests.translation import (
    INLINE_TAG,
    Tokens,
    back,
    omegat_available,
    omegat_segments,
    omegat_translate,
    units,
)

X12 = "urn:oasis:names:tc:xliff:document:1.2"
NS12 = {"x": X12}
BOTH = BuildOptions(formats=("xliff", "xliff12"), out_dir=Path("."))


def schema12() -> etree.XMLSchema:
    """Return the OASIS XLIFF 1.2 strict schema with the metadata module, from tests/ only."""
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
        for namespace, name in (
            # Imported first, from its local copy: the 1.2 schema's own import of the xml:
            # namespace names the W3C's site, and a namespace is imported only once.
            (
                "http://www.w3.org/XML/1998/namespace",
                "informativeCopiesOf3rdPartySchemas/w3c/xml.xsd",
            ),
            (X12, "xliff-core-1.2-strict.xsd"),
            ("urn:oasis:names:tc:xliff:metadata:2.0", "metadata.xsd"),
        )
    )
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(driver, parser))


def model_xliff12(article: model.Article) -> bytes:
    """Return the XLIFF 1.2 of an article model (no file: no source recorded)."""
    return write_xliff12(article, RenderContext(find_layout(None, article.series), Path(".")))


def translated12(data: bytes, change: Callable[[str], str], lang: str = "fr") -> bytes:
    """Return the XLIFF 1.2 with every target's text changed (codes kept) and a language."""
    root = etree.fromstring(data)
    root.find("x:file", NS12).set("target-language", lang)
    codes = {f"{{{X12}}}{name}" for name in ("bpt", "ept", "ph")}
    for target in root.iterfind(".//x:target", NS12):
        for mark in target.iterfind("x:mrk", NS12):
            mark.text = change(mark.text) if mark.text else mark.text
            for inner in mark.iter():
                if inner is not mark:
                    if inner.text and inner.tag not in codes:
                        inner.text = change(inner.text)
                    inner.tail = change(inner.tail) if inner.tail else inner.tail
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the example, the rich article and its picture."""
    for source in (EXAMPLE, RICH, PICTURE):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


@pytest.mark.parametrize("name", [EXAMPLE.name, RICH.name, "model"])
def test_the_xliff12_is_valid_under_the_strict_schema(folder: Path, name: str) -> None:
    if name == "model":
        data = model_xliff12(fuller_article())
    else:
        data = render_file(folder / name, BOTH)["xliff12"]
    document = etree.fromstring(data)
    validator = schema12()
    assert validator.validate(document), validator.error_log
    assert document.get("version") == "1.2"
    assert document.find("x:file", NS12).get("source-language") == "en"
    # The schema catches a broken file: the check is not vacuous.
    broken = copy.deepcopy(document)
    broken.find(".//x:trans-unit", NS12).insert(0, etree.Element(f"{{{X12}}}bogus"))
    assert not validator.validate(broken)


@pytest.mark.parametrize("name", [RICH.name, "model"])
def test_the_same_units_segments_and_codes_as_the_xliff21(folder: Path, name: str) -> None:
    if name == "model":
        xliff2, xliff12 = model_xliff2(fuller_article()), model_xliff12(fuller_article())
    else:
        both = render_file(folder / name, BOTH)
        xliff2, xliff12 = both["xliff"], both["xliff12"]
    units2 = etree.fromstring(xliff2).findall(".//x:unit", NS)
    units12 = etree.fromstring(xliff12).findall(".//x:trans-unit", NS12)
    assert [u.get("id") for u in units12] == [u.get("id") for u in units2]
    for unit2, unit12 in zip(units2, units12, strict=True):
        if unit2.get("translate") == "no":
            assert unit12.get("translate") == "no" and unit12.find("x:target", NS12) is None
            continue
        sentences = ["".join(s.itertext()) for s in unit2.iterfind("x:segment/x:source", NS)]
        marks = unit12.findall("x:seg-source/x:mrk[@mtype='seg']", NS12)
        # The same sentences, each a segment; codes add no text to them.
        assert [_text(m) for m in marks] == sentences
        # Every code of 2.1 is one here: a pc a bpt and ept pair, a ph a ph.
        source = unit12.find("x:source", NS12)
        assert len(source.findall("x:bpt", NS12)) == len(source.findall("x:ept", NS12))
        assert len(source.findall("x:bpt", NS12)) == len(unit2.findall(".//x:pc", NS))
        assert len(source.findall("x:ph", NS12)) == len(unit2.findall(".//x:ph", NS))
        # The target waits, a copy of the segments.
        target = unit12.find("x:target", NS12)
        assert target.get("state") == "needs-translation"
        assert (
            etree.tostring(target).split(b">", 1)[1].rsplit(b"<", 1)[0]
            == etree.tostring(unit12.find("x:seg-source", NS12))
            .split(b">", 1)[1]
            .rsplit(b"<", 1)[0]
        )


def _text(mark: etree._Element) -> str:
    """Return a segment's text without its codes' original data."""
    parts = [mark.text or ""]
    for child in mark:
        parts.append(child.tail or "")
    return "".join(parts)


@pytest.mark.parametrize("name", [EXAMPLE.name, RICH.name])
def test_a_translated_xliff12_imports_as_the_edition(
    folder: Path, tmp_path: Path, name: str
) -> None:
    returned = tmp_path / "returned" / Path(name).with_suffix(".xlf").name
    returned.parent.mkdir()
    written = render_file(folder / name, BOTH)["xliff12"]
    returned.write_bytes(translated12(written, str.swapcase))
    code, _out, err = run("import", str(returned), "-o", str(folder))
    assert code == 0, err
    assert f"imported as the French edition of {name}" in err
    edition = load(folder / Path(name).with_suffix(".fr.md").name)
    assert edition == dataclasses.replace(
        changed_article(load(folder / name), str.swapcase),
        lang="fr",
        translation_of=name,
        translated_from=version_of((folder / name).read_bytes()),
    )


def test_every_kind_of_block_and_inline_comes_back() -> None:
    article = fuller_article()
    edition = read_xliff(translated12(model_xliff12(article), str.swapcase, "ja"))
    assert edition == dataclasses.replace(changed_article(article, str.swapcase), lang="ja")


def test_segments_left_as_their_source_are_untranslated(caplog: pytest.LogCaptureFixture) -> None:
    article = fuller_article()
    root = etree.fromstring(translated12(model_xliff12(article), str.upper))
    title = root.find(".//x:trans-unit[@id='title']", NS12)
    title.remove(title.find("x:target", NS12))
    summary = root.find(".//x:trans-unit[@id='summary']", NS12)
    summary.find("x:target", NS12).set("state", "translated")
    untouched = copy.deepcopy(summary.find("x:seg-source", NS12))
    summary.replace(summary.find("x:target", NS12), untouched)
    untouched.tag, untouched.attrib["state"] = f"{{{X12}}}target", "translated"
    kicker = root.find(".//x:trans-unit[@id='kicker']/x:target", NS12)
    kicker[0].text = article.kicker  # as the tool wrote it: the source, not translated
    with caplog.at_level(logging.WARNING, "exporter"):
        edition = read_xliff(etree.tostring(root))
    assert edition.title == article.title and edition.kicker == article.kicker
    assert edition.subtitle == article.subtitle.upper()
    # A target the tool marks translated is a translation, even one equal to its source.
    assert edition.summary == article.summary
    # And the cell "41", which upper case leaves as it is: a translator would mark it so.
    assert "3 unit(s) have no translation, their source kept: kicker, title, b11-r1-c2" in (
        caplog.text
    )


def test_codes_as_other_tools_write_them_come_back() -> None:
    """A bpt/ept pair as a g, a ph as an x, both without their data; a target without
    segments, read whole."""
    article = fuller_article()
    root = etree.fromstring(translated12(model_xliff12(article), str.swapcase))
    for target in root.iterfind(".//x:target", NS12):
        for start in list(target.iter(f"{{{X12}}}bpt")):
            parent = start.getparent()
            end = next(e for e in parent.iterfind("x:ept", NS12) if e.get("id") == start.get("id"))
            group = etree.Element(f"{{{X12}}}g", id=start.get("id"))
            group.text = start.tail
            between = []
            node = start.getnext()
            while node is not end:
                between.append(node)
                node = node.getnext()
            group.extend(between)
            group.tail = end.tail
            parent.replace(start, group)
            parent.remove(end)
        for placeholder in list(target.iter(f"{{{X12}}}ph")):
            short = etree.Element(f"{{{X12}}}x", id=placeholder.get("id"))
            short.tail = placeholder.tail
            placeholder.getparent().replace(placeholder, short)
    assert root.findall(".//x:target//x:g", NS12) and not root.findall(".//x:target//x:bpt", NS12)
    title = root.find(".//x:trans-unit[@id='title']/x:target", NS12)
    title.text, title[:] = "".join(title.itertext()), []
    edition = read_xliff(etree.tostring(root))
    assert edition == dataclasses.replace(changed_article(article, str.swapcase), lang="fr")


def test_build_writes_the_xliff12_and_refuses_both_versions_at_once(
    folder: Path, tmp_path: Path
) -> None:
    code, _out, err = run(
        "build", str(folder / RICH.name), "--to", "xliff,xliff12", "-o", str(tmp_path / "d")
    )
    assert code != 0 and "both write .xlf files" in err
    assert not (tmp_path / "d" / "rich-article.xlf").exists()
    code, _out, err = run(
        "build", str(folder / RICH.name), "--to", "xliff12", "-o", str(tmp_path / "d"), "-q"
    )
    assert code == 0, err
    written = etree.parse(str(tmp_path / "d" / "rich-article.xlf")).getroot()
    assert written.tag == f"{{{X12}}}xliff"


def test_bad_xliff12_files_get_a_one_line_error(tmp_path: Path) -> None:
    good = translated12(model_xliff12(fuller_article()), str.upper)
    root = etree.fromstring(good)
    root.find(".//x:trans-unit[@id='b1']/x:target//x:ept", NS12).getparent().remove(
        root.find(".//x:trans-unit[@id='b1']/x:target//x:ept", NS12)
    )
    path = tmp_path / "broken.xlf"
    path.write_bytes(etree.tostring(root))
    code, out, err = run("import", str(path))
    assert code == 2 and not out
    assert err.count("\n") == 1 and "unit b1" in err and "without its <ept>" in err


@pytest.mark.slow
@pytest.mark.skipif(not omegat_available(), reason="OmegaT is not installed (Debian: omegat)")
@pytest.mark.parametrize("sentences", [False, True], ids=["our-segments", "omegat-sentences"])
def test_omegat_translates_the_xliff12_and_it_comes_back(
    folder: Path, tmp_path: Path, sentences: bool
) -> None:
    """OmegaT with its own sentence rules off (the file's segments as they are), and on
    (a project's default)."""
    xliff = tmp_path / "rich-article.xlf"
    xliff.write_bytes(render_file(folder / RICH.name, BOTH)["xliff12"])
    ours = {
        _text(m).strip()
        for m in etree.fromstring(xliff.read_bytes()).iterfind(".//x:seg-source/x:mrk", NS12)
    } - {""}
    segments = omegat_segments(xliff, tmp_path / "segments", sentences=sentences)
    offered = {INLINE_TAG.sub("", s).strip() for s in segments}
    if not sentences:
        # Each `<mrk mtype="seg">` is a segment: ours, no more and no fewer (identical
        # ones once), its tags standing for our codes.
        assert offered == ours and len(segments) > 20
    else:
        # OmegaT's rules may cut one of ours further ("pp. | 41"), never join two.
        assert all(any(text in sentence for sentence in ours) for text in offered)
        assert len(offered) >= len(ours)
    tokens = Tokens()
    target = omegat_translate(xliff, tmp_path / "omegat", tokens, sentences=sentences)
    returned = tmp_path / "returned" / xliff.name
    returned.parent.mkdir()
    shutil.copy(target, returned)
    code, _out, err = run("import", str(returned), "-o", str(folder), "--lang", "ja")
    assert code == 0, err
    assert "no translation" not in err
    edition = load(folder / "rich-article.ja.md")
    source = load(folder / RICH.name)
    # Every text came back translated, and turned back it is the article, in order.
    assert [(kind, text) for kind, text in units(edition) if tokens.untranslated(text)] == []
    assert not tokens.untranslated(edition.title + edition.summary)
    expected, restored = back(codec.to_data(source)), back(codec.to_data(edition), tokens)
    for key in ("lang", "translation_of", "translated_from"):
        expected.pop(key, None)
        restored.pop(key, None)
    assert restored == expected
    pdf = render_file(folder / "rich-article.ja.md", BuildOptions(("pdf",), tmp_path))["pdf"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
