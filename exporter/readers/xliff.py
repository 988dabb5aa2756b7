"""Read a translated XLIFF 2 or 1.2 that the toolkit wrote (`--to xliff`, `--to xliff12`)
back into an article.

Each unit's text is its segments' targets and the space between them, in order; a segment
without a target keeps its source, with a warning. The structure comes from the groups'
and units' types, the inline markup from the codes' original data (`exporter.xliff_codes`),
the language from `trgLang` (1.2: `target-language`), and the article file and version the
XLIFF was written from from its metadata, so that `exporter import` makes the source's
edition as for a DOCX. The version is told by the root's namespace.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from exporter import model
from exporter.editions import is_file_name, is_version
from exporter.errors import InputError
from exporter.readers.xliff12 import unit_text
from exporter.safezip import parse_xml
from exporter.walk import plain_text
from exporter.xliff_codes import (
    CATEGORY,
    GENERATOR,
    MDA,
    PREFIX,
    RESTYPE,
    XLIFF,
    XLIFF12,
    container,
    merged_inlines,
    parse_code,
    place_of,
    placeholder,
    qualified,
)

__all__ = ["read_xliff"]

log = logging.getLogger("exporter")
Element = etree._Element
MAX_REPORTED = 8
"""How many untranslated units the warning names."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a version of XLIFF names what the toolkit writes."""

    namespace: str
    """The version's namespace."""
    unit: str
    """The element of a unit: `unit`, `trans-unit`."""
    kind: str
    """The attribute that says what a unit or group is: `type`, `restype`."""
    prefix: str
    """The toolkit's prefix of those kinds: `exporter:`, `x-exporter-`."""
    name: str
    """The attribute of a note's label on its group: `name`, `resname`."""


XLIFF2 = Dialect(XLIFF, "unit", "type", f"{PREFIX}:", "name")
XLIFF1 = Dialect(XLIFF12, "trans-unit", "restype", RESTYPE, "resname")


def read_xliff(data: bytes) -> model.Article:
    """Return the article a translated XLIFF holds; warnings say what was left untranslated."""
    root = parse_xml(data, "the file", "XLIFF")
    if root.tag == qualified(XLIFF, "xliff") and root.get("version", "").startswith("2."):
        dialect = XLIFF2
    elif root.tag == qualified(XLIFF12, "xliff") and root.get("version") == "1.2":
        dialect = XLIFF1
    else:
        raise InputError(
            f"not an XLIFF 2 or 1.2 document (its root is <{etree.QName(root).localname}> "
            f"version {root.get('version', 'none')!r})",
            where=place_of(root),
        )
    files = root.findall(qualified(dialect.namespace, "file"))
    if len(files) != 1:
        raise InputError(
            f"holds {len(files)} <file> elements; the toolkit writes one", where=place_of(root)
        )
    file = files[0]
    if dialect is XLIFF1:  # its header holds the metadata, its body the groups
        meta = _metadata(file.find(qualified(XLIFF12, "header")))
        lang = file.get("target-language", "")
        source_lang = file.get("source-language", "en")
        holder = file.find(qualified(XLIFF12, "body"))
    else:
        meta = _metadata(file)
        lang = root.get("trgLang", "")
        source_lang = root.get("srcLang", "en")
        holder = file
    if meta.get("generator") != GENERATOR or holder is None:
        raise InputError(
            "not an XLIFF file written by exporter (its <file> has no exporter metadata)",
            where=place_of(file),
        )
    if not lang:
        lang = source_lang
        attribute = "target-language" if dialect is XLIFF1 else "trgLang"
        log.warning("the file names no target language (%s): %s assumed", attribute, lang)
    reader = _Reader(dialect)
    file = holder
    front = reader.only(file, "front")
    # Read in the file's order, so that the warning names untranslated units in it.
    kicker, title, subtitle, summary = (
        reader.field(front, name) for name in ("kicker", "title", "subtitle", "summary")
    )
    authors = tuple(reader.author(group) for kind, group in reader.parts(front) if kind == "author")
    article = model.Article(
        title=title,
        series=meta.get("series", "apb"),
        number=_number(meta.get("number", ""), file),
        date=_date(meta.get("date", ""), file),
        kicker=kicker,
        subtitle=subtitle,
        authors=authors,
        summary=summary,
        lang=lang,
        keywords=tuple(
            plain_text(reader.text(u)) for k, u in reader.parts(front) if k == "keyword"
        ),
        translation_of=meta.get("source-file", "") if _source_ok(meta) else "",
        translated_from=meta.get("source-version", "") if _source_ok(meta) else "",
        body=reader.blocks(reader.only(file, "body")),
        notes=tuple(
            model.Footnote(group.get(dialect.name, ""), reader.blocks(group))
            for kind, group in reader.parts(reader.optional(file, "notes"))
            if kind == "note"
        ),
    )
    if reader.untranslated:
        names = ", ".join(reader.untranslated[:MAX_REPORTED])
        more = len(reader.untranslated) - MAX_REPORTED
        log.warning(
            "%d unit(s) have no translation, their source kept: %s%s",
            len(reader.untranslated),
            names,
            f" and {more} more" if more > 0 else "",
        )
    return article


