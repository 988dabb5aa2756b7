"""Hand-written WordprocessingML for what python-docx has no API for.

python-docx 1.2 cannot write footnotes, list numbering definitions, hyperlinks,
fields, paragraph borders and shading, outline levels or the document language,
so the DOCX writer builds those elements here, in the order the OOXML schema
(ECMA-376 part 1) requires: Word refuses a file whose children are out of order.
"""

from __future__ import annotations

import re
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement, parse_xml
from lxml import etree

# Python-docx elements are lxml elements with extra methods; lxml-stubs cannot see them.
Element = Any

PPR_ORDER = (  # noqa: SIM905 - a long sequence of names reads best as one string
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (  # noqa: SIM905 - a long sequence of names reads best as one string
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
    "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
    "specVanish oMath"
).split()
SETTINGS_BEFORE_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids")
SETTINGS_ORDER = (  # noqa: SIM905 - a long sequence of names reads best as one string
    "writeProtection view zoom removePersonalInformation removeDateAndTime "
    "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
    "printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts "
    "saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
    "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge "
    "revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection "
    "autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation "
    "consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength "
    "clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting "
    "bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing "
    "drawingGridVerticalSpacing displayHorizontalDrawingGridEvery "
    "displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin "
    "drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData "
    "noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars "
    "noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema "
    "saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml "
    "saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
    "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat "
    "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping "
    "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
    "decimalSymbol listSeparator"
).split()
"""The children of w:settings in the order of the schema (CT_Settings)."""
THEME_FONT_SLOTS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
EAST_ASIAN_LANGUAGES = ("ja", "ko", "zh")
CUSTOM_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
RIGHT_TO_LEFT_LANGUAGES = ("ar", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi")


def _set_child(parent: Element, child: Element, order: list[str]) -> Element:
    """Put `child` into `parent` where the schema order wants it, replacing one of its kind."""
    name = child.tag.split("}")[1]
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    later = order[order.index(name) + 1 :]
    for index, existing in enumerate(parent):
        if existing.tag.split("}")[-1] in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _element(tag: str, **attributes: str) -> Element:
    """Return a new w: element with w: attributes."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def element(tag: str, **attributes: str) -> Element:
    """Return a new w: element with w: attributes (`element("w:sz", val="20")`)."""
    return _element(tag, **attributes)


def set_fonts(rpr: Element, family: str, east_asia: str = "") -> None:
    """Set the fonts of a run or style, dropping theme fonts that would win.

    `family` serves Latin and complex-script text; `east_asia`, when given, Chinese,
    Japanese and Korean text (Word's w:eastAsia slot), else the Latin family does.
    """
    slots = {"ascii": family, "hAnsi": family, "cs": family}
    if east_asia:
        slots["eastAsia"] = east_asia
    _set_child(rpr, _element("w:rFonts", **slots), RPR_ORDER)


def set_default_fonts(styles: Element, family: str, east_asia: str = "") -> None:
    """Make `family` the document's default font, and drop the theme fonts of every style.

    python-docx's template sets its defaults and some built-in styles (Heading 4 to 9,
    Intense Quote, ...) in the theme's Calibri and Cambria through w:asciiTheme and kin,
    which win over named fonts: without them every style inherits the layout's fonts.
    """
    for fonts in styles.iter(qn("w:rFonts")):
        for slot in THEME_FONT_SLOTS:
            fonts.attrib.pop(qn(f"w:{slot}"), None)
        if not len(fonts.attrib):
            fonts.getparent().remove(fonts)
    rpr = _default_run_properties(styles)
    set_fonts(rpr, family, east_asia=east_asia)


def set_theme_language(settings: Element, lang: str) -> None:
    """Name the document's language as the one Word picks theme fonts for.

    Only the slot of the language's script gets it (w:eastAsia for Chinese, Japanese
    and Korean, w:bidi for right-to-left scripts), as in `set_language`.
    """
    _set_child(settings, _element("w:themeFontLang", **_language_slots(lang)), SETTINGS_ORDER)


def _language_slots(lang: str) -> dict[str, str]:
    """Return the w:lang attributes of a language: w:val, and its script's own slot."""
    primary = lang.split("-")[0].lower()
    slots = {"val": lang}
    if primary in EAST_ASIAN_LANGUAGES:
        slots["eastAsia"] = lang
    if primary in RIGHT_TO_LEFT_LANGUAGES:
        slots["bidi"] = lang
    return slots


def set_setting(settings: Element, name: str, on: bool = True) -> None:
    """Switch an on/off setting of the document (w:embedTrueTypeFonts, ...) on or off."""
    if on:
        _set_child(settings, _element(f"w:{name}"), SETTINGS_ORDER)
    else:
        for old in settings.findall(qn(f"w:{name}")):
            settings.remove(old)


def set_shading(ppr: Element, fill: str) -> None:
    """Give a paragraph (or paragraph style) a solid background colour (hex without '#')."""
    _set_child(ppr, _element("w:shd", val="clear", color="auto", fill=fill), PPR_ORDER)


def set_borders(ppr: Element, sides: tuple[str, ...], colour: str) -> None:
    """Draw a thin rule on the given sides (top, left, bottom, right) of a paragraph."""
    borders = _element("w:pBdr")
    for side in ("top", "left", "bottom", "right", "between"):
        if side in sides:
            borders.append(_element(f"w:{side}", val="single", sz="6", space="4", color=colour))
    _set_child(ppr, borders, PPR_ORDER)


def set_keep_with_next(ppr: Element) -> None:
    """Keep the paragraph on the page of the one that follows it (a table's caption)."""
    _set_child(ppr, _element("w:keepNext"), PPR_ORDER)


def set_outline_level(ppr: Element, level: int) -> None:
    """Set the outline level (0 for Heading 1) that Word's navigation pane shows."""
    _set_child(ppr, _element("w:outlineLvl", val=str(level)), PPR_ORDER)


def set_numbering(ppr: Element, num_id: int, level: int) -> None:
    """Attach a paragraph to a list: its numbering instance and nesting level."""
    numbering = _element("w:numPr")
    numbering.append(_element("w:ilvl", val=str(level)))
    numbering.append(_element("w:numId", val=str(num_id)))
    _set_child(ppr, numbering, PPR_ORDER)


def _default_run_properties(styles: Element) -> Element:
    """Return the w:rPr of the style defaults (w:docDefaults/w:rPrDefault), made if missing."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    return rpr


def set_language(styles: Element, lang: str) -> None:
    """Set the document language in the style defaults, in the slots the script needs."""
    rpr = _default_run_properties(styles)
    # Word reads w:val for Latin text, w:eastAsia for CJK runs and w:bidi for Arabic or
    # Hebrew runs; only the slot of the article's own script gets its language, so that
    # spelling tools do not check an English article's Korean names as English.
    _set_child(rpr, _element("w:lang", **_language_slots(lang)), RPR_ORDER)
    if lang.split("-")[0].lower() in EAST_ASIAN_LANGUAGES:
        _upright_styles(styles)


def _upright_styles(styles: Element) -> None:
    """Set the italic styles (summary, bio, quote) upright: CJK fonts have no italics.

    Word would slant CJK text by machine, as the PDF and EPUB of the edition do not.
    """
    for italic in styles.iterfind(f"{qn('w:style')}/{qn('w:rPr')}/{qn('w:i')}"):
        italic.set(qn("w:val"), "0")


def run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    style_id: str = "",
    lang: str = "",
    vertical: str = "",
) -> Element:
    """Return a run of text with optional character style, bold, italic, language and
    vertical alignment ("superscript", "subscript")."""
    element = OxmlElement("w:r")
    properties = run_properties(
        bold=bold, italic=italic, style_id=style_id, lang=lang, vertical=vertical
    )
    if properties is not None:
        element.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    if text != text.strip():
        text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.append(text_element)
    return element


def run_properties(
    *, bold: bool, italic: bool, style_id: str, lang: str = "", vertical: str = ""
) -> Element | None:
    """Return the w:rPr of a run, or None when it has no formatting."""
    if not (bold or italic or style_id or lang or vertical):
        return None
    properties = OxmlElement("w:rPr")
    if style_id:
        properties.append(_element("w:rStyle", val=style_id))
    if bold:
        properties.append(OxmlElement("w:b"))
    if italic:
        properties.append(OxmlElement("w:i"))
    if vertical:
        properties.append(_element("w:vertAlign", val=vertical))
    if lang:
        # A passage in another language: the tag goes in every slot, so that Word's
        # spelling and a CAT tool see it whatever script the passage is written in.
        properties.append(_element("w:lang", val=lang, eastAsia=lang, bidi=lang))
    return properties


def special_run(tag: str, style_id: str = "", **attributes: str) -> Element:
    """Return a run holding one special element: w:br, w:tab, w:footnoteReference, ..."""
    element = OxmlElement("w:r")
    properties = run_properties(bold=False, italic=False, style_id=style_id)
    if properties is not None:
        element.append(properties)
    element.append(_element(tag, **attributes))
    return element


def hyperlink(part: Any, url: str, tooltip: str = "") -> Element:
    """Return an empty w:hyperlink to an external URL, related from the story's `part`."""
    relationship_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    element = _element("w:hyperlink", history="1")
    element.set(qn("r:id"), relationship_id)
    if tooltip:
        element.set(qn("w:tooltip"), tooltip)
    return element


def internal_hyperlink(bookmark: str, tooltip: str = "") -> Element:
    """Return an empty w:hyperlink to a bookmark of the document."""
    element = _element("w:hyperlink", anchor=bookmark, history="1")
    if tooltip:
        element.set(qn("w:tooltip"), tooltip)
    return element


def bookmark(number: int, name: str) -> tuple[Element, Element]:
    """Return the start and end of an empty bookmark: a place an internal link points at."""
    return (
        _element("w:bookmarkStart", id=str(number), name=name),
        _element("w:bookmarkEnd", id=str(number)),
    )


ROW_PROPERTIES = ["cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"]


def set_row(row: Element, *, header: bool) -> None:
    """Keep a table row on one page; a header row repeats at the top of each page."""
    properties = row.get_or_add_trPr()
    _set_child(properties, OxmlElement("w:cantSplit"), ROW_PROPERTIES)
    if header:
        _set_child(properties, OxmlElement("w:tblHeader"), ROW_PROPERTIES)


def shade_cell(cell: Element, fill: str) -> None:
    """Fill a table cell with a colour."""
    properties = cell.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    properties.append(_element("w:shd", val="clear", color="auto", fill=fill))


def table_style(style: Element, border: str, header_fill: str, header_colour: str) -> None:
    """Give a table style horizontal rules in `border` and a header row on `header_fill`.

    python-docx creates table styles but cannot set their borders nor the conditional
    formatting of the first row (w:tblStylePr), so both are written here.
    """
    rule = {"val": "single", "sz": "4", "space": "0", "color": border}
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        borders.append(_element(f"w:{side}", **rule))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w="85", type="dxa"))
    table_properties = OxmlElement("w:tblPr")
    table_properties.append(borders)
    table_properties.append(margins)
    first_row = _element("w:tblStylePr", type="firstRow")
    run_properties_element = OxmlElement("w:rPr")
    run_properties_element.append(OxmlElement("w:b"))
    run_properties_element.append(_element("w:color", val=header_colour))
    first_row.append(run_properties_element)
    cell_properties = OxmlElement("w:tcPr")
    cell_properties.append(_element("w:shd", val="clear", color="auto", fill=header_fill))
    first_row.append(cell_properties)
    for old in style.findall(qn("w:tblPr")):
        style.remove(old)
    style.append(table_properties)
    style.append(first_row)


