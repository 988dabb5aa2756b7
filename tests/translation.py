"""Test helpers that stand in for a translator: a DOCX's text translated, its custom
properties read and forged, and OmegaT run headless on a DOCX or an XLIFF 1.2 file."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from exporter import model
from exporter.walk import plain_text, walk

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CUSTOM = "docProps/custom.xml"
OP = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>EN</source_lang>
    <target_lang>JA</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneJapaneseTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
OMEGAT_FILTERS = Path(__file__).resolve().parent.parent / "exporter/writers/docx/omegat-filters.xml"
"""The file filters the toolkit gives a translator's OmegaT project (headers and footers,
the series' texts, are not offered as segments)."""
SEGMENT = re.compile(r"(<tuv lang=\"JA\">\s*<seg>)(.*?)(</seg>)", re.S)
TAG = re.compile(r"&lt;/?[a-z]+\d+/?&gt;")
INLINE_TAG = re.compile(r"(</?[a-z]+\d+/?>)")
TRANSLATED_UNITS = (
    model.Paragraph,
    model.Heading,
    model.TableCell,
    model.Link,
    model.Superscript,
    model.Subscript,
)
"""The units that must come back translated; list items and notes are paragraphs."""


def edit_parts(data: bytes, edits: dict[str, bytes]) -> bytes:
    """Return a copy of a ZIP package with some parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = edits.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
    return buffer.getvalue()


def translated_docx(data: bytes, mark: str = "訳") -> bytes:
    """Return the DOCX with every text of its document part marked as translated, as a
    translator overtyping it in Word would leave it (its other parts as they were)."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    for text in root.iter(f"{{{W}}}t"):
        styles = text.xpath("ancestor::w:p/w:pPr/w:pStyle/@w:val", namespaces=NS)
        if text.text and text.text.strip() and not any("DoNotTranslate" in s for s in styles):
            text.text = mark + text.text
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return edit_parts(data, {"word/document.xml": document})


def custom_properties(data: bytes) -> dict[str, str]:
    """Return a DOCX's custom properties as text, by name."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(CUSTOM))
    return {p.get("name"): "".join(p.itertext()) for p in root.iterfind(f"{{{OP}}}property")}


def with_custom_properties(data: bytes, values: dict[str, str]) -> bytes:
    """Return the DOCX with some custom properties' texts replaced, as a forger would."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(CUSTOM))
    for prop in root.iterfind(f"{{{OP}}}property"):
        if prop.get("name") in values:
            prop[0].text = values[prop.get("name")]
    return edit_parts(data, {CUSTOM: etree.tostring(root, xml_declaration=True)})


def omegat_available() -> bool:
    """Return True when OmegaT and a Java runtime are on the machine (Debian's `omegat`)."""
    return OMEGAT_JAR.is_file() and shutil.which("java") is not None


def omegat_segments(
    document: Path, work: Path, filters: Path | None = None, sentences: bool = True
) -> list[str]:
    """Return the source segments OmegaT cuts a document into, inline tags as `<f0>`,
    `<a0/>`; `filters` is a project's `omegat/filters.xml` (OmegaT's defaults without);
    `sentences` False turns off OmegaT's sentence segmentation (a file's own is kept)."""
    project = _project(document, work, filters, sentences)
    memory, _ = _pseudo_memory(project, work)
    found = re.findall(r'<tuv lang="EN[^"]*">\s*<seg>(.*?)</seg>', memory.read_text("utf-8"), re.S)
    return [html.unescape(segment) for segment in found]


def _project(
    document: Path, work: Path, filters: Path | None = None, sentences: bool = True
) -> Path:
    """Return a new OmegaT project in `work` whose one source file is `document`, with the
    project's own file filters if given, and OmegaT's sentence segmentation or not."""
    project = work / "project"
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / folder).mkdir(parents=True, exist_ok=True)
    settings = OMEGAT_PROJECT.replace(
        "<sentence_seg>true</sentence_seg>",
        f"<sentence_seg>{str(sentences).lower()}</sentence_seg>",
    )
    (project / "omegat.project").write_text(settings, encoding="utf-8")
    shutil.copy(document, project / "source" / document.name)
    if filters is not None:
        shutil.copy(filters, project / "omegat" / "filters.xml")
    return project


def _pseudo_memory(project: Path, work: Path) -> tuple[Path, list[str]]:
    """Have OmegaT write a memory whose targets are the sources; return it and the options
    every OmegaT run of the project takes."""
    config = work / "config"
    config.mkdir(exist_ok=True)
    memory = work / "pseudo.tmx"
    common = [f"--config-dir={config}", "--disable-project-locking", "--no-team"]
    _omegat(
        "--mode=console-createpseudotranslatetmx",
        f"--pseudotranslatetmx={memory}",
        "--pseudotranslatetype=equal",
        *common,
        str(project),
    )
    return memory, common