class _Reader:
    """Reads units into inlines and groups into blocks, noting the untranslated units."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.untranslated: list[str] = []

    def field(self, front: Element, name: str) -> str:
        """Return the plain text of a front matter unit, or "" when there is none."""
        unit = next((u for kind, u in self.parts(front) if kind == name), None)
        return "" if unit is None else plain_text(self.text(unit)).strip()

    def author(self, group: Element) -> model.Author:
        """Return an author from the group of their name, affiliation and bio."""
        fields = {kind: plain_text(self.text(unit)).strip() for kind, unit in self.parts(group)}
        return model.Author(
            fields.get("name", ""), fields.get("bio", ""), fields.get("affiliation", "")
        )

    def text(self, unit: Element) -> tuple[model.Inline, ...]:
        """Return a unit's inlines: each segment's target (else its source) in order."""
        if unit.tag != qualified(self.dialect.namespace, self.dialect.unit):
            raise InputError("a text is a group, not a unit", where=place_of(unit))
        if self.dialect is XLIFF1:
            text, complete = unit_text(unit)
            if not complete and unit.get("translate") != "no":
                self.untranslated.append(unit.get("id", "?"))
            return text
        codes = _Codes(unit)
        inlines: list[model.Inline] = []
        missing = False
        for piece in unit:
            if piece.tag not in (qualified(XLIFF, "segment"), qualified(XLIFF, "ignorable")):
                continue
            source = piece.find(qualified(XLIFF, "source"))
            target = piece.find(qualified(XLIFF, "target"))
            if source is None:
                raise InputError(
                    f"a <{etree.QName(piece).localname}> without a source", where=place_of(piece)
                )
            if target is None and piece.tag == qualified(XLIFF, "segment"):
                missing = missing or bool(str(source.xpath("string()")).strip()) or len(source) > 0
            inlines.extend(codes.inlines(source if target is None else target))
        if missing and unit.get("translate") != "no":
            self.untranslated.append(unit.get("id", "?"))
        return merged_inlines(inlines)

    def blocks(self, group: Element | None) -> tuple[model.Block, ...]:
        """Return the blocks of a group's units and groups, in order."""
        blocks: list[model.Block] = []
        for kind, part in self.parts(group):
            blocks.append(self.block(kind, part))
        return tuple(blocks)

    def block(self, kind: str, part: Element) -> model.Block:
        """Return one block from its unit or group."""
        if kind == "p":
            return model.Paragraph(self.text(part))
        if kind in ("h2", "h3"):
            return model.Heading(int(kind[1]), self.text(part))
        if kind in ("ol", "ul"):
            items = tuple(model.ListItem(self.blocks(item)) for _k, item in self.parts(part))
            return model.ListBlock(
                kind == "ol", items, _number(_metadata(part).get("start", "1"), part) or 1
            )
        if kind in ("quote", "pullquote"):
            quoted = self.blocks(part)
            return model.BlockQuote(quoted) if kind == "quote" else model.PullQuote(quoted)
        if kind == "figure":
            texts = {k: self.text(unit) for k, unit in self.parts(part)}
            alt = plain_text(texts.get("alt", ())).strip()
            return model.Figure(_metadata(part).get("src", ""), alt, texts.get("caption", ()))
        if kind == "table":
            return self.table(part)
        raise InputError(
            f"a unit or group of type {kind!r}, which the toolkit never writes",
            where=place_of(part),
        )

    def table(self, group: Element) -> model.Table:
        """Return a table from its caption and row groups."""
        rows: dict[str, list[model.TableRow]] = {"head-row": [], "row": []}
        caption: tuple[model.Inline, ...] = ()
        for kind, part in self.parts(group):
            if kind == "caption":
                caption = self.text(part)
            elif kind in rows:
                cells = tuple(model.TableCell(self.text(cell)) for _k, cell in self.parts(part))
                rows[kind].append(model.TableRow(cells))
        align = _metadata(group).get("align", "")
        return model.Table(
            tuple(rows["head-row"]),
            tuple(rows["row"]),
            tuple(align.split(",")) if align else (),
            caption,
        )

    def parts(self, parent: Element | None) -> Iterator[tuple[str, Element]]:
        """Yield the units and groups of a group or file with their kind (`exporter:KIND`)."""
        if parent is None:
            return
        dialect = self.dialect
        tags = (qualified(dialect.namespace, dialect.unit), qualified(dialect.namespace, "group"))
        for child in parent:
            if child.tag in tags:
                kind = child.get(dialect.kind, "")
                if not kind.startswith(dialect.prefix):
                    raise InputError(
                        f"<{etree.QName(child).localname} id={child.get('id', '')!r}> has no "
                        "type the toolkit writes",
                        where=place_of(child),
                    )
                yield kind.removeprefix(dialect.prefix), child

    def only(self, file: Element, kind: str) -> Element:
        """Return the one group of a kind in the file; refuse a file without it."""
        found = self.optional(file, kind)
        if found is None:
            raise InputError(f"holds no group of type {PREFIX}:{kind}", where=place_of(file))
        return found

    def optional(self, file: Element, kind: str) -> Element | None:
        """Return the group of a kind in the file, if any; refuse a file with two."""
        found = [part for k, part in self.parts(file) if k == kind]
        if len(found) > 1:
            raise InputError(
                f"holds {len(found)} groups of type {PREFIX}:{kind}", where=place_of(file)
            )
        return found[0] if found else None