def page_field(style_id: str = "") -> Element:
    """Return a PAGE field that Word and LibreOffice fill with the current page number."""
    field = _element("w:fldSimple", instr=" PAGE ")
    field.append(run("1", style_id=style_id))
    return field


def do_not_stretch_lines_before_breaks(settings: Element) -> None:
    """Stop justified text from spreading a line that ends in a model line break."""
    compat = settings.find(qn("w:compat"))
    if compat is None:
        return
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # The flag precedes every other child of w:compat that the template holds.
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


class Footnotes:
    """The footnotes part: the separators Word needs, then one w:footnote per note."""

    def __init__(self, document_part: Any) -> None:
        blob = (
            f"<w:footnotes {nsdecls('w', 'r')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
            "</w:footnotes>"
        )
        self.part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            parse_xml(blob),
            document_part.package,
        )
        document_part.relate_to(self.part, RT.FOOTNOTES)
        self.count = 0
        _declare_separators(document_part.settings.element)

    def add(self) -> tuple[int, Element]:
        """Add an empty footnote; return its id (also its printed number) and element."""
        self.count += 1
        footnote = _element("w:footnote", id=str(self.count))
        self.part.element.append(footnote)
        return self.count, footnote


def _declare_separators(settings: Element) -> None:
    """List the separator footnotes in the settings, as Word itself writes them."""
    declaration = _element("w:footnotePr")
    declaration.append(_element("w:footnote", id="-1"))
    declaration.append(_element("w:footnote", id="0"))
    for index, existing in enumerate(settings):
        if existing.tag.split("}")[-1] in SETTINGS_BEFORE_FOOTNOTE_PR:
            settings.insert(index, declaration)
            return
    # A settings part without any of those children: the end is also a valid place.
    settings.append(declaration)


