"""Read a DOCX (ours, edited in a word processor, or any author's manuscript) into an article."""

from __future__ import annotations

import datetime
import logging
import re

from exporter import model
from exporter.errors import InputError
from exporter.readers.docx.anchors import unlink_missing
from exporter.readers.docx.body import DocumentReader
from exporter.readers.docx.front import (
    authors_with_bios,
    core_properties,
    document_language,
    parse_issue_line,
    split_byline,
    text_language,
    toolkit_metadata,
)
from exporter.readers.docx.math import M as MATH
from exporter.readers.docx.media import V as VML
from exporter.readers.docx.notes import called_in_order
from exporter.readers.docx.numbering import Numbering
from exporter.readers.docx.package import NS, Element, open_package, w
from exporter.readers.docx.styles import StyleTable
from exporter.readers.docx.title import (
    TitlePlan,
    is_junk_title,
    person_in_property,
    readable_file_name,
    set_apart,
)
from exporter.readers.media import Media
from exporter.walk import plain_text

__all__ = ["read_docx", "read_docx_with_media"]

log = logging.getLogger("exporter")

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")
COUNTED_WARNINGS = {
    "strike-through": "%d passage(s) in strike-through: the text is kept, the line is not",
    "underline": "%d underlined passage(s): the text is kept, the underline is not",
    "small capitals": "%d passage(s) in small capitals: the text is kept in ordinary letters",
    "equation": "%d equation(s) kept as linear text (a/b, x^2, √(x)): check them",
    "symbol": "%d symbol(s) of a symbol font with no known Unicode character were left out",
}


def read_docx(data: bytes, name: str = "") -> model.Article:
    """Return the article a DOCX holds; warnings say what had to be guessed."""
    return read_docx_with_media(data, name)[0]


def read_docx_with_media(data: bytes, name: str = "") -> tuple[model.Article, Media]:
    """Return the article a DOCX holds and its pictures; `name` is the file's name."""
    package = open_package(data)
    core = core_properties(package)
    named_lang = text_language(package, document_language(package, core))
    lang = named_lang or "en"
    styles = StyleTable.read(package)
    numbering = Numbering.read(package)
    numbering.style_numbering = styles.numbering
    reader = DocumentReader(package, styles, numbering)
    reader.document_lang = lang
    extra = toolkit_metadata(package)
    reader.toolkit_document = bool(extra)
    reader.prepare()
    reader.pictures.keep_names = reader.toolkit_document
    if not _holds_anything(reader):
        raise InputError("the document holds no text and no picture")
    plan = _plan_title(reader, core.get("title", ""))
    reader.title_paragraphs = set(plan.paragraphs)
    if plan.source == "property":
        reader.repeated_title = " ".join(core["title"].split())
    body = reader.read_body()
    if not named_lang:
        log.warning("the document names no language; assumed English (use --lang to set it)")
    front = {role: " ".join(texts) for role, texts in reader.front.items()}
    title = _title(plan, reader, core, name)
    names: list[str] = []
    for byline in reader.front.get("byline", []):
        names.extend(split_byline(byline))
    if not names and core.get("creator"):
        candidates = person_in_property(core["creator"])
        if candidates:
            names = candidates
            reader.guesses.append("the document author property as the byline")
        else:
            log.warning(
                "no author found (the author property, %r, is not a person's name): fill "
                "`authors` in the front matter",
                core["creator"],
            )
    elif not names:
        log.warning("no author found: fill `authors` in the front matter")
    bios = reader.front.get("bio", [])
    number, date = None, None
    if "issue_line" in front:
        number, date = parse_issue_line(front["issue_line"], lang)
        if number is None and date is None:
            log.warning(
                "could not read the issue line %r; number and date left out", front["issue_line"]
            )
    if date is None and "date" in front:
        date = _date(reader.front["date"][0], lang)
        if date is None:
            log.warning(
                "could not read the date %r: kept as the first paragraph", reader.front["date"][0]
            )
            body = (model.Paragraph((model.Text(reader.front["date"][0]),)), *body)
    summary = front.get("summary", "")
    if not summary and not reader.toolkit_document:
        summary, body = _italic_opening_as_summary(body, reader.guesses)
    keywords = extra.get("keywords")
    if not isinstance(keywords, list):
        keywords = [k.strip() for k in core.get("keywords", "").split(",") if k.strip()]
    affiliations = extra.get("affiliations")
    _warn(reader)
    article = model.Article(
        title=title,
        series=str(extra.get("series") or "apb"),
        number=number,
        date=date,
        kicker=front.get("kicker", ""),
        subtitle=front.get("subtitle", ""),
        authors=authors_with_bios(
            names, bios, [str(a) for a in affiliations] if isinstance(affiliations, list) else []
        ),
        summary=summary,
        lang=lang,
        keywords=tuple(str(k) for k in keywords),
        body=body,
        notes=tuple(reader.notes.notes),
    )
    article = called_in_order(unlink_missing(article, reader.anchors))
    return article, Media(reader.pictures.files)