class _Codes:
    """Reads the inline codes of one unit back into the model's inlines."""

    def __init__(self, unit: Element) -> None:
        self.unit = unit
        original = unit.find(qualified(XLIFF, "originalData"))
        self.data = {} if original is None else {d.get("id", ""): d.text or "" for d in original}
        # A tool may copy a code into the target by its id alone: the source's says more.
        self.sources = {
            code.get("id", ""): code
            for code in unit.iterfind(
                f"{qualified(XLIFF, 'segment')}/{qualified(XLIFF, 'source')}//*"
            )
        }

    def inlines(self, element: Element) -> list[model.Inline]:
        """Return the inlines of a source or target, or of a code inside one; a pair of
        `<sc>` and `<ec>` in one segment is read as the `<pc>` it stands for."""
        frames: list[tuple[Element | None, list[model.Inline]]] = [(None, [])]
        if element.text:
            frames[-1][1].append(model.Text(element.text))
        for child in element:
            kind = etree.QName(child).localname if isinstance(child.tag, str) else ""
            inline: model.Inline | None = model.Text("")
            if kind in ("pc", "ph"):
                inline = self.code(child, kind, self.inlines(child) if kind == "pc" else [])
            elif kind == "sc":
                frames.append((child, []))
            elif kind == "ec":
                start, content = frames.pop() if len(frames) > 1 else (None, [])
                if start is None or start.get("id") != child.get("startRef"):
                    raise self.refused(child, "an <ec> whose <sc> is not before it in the segment")
                inline = self.code(start, "sc", content)
            elif kind == "mrk":  # an annotation a tool added: its text is the text
                frames[-1][1].extend(self.inlines(child))
            elif kind == "cp":
                hex_code = child.get("hex", "")
                valid = len(hex_code) <= 6 and all(c in "0123456789abcdefABCDEF" for c in hex_code)
                if not hex_code or not valid or int(hex_code, 16) > 0x10FFFF:
                    raise self.refused(child, f"<cp hex={hex_code[:12]!r}> names no character")
                inline = model.Text(chr(int(hex_code, 16)))
            elif kind not in ("sm", "em", ""):  # the ends of an annotation; comments
                inline = None
            if inline is None:
                raise self.refused(child, f"<{kind}> is no code the toolkit wrote")
            frames[-1][1].append(inline)
            if child.tail:
                frames[-1][1].append(model.Text(child.tail))
        if len(frames) > 1:
            raise self.refused(element, "an <sc> without its <ec> in the same segment")
        return frames[0][1]

    def code(self, element: Element, kind: str, content: list[model.Inline]) -> model.Inline:
        """Return the inline a `<pc>`, `<sc>` or `<ph>` stands for, from its original data."""
        attribute = "dataRefStart" if kind == "pc" else "dataRef"
        source = self.sources.get(element.get("id", ""))
        if source is not None:  # a pc of the source may come back as an sc and ec pair
            reference = (
                element.get(attribute) or source.get(attribute) or source.get("dataRefStart")
            )
        else:
            reference = element.get(attribute)
        parsed = parse_code(self.data.get(reference or "", ""))
        inline = None
        if parsed is not None:
            inline = (
                placeholder(parsed) if kind == "ph" else container(parsed, merged_inlines(content))
            )
        if inline is None:
            raise self.refused(
                element, f"<{kind} id={element.get('id', '')!r}> is no code the toolkit wrote"
            )
        return inline

    def refused(self, element: Element, what: str) -> InputError:
        """Return the error for a code the reader cannot take, naming its unit."""
        return InputError(
            f"{what} (unit {self.unit.get('id', '?')}: keep the codes as the file has them)",
            where=place_of(element),
        )