class Numbering:
    """List definitions: one abstract definition and one instance per list, so each restarts."""

    def __init__(self, numbering: Element, bullets: tuple[str, ...], indent: int, hanging: int):
        self.element = numbering
        self.bullets = bullets
        self.indent = indent
        self.hanging = hanging
        ids = [int(n) for n in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        self.next_abstract_id = max(ids, default=-1) + 1
        nums = [int(n) for n in numbering.xpath("./w:num/@w:numId")]
        self.next_num_id = max(nums, default=0) + 1

    def add_list(self, ordered: bool, start: int, level: int) -> int:
        """Define a new list whose items sit at `level`; return its w:numId."""
        abstract_id = self.next_abstract_id
        self.next_abstract_id += 1
        abstract = _element("w:abstractNum", abstractNumId=str(abstract_id))
        # A fixed nsid derived from the id keeps the output stable from run to run.
        abstract.append(_element("w:nsid", val=f"{0x5EED0000 + abstract_id:08X}"))
        abstract.append(_element("w:multiLevelType", val="hybridMultilevel"))
        for lvl in range(9):
            abstract.append(self._level(lvl, ordered, start))
        # Every w:abstractNum must come before the first w:num.
        first_num = self.element.find(qn("w:num"))
        if first_num is None:
            self.element.append(abstract)
        else:
            first_num.addprevious(abstract)
        num_id = self.next_num_id
        self.next_num_id += 1
        num = _element("w:num", numId=str(num_id))
        num.append(_element("w:abstractNumId", val=str(abstract_id)))
        # Word counts on across instances of one definition unless told to restart.
        override = _element("w:lvlOverride", ilvl=str(level))
        override.append(_element("w:startOverride", val=str(start)))
        num.append(override)
        self.element.append(num)
        return num_id

    def _level(self, lvl: int, ordered: bool, start: int) -> Element:
        level = _element("w:lvl", ilvl=str(lvl))
        level.append(_element("w:start", val=str(start)))
        if ordered:
            level.append(_element("w:numFmt", val="decimal"))
            level.append(_element("w:lvlText", val=f"%{lvl + 1}."))
        else:
            level.append(_element("w:numFmt", val="bullet"))
            level.append(_element("w:lvlText", val=self.bullets[lvl % len(self.bullets)]))
        level.append(_element("w:lvlJc", val="left"))
        paragraph = _element("w:pPr")
        left = self.indent * (lvl + 1) + self.hanging
        paragraph.append(_element("w:ind", left=str(left), hanging=str(self.hanging)))
        level.append(paragraph)
        return level

    def item_indent(self, level: int) -> int:
        """Return the text indent (twips) of items at `level`, for their later paragraphs."""
        return int(self.indent * (level + 1) + self.hanging)


def custom_properties(package: Any, properties: dict[str, str]) -> None:
    """Add docProps/custom.xml with text properties that word processors keep on saving."""
    rows = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{_escape(name, quote=True)}"><vt:lpwstr>{_escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_PROPERTIES_NS}" xmlns:vt="{VT_NS}">{rows}</Properties>'
    ).encode()
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _escape(text: str, quote: bool = False) -> str:
    """Return `text` escaped for XML character data, or for a double-quoted attribute."""
    # Not xml.sax.saxutils.escape, which loads urllib.request (and with it http and ssl).
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def merge_styles(ours: Element, reference: Element) -> None:
    """Give our styles the reference document's definitions, matched by style name.

    A style both documents have keeps our id (the document refers to it) and takes the
    reference's formatting; a style only the reference has is added; the reference's
    document defaults replace ours. Ids are matched through names because a word
    processor that re-saves a document may rename them (LibreOffice writes
    "Footnote Text" as "Footnote").
    """
    our_ids = {(_kind(s), _style_name(s)): s.get(qn("w:styleId")) for s in _styles(ours)}
    taken = {s.get(qn("w:styleId")) for s in _styles(ours)}
    new_ids: dict[str, str] = {}
    for style in _styles(reference):
        ref_id = style.get(qn("w:styleId"), "")
        mine = our_ids.get((_kind(style), _style_name(style)))
        # Two reference styles may differ only in case ("Caption", "caption"): first wins.
        if mine is None or mine in new_ids.values():
            mine = ref_id
            while mine in taken:
                mine += "Ref"
            taken.add(mine)
        new_ids[ref_id] = mine
    by_id = {s.get(qn("w:styleId")): s for s in _styles(ours)}
    for style in _styles(reference):
        copy = parse_xml(etree.tostring(style))
        copy.set(qn("w:styleId"), new_ids[style.get(qn("w:styleId"), "")])
        for link in copy.xpath("./w:basedOn | ./w:next | ./w:link"):
            link.set(qn("w:val"), new_ids.get(link.get(qn("w:val")), link.get(qn("w:val"))))
        existing = by_id.get(copy.get(qn("w:styleId")))
        if existing is None:
            ours.append(copy)
        else:
            existing.getparent().replace(existing, copy)
    defaults = reference.find(qn("w:docDefaults"))
    if defaults is not None:
        mine_defaults = ours.find(qn("w:docDefaults"))
        copy = parse_xml(etree.tostring(defaults))
        if mine_defaults is None:
            ours.insert(0, copy)
        else:
            ours.replace(mine_defaults, copy)


def _styles(root: Element) -> list[Element]:
    return list(root.iterfind(qn("w:style")))


def _kind(style: Element) -> str:
    return str(style.get(qn("w:type"), "paragraph"))


def _style_name(style: Element) -> str:
    """Return a style's name as matched: case and punctuation ignored ("heading 2")."""
    name = style.find(qn("w:name"))
    shown = name.get(qn("w:val"), "") if name is not None else style.get(qn("w:styleId"), "")
    return re.sub(r"[^0-9a-z]", "", str(shown).lower())
