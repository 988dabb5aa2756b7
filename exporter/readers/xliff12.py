"""Read one translated unit of an XLIFF 1.2 file the toolkit wrote (`--to xliff12`).

A unit's text is its target's segments (`<mrk mtype="seg">`) in the order and with the
space between them of its `<seg-source>`; a segment missing from the target, or left as
its source while the target's state says it is not translated, keeps its source and
counts as untranslated. A target without segments is read whole. Codes are read back from
their original data, the content of the source's `<bpt>` or `<ph>` of the same id, so a
tool may write them as `<g>`/`<x/>` or `<bx/>`/`<ex/>` too.
"""

from __future__ import annotations

import copy

from lxml import etree

from exporter import model
from exporter.errors import InputError
from exporter.xliff_codes import (
    XLIFF12,
    container,
    merged_inlines,
    parse_code,
    place_of,
    placeholder,
    qualified,
)

Element = etree._Element
TRANSLATED = frozenset(
    {
        "translated",
        "needs-review-translation",
        "needs-review-l10n",
        "needs-review-adaptation",
        "signed-off",
        "final",
    }
)
"""Target states that say the target is a translation, even one equal to its source."""
SEGMENT = f"{qualified(XLIFF12, 'mrk')}[@mtype='seg']"


def unit_text(unit: Element) -> tuple[tuple[model.Inline, ...], bool]:
    """Return a unit's inlines, its target's where it has one, and whether every segment
    with text came back translated."""
    source = unit.find(qualified(XLIFF12, "source"))
    if source is None:
        raise InputError("a <trans-unit> without a source", where=place_of(unit))
    segmented = unit.find(qualified(XLIFF12, "seg-source"))
    target = unit.find(qualified(XLIFF12, "target"))
    codes = _Codes(unit, source if segmented is None else segmented)
    skeleton = source if segmented is None else segmented
    if target is None:
        inlines = merged_inlines(codes.inlines(skeleton))
        return inlines, not _has_text(inlines)
    translated = target.get("state") in TRANSLATED
    targets = {mark.get("mid"): mark for mark in target.iterfind(SEGMENT)}
    if segmented is None or not targets:
        inlines = merged_inlines(codes.inlines(target))
        original = merged_inlines(codes.inlines(skeleton))
        return inlines, translated or inlines != original or not _has_text(original)
    result: list[model.Inline] = []
    complete = True
    if segmented.text:
        result.append(model.Text(segmented.text))
    for part in segmented:
        if part.tag == qualified(XLIFF12, "mrk") and part.get("mtype") == "seg":
            original = merged_inlines(codes.inlines(part))
            found = targets.get(part.get("mid"))
            text = original if found is None else merged_inlines(codes.inlines(found))
            if _has_text(original) and text == original and not translated:
                complete = False
            result.extend(text)
        else:
            result.extend(codes.inlines_of(part))
        if part.tail:
            result.append(model.Text(part.tail))
    return merged_inlines(result), complete


def _has_text(inlines: tuple[model.Inline, ...]) -> bool:
    return any(not isinstance(i, model.Text) or i.text.strip() for i in inlines)


class _Codes:
    """Reads the inline codes of one unit back into the model's inlines."""

    def __init__(self, unit: Element, source: Element) -> None:
        self.unit = unit
        # The original data of each code, by id: a tool may copy a code without it.
        self.data = {
            code.get("id", ""): code.text or ""
            for code in source.iter(qualified(XLIFF12, "bpt"), qualified(XLIFF12, "ph"))
        }

    def inlines_of(self, child: Element) -> list[model.Inline]:
        """Return the inlines of one element (and not its tail)."""
        holder = etree.Element("holder")
        holder.append(_without_tail(child))
        return self.inlines(holder)

    def inlines(self, element: Element) -> list[model.Inline]:
        """Return the inlines of a source, target or segment; a `<bpt>` and its `<ept>`
        (or `<bx/>` and `<ex/>`) enclose what is between them."""
        frames: list[tuple[Element | None, list[model.Inline]]] = [(None, [])]
        if element.text:
            frames[-1][1].append(model.Text(element.text))
        for child in element:
            kind = etree.QName(child).localname if isinstance(child.tag, str) else ""
            inline: model.Inline | None = model.Text("")
            if kind in ("bpt", "bx"):
                frames.append((child, []))
            elif kind in ("ept", "ex"):
                start, content = frames.pop() if len(frames) > 1 else (None, [])
                ends = {child.get("id"), child.get("rid")} - {None}
                if start is None or not ends & {start.get("id"), start.get("rid")}:
                    raise self.refused(child, f"an <{kind}> whose start is not before it")
                inline = self.code(start, True, content)
            elif kind == "g":
                inline = self.code(child, True, self.inlines(child))
            elif kind in ("ph", "x"):
                inline = self.code(child, False, [])
            elif kind == "mrk":  # a segment or an annotation: its text is the text
                frames[-1][1].extend(self.inlines(child))
            elif kind != "":  # comments and processing instructions are no text
                inline = None
            if inline is None:
                raise self.refused(child, f"<{kind}> is no code the toolkit wrote")
            frames[-1][1].append(inline)
            if child.tail:
                frames[-1][1].append(model.Text(child.tail))
        if len(frames) > 1:
            raise self.refused(element, "a <bpt> without its <ept> in the same segment")
        return frames[0][1]

    def code(self, element: Element, paired: bool, content: list[model.Inline]) -> model.Inline:
        """Return the inline a code stands for, from its own data or its source's."""
        ident = element.get("id", "")
        own = element.text if etree.QName(element).localname in ("bpt", "ph") else None
        parsed = parse_code(own or self.data.get(ident, ""))
        inline = None
        if parsed is not None:
            inline = container(parsed, merged_inlines(content)) if paired else placeholder(parsed)
        if inline is None:
            raise self.refused(
                element,
                f"<{etree.QName(element).localname} id={ident!r}> is no code the toolkit wrote",
            )
        return inline

    def refused(self, element: Element, what: str) -> InputError:
        """Return the error for a code the reader cannot take, naming its unit."""
        return InputError(
            f"{what} (unit {self.unit.get('id', '?')}: keep the codes as the file has them)",
            where=place_of(element),
        )


def _without_tail(element: Element) -> Element:
    copied = copy.deepcopy(element)
    copied.tail = None
    return copied
