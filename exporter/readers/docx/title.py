"""Where a manuscript's title and byline come from, when it does not say so in our styles.

The title: the title property, unless it is a leftover (a template's or a file's
name, a code); else the Title-styled paragraphs; else the first Heading 1; else a
short first paragraph set apart (bold or large, alone); else the file name made
readable. The byline falls back on the author property only when it reads as a
person's name, not as an account, an address, a department or a tool.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from exporter.readers.docx.package import NS, Element, int_value, w
from exporter.readers.docx.styles import StyleTable, toggle

if TYPE_CHECKING:
    from exporter.readers.docx.body import DocumentReader

log = logging.getLogger("exporter")

JUNK_TITLE = re.compile(
    r"""^(
        microsoft\s+(word|office)\b.*
      | .*\.(docx?|dotx?|docm|dotm|rtf|odt|ott|pdf|txt|wpd|pages|html?)
      | normal | untitled.* | document\s*\d* | doc\d+ | title | no\s+title | slide\s*\d*
      | powerpoint\s+presentation | (word\s+)?template | dokument\s*\d* | documento\s*\d*
      | sans\s+titre | ohne\s+titel | sin\s+t[ií]tulo | senza\s+titolo
      | .*\{\{.*\}\}.* | .*\$\{.*\}.* | .*<<.*>>.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
"""Title properties that are leftovers, not titles: template and file names, placeholders."""
CODE_LIKE = re.compile(r"^\S*([_\\/|]|[A-Za-z]\d|\d[A-Za-z])\S*$")
"""A single token with underscores, slashes or letters and digits mixed: a file or code name."""
NOT_A_PERSON = re.compile(
    r"""(@|\d|https?:|www\.|\.(com|org|net|edu|gov)\b
      |\b(user|users|account|admin|administrator|owner|microsoft|windows|office|apple|google
      |dept|department|team|group|inc|ltd|llc|gmbh|corp|corporation|company|university
      |institute|library|service|services|support|staff|student|guest|default|unknown
      |author|test|tester|lab|pc|computer|laptop|desktop|home|converter|pdf|online|word
      |editor|system|customer|client|printer|office365|apache|museum|museums|academic
      |computing|center|centre|council|committee|association|society|foundation|agency
      |ministry|school|college|hospital|bank|press|media|news|the)\b
      |учетная|учётная|пользователь|администратор|benutzer|utilisateur|usuario|utente
      |gebruiker|konto|compte|cuenta)""",
    re.IGNORECASE | re.VERBOSE,
)
"""What an account, an address, a department or a tool shows in an author property."""
NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "le", "la", "bin", "al"}
)
SET_APART_WORDS = 20
SET_APART_CHARACTERS = 200
LARGE = 1.2
"""A first paragraph set this much larger than the default text stands apart as a title."""


@dataclass(frozen=True, slots=True)
class TitlePlan:
    """Where the title comes from, chosen before the body is read."""

    source: str
    """property, style, heading, paragraph or file."""
    paragraphs: tuple[Element, ...] = ()
    """The paragraphs that make the title (none for property and file)."""


def is_junk_title(title: str) -> bool:
    """Return whether a title property is a leftover rather than the manuscript's title."""
    text = " ".join(title.split())
    if not text or not any(c.isalpha() for c in text):
        return True
    return bool(JUNK_TITLE.match(text) or CODE_LIKE.match(text))


def looks_like_person(name: str) -> bool:
    """Return whether an author property reads as a person's name ("Ada Lovelace")."""
    text = " ".join(name.replace(",", " ").split())
    if not text or NOT_A_PERSON.search(text):
        return False
    words = text.split()
    if all(len(word) > 1 and word.isupper() for word in words):
        return False  # acronyms: an office, a firm
    if len(words) == 1:
        return 2 <= len(text) <= 6 and all(unicodedata.east_asian_width(c) == "W" for c in text)
    if len(words) > 5:
        return False
    for word in words:
        if word.lower() in NAME_PARTICLES:
            continue
        if not word[0].isupper() or not all(c.isalpha() or c in ".'’-" for c in word):
            return False
    return True


def person_in_property(creator: str) -> list[str]:
    """Return the names an author property gives, when each reads as a person's name.

    "Allison, Timothy B." is one person, written surname first, and comes back as
    "Timothy B. Allison"; "A. Lovelace; C. Babbage" is two.
    """
    parts = [part.strip() for part in re.split(r"\s*[;；、]\s*|\s+and\s+", creator) if part]
    names: list[str] = []
    for part in parts:
        surname, comma, given = part.partition(",")
        if comma and given.strip() and len(surname.split()) <= 2 and len(given.split()) <= 3:
            part = f"{given.strip()} {surname.strip()}"
        names.extend(name.strip() for name in part.split(",") if name.strip())
    return names if names and all(looks_like_person(name) for name in names) else []


def readable_file_name(file_name: str) -> str:
    """Return a title made from a file name: "annual_report-2024.docx" -> "Annual report 2024"."""
    stem = PurePath(file_name).stem if file_name else ""
    text = " ".join(re.sub(r"[_\-.+]+", " ", stem).split())
    if not text:
        return "Untitled manuscript"
    return text[0].upper() + text[1:] if text.islower() else text


def set_apart(paragraph: Element, styles: StyleTable) -> bool:
    """Return whether a first paragraph stands apart as a title: short, bold or large."""
    text = "".join(t.text or "" for t in paragraph.iter(w("t"))).strip()
    if not text or len(text) > SET_APART_CHARACTERS or len(text.split()) > SET_APART_WORDS:
        return False
    if text.endswith((".", ",", ";")) or paragraph.find("w:pPr/w:numPr", NS) is not None:
        return False
    style = paragraph.find("w:pPr/w:pStyle", NS)
    style_id = style.get(w("val"), "") if style is not None else ""
    runs = [r for r in paragraph.iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t")))]
    style_bold = styles.paragraph_toggle(style_id, "b")
    bold = bool(runs) and all(_run_bold(run, styles, style_bold) for run in runs)
    sizes = [_run_size(run, styles.size(style_id)) for run in runs]
    large = bool(sizes) and min(sizes) >= styles.default_size * LARGE
    return bold or large


def _run_bold(run: Element, styles: StyleTable, default: bool) -> bool:
    properties = run.find("w:rPr", NS)
    value = toggle(properties, "b")
    if value is not None:
        return value
    character = properties.find("w:rStyle", NS) if properties is not None else None
    if character is not None and styles.character_toggle(character.get(w("val"), ""), "b"):
        return True
    return default


def _run_size(run: Element, default: int) -> int:
    size = run.find("w:rPr/w:sz", NS)
    return int_value(size, default=default) if size is not None else default


def plan_title(reader: DocumentReader, title_property: str) -> TitlePlan:
    """Choose where the title comes from, before the body is read."""
    body = reader.body_element
    paragraphs = [p for p in body.iter(w("p")) if not _in_table(p)] if body is not None else []
    titled = first_title_group(reader, paragraphs)
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


def first_title_group(reader: DocumentReader, paragraphs: list[Element]) -> tuple[Element, ...]:
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


def title_of(plan: TitlePlan, reader: DocumentReader, core: dict[str, str], name: str) -> str:
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


def _in_table(paragraph: Element) -> bool:
    return any(ancestor.tag == w("tbl") for ancestor in paragraph.iterancestors())


def _text(paragraph: Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t"))).strip()
