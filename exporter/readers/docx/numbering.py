"""List definitions of a DOCX (word/numbering.xml): which lists are numbered, their labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from exporter.readers.docx.package import NS, Element, Package, int_value, w

UNNUMBERED_FORMATS = ("bullet", "none", "")
DECIMAL_FORMATS = ("decimal", "decimalZero", "")
"""Number formats a Markdown ordered list prints as they are: 1., 2., ..."""
PLACEHOLDER = re.compile(r"%([1-9])")
ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip
LEVELS = 9


@dataclass(frozen=True, slots=True)
class ListLevel:
    """What one level of one list instance looks like."""

    list_key: str
    """The list definition (abstractNumId): paragraphs sharing it belong to one list."""
    ordered: bool
    """True for numbers or letters, False for bullets."""
    start: int
    """The number of the first item."""
    indent: int
    """The left indent of the items' text, in twips (for lining up later paragraphs)."""
    number_format: str = "decimal"
    """Word's w:numFmt: decimal, lowerLetter, upperRoman, bullet, none, ..."""
    label_text: str = "%1."
    """Word's w:lvlText: the label with %1..%9 standing for the levels' numbers."""

    @property
    def decimal(self) -> bool:
        """True when a Markdown ordered list prints this level's labels as Word does."""
        return self.ordered and self.number_format in DECIMAL_FORMATS


@dataclass
class Numbering:
    """The numbering part, read into the levels of each list instance (w:num)."""

    abstract: dict[str, Element] = field(default_factory=dict)
    instances: dict[str, Element] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    """The last number given at each level, per list definition."""
    style_numbering: Callable[[str], tuple[str, int] | None] | None = None
    """The list a paragraph style numbers by (`StyleTable.numbering`), for list styles."""
    used: set[str] = field(default_factory=set)
    """The list instances met so far (a start override applies at an instance's first use)."""

    @classmethod
    def read(cls, package: Package) -> Numbering:
        """Read the numbering part related from the main document, if it has one."""
        numbering = cls()
        name = package.related(package.document_name, "/numbering")
        if name is None:
            return numbering
        root = package.xml(name)
        for definition in root.iterfind("w:abstractNum", NS):
            numbering.abstract[definition.get(w("abstractNumId"), "")] = definition
        for instance in root.iterfind("w:num", NS):
            numbering.instances[instance.get(w("numId"), "")] = instance
        return numbering

    def level(self, num_id: str, ilvl: int) -> ListLevel | None:
        """Return the level `ilvl` of list instance `num_id`; None for 'no list' (numId 0)."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        key_element = instance.find("w:abstractNumId", NS)
        key = key_element.get(w("val"), "") if key_element is not None else ""
        definition = self.abstract.get(key)
        linked = self._linked(definition)
        if linked is not None:
            key, definition = linked
        level = None
        if definition is not None:
            level = definition.find(f"w:lvl[@w:ilvl='{ilvl}']", NS)
        override = instance.find(f"w:lvlOverride[@w:ilvl='{ilvl}']", NS)
        if override is not None and override.find("w:lvl", NS) is not None:
            level = override.find("w:lvl", NS)
        start = _int(level, "w:start", 1)
        if override is not None and override.find("w:startOverride", NS) is not None:
            start = _int(override, "w:startOverride", start)
        number_format = ""
        if level is not None:
            found = level.find("w:numFmt", NS)
            number_format = found.get(w("val"), "") if found is not None else ""
        indent = 0
        if level is not None:
            ind = level.find("w:pPr/w:ind", NS)
            if ind is not None:
                indent = int_value(ind, "left") or int_value(ind, "start")
        text = level.find("w:lvlText", NS) if level is not None else None
        return ListLevel(
            list_key=key or num_id,
            ordered=number_format not in UNNUMBERED_FORMATS,
            start=start,
            indent=indent,
            number_format=number_format or "decimal",
            label_text=str(text.get(w("val"), "")) if text is not None else "%1.",
        )

    def _linked(self, definition: Element | None) -> tuple[str, Element] | None:
        """Return the definition a list style names (w:numStyleLink), with its id."""
        link = definition.find("w:numStyleLink", NS) if definition is not None else None
        if link is None or self.style_numbering is None:
            return None
        found = self.style_numbering(link.get(w("val"), ""))
        instance = self.instances.get(found[0]) if found is not None else None
        key_element = instance.find("w:abstractNumId", NS) if instance is not None else None
        key = key_element.get(w("val"), "") if key_element is not None else ""
        target = self.abstract.get(key)
        if target is None or target is definition or target.find("w:numStyleLink", NS) is not None:
            return None
        return key, target

    def advance(self, num_id: str, ilvl: int) -> tuple[ListLevel, int, str] | None:
        """Count one more paragraph of a list; return its level, number and printed label."""
        level = self.level(num_id, ilvl)
        if level is None or not 0 <= ilvl < LEVELS:
            return None
        counts = self.counters.setdefault(level.list_key, [None] * LEVELS)
        instance = self.instances.get(num_id)
        if num_id not in self.used:
            self.used.add(num_id)
            if instance is not None:
                for override in instance.iterfind("w:lvlOverride", NS):
                    if override.find("w:startOverride", NS) is not None:
                        counts[int_value(override, "ilvl")] = None
        current = counts[ilvl]
        counts[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            counts[deeper] = None
        return level, counts[ilvl] or 0, self._label(num_id, level, counts)

    def _label(self, num_id: str, level: ListLevel, counts: list[int | None]) -> str:
        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            other = self.level(num_id, index) if index < LEVELS else None
            value = counts[index] if index < LEVELS else None
            if value is None:
                value = other.start if other is not None else 1
            return format_number(value, other.number_format if other else "decimal")

        if level.number_format == "none":
            return ""
        if level.number_format == "bullet":
            return level.label_text
        return PLACEHOLDER.sub(number, level.label_text).strip()


def format_number(value: int, number_format: str) -> str:
    """Return a list number as Word prints it in a format: 3, c, C, iii, III, 03."""
    if number_format in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        value = max(value, 1)
        text = letters[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return text.upper() if number_format == "upperLetter" else text
    if number_format in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        text = ""
        for amount, numeral in ROMAN:
            while value >= amount:
                text, value = text + numeral, value - amount
        return text.upper() if number_format == "upperRoman" else text
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _int(parent: Element | None, path: str, default: int) -> int:
    if parent is None:
        return default
    found = parent.find(path, NS)
    if found is None:
        return default
    try:
        return int(found.get(w("val"), default))
    except ValueError:
        return default
