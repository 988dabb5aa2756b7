"""A paragraph's runs to model inlines: text, emphasis, strong, code, links, note calls, breaks.

Word stores formatting flat, run by run; the model nests it. Runs are first read
into flat atoms, then grouped in one fixed order (language, link, strong, emphasis,
superscript or subscript), so that the same printed text always gives the same tree,
and neighbouring runs of the same formatting make one inline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby

from exporter import model
from exporter.readers.docx import fields
from exporter.readers.docx.anchors import Anchors
from exporter.readers.docx.math import M, linear
from exporter.readers.docx.package import NS, Element, w
from exporter.readers.docx.styles import StyleTable, is_monospace, toggle
from exporter.readers.docx.symbols import symbol_character
from exporter.validate import LANGUAGE_TAG

# Characters XML 1.0 allows but a one-line text must not hold.
UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
CONTAINERS = ("ins", "smartTag", "customXml", "fldSimple", "moveTo", "dir", "bdo", "sdtContent")
SKIPPED = ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr")
SPECIAL_CHARACTERS = {
    "tab": " ",
    "ptab": " ",
    "noBreakHyphen": "\u2011",
    "softHyphen": "\u00ad",
}
OBJECTS = ("drawing", "pict", "object")
"""Run children that hold a picture, a shape or a text box: read after the paragraph."""
SCRIPTS = {"superscript": "super", "subscript": "sub"}
SCRIPT_SIZE = 0.85
"""Raised or lowered text this much smaller than its paragraph's is a super- or subscript."""
UNKEPT_FORMATTING = {"strike": "strike-through", "dstrike": "strike-through", "u": "underline"}
UNKEPT_FORMATTING["smallCaps"] = "small capitals"


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
    """text, code, note, break or anchor."""
    value: str = ""
    """The text, the label of the called note, or the anchor's id."""
    bold: bool = False
    italic: bool = False
    link: LinkTarget | None = None
    lang: str = ""
    """The run's language where it differs from the document's, else empty."""
    script: str = ""
    """"super" or "sub" for raised or lowered text, else empty."""
    fixed_width: bool = False
    """Text set in a fixed-width font: code if it stands apart as whole words."""


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
    anchors: Anchors = field(default_factory=Anchors)
    """The document's bookmarks: which become anchors, and the ids links point at."""
    paragraph_size: int = 22
    """The size of the paragraph's text (half-points): smaller raised text is a superscript."""
    part_name: str = ""
    """The part the story is in, whose relationships its pictures and links name."""
    serial: int = 0
    objects: list[Element] = field(default_factory=list)
    """Pictures, shapes and text boxes met in the runs, for the caller to place."""
    pending: list[Atom] = field(default_factory=list)
    """Anchors met between paragraphs, put at the start of the next one."""
    counts: Counter[str] = field(default_factory=Counter)
    """What the model cannot hold, by kind, for the warnings."""

    def atoms(self, paragraph: Element) -> list[Atom]:
        """Return the flat atoms of a paragraph, in order."""
        found = [*self.pending, *self._children(paragraph, None)]
        self.pending = []
        return _anchors_formatted(_fixed_width_as_code(_without_gaps(found)))

    def take_objects(self) -> list[Element]:
        """Return the objects met since the last call, and forget them."""
        found, self.objects = self.objects, []
        return found

    def _children(self, parent: Element, link: LinkTarget | None) -> Iterator[Atom]:
        for child in parent:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            namespace, _, tag = child.tag[1:].partition("}")
            if namespace == M and tag in ("oMath", "oMathPara"):
                self.counts["equation"] += 1
                text = linear(child)
                if text:
                    yield Atom("text", clean(text), link=link)
                continue
            if namespace != NS["w"] or tag in SKIPPED:
                continue
            if tag == "r":
                yield from self._run(child, link)
            elif tag == "hyperlink":
                yield from self._children(child, self._link(child) or link)
            elif tag == "bookmarkStart":
                anchor = self.anchors.place(child.get(w("name"), ""))
                if anchor is not None:
                    yield Atom("anchor", anchor, link=link)
            elif tag == "sdt":
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    yield from self._children(content, link)
            elif tag == "ruby":
                base = child.find("w:rubyBase", NS)
                if base is not None:
                    yield from self._children(base, link)
            elif tag in CONTAINERS:
                yield from self._children(child, link)

    def _link(self, element: Element) -> LinkTarget | None:
        url = self.hyperlinks.get(element.get(f"{{{NS['r']}}}id", ""), "")
        anchor = element.get(w("anchor"), "")
        return self._target(url, anchor, element.get(w("tooltip"), ""))

    def _target(self, url: str, anchor: str, title: str) -> LinkTarget | None:
        if url and anchor and "#" not in url:
            url = f"{url}#{anchor}"
        elif not url and anchor:
            url = "#" + self.anchors.id_for(anchor)
        if not url:
            return None
        self.serial += 1
        return LinkTarget(self.serial, url, title)

    def _field_link(self, run: Element, link: LinkTarget | None) -> LinkTarget | None:
        """Return the link of a HYPERLINK field's result run, else the enclosing link."""
        serial = run.get(fields.SERIAL)
        if serial is None or link is not None:
            return link
        url, anchor = run.get(fields.LINK, ""), run.get(fields.ANCHOR, "")
        if url and anchor and "#" not in url:
            url = f"{url}#{anchor}"
        elif not url and anchor:
            url = "#" + self.anchors.id_for(anchor)
        return LinkTarget(-int(serial), url, run.get(fields.TOOLTIP, "")) if url else None

    def _run(self, run: Element, link: LinkTarget | None) -> Iterator[Atom]:
        link = self._field_link(run, link)
        properties = run.find("w:rPr", NS)
        style_element = properties.find("w:rStyle", NS) if properties is not None else None
        style_id = style_element.get(w("val"), "") if style_element is not None else ""
        bold = toggle(properties, "b")
        italic = toggle(properties, "i")
        bold = self.styles.character_toggle(style_id, "b") if bold is None else bold
        italic = self.styles.character_toggle(style_id, "i") if italic is None else italic
        fonts = properties.find("w:rFonts", NS) if properties is not None else None
        code = self.styles.is_code(style_id)
        fixed_width = fonts is not None and is_monospace(fonts.get(w("ascii"), ""))
        is_call_style = self.styles.is_note_reference(style_id)
        script = SCRIPTS.get(self._vertical_alignment(properties, style_id), "")
        script = script or _raised_or_lowered(properties, self.paragraph_size)
        template = Atom(
            "code" if code else "text",
            "",
            bold,
            italic and not code,
            link,
            self._lang(properties),
            script,
            fixed_width and not code,
        )
        has_text = False
        for child in run:
            tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if tag == "t":
                text = child.text or ""
                if is_call_style and self.is_note_label(text.strip()):
                    yield Atom("note", text.strip(), link=link)  # a repeated call
                elif clean(text):
                    has_text = has_text or bool(text.strip())
                    value = in_symbol_font(clean(text), fonts)
                    kind = template.kind if value.strip() else "text"
                    yield replace(template, kind=kind, value=value)
            elif tag in SPECIAL_CHARACTERS:
                yield replace(template, kind="text", value=SPECIAL_CHARACTERS[tag])
            elif tag == "sym":
                character = symbol_character(child.get(w("font"), ""), child.get(w("char"), ""))
                if character is None:
                    self.counts["symbol"] += 1
                else:
                    yield replace(template, value=character)
            elif tag == "cr" or (
                tag == "br" and child.get(w("type"), "textWrapping") == "textWrapping"
            ):
                yield Atom("break", link=link)
            elif tag in ("footnoteReference", "endnoteReference"):
                label = self.call_note(tag.removesuffix("Reference"), child.get(w("id"), ""))
                if label is not None:
                    yield Atom("note", label, link=link)
            elif tag in OBJECTS:
                self.objects.append(child)
                yield Atom("gap")
            elif tag == "ruby":
                base = child.find("w:rubyBase", NS)
                if base is not None:
                    yield from self._children(base, link)
        if has_text and link is None:
            self._count_unkept(properties, style_id)

    def _vertical_alignment(self, properties: Element | None, style_id: str) -> str:
        element = properties.find("w:vertAlign", NS) if properties is not None else None
        if element is not None:
            return str(element.get(w("val"), ""))
        return self.styles.character_value(style_id, "vertAlign")

    def _count_unkept(self, properties: Element | None, style_id: str) -> None:
        """Count the formatting the model has no kind for: strike-through, underline, ..."""
        if self.styles.is_hyperlink(style_id):
            return
        for name, kind in UNKEPT_FORMATTING.items():
            value = toggle(properties, name)
            if value is None:
                value = self.styles.character_toggle(style_id, name)
            if value:
                self.counts[kind] += 1

    def _lang(self, properties: Element | None) -> str:
        """Return the run's language if it is tagged with one other than the document's."""
        element = properties.find("w:lang", NS) if properties is not None else None
        if element is None:
            return ""
        lang = element.get(w("val"), "") or element.get(w("eastAsia"), "")
        same = lang.split("-")[0].lower() == self.document_lang.split("-")[0].lower()
        if not lang or same or lang.lower().startswith("x-") or not LANGUAGE_TAG.match(lang):
            return ""  # Word's "x-none" (no language) and tags the model cannot hold
        return _without_likely_region(lang)


