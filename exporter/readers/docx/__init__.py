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
    byline_names,
    core_properties,
    custom_properties,
    document_language,
    known_byline,
    parse_issue_line,
    source_file,
    text_language,
    toolkit_metadata,
)
from exporter.readers.docx.math import M as MATH
from exporter.readers.docx.media import V as VML
from exporter.readers.docx.notes import called_in_order
from exporter.readers.docx.notices import warn
from exporter.readers.docx.numbering import Numbering
from exporter.readers.docx.package import NS, open_package, w
from exporter.readers.docx.styles import StyleTable
from exporter.readers.docx.title import person_in_property, plan_title, title_of
from exporter.readers.media import Media
from exporter.walk import plain_text

__all__ = ["read_docx", "read_docx_with_media"]

log = logging.getLogger("exporter")

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")


def read_docx(data: bytes, name: str = "") -> model.Article:
    """Return the article a DOCX holds; warnings say what had to be guessed."""
    return read_docx_with_media(data, name)[0]


def read_docx_with_media(
    data: bytes, name: str = "", *, lang: str = "", detect_language: bool = False
) -> tuple[model.Article, Media]:
    """Return the article a DOCX holds and its pictures; `name` is the file's name, `lang`
    the language the article is said to be in (`--lang`), if any; with `detect_language`
    the body's language is told from its words (a translator leaves the declared one)."""
    package = open_package(data)
    core = core_properties(package)
    named_lang = text_language(package, document_language(package, core))
    declared = named_lang or "en"
    styles = StyleTable.read(package)
    numbering = Numbering.read(package)
    numbering.style_numbering = styles.numbering
    reader = DocumentReader(package, styles, numbering)
    # Runs tagged with a language are told against the one the document declares.
    reader.document_lang = declared
    custom = custom_properties(package)
    extra = toolkit_metadata(custom)
    reader.toolkit_document = bool(extra)
    reader.prepare()
    reader.pictures.keep_names = reader.toolkit_document
    if not _holds_anything(reader):
        raise InputError("the document holds no text and no picture")
    plan = plan_title(reader, core.get("title", ""))
    reader.title_paragraphs = set(plan.paragraphs)
    if plan.source == "property":
        reader.repeated_title = " ".join(core["title"].split())
    body = reader.read_body()
    lang = edition_language(reader, named_lang, lang, detect_language)
    front = {role: " ".join(texts) for role, texts in reader.front.items()}
    title = title_of(plan, reader, core, name)
    names: list[str] = []
    languages = [lang, declared]
    known = recorded_authors(extra, core) if reader.toolkit_document else []
    for byline in reader.front.get("byline", []):
        if known:
            names.extend(known_byline(byline, known, languages))
        else:
            names.extend(byline_names(byline, core.get("creator", ""), languages))
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
    keywords: list[str] = reader.front.get("keyword", [])
    if not keywords:
        recorded = extra.get("keywords")
        keywords = recorded if isinstance(recorded, list) else core_keywords(core)
    affiliations = body_affiliations(reader.front.get("affiliation", []), extra)
    # The article file the document was written from: a translation of it is its edition.
    source_name, source_version = source_file(custom)
    warn(reader)
    article = model.Article(
        title=title,
        series=str(extra.get("series") or "apb"),
        number=number,
        date=date,
        kicker=front.get("kicker", ""),
        subtitle=front.get("subtitle", ""),
        authors=authors_with_bios(names, bios, affiliations),
        summary=summary,
        lang=lang,
        keywords=tuple(str(k) for k in keywords),
        translation_of=source_name,
        translated_from=source_version,
        body=body,
        notes=tuple(reader.notes.notes),
    )
    article = called_in_order(unlink_missing(article, reader.anchors))
    return article, Media(reader.pictures.files)


def edition_language(reader: DocumentReader, named: str, given: str, detect: bool) -> str:
    """Return the article's language: `given` (`--lang`) if any, else (with `detect`) the
    language its body is written in, else the one the document names, else English;
    warn where the text says otherwise than the document or `--lang`."""
    found = ""
    if detect:
        from exporter.readers.language import detected_language

        body = reader.body_element
        text = " ".join(t.text or "" for t in body.iter(w("t"))) if body is not None else ""
        found = detected_language(text)
    from exporter.readers.language import language_label, primary

    if given:
        if found and primary(found) != primary(given):
            log.warning(
                "the text reads as %s, not %s as --lang says: took %r",
                language_label(found),
                language_label(given),
                given,
            )
        return given
    cjk = ("ja", "ko", "zh")
    if primary(found) in cjk and primary(named) in cjk:
        found = ""  # the script has told them apart (`text_language`)
    if found and primary(found) != primary(named or "en"):
        log.warning(
            "the text reads as %s, the document says %s: took %r (use --lang to set another)",
            language_label(found),
            language_label(named) if named else "nothing (English assumed)",
            found,
        )
        return found
    if not named:
        log.warning("the document names no language; assumed English (use --lang to set it)")
    return named or "en"


def core_keywords(core: dict[str, str]) -> list[str]:
    """Return the keywords property's keywords (comma-separated)."""
    return [k.strip() for k in core.get("keywords", "").split(",") if k.strip()]


def body_affiliations(found: list[str], extra: dict[str, object]) -> list[str]:
    """Return each author's affiliation, by position: the Affiliation paragraphs (the
    translated ones) in place of those the document recorded, where they are as many;
    else the paragraphs in order, else the record."""
    recorded = extra.get("affiliations")
    record = [str(a) for a in recorded] if isinstance(recorded, list) else []
    if not found:
        return record
    if len(found) == sum(1 for a in record if a.strip()):
        texts = iter(found)
        return [next(texts) if a.strip() else "" for a in record]
    return found


def recorded_authors(extra: dict[str, object], core: dict[str, str]) -> list[str]:
    """Return the authors the toolkit recorded when it wrote the document: its custom
    property's list, else the author property ("; "-separated)."""
    authors = extra.get("authors")
    if isinstance(authors, list) and all(isinstance(a, str) for a in authors):
        return [str(a) for a in authors]
    return [name.strip() for name in core.get("creator", "").split(";") if name.strip()]


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


def _date(text: str, lang: str) -> datetime.date | None:
    """Return the date a Date paragraph gives, in a common form, else None."""
    cleaned = " ".join(re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text).split()).strip(" .")
    for form in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    return parse_issue_line(cleaned, lang)[1]


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
