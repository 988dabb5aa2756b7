"""Tests of the DOCX's fonts: the embedded faces, the font table, and LibreOffice using them."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from exporter.build import BuildOptions, render_file
from exporter.cli import main
from exporter.layouts import find_layout
from exporter.readers.docx import read_docx
from tests.tools import libreoffice_to_pdf, pdf_font_names

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
JAPANESE = ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ja.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
GUID = re.compile(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}")
EMBED_FACES = {
    "embedRegular": (False, False),
    "embedBold": (True, False),
    "embedItalic": (False, True),
    "embedBoldItalic": (True, True),
}
TEMPLATE_LEFTOVERS = (
    "Calibri",
    "Cambria",
    "ＭＳ 明朝",
    "ＭＳ ゴシック",
    "Times New Roman",
    "Arial",
)
# Where LibreOffice reads the key of an obfuscated font (writerfilter's FontTable.cxx):
# the positions in "{62E79491-959F-41E9-B76B-6B32631DEA5C}" of its 16 bytes, last first.
PANOSE_DIGITS = (
    "bFamilyType",
    "bSerifStyle",
    "bWeight",
    "bProportion",
    "bContrast",
    "bStrokeVariation",
    "bArmStyle",
    "bLetterForm",
    "bMidline",
    "bXHeight",
)
KEY_POSITIONS = (35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1)


@pytest.fixture(scope="module")
def english() -> bytes:
    return render_file(EXAMPLE, BuildOptions(("docx",), ROOT))["docx"]


@pytest.fixture(scope="module")
def japanese() -> bytes:
    return render_file(JAPANESE, BuildOptions(("docx",), ROOT))["docx"]


@pytest.fixture(scope="module")
def without_fonts(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The example built by the command line with --no-embed-fonts."""
    out = tmp_path_factory.mktemp("plain")
    assert main(["build", str(EXAMPLE), "--to", "docx", "--no-embed-fonts", "--out", str(out)]) == 0
    return (out / "japan-rok-relations.docx").read_bytes()


def xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def entries(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.namelist()


def read_entry(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name)


def deobfuscate(data: bytes, key: str) -> bytes:
    """Undo Word's obfuscation as LibreOffice does, independently of the writer's code."""
    mask = [int(key[position : position + 2], 16) for position in KEY_POSITIONS]
    return bytes(byte ^ mask[index % 16] for index, byte in enumerate(data[:32])) + data[32:]


def embedded_fonts(data: bytes) -> list[tuple[str, str, TTFont]]:
    """Return (family, embed element, font) of every face the font table embeds."""
    table = xml(data, "word/fontTable.xml")
    targets = {
        rel.get("Id"): "word/" + str(rel.get("Target"))
        for rel in xml(data, "word/_rels/fontTable.xml.rels")
        if rel.get("Type") == FONT_RELATIONSHIP
    }
    found = []
    for font in table.iterfind("w:font", NS):
        for element in font:
            kind = etree.QName(element).localname
            if kind in EMBED_FACES:
                name = targets[element.get(f"{{{R}}}id")]
                clear = deobfuscate(read_entry(data, name), str(element.get(f"{{{W}}}fontKey")))
                found.append((str(font.get(f"{{{W}}}name")), kind, TTFont(io.BytesIO(clear))))
    return found


def styled_families(data: bytes) -> set[str]:
    """Return the families the styles name in any slot."""
    styles = xml(data, "word/styles.xml")
    return {
        value
        for fonts in styles.iter(f"{{{W}}}rFonts")
        for slot in ("ascii", "hAnsi", "eastAsia", "cs")
        if (value := fonts.get(f"{{{W}}}{slot}"))
    }


def printed_characters(data: bytes) -> set[str]:
    """Return every character of the document's text, headers and footers."""
    names = [n for n in entries(data) if re.fullmatch(r"word/(document|header\d|footer\d)\.xml", n)]
    return {
        char
        for name in names
        for node in xml(data, name).iter(f"{{{W}}}t")
        for char in node.text or ""
    }


def test_faces_are_obfuscated_parts_related_from_the_font_table(english: bytes) -> None:
    names = entries(english)
    font_parts = sorted(n for n in names if n.startswith("word/fonts/"))
    assert font_parts == [f"word/fonts/font{n}.odttf" for n in range(1, 9)]
    types = xml(english, "[Content_Types].xml")
    declared = {o.get("PartName"): o.get("ContentType") for o in types}
    assert all(declared[f"/{name}"] == OBFUSCATED_FONT for name in font_parts)
    rels = xml(english, "word/_rels/fontTable.xml.rels")
    assert sorted("word/" + str(r.get("Target")) for r in rels) == font_parts
    assert {r.get("Type") for r in rels} == {FONT_RELATIONSHIP}
    table = xml(english, "word/fontTable.xml")
    for family in ("Noto Serif", "Noto Sans"):
        (font,) = table.xpath("w:font[@w:name=$f]", f=family, namespaces=NS)
        embeds = [etree.QName(e).localname for e in font if "embed" in etree.QName(e).localname]
        assert embeds == list(EMBED_FACES)  # all four faces, in the schema's order
        for element in font.xpath(
            "w:embedRegular|w:embedBold|w:embedItalic|w:embedBoldItalic", namespaces=NS
        ):
            assert GUID.fullmatch(str(element.get(f"{{{W}}}fontKey")))
            assert element.get(f"{{{W}}}subsetted") == "1"
    settings = xml(english, "word/settings.xml")
    children = [etree.QName(child).localname for child in settings]
    assert "embedTrueTypeFonts" in children and "saveSubsetFonts" in children
    # The schema's order: both before w:proofState and the rest.
    assert children.index("saveSubsetFonts") < children.index("proofState")


def test_each_face_opens_as_its_font_with_the_characters_the_document_prints(
    english: bytes,
) -> None:
    printed = printed_characters(english)
    assert {"“", "’", "—"} & printed  # typographic marks are among them
    originals = {}
    for path in find_layout(None).font_files():
        font = TTFont(path)
        face = (font["OS/2"].usWeightClass >= 600, bool(font["OS/2"].fsSelection & 1))
        originals[(font["name"].getDebugName(1), *face)] = font.getBestCmap()
    faces = embedded_fonts(english)
    assert len(faces) == 8
    for family, kind, font in faces:
        bold, italic = EMBED_FACES[kind]
        assert font["name"].getDebugName(1) == family
        assert (font["OS/2"].usWeightClass >= 600, bool(font["OS/2"].fsSelection & 1)) == (
            bold,
            italic,
        )
        original = originals[(family, bold, italic)]
        kept = font.getBestCmap()
        missing = {char for char in printed if ord(char) in original and ord(char) not in kept}
        assert not missing, f"{family} {kind} lacks {sorted(missing)}"
        # Subset: well short of the whole face, yet with what translators type (é, ẵ, «).
        assert len(kept) < len(original) / 2
        assert all(ord(char) in kept for char in "éçœ«»ẵƯ€")


def test_font_table_lists_the_styles_families_with_their_descriptions(
    english: bytes, japanese: bytes
) -> None:
    for data in (english, japanese):
        table = xml(data, "word/fontTable.xml")
        listed = [str(f.get(f"{{{W}}}name")) for f in table.iterfind("w:font", NS)]
        assert len(listed) == len(set(listed))
        assert set(listed) == styled_families(data)
        assert {"Noto Serif", "Noto Sans", "Noto Sans Mono"} <= set(listed)
        assert not set(TEMPLATE_LEFTOVERS) & set(listed)

    table = xml(english, "word/fontTable.xml")

    def entry(family: str, child: str) -> str:
        return str(
            table.xpath(f"string(w:font[@w:name=$f]/w:{child}/@w:val)", f=family, namespaces=NS)
        )

    panose = TTFont(ROOT / "fonts" / "NotoSerif-Regular.ttf")["OS/2"].panose
    assert entry("Noto Serif", "panose1") == "".join(
        f"{getattr(panose, digit):02X}" for digit in PANOSE_DIGITS
    )
    assert (entry("Noto Serif", "family"), entry("Noto Sans", "family")) == ("roman", "swiss")
    assert (entry("Noto Sans Mono", "family"), entry("Noto Sans Mono", "pitch")) == (
        "modern",
        "fixed",
    )
    assert entry("Noto Serif", "charset") == "00"
    assert "Georgia" in entry("Noto Serif", "altName")
    signature = table.find("w:font[@w:name='Noto Serif']/w:sig", NS)
    assert signature is not None and len(signature.attrib) == 6

    # A Japanese edition names its system CJK families, described and not embedded.
    japanese_table = xml(japanese, "word/fontTable.xml")
    for family in ("Noto Serif CJK JP", "Noto Sans CJK JP"):
        (font,) = japanese_table.xpath("w:font[@w:name=$f]", f=family, namespaces=NS)
        assert font.xpath("string(w:charset/@w:val)", namespaces=NS) == "80"
        assert font.xpath("string(w:panose1/@w:val)", namespaces=NS).startswith("02")
        assert not [e for e in font if "embed" in etree.QName(e).localname]
    assert not [n for n in entries(japanese) if n.startswith("word/fonts/") and "CJK" in n]


def test_no_embed_fonts_leaves_the_fonts_out(without_fonts: bytes, english: bytes) -> None:
    assert not [n for n in entries(without_fonts) if n.startswith("word/fonts/")]
    table = xml(without_fonts, "word/fontTable.xml")
    assert not table.xpath("//w:embedRegular|//w:embedBold|//w:embedItalic", namespaces=NS)
    assert {str(f.get(f"{{{W}}}name")) for f in table} == styled_families(without_fonts)
    settings = {etree.QName(child).localname for child in xml(without_fonts, "word/settings.xml")}
    assert not {"embedTrueTypeFonts", "saveSubsetFonts"} & settings
    assert len(english) > 4 * len(without_fonts)


def test_the_reader_ignores_the_fonts(english: bytes, without_fonts: bytes) -> None:
    assert read_docx(english) == read_docx(without_fonts)


@pytest.mark.slow
def test_libreoffice_sets_the_document_in_the_embedded_fonts(
    tmp_path: Path, english: bytes, without_fonts: bytes
) -> None:
    # LibreOffice sees no Noto Serif or Noto Sans but the DOCX's own: the system's, if
    # any, and the repository's are refused (the CJK families keep their own names).
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        "<selectfont><rejectfont>"
        '<pattern><patelt name="family"><string>Noto Serif</string></patelt></pattern>'
        '<pattern><patelt name="family"><string>Noto Sans</string></patelt></pattern>'
        f"<glob>{ROOT / 'fonts'}/*</glob>"
        "</rejectfont></selectfont></fontconfig>",
        encoding="utf-8",
    )
    documents = [tmp_path / "without-fonts.docx", tmp_path / "with-fonts.docx"]
    documents[0].write_bytes(without_fonts)
    documents[1].write_bytes(english)
    # One run, the document without fonts first: LibreOffice keeps the fonts a document
    # brings for the rest of its run.
    plain, embedded = libreoffice_to_pdf(documents, tmp_path, {"FONTCONFIG_FILE": str(config)})
    plain_fonts, embedded_fonts_used = pdf_font_names(plain), pdf_font_names(embedded)
    # Without its fonts the document falls back: proof that only the DOCX holds them.
    assert not [name for name in plain_fonts if re.match(r"Noto(Serif|Sans)-", name)]
    assert "NotoSerif-Regular" in embedded_fonts_used
    assert "NotoSans-Bold" in embedded_fonts_used
    assert all(name.startswith("Noto") for name in embedded_fonts_used), embedded_fonts_used