def _metadata(element: Element | None) -> dict[str, str]:
    """Return the toolkit's metadata of a file, header or group, by type: 2.1's and 1.2's
    `mda:` groups, and 1.2's contexts of a group."""
    found: dict[str, str] = {}
    if element is None:
        return found
    for group in element.findall(f"{qualified(MDA, 'metadata')}/{qualified(MDA, 'metaGroup')}"):
        if group.get("category") == CATEGORY:
            for meta in group.iterfind(qualified(MDA, "meta")):
                found.setdefault(meta.get("type", ""), (meta.text or "").strip())
    contexts = f"{qualified(XLIFF12, 'context-group')}/{qualified(XLIFF12, 'context')}"
    for context in element.iterfind(contexts):
        kind = context.get("context-type", "")
        if kind.startswith(RESTYPE):
            found.setdefault(kind.removeprefix(RESTYPE), (context.text or "").strip())
    return found


def _source_ok(meta: dict[str, str]) -> bool:
    name, version = meta.get("source-file", ""), meta.get("source-version", "")
    if not name:
        return False
    if not is_file_name(name) or (version and not is_version(version)):
        log.warning(
            "the file names its source as %r (version %r): ignored", name[:80], version[:80]
        )
        return False
    return True


def _number(text: str, element: Element) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InputError(f"{text[:40]!r} is not a number", where=place_of(element))
    return int(text)


def _date(text: str, element: Element) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{text[:40]!r} is not a date (YYYY-MM-DD)", where=place_of(element)
        ) from None
