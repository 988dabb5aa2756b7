"""A paragraph's runs to model inlines: text, emphasis, strong, code, links, note calls, breaks.

Word stores formatting flat, run by run; the model nests it. Runs are first read
into flat atoms, then grouped in one fixed order (link, then strong, then
emphasis), so that the same printed text always gives the same tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import groupby

from exporter import model
from exporter.readers.docx.package import NS, Element, w
from exporter.readers.docx.styles import StyleTable, is_monospace, toggle

# Characters XML 1.0 allows but a one-line text must not hold.
UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
CONTAINERS = ("ins", "smartTag", "customXml", "fldSimple", "moveTo", "dir", "bdo")
SKIPPED = ("del", "moveFrom", "pPr", "rPr")
SPECIAL_CHARACTERS = {"tab": " ", "noBreakHyphen": "\u2011", "softHyphen": "\u00ad"}


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """The hyperlink an atom sits in: one per w:hyperlink element, so neighbours stay apart."""

    serial: int
    url: str
    title: str


@dataclass(frozen=True, slots=True)
class Atom:
    """One unit of flat inline content with its formatting."""

    kind: str
    """text, code, note or break."""
    value: str = ""
    """The text, or the label of the called note."""
    bold: bool = False
    italic: bool = False
    link: LinkTarget | None = None
    lang: str = ""
    """The run's language where it differs from the document's, else empty."""


NoteCaller = Callable[[str, str], "str | None"]
"""Called with ("footnote"|"endnote", id) at a note call; returns the note's label."""


@dataclass
class InlineReader:
    """Reads runs in the context of one story (the body or the notes part)."""

    styles: StyleTable
    hyperlinks: dict[str, str]
    """The story part's external relationship targets by id."""
    call_note: NoteCaller
    is_note_label: Callable[[str], bool] = lambda _text: False
    """Whether a text is the label of a note already called: a repeated call prints it."""
    document_lang: str = ""
    """The document's language: runs tagged with another become language spans."""
    serial: int = 0

    def atoms(self, paragraph: Element) -> list[Atom]:
        """Return the flat atoms of a paragraph, in order."""
        return list(self._children(paragraph, None))

    def _children(self, parent: Element, link: LinkTarget | None) -> Iterator[Atom]:
        for child in parent:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            namespace, _, tag = child.tag[1:].partition("}")
            if namespace == NS["mc"] and tag == "AlternateContent":
                choice = child.find("mc:Choice", NS)
                if choice is None:
                    choice = child.find("mc:Fallback", NS)
                if choice is not None:
                    yield from self._children(choice, link)
            elif namespace != NS["w"] or tag in SKIPPED:
                continue
            elif tag == "r":
                yield from self._run(child, link)
            elif tag == "hyperlink":
                yield from self._children(child, self._link(child) or link)
            elif tag == "sdt":
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    yield from self._children(content, link)
            elif tag in CONTAINERS:
                yield from self._children(child, link)

    def _link(self, element: Element) -> LinkTarget | None:
        url = self.hyperlinks.get(element.get(f"{{{NS['r']}}}id", ""), "")
        if not url:
            return None  # an anchor inside the document: the model keeps the text only
        self.serial += 1
        return LinkTarget(self.serial, url, element.get(w("tooltip"), ""))

    def _run(self, run: Element, link: LinkTarget | None) -> Iterator[Atom]:
        properties = run.find("w:rPr", NS)
        style_element = properties.find("w:rStyle", NS) if properties is not None else None
        style_id = style_element.get(w("val"), "") if style_element is not None else ""
        bold = toggle(properties, "b")
        italic = toggle(properties, "i")
        bold = self.styles.character_toggle(style_id, "b") if bold is None else bold
        italic = self.styles.character_toggle(style_id, "i") if italic is None else italic
        fonts = properties.find("w:rFonts", NS) if properties is not None else None
        code = self.styles.is_code(style_id) or (
            fonts is not None and is_monospace(fonts.get(w("ascii"), ""))
        )
        is_call_style = self.styles.is_note_reference(style_id)
        template = Atom(
            "code" if code else "text", "", bold, italic and not code, link, self._lang(properties)
        )
        for child in run:
            tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if tag == "t":
                text = child.text or ""
                if is_call_style and self.is_note_label(text.strip()):
                    yield Atom("note", text.strip(), link=link)  # a repeated call
                elif clean(text):
                    yield replace(template, value=clean(text))
            elif tag in SPECIAL_CHARACTERS:
                yield replace(template, value=SPECIAL_CHARACTERS[tag])
            elif tag == "cr" or (
                tag == "br" and child.get(w("type"), "textWrapping") == "textWrapping"
            ):
                yield Atom("break", link=link)
            elif tag in ("footnoteReference", "endnoteReference"):
                label = self.call_note(tag.removesuffix("Reference"), child.get(w("id"), ""))
                if label is not None:
                    yield Atom("note", label, link=link)

    def _lang(self, properties: Element | None) -> str:
        """Return the run's language if it is tagged with one other than the document's."""
        element = properties.find("w:lang", NS) if properties is not None else None
        if element is None:
            return ""
        lang = element.get(w("val"), "") or element.get(w("eastAsia"), "")
        same = lang.split("-")[0].lower() == self.document_lang.split("-")[0].lower()
        return "" if not lang or same else _without_likely_region(lang)


