"""List definitions of a DOCX (word/numbering.xml): which lists are numbered, where they start."""

from __future__ import annotations

from dataclasses import dataclass, field

from exporter.readers.docx.package import NS, Element, Package, int_value, w

UNNUMBERED_FORMATS = ("bullet", "none", "")


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


@dataclass
class Numbering:
    """The numbering part, read into the levels of each list instance (w:num)."""

    abstract: dict[str, Element] = field(default_factory=dict)
    instances: dict[str, Element] = field(default_factory=dict)

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
        return ListLevel(
            list_key=key or num_id,
            ordered=number_format not in UNNUMBERED_FORMATS,
            start=start,
            indent=indent,
        )


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
