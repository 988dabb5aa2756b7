"""Word fields made plain: each keeps its result text; a HYPERLINK field's result becomes a link.

Hand-written because python-docx does not read fields. A complex field is a run
holding `w:fldChar begin`, runs of `w:instrText` (the code), `w:fldChar separate`,
the result runs, then `w:fldChar end`; fields nest and may span paragraphs (a table
of contents). A simple field (`w:fldSimple`) holds its code in an attribute and its
result as children. The code's runs are removed; the result's runs stay, and those
of a HYPERLINK field are marked with the link they make (`LINK`, `ANCHOR`, `SERIAL`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from exporter.readers.docx.package import Element, w

MARK = "{urn:x-exporter:docx-reader}"
LINK = MARK + "link"
"""On a run: the external address of the HYPERLINK field it is the result of."""
ANCHOR = MARK + "anchor"
"""On a run: the bookmark the field points at (its \\l switch)."""
SERIAL = MARK + "field"
"""On a run: which field, so that two neighbouring links stay two."""
TOOLTIP = MARK + "tooltip"
"""On a run: the link's advisory title (its \\o switch)."""


@dataclass(frozen=True, slots=True)
class Hyperlink:
    """What a HYPERLINK field's code asks for."""

    url: str = ""
    anchor: str = ""
    tooltip: str = ""


@dataclass
class _Open:
    """A field begun and not yet ended."""

    code: list[str] = field(default_factory=list)
    in_result: bool = False
    link: Hyperlink | None = None
    serial: int = 0


def parse_hyperlink(code: str) -> Hyperlink | None:
    """Return the target of a field code if it is a HYPERLINK field, else None."""
    try:
        words = shlex.split(code.replace("\\", "\\\\"), posix=True)
    except ValueError:
        words = code.split()
    words = [word.replace("\\\\", "\\") for word in words]
    if not words or words[0].upper() != "HYPERLINK":
        return None
    url = anchor = tooltip = ""
    index = 1
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.lower() == "\\l":
            anchor, index = following, index + 2
        elif word.lower() == "\\o":
            tooltip, index = following, index + 2
        elif word.lower() in ("\\t",):
            index += 2
        elif word.startswith("\\"):
            index += 1
        else:
            url = url or word
            index += 1
    if not url and not anchor:
        return None
    return Hyperlink(url.strip(), anchor.strip(), tooltip)


def resolve_fields(root: Element) -> int:
    """Make the fields under `root` plain; return how many HYPERLINK fields were found."""
    serial = 0
    for simple in list(root.iter(w("fldSimple"))):
        link = parse_hyperlink(simple.get(w("instr"), ""))
        if link is not None:
            serial += 1
            for run in simple.iter(w("r")):
                _mark(run, link, serial)
        parent = simple.getparent()
        if parent is not None:
            position = parent.index(simple)
            for offset, child in enumerate(list(simple)):
                parent.insert(position + offset, child)
            parent.remove(simple)
    stack: list[_Open] = []
    removed: list[Element] = []
    for run in list(root.iter(w("r"))):
        marks = [c for c in run if c.tag in (w("fldChar"), w("instrText"))]
        if not marks:
            if any(not open_field.in_result for open_field in stack):
                removed.append(run)  # a nested field's result inside a field code
                continue
            linking = next((f for f in reversed(stack) if f.link is not None), None)
            if linking is not None and linking.link is not None:
                _mark(run, linking.link, linking.serial)
            continue
        for mark in marks:
            kind = mark.get(w("fldCharType"), "")
            if mark.tag == w("instrText"):
                if stack and not stack[-1].in_result:
                    stack[-1].code.append(mark.text or "")
            elif kind == "begin":
                stack.append(_Open())
            elif kind == "separate" and stack:
                top = stack[-1]
                top.in_result = True
                top.link = parse_hyperlink("".join(top.code))
                if top.link is not None:
                    serial += 1
                    top.serial = serial
            elif kind == "end" and stack:
                stack.pop()
        if _has_text(run):
            for mark in marks:
                run.remove(mark)
        else:
            removed.append(run)
    for run in removed:
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)
    return serial


def _mark(run: Element, link: Hyperlink, serial: int) -> None:
    run.set(LINK, link.url)
    run.set(ANCHOR, link.anchor)
    run.set(TOOLTIP, link.tooltip)
    run.set(SERIAL, str(serial))


def _has_text(run: Element) -> bool:
    return any(child.tag in (w("t"), w("tab"), w("br"), w("sym")) for child in run)
