"""Helpers of the CJK edition tests: translation fixtures, PDF text, a stand-in translator."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
from lxml import etree

from exporter import model
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.walk import plain_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cjk"
TRANSLATIONS = {
    "ja": FIXTURES / "japan-rok-relations-ja.md",
    "ko": FIXTURES / "japan-rok-relations-ko.md",
    "zh-Hans": FIXTURES / "japan-rok-relations-zh-Hans.md",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def squeeze(text: str) -> str:
    """Return text without any white space: PDF extraction breaks CJK lines with spaces."""
    return re.sub(r"\s+", "", text)


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page of a PDF, white space removed."""
    return [squeeze(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def printed_paragraphs(article: model.Article) -> list[str]:
    """Return the text of every paragraph and list item of the body, in order."""
    texts: list[str] = []
    for block in article.body:
        if isinstance(block, model.ListBlock):
            texts += [plain_text(item.content) for item in block.items]
        else:
            texts.append(plain_text([block]))
    return texts


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Return each font of a PDF by its base name, and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            name = str(font["/BaseFont"]).split("+")[-1]
            fonts[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def translator_texts(translation: model.Article) -> dict[str, Iterator[str]]:
    """Return what a translator types into each paragraph style of our DOCX, in order."""
    series = find_layout(None).for_language(translation.lang).series
    return {
        "Kicker": iter([series.kicker(translation.kicker)]),
        "Title": iter([translation.title]),
        "Byline": iter([", ".join(author.name for author in translation.authors)]),
        "Summary": iter([translation.summary]),
        "BodyText": iter(printed_paragraphs(translation)),
        "ListParagraph": iter(printed_paragraphs(translation)),
        "Bio": iter([author.bio for author in translation.authors]),
    }


def translate_docx(data: bytes, translation: model.Article, east_asian_language: str = "") -> bytes:
    """Stand in for a translator: overtype each translatable paragraph of our DOCX, in order.

    Body text and list items share one sequence. With `east_asian_language`, the
    translator also sets the document's Asian language (LibreOffice: Tools, Language,
    For All Text), which lands in the style defaults' w:eastAsia slot.
    """
    texts = translator_texts(translation)
    body = texts["BodyText"]
    texts["ListParagraph"] = body
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "word/document.xml":
                part = _overtype(part, texts)
            elif name == "word/styles.xml" and east_asian_language:
                part = _set_east_asian_language(part, east_asian_language)
            target.writestr(name, part)
    return out.getvalue()


def _overtype(xml: bytes, texts: dict[str, Iterator[str]]) -> bytes:
    root = etree.fromstring(xml)
    for paragraph in root.iter(f"{{{W}}}p"):
        style = paragraph.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)
        if style not in texts:
            continue
        runs = paragraph.xpath("w:r[w:t]", namespaces=NS)
        first, rest = runs[0], runs[1:]
        for run in rest:
            paragraph.remove(run)
        text = first.find("w:t", NS)
        text.text = next(texts[style])
        text.set(XML_SPACE, "preserve")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_east_asian_language(xml: bytes, lang: str) -> bytes:
    root = etree.fromstring(xml)
    (language,) = root.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang", namespaces=NS)
    language.set(f"{{{W}}}eastAsia", lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def translation(lang: str) -> model.Article:
    """Return the translation fixture of the seed article in `lang`."""
    return load(TRANSLATIONS[lang])