def in_symbol_font(text: str, fonts: Element | None) -> str:
    """Return text set in a symbol font (Symbol, Wingdings) as the characters it shows."""
    font = fonts.get(w("ascii"), "") or fonts.get(w("hAnsi"), "") if fonts is not None else ""
    if font.strip().lower() != "symbol" and not font.strip().lower().startswith("wingdings"):
        return text
    shown = []
    for character in text:
        code = ord(character)
        found = None
        if 0x20 <= code <= 0xFF or 0xF020 <= code <= 0xF0FF:
            found = symbol_character(font, f"{code | 0xF000:04X}")
        shown.append(found or character)
    return "".join(shown)


def _raised_or_lowered(properties: Element | None, paragraph_size: int) -> str:
    """Return "super" or "sub" for text raised or lowered and made smaller (w:position).

    LibreOffice writes a superscript it converted from HTML or ODT this way; a mere
    nudge of the baseline keeps its size and stays plain text.
    """
    if properties is None:
        return ""
    position = properties.find("w:position", NS)
    size = properties.find("w:sz", NS)
    if position is None or size is None:
        return ""
    try:
        shift, points = int(position.get(w("val"), "0")), int(size.get(w("val"), "0"))
    except ValueError:
        return ""
    if not shift or not 0 < points <= paragraph_size * SCRIPT_SIZE:
        return ""
    return "super" if shift > 0 else "sub"


