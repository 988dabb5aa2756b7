"""The DOCX's font table, and the layout's fonts embedded in it as Word embeds them.

Written by hand: python-docx keeps the font table of its template and has no API for
embedded fonts, and no Python library embeds fonts in a DOCX. The standard's way is
followed (ECMA-376 Part 1, §17.8): each face is a `word/fonts/fontN.odttf` part,
obfuscated with a GUID key and related from `word/fontTable.xml`, whose `w:font`
entries describe every family the styles name (PANOSE, charset, family class, pitch,
Unicode and code page signature, other names to try) so that a word processor
lacking a family can pick a near one. Word and LibreOffice both read this form.

The faces are subset with HarfBuzz, as for the EPUB (`exporter.fontsubset`), to the
characters the document prints and those translators into the series' Latin-script
languages type (TYPED_CHARACTERS): whole, the eight faces would add about 700 KB, 25
times the rest of the document; cut so, about 190 KB. Word is told
(`w:saveSubsetFonts`) and shows a character a subset lacks in another font.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from array import array
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from lxml import etree

from exporter import fontcache
from exporter.codefaces import code_font_files
from exporter.context import RenderContext
from exporter.docx_styles import StyleSheet
from exporter.glyphs import font_coverage
from exporter.language_fonts import installed_faces
from exporter.layouts import language_prefix
from exporter.writers import ooxml
from exporter.writers.docx.unused_styles import STYLE_REFERENCES

log = logging.getLogger("exporter")

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_PART_NAME = "/word/fonts/font{number}.odttf"
OBFUSCATED_LENGTH = 32
"""The bytes of a font's start that obfuscation XORs with its key (§17.8.1)."""
FONT_KEY_NAMESPACE = "0c7b9c1e-5d2a-5f57-8d0e-3b6f1a9d4e21"
"""A fixed namespace (a UUID) for the fonts' keys, so that the same font gets the same key."""
# The modules whose code reads a font's facts or cuts and obfuscates it: a change to them
# is a change to what the cache folder keeps for a font file.
FONT_CODE = (__name__, "exporter.fontfaces", "exporter.fontsubset")
EMBED_ELEMENTS = {
    (False, False): "embedRegular",
    (True, False): "embedBold",
    (False, True): "embedItalic",
    (True, True): "embedBoldItalic",
}
"""The font table's element for each face, by (bold, italic), in the schema's order."""
BOLD_WEIGHT = 600
FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
# Windows character sets (w:charset) of the CJK editions: Shift JIS, Hangul, GB 2312, Big5.
CHARSETS = {"ja": "80", "ko": "81", "zh": "86", "zh-Hant": "88"}
TRADITIONAL_CHINESE = ("hant", "tw", "hk", "mo")
ANSI_CHARSET = "00"
# PANOSE Latin text (family kind 2): proportion 9 is monospaced; serif styles 11 to 13 are
# sans serif (normal, obtuse, perpendicular); 2 to 10 are serifs.
PANOSE_LATIN_TEXT = 2
PANOSE_MONOSPACED = 9
PANOSE_SANS_SERIF = (11, 12, 13)
PANOSE_SCRIPT, PANOSE_DECORATIVE = 3, 4
EMPTY_PANOSE = "0" * 20
# Where the OpenType OS/2 and post tables keep what the font table says (OpenType 1.9,
# "OS/2 - OS/2 and Windows Metrics Table" and "post - PostScript Table"), besides the
# weight and slant (`exporter.fontfaces`): read with HarfBuzz, as the subsetting is.
OS2_PANOSE = 32  # 10 bytes
OS2_UNICODE_RANGES = 42  # ulUnicodeRange1 to 4, uint32 each
OS2_CODE_PAGES = 78  # ulCodePageRange1 and 2, uint32 each (table version 1 and later)
POST_FIXED_PITCH = 12  # isFixedPitch, uint32
TYPED_CHARACTERS = frozenset(
    (
        *range(0x20, 0x7F),  # ASCII, and the digits that page-number fields print
        *range(0xA0, 0x180),  # Latin-1 Supplement and Latin Extended-A: « » é ç ñ œ ß ő
        *(0x1A0, 0x1A1, 0x1AF, 0x1B0),  # Ơ ơ Ư ư
        *range(0x1EA0, 0x1EFA),  # the other Vietnamese letters
        *(0x300, 0x301, 0x302, 0x303, 0x309, 0x323),  # Vietnamese tone marks, typed apart
        *range(0x2010, 0x2028),  # dashes, typographic quotes, bullet, ellipsis
        *(0x2030, 0x2039, 0x203A, 0x20AC, 0x2122),  # ‰ ‹ › € ™
    )
)
"""What every subset keeps besides the document's characters: what translators into French,
Spanish, Vietnamese, Indonesian and other Latin-script languages type. Their translation
then shows in the bulletin's faces, and documents opened together in one LibreOffice
session, which keeps the first copy of a family it loads for all, agree."""