def omegat_translate(
    document: Path,
    work: Path,
    translate: Callable[[str], str] | None = None,
    filters: Path | None = None,
    sentences: bool = True,
) -> Path:
    """Translate a document (DOCX, XLIFF 1.2) with OmegaT headless; return its translation.

    OmegaT makes a pseudo-translation memory (each target its source); every target is
    then "translated" by `translate` (a segment's text, inline tags as `<f0>`, in; its
    translation out), and OmegaT applies the memory as exact matches to write the target.
    By default a segment becomes Japanese: a tagged one keeps its tags and its text
    behind a Japanese mark. `filters` is the project's `omegat/filters.xml`; `sentences`
    False turns OmegaT's sentence segmentation off.
    """
    project = _project(document, work, filters, sentences)
    memory, common = _pseudo_memory(project, work)
    counter = iter(range(1, 100_000))

    def japanese(match: re.Match[str]) -> str:
        segment = match[2]
        if translate is not None:
            text = html.escape(translate(html.unescape(segment)), quote=False)
        elif TAG.search(segment):
            text = "これは訳です：" + segment
        else:
            text = f"これは第{next(counter)}文の訳です。"
        return match[1] + text + match[3]

    translated = SEGMENT.sub(japanese, memory.read_text(encoding="utf-8"))
    (project / "tm" / "auto" / "ja.tmx").write_text(translated, encoding="utf-8")
    _omegat("--mode=console-translate", *common, str(project))
    return project / "target" / document.name


class Tokens:
    """A reversible pseudo-translation (into Japanese by default): each piece of text
    between a segment's inline tags becomes a token of its own (`訳3の2です`, the second
    piece of the third segment; `template` words it in another language), its surrounding
    spaces and the tags kept; `back` puts the source pieces back in a translated text."""

    TEMPLATES: ClassVar[dict[str, str]] = {
        "ja": "訳{0}の{1}です",
        "fr": "cette phrase {0} est traduite en français dans la partie {1}",
        "es": "esta frase {0} está traducida al español en la parte {1}",
    }
    """Tokens that read as each language's words (a language identifier takes them so)."""

    def __init__(self, lang: str = "ja") -> None:
        self.template = self.TEMPLATES[lang]
        self.TOKEN = re.compile(
            re.escape(self.template).replace(r"\{0\}", r"(\d+)").replace(r"\{1\}", r"(\d+)")
        )
        self.pieces: dict[str, str] = {}
        self.segments: dict[str, str] = {}

    def __call__(self, segment: str) -> str:
        if segment in self.segments:
            return self.segments[segment]
        number = len(self.segments) + 1
        out = []
        for index, piece in enumerate(INLINE_TAG.split(segment)):
            if INLINE_TAG.fullmatch(piece) or not piece.strip():
                out.append(piece)
                continue
            token = self.template.format(number, index)
            self.pieces[token] = piece.strip()
            lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
            out.append(lead + token + trail)
        self.segments[segment] = "".join(out)
        return self.segments[segment]

    def back(self, text: str) -> str:
        """Return a translated text with every token replaced by its source piece."""
        return self.TOKEN.sub(lambda match: self.pieces[match[0]], text)

    def untranslated(self, text: str) -> str:
        """Return what of a translated text is no token (spaces aside): source text left."""
        return "".join(self.TOKEN.sub(" ", text).split())


def back(data: Any, tokens: Tokens | None = None) -> Any:
    """Return an article's JSON data with every translated text turned back to its source
    (if `tokens`), and without spaces: OmegaT joins the sentences of a Japanese target
    without the source's spaces between them, as Japanese is written."""
    if isinstance(data, str):
        return "".join((tokens.back(data) if tokens else data).split())
    if isinstance(data, list):
        return [back(item, tokens) for item in data]
    if isinstance(data, dict):
        return {key: back(value, tokens) for key, value in data.items()}
    return data


def units(article: model.Article) -> list[tuple[str, str]]:
    """Return each paragraph, heading, list item, note, cell, link and raised text, in order."""
    found = []
    for block in (*article.body, *article.notes):
        for node in walk(block):
            if isinstance(node, TRANSLATED_UNITS):
                content = node.content
                found.append((type(node).kind, plain_text(content)))
    return found


def _omegat(*arguments: str) -> None:
    subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), *arguments],
        capture_output=True,
        check=True,
        timeout=300,
    )