def _without_likely_region(tag: str) -> str:
    """Return "vi" for "vi-VN": word processors add the region a language most likely has."""
    from babel.core import get_global

    language, _, region = tag.partition("-")
    likely = str(get_global("likely_subtags").get(language.lower(), ""))
    if len(region) == 2 and likely.endswith("_" + region.upper()):
        return language
    return tag


def clean(text: str) -> str:
    """Return text as the model holds it: no control characters, no hard breaks."""
    return BREAKS.sub(" ", UNWANTED.sub("", text))


def group(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    """Return the atoms as nested model inlines: language, links, strong, then emphasis."""
    result: list[model.Inline] = []
    for lang, passage in groupby(atoms, key=lambda atom: atom.lang):
        inner = _group_links(list(passage))
        if lang and inner:
            result.append(model.Span(lang, inner))
        else:
            result.extend(inner)
    return tuple(result)


def _group_links(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for target, linked in groupby(atoms, key=lambda atom: atom.link):
        inner = _group_strong(list(linked))
        if target is None:
            result.extend(inner)
        elif inner:
            result.append(model.Link(target.url, inner, target.title))
    return tuple(result)


def _group_strong(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for bold, run in groupby(atoms, key=lambda atom: atom.bold and atom.kind != "note"):
        inner = _group_emphasis(list(run))
        if bold and inner:
            result.append(model.Strong(inner))
        else:
            result.extend(inner)
    return tuple(result)


def _group_emphasis(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for italic, run in groupby(atoms, key=lambda atom: atom.italic and atom.kind == "text"):
        inner = _leaves(list(run))
        if italic and inner:
            result.append(model.Emphasis(inner))
        else:
            result.extend(inner)
    return tuple(result)


def _leaves(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    """Return text, code, note calls and breaks, merging neighbouring texts and codes."""
    result: list[model.Inline] = []
    for atom in atoms:
        previous = result[-1] if result else None
        if atom.kind == "text" and atom.value:
            if isinstance(previous, model.Text):
                result[-1] = model.Text(previous.text + atom.value)
            else:
                result.append(model.Text(atom.value))
        elif atom.kind == "code" and atom.value:
            if isinstance(previous, model.Code):
                result[-1] = model.Code(previous.text + atom.value)
            else:
                result.append(model.Code(atom.value))
        elif atom.kind == "note":
            result.append(model.NoteRef(atom.value))
        elif atom.kind == "break":
            result.append(model.LineBreak())
    return tuple(result)