def _without_gaps(atoms: list[Atom]) -> list[Atom]:
    """Drop the places of pictures moved out of the text, and the double space they leave."""
    result: list[Atom] = []
    for index, atom in enumerate(atoms):
        if atom.kind == "gap":
            continue
        previous = result[-1] if result else None
        after_gap = index > 0 and atoms[index - 1].kind == "gap"
        if (
            after_gap
            and atom.kind == "text"
            and atom.value.startswith(" ")
            and previous is not None
            and previous.value.endswith(" ")
        ):
            atom = replace(atom, value=atom.value[1:])
            if not atom.value:
                continue
        result.append(atom)
    return result


def _fixed_width_as_code(atoms: list[Atom]) -> list[Atom]:
    """Make code of each stretch of fixed-width text that stands apart as whole words.

    A font change inside a word ("Thes" in the body font, then "e" in Courier) marks
    no code: a stretch glued to a letter or digit on either side stays text.
    """
    result = list(atoms)
    start = 0
    while start < len(result):
        end = start
        while end < len(result) and _is_fixed_width_text(result[end]):
            end += 1
        if end == start:
            start += 1
            continue
        stretch = "".join(atom.value for atom in result[start:end])
        if stretch.strip() and not (
            _glued(_text_before(result, start), stretch)
            or _glued(stretch, _text_after(result, end))
        ):
            for index in range(start, end):
                if result[index].value.strip():
                    result[index] = replace(result[index], kind="code", italic=False)
        start = end
    return result


def _is_fixed_width_text(atom: Atom) -> bool:
    """Return whether an atom is text in a fixed-width font, not yet code."""
    return atom.kind == "text" and atom.fixed_width


def _glued(left: str, right: str) -> bool:
    """Return whether two neighbouring texts meet inside a word: letters or digits on both sides."""
    return bool(left) and bool(right) and left[-1].isalnum() and right[0].isalnum()


def _text_before(atoms: list[Atom], index: int) -> str:
    """Return the text of the atom printed before `index`, past anchors; "" if none."""
    for atom in reversed(atoms[:index]):
        if atom.kind != "anchor":
            return atom.value if atom.kind in ("text", "code") else ""
    return ""


def _text_after(atoms: list[Atom], index: int) -> str:
    """Return the text of the atom printed from `index` on, past anchors; "" if none."""
    for atom in atoms[index:]:
        if atom.kind != "anchor":
            return atom.value if atom.kind in ("text", "code") else ""
    return ""


def _anchors_formatted(atoms: list[Atom]) -> list[Atom]:
    """Give each anchor the formatting of the atom after it, so that it splits no group."""
    result = list(atoms)
    for index in range(len(result) - 1, -1, -1):
        atom = result[index]
        if atom.kind == "anchor":
            following = next((a for a in result[index + 1 :] if a.kind != "anchor"), None)
            if following is None and index:
                following = result[index - 1]
            if following is not None and following.kind in ("text", "code"):
                result[index] = replace(
                    atom,
                    bold=following.bold,
                    italic=following.italic,
                    link=following.link,
                    lang=following.lang,
                )
    return result


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
    for italic, run in groupby(
        atoms, key=lambda atom: atom.italic and atom.kind in ("text", "anchor")
    ):
        inner = _group_scripts(list(run))
        if italic and inner:
            result.append(model.Emphasis(inner))
        else:
            result.extend(inner)
    return tuple(result)


def _group_scripts(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for script, run in groupby(
        atoms, key=lambda atom: atom.script if atom.kind in ("text", "code") else ""
    ):
        inner = _leaves(list(run))
        if script == "super" and inner:
            result.append(model.Superscript(inner))
        elif script == "sub" and inner:
            result.append(model.Subscript(inner))
        else:
            result.extend(inner)
    return tuple(result)


def _leaves(atoms: list[Atom]) -> tuple[model.Inline, ...]:
    """Return text, code, note calls and breaks, merging neighbouring texts and codes."""
    result: list[model.Inline] = []
    for index, atom in enumerate(atoms):
        previous = result[-1] if result else None
        following = atoms[index + 1] if index + 1 < len(atoms) else None
        if (
            atom.kind == "text"
            and not atom.value.strip()
            and isinstance(previous, model.Code)
            and following is not None
            and following.kind == "code"
        ):
            result[-1] = model.Code(previous.text + atom.value)  # a space between code runs
        elif atom.kind == "text" and atom.value:
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
        elif atom.kind == "anchor":
            result.append(model.Anchor(atom.value))
    return tuple(result)