def _plan_title(reader: DocumentReader, title_property: str) -> TitlePlan:
    """Choose where the title comes from, before the body is read."""
    body = reader.body_element
    paragraphs = [p for p in body.iter(w("p")) if not _in_table(p)] if body is not None else []
    titled = _first_group(reader, paragraphs)
    property_usable = bool(title_property.strip()) and not is_junk_title(title_property)
    if reader.toolkit_document and titled:
        return TitlePlan("style", titled)
    if property_usable:
        return TitlePlan("property")
    if title_property.strip():
        log.warning("the title property %r looks like a leftover, not a title", title_property)
    if titled:
        return TitlePlan("style", titled)
    for paragraph in paragraphs:
        if reader.role_of(paragraph) == "heading_1" and _text(paragraph):
            return TitlePlan("heading", (paragraph,))
    top = [p for p in body if p.tag == w("p") and _text(p)] if body is not None else []
    if len(top) > 1 and set_apart(top[0], reader.styles):
        return TitlePlan("paragraph", (top[0],))
    return TitlePlan("file")


def _first_group(reader: DocumentReader, paragraphs: list[Element]) -> tuple[Element, ...]:
    """Return the first Title-styled paragraphs in a row (a title set on two lines)."""
    group: list[Element] = []
    for paragraph in paragraphs:
        if not _text(paragraph):
            continue
        if reader.role_of(paragraph) == "title":
            group.append(paragraph)
        elif group:
            break
    return tuple(group)


def _title(plan: TitlePlan, reader: DocumentReader, core: dict[str, str], name: str) -> str:
    """Return the title the plan names, saying which fallback gave it."""
    texts = list(dict.fromkeys(" ".join(t.split()) for t in reader.front.get("title", [])))
    found = " ".join(texts)
    if plan.source == "property":
        return " ".join(core["title"].split())
    if found and plan.source == "heading":
        log.warning("no title property or Title paragraph: took the first Heading 1 as the title")
    elif found and plan.source == "paragraph":
        log.warning("no title property, Title or Heading 1: took the first paragraph as the title")
    elif found and plan.source == "style" and not reader.toolkit_document:
        log.warning("no usable title property: took the Title paragraph as the title")
    if found:
        return found
    title = readable_file_name(name)
    log.warning("the document names no title: took %r from the file name", title)
    return title


def _holds_anything(reader: DocumentReader) -> bool:
    """Return whether the body holds some text or a picture."""
    body = reader.body_element
    if body is None:
        return False
    if any((t.text or "").strip() for t in body.iter(w("t"), f"{{{MATH}}}t")):
        return True
    if any(c.get(w("val"), "").strip() for c in body.iter(w("tblCaption"), w("tblDescription"))):
        return True
    marks = (f"{{{NS['a']}}}blip", f"{{{VML}}}imagedata", w("footnoteReference"))
    return any(True for _ in body.iter(*marks, w("endnoteReference")))


def _in_table(paragraph: Element) -> bool:
    return any(ancestor.tag == w("tbl") for ancestor in paragraph.iterancestors())


def _text(paragraph: Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t"))).strip()


def _date(text: str, lang: str) -> datetime.date | None:
    """Return the date a Date paragraph gives, in a common form, else None."""
    cleaned = " ".join(re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text).split()).strip(" .")
    for form in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    return parse_issue_line(cleaned, lang)[1]


def _warn(reader: DocumentReader) -> None:
    """Say, once per kind, what the reading changed, guessed or left out."""
    counts = reader.counts.copy()
    for inline_reader in reader.readers:
        counts.update(inline_reader.counts)
    if counts["tracked change"]:
        log.warning(
            "read %d tracked change(s) as accepted: insertions kept, deletions dropped",
            counts["tracked change"],
        )
    comments = _comment_count(reader)
    if comments:
        log.warning("left out %d comment(s)", comments)
    for kind, message in COUNTED_WARNINGS.items():
        if counts[kind]:
            log.warning(message, counts[kind])
    if counts["list label as text"]:
        log.warning(
            "%d item(s) of lettered or roman-numbered lists: their labels (a., iv.) are kept "
            "as text at the start of each paragraph",
            counts["list label as text"],
        )
    if counts["numbered subhead"]:
        log.warning(
            "%d numbered subhead(s): the numbers are kept as text", counts["numbered subhead"]
        )
    if counts["subhead line break"]:
        log.warning(
            "%d subhead(s) held line breaks: their lines were joined", counts["subhead line break"]
        )
    if counts["title paragraph as subhead"]:
        log.warning(
            "%d Title paragraph(s) differ from the title property: kept as subheads",
            counts["title paragraph as subhead"],
        )
    if counts["heading 1 as subhead"]:
        reader.guesses.append("Heading 1 as a subhead (Heading 2)")
    if counts["nested table"]:
        log.warning(
            "%d table(s) inside table cells: their rows were kept as lines of the cell",
            counts["nested table"],
        )
    reader.pictures.warn()
    if reader.guesses:
        log.warning(
            "guessed from a document without the bulletin's styles: %s", "; ".join(reader.guesses)
        )


def _comment_count(reader: DocumentReader) -> int:
    package = reader.package
    name = package.related(package.document_name, "/comments")
    if name is None:
        return 0
    return len(package.xml(name).findall("w:comment", NS))


def _italic_opening_as_summary(
    body: tuple[model.Block, ...], guesses: list[str]
) -> tuple[str, tuple[model.Block, ...]]:
    """In a plain document, take an opening paragraph set wholly in italics as the summary."""
    if not body:
        return "", body
    first = body[0]
    if isinstance(first, model.Paragraph) and len(first.content) == 1:
        (only,) = first.content
        if isinstance(only, model.Emphasis) and len(body) > 1:
            guesses.append("the opening paragraph in italics as the summary")
            return plain_text(first.content).strip(), body[1:]
    return "", body
