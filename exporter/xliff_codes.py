"""The toolkit's XLIFF vocabulary (2.1, and 1.2), shared by its writers and its reader.

An inline of the model is a `<pc>` (emphasis, strong, link, super- and subscript, a
passage in another language) or a `<ph>` (a line break, a note call, code, an anchor);
what it stands for is its original data, a short tag in the unit's `<originalData>`
that a translator's tool shows and that the reader parses back: `<em>`, `<a href="...">`,
`<note-ref label="n1"/>`, `<code>x = 1</code>`. Blocks are units and groups whose `type`
says what they are (`exporter:p`, `exporter:h2`, `exporter:list`, ...). In XLIFF 1.2 the
same original data is the content of a `<bpt>`/`<ept>` pair or a `<ph>`, and the kinds are
`restype`s (`x-exporter-p`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from exporter import model

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XML = "http://www.w3.org/XML/1998/namespace"
VERSION = "2.1"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
VERSION12 = "1.2"
RESTYPE = "x-exporter-"
"""The prefix of the toolkit's `restype` values in XLIFF 1.2."""
PREFIX = "exporter"
"""The prefix of the toolkit's own `type` and `subType` values."""
CATEGORY = "exporter"
"""The category of the toolkit's metadata groups (`mda:metaGroup`)."""
GENERATOR = "exporter"
"""The file-level metadata that marks a file as written by the toolkit."""


def qualified(namespace: str, name: str) -> str:
    """Return an element or attribute name in Clark notation: `{namespace}name`."""
    return f"{{{namespace}}}{name}"


@dataclass(frozen=True, slots=True)
class Code:
    """How one inline is written: its original data and its XLIFF type."""

    start: str
    """The original data of a `<pc>`'s start, or of a `<ph>`."""
    end: str = ""
    """The original data of a `<pc>`'s end; empty for a `<ph>`."""
    type: str = "fmt"
    """The XLIFF type: fmt, link, other."""
    sub_type: str = ""
    """The XLIFF subType, `xlf:i` or one of the toolkit's."""
    display: str = ""
    """What a tool may show for a `<ph>` (its `disp`): the code itself, a note's number."""


def _tag(name: str, closed: bool = False, **attributes: str) -> str:
    pairs = "".join(f' {key}="{html.escape(value)}"' for key, value in attributes.items() if value)
    return f"<{name}{pairs}{'/' if closed else ''}>"


def code_of(inline: model.Inline, note_numbers: Mapping[str, int]) -> Code:
    """Return how an inline that is not text is written; `note_numbers` number the calls."""
    match inline:
        case model.Emphasis():
            return Code("<em>", "</em>", "fmt", "xlf:i")
        case model.Strong():
            return Code("<strong>", "</strong>", "fmt", "xlf:b")
        case model.Link(url=url, title=title):
            return Code(_tag("a", href=url, title=title), "</a>", "link")
        case model.Superscript():
            return Code("<sup>", "</sup>", "fmt", f"{PREFIX}:sup")
        case model.Subscript():
            return Code("<sub>", "</sub>", "fmt", f"{PREFIX}:sub")
        case model.Span(lang=lang):
            return Code(_tag("span", lang=lang), "</span>", "fmt", f"{PREFIX}:lang")
        case model.LineBreak():
            return Code("<br/>", type="fmt", sub_type="xlf:lb", display="↵")
        case model.NoteRef(note=label):
            note_number = note_numbers.get(label, 0)
            display = str(note_number) if note_number else label
            return Code(_tag("note-ref", True, label=label), "", "other", f"{PREFIX}:note", display)
        case model.Code(text=text):
            return Code(f"<code>{html.escape(text)}</code>", "", "fmt", f"{PREFIX}:code", text)
        case model.Anchor(id=name):
            return Code(_tag("anchor", True, id=name), "", "other", f"{PREFIX}:anchor")
    raise TypeError(f"no XLIFF code for {type(inline).__name__}")


CTYPES = {"xlf:i": "italic", "xlf:b": "bold", "xlf:lb": "lb"}
"""XLIFF 1.2's own `ctype`s for the subtypes that have one; a link is `link`."""


def ctype_of(code: Code) -> str:
    """Return a code's XLIFF 1.2 `ctype`: `italic`, `link`, or the toolkit's `x-` value."""
    if code.type == "link":
        return "link"
    return CTYPES.get(code.sub_type) or "x-" + code.sub_type.replace(":", "-")


TAG = re.compile(r'<([a-z-]+)((?:\s+[a-z]+="[^"<>]*")*)\s*(/?)>')
ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')
CODE = re.compile(r"<code>(.*)</code>", re.S)


@dataclass(frozen=True, slots=True)
class Parsed:
    """An inline's original data, read back: its kind and attributes."""

    kind: str
    """em, strong, a, sup, sub, span (a `<pc>`); br, note-ref, code, anchor (a `<ph>`)."""
    attributes: dict[str, str]
    """The tag's attributes (for code, its text as `text`)."""


def parse_code(data: str) -> Parsed | None:
    """Return what an original data the toolkit wrote stands for; None for any other."""
    code = CODE.fullmatch(data)
    if code:
        return Parsed("code", {"text": html.unescape(code[1])})
    tag = TAG.fullmatch(data)
    if not tag:
        return None
    attributes = {key: html.unescape(value) for key, value in ATTRIBUTE.findall(tag[2])}
    return Parsed(tag[1], attributes)


def container(parsed: Parsed, content: tuple[model.Inline, ...]) -> model.Inline | None:
    """Return the inline a `<pc>`'s start data makes around `content`; None if none."""
    match parsed.kind:
        case "em":
            return model.Emphasis(content)
        case "strong":
            return model.Strong(content)
        case "a" if parsed.attributes.get("href"):
            return model.Link(
                parsed.attributes["href"], content, parsed.attributes.get("title", "")
            )
        case "sup":
            return model.Superscript(content)
        case "sub":
            return model.Subscript(content)
        case "span" if parsed.attributes.get("lang"):
            return model.Span(parsed.attributes["lang"], content)
    return None


def placeholder(parsed: Parsed) -> model.Inline | None:
    """Return the inline a `<ph>`'s data stands for; None if none."""
    match parsed.kind:
        case "br":
            return model.LineBreak()
        case "note-ref" if parsed.attributes.get("label"):
            return model.NoteRef(parsed.attributes["label"])
        case "code":
            return model.Code(parsed.attributes["text"])
        case "anchor" if parsed.attributes.get("id"):
            return model.Anchor(parsed.attributes["id"])
    return None


def merged_inlines(inlines: list[model.Inline]) -> tuple[model.Inline, ...]:
    """Return the inlines with neighbouring text runs joined and empty ones dropped."""
    result: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Text):
            if not inline.text:
                continue
            if result and isinstance(result[-1], model.Text):
                result[-1] = model.Text(result[-1].text + inline.text)
                continue
        result.append(inline)
    return tuple(result)


def place_of(element: etree._Element) -> str:
    """Return the place of an element in a file: its line, and the unit or group it is in."""
    units = (qualified(XLIFF, "unit"), qualified(XLIFF12, "trans-unit"))
    holder = next((e for e in element.iterancestors() if e.tag in units), element)
    ident = holder.get("id")
    named = f", {etree.QName(holder).localname} {ident}" if ident else ""
    return f"line {element.sourceline}{named}"