@dataclass(frozen=True, slots=True)
class FontDescription:
    """What a font table says of a family besides its name, read from one of its fonts."""

    panose: str
    """The PANOSE classification as 20 hex digits."""
    family: str
    """The family class: roman, swiss, modern, script, decorative or auto."""
    pitch: str
    """fixed or variable."""
    signature: dict[str, str]
    """The Unicode ranges and code pages it covers (OS/2), as w:sig attributes."""


@dataclass(frozen=True, slots=True)
class FontFacts:
    """What one font file says of itself: its family, face and description."""

    family: str
    """The typographic family name, else the family name."""
    bold: bool
    """True for a weight of 600 or more."""
    italic: bool
    """True for an italic face."""
    description: FontDescription
    """What the font table says of the family."""


@dataclass(frozen=True, slots=True)
class EmbeddedFace:
    """One face of a family, as embedded."""

    bold: bool
    """True for a bold face."""
    italic: bool
    """True for an italic face."""
    key: str
    """The GUID that obfuscates it, in braces."""
    data: bytes
    """The obfuscated font."""


def write_font_table(
    document: Any, context: RenderContext, sheet: StyleSheet, lang: str, embed: bool
) -> None:
    """Describe every family the styles name in the font table; embed the layout's faces.

    `embed` false leaves the fonts out and says nothing of embedding in the settings.
    """
    fonts = context.layout.fonts
    faces = _layout_faces((*context.layout.font_files(), *code_font_files(fonts)))
    edition_families = set(context.layout.fonts_for(lang).values())
    table = _FontTable(document, document_characters(document) if embed else set())
    used = used_families(document) if embed else set()
    for family in named_families(document.styles.element):
        entry = _font_entry(
            family,
            describe_family(family, faces.get(family, {})),
            sheet.fallbacks.get(family, ()),
            _charset(lang) if family in edition_families else ANSI_CHARSET,
        )
        if family in used:  # a family only an unused style names (code's) is not carried
            table.embed(entry, faces.get(family, {}))
        table.root.append(entry)
    table.save()


def named_families(styles: Any) -> list[str]:
    """Return the font families the styles name, in the order they are first named."""
    families: dict[str, None] = {}
    for fonts in styles.iter(qn("w:rFonts")):
        for slot in FONT_SLOTS:
            family = fonts.get(qn(f"w:{slot}"))
            if family:
                families.setdefault(family, None)
    return list(families)


def used_families(document: Any) -> set[str]:
    """Return the families the document sets text in: those of its default font, of the
    styles its parts name or that are defaults (with the styles those are based on), and
    its parts' own (list markers)."""
    styles = document.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iter(qn("w:style"))}
    waiting = [sid for sid, style in by_id.items() if style.get(qn("w:default")) in ("1", "true")]
    holders = list(styles.iter(qn("w:docDefaults")))
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart) and part.element is not styles:
            holders.append(part.element)
            for tag in STYLE_REFERENCES:
                waiting += [ref.get(qn("w:val")) for ref in part.element.iter(qn(tag))]
    seen: set[str] = set()
    while waiting:
        style_id = waiting.pop()
        style = by_id.get(style_id)
        if style is None or style_id in seen:
            continue
        seen.add(style_id)
        holders.append(style)
        based_on = style.find(qn("w:basedOn"))
        if based_on is not None:
            waiting.append(based_on.get(qn("w:val")))
    return {
        family
        for holder in holders
        for fonts in holder.iter(qn("w:rFonts"))
        for slot in FONT_SLOTS
        if (family := fonts.get(qn(f"w:{slot}")))
    }


def document_characters(document: Any) -> set[int]:
    """Return the characters the document prints: its text and its list markers.

    The texts are joined and their distinct characters taken in one go: a character at a
    time through a generator was most of this function's time.
    """
    texts: list[str] = []
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            texts.extend(text.text or "" for text in part.element.iter(qn("w:t")))
            markers = part.element.iter(qn("w:lvlText"))
            texts.extend(marker.get(qn("w:val"), "") for marker in markers)
    return set(map(ord, set("".join(texts))))


def obfuscate(data: bytes, key: str) -> bytes:
    """Return a font obfuscated with a GUID key (ECMA-376 Part 1, §17.8.1), or clear again.

    The key's 16 bytes, read from its hex digits last to first, are XORed over the
    font's first 32 bytes, twice in a row; doing it again undoes it.
    """
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = data[:OBFUSCATED_LENGTH]
    head = bytes(byte ^ mask[index % len(mask)] for index, byte in enumerate(head))
    return head + data[OBFUSCATED_LENGTH:]


def describe_family(family: str, faces: dict[tuple[bool, bool], Path]) -> FontDescription | None:
    """Return the description of a family from its regular face: the layout's, else the
    system's (fontconfig); None when neither has it."""
    if faces:
        path = faces.get((False, False)) or next(iter(sorted(faces.values())))
        return read_font(path).description
    installed = installed_faces(family).get((400, "normal"))
    if installed is None:
        return None
    return read_font(installed.path, installed.index).description


class _FontTable:
    """The font table part being written, and the font parts it relates to."""

    def __init__(self, document: Any, printed: set[int]) -> None:
        self.document = document
        self.part = _font_table_part(document)
        for relationship_id in [r for r, rel in self.part.rels.items() if rel.reltype == RT.FONT]:
            del self.part.rels[relationship_id]
        self.root = parse_xml(f"<w:fonts {nsdecls('w', 'r')}/>")
        self.keep = frozenset(printed | TYPED_CHARACTERS)
        self.embedded = 0

    def embed(self, entry: Any, faces: dict[tuple[bool, bool], Path]) -> None:
        """Embed a family's faces, each related from its w:embedRegular (Bold, ...)."""
        for (bold, italic), element_name in EMBED_ELEMENTS.items():
            path = faces.get((bold, italic))
            face = None if path is None else _embedded_face(path, bold, italic, self.keep)
            if face is None:
                continue
            self.embedded += 1
            font_part = Part(
                PackURI(FONT_PART_NAME.format(number=self.embedded)),
                OBFUSCATED_FONT,
                face.data,
                self.document.part.package,
            )
            embedded = ooxml.element(f"w:{element_name}", fontKey=face.key)
            embedded.set(qn("r:id"), self.part.relate_to(font_part, RT.FONT))
            embedded.set(qn("w:subsetted"), "1")
            entry.append(embedded)

    def save(self) -> None:
        """Write the table into its part, and the embedding into the settings."""
        # The part is plain bytes to python-docx, which has no class for the font table.
        self.part._blob = etree.tostring(
            self.root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        settings = self.document.settings.element
        ooxml.set_setting(settings, "embedTrueTypeFonts", self.embedded > 0)
        ooxml.set_setting(settings, "saveSubsetFonts", self.embedded > 0)


def _layout_faces(files: tuple[Path, ...]) -> dict[str, dict[tuple[bool, bool], Path]]:
    """Return the layout's font files by family and (bold, italic)."""
    faces: dict[str, dict[tuple[bool, bool], Path]] = {}
    for path in files:
        facts = read_font(path)
        faces.setdefault(facts.family, {}).setdefault((facts.bold, facts.italic), path)
    return faces


def _font_table_part(document: Any) -> Any:
    """Return the document's font table part, made if the template has none."""
    for relationship in document.part.rels.values():
        if relationship.reltype == RT.FONT_TABLE and not relationship.is_external:
            return relationship.target_part
    part = Part(
        PackURI("/word/fontTable.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
        b"",
        document.part.package,
    )
    document.part.relate_to(part, RT.FONT_TABLE)
    return part


def _font_entry(
    family: str, description: FontDescription | None, fallbacks: Iterable[str], charset: str
) -> Any:
    """Return the w:font of a family, its children in the schema's order (CT_Font)."""
    entry = ooxml.element("w:font")
    entry.set(qn("w:name"), family)
    others = ", ".join(name for name in fallbacks if name != family)
    if others:
        entry.append(ooxml.element("w:altName", val=others))
    if description is None:
        entry.append(ooxml.element("w:charset", val=charset))
        entry.append(ooxml.element("w:family", val="auto"))
        entry.append(ooxml.element("w:pitch", val="default"))
        return entry
    if description.panose != EMPTY_PANOSE:
        entry.append(ooxml.element("w:panose1", val=description.panose))
    entry.append(ooxml.element("w:charset", val=charset))
    entry.append(ooxml.element("w:family", val=description.family))
    entry.append(ooxml.element("w:pitch", val=description.pitch))
    entry.append(ooxml.element("w:sig", **description.signature))
    return entry


def _charset(lang: str) -> str:
    """Return the Windows character set of an edition's East Asian families."""
    prefix = language_prefix(lang)
    if prefix == "zh" and any(part in TRADITIONAL_CHINESE for part in lang.lower().split("-")):
        return CHARSETS["zh-Hant"]
    return CHARSETS.get(prefix, ANSI_CHARSET)


@functools.lru_cache(maxsize=32)
def read_font(path: Path, index: int = 0) -> FontFacts:
    """Return what a font (face `index` of a collection) says of its family and face."""

    def read() -> bytes:
        return json.dumps(asdict(_read_font(path, index))).encode()

    kept = json.loads(fontcache.kept("docx-font-facts", path, (str(index),), FONT_CODE, read))
    return FontFacts(**{**kept, "description": FontDescription(**kept["description"])})


def _read_font(path: Path, index: int) -> FontFacts:
    """Return what a font says of its family and face, read with HarfBuzz."""
    from exporter.fontfaces import (
        OS2_SELECTION,
        OS2_WEIGHT_CLASS,
        family_name,
        open_face,
        table,
        uint16,
        uint32,
    )

    face = open_face(path, index)
    os2 = table(face, "OS/2")
    post = table(face, "post")
    panose = os2[OS2_PANOSE : OS2_PANOSE + 10].ljust(10, b"\0")
    kind, serif_style, proportion = panose[0], panose[1], panose[3]
    fixed = bool(uint32(post, POST_FIXED_PITCH)) or (
        kind == PANOSE_LATIN_TEXT and proportion == PANOSE_MONOSPACED
    )
    signature = {
        **{f"usb{n}": uint32(os2, OS2_UNICODE_RANGES + 4 * n) for n in range(4)},
        **{f"csb{n}": uint32(os2, OS2_CODE_PAGES + 4 * n) for n in range(2)},
    }
    return FontFacts(
        family=family_name(face, path),
        bold=uint16(os2, OS2_WEIGHT_CLASS) >= BOLD_WEIGHT,
        italic=bool(uint16(os2, OS2_SELECTION) & 1),
        description=FontDescription(
            panose=panose.hex().upper(),
            family=_family_class(kind, serif_style, fixed),
            pitch="fixed" if fixed else "variable",
            signature={name: f"{value:08X}" for name, value in signature.items()},
        ),
    )


def _family_class(kind: int, serif_style: int, fixed: bool) -> str:
    """Return Word's family class (w:family) from a font's PANOSE digits."""
    if kind == PANOSE_SCRIPT:
        return "script"
    if kind == PANOSE_DECORATIVE:
        return "decorative"
    if kind != PANOSE_LATIN_TEXT:
        return "auto"
    if fixed:
        return "modern"
    return "swiss" if serif_style in PANOSE_SANS_SERIF else "roman"


def _embedded_face(
    path: Path, bold: bool, italic: bool, keep: frozenset[int]
) -> EmbeddedFace | None:
    """Return a face subset to the characters to keep and obfuscated; None when Word could
    not embed it (an OpenType font with PostScript outlines).

    The face is kept so in the cache folder, for the characters it has of those to keep:
    most documents of a layout keep the same ones.
    """
    if not _has_truetype_outlines(path):
        log.warning("the DOCX leaves out font %s: Word embeds TrueType outlines only", path.name)
        return None
    # HarfBuzz cuts a font to the characters it has, the others asked for or not.
    shown = array("I", sorted(keep & font_coverage(path))).tobytes()

    def cut() -> bytes:
        import uuid  # on use: a face kept in the cache folder has its key

        from exporter.fontsubset import subset_font

        subset = subset_font(_font_data(path), array("I", shown))
        # The key follows from the bytes, so that the same document gets the same file.
        digest = hashlib.sha256(subset).hexdigest()
        name = f"{bold}/{italic}/{digest}"
        key = "{" + str(uuid.uuid5(uuid.UUID(FONT_KEY_NAMESPACE), name)).upper() + "}"
        return key.encode("ascii") + b"\n" + obfuscate(subset, key)

    parts = (str(bold), str(italic), hashlib.sha256(shown).hexdigest())
    key, _, obfuscated = fontcache.kept("docx-font", path, parts, FONT_CODE, cut).partition(b"\n")
    return EmbeddedFace(bold, italic, key.decode("ascii"), obfuscated)


@functools.lru_cache(maxsize=32)
def _has_truetype_outlines(path: Path) -> bool:
    """Return whether a font file has TrueType outlines (its first 4 bytes, read once a process)."""
    with path.open("rb") as stream:
        return stream.read(4) in (b"\x00\x01\x00\x00", b"true")


@functools.lru_cache(maxsize=16)
def _font_data(path: Path) -> bytes:
    """Return a font file's bytes (read once a process: every document embeds them)."""
    return path.read_bytes()
