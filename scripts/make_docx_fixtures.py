"""Make the small DOCX files of tests/fixtures/docx-made/, one per feature of Word manuscripts.

Each is made with python-docx, plus raw WordprocessingML where python-docx has no API
(text boxes, mc:AlternateContent, content controls, fields, tracked changes, notes,
drop caps, equations, bookmarks), and one with LibreOffice from HTML. Run it again to
remake them: `python scripts/make_docx_fixtures.py`.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "docx-made"
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """Return a small PNG of one colour."""
    row = b"\x00" + bytes(colour) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def xml(fragment: str) -> object:
    """Return a WordprocessingML element parsed from a fragment with the usual prefixes."""
    tag_end = fragment.index(">")
    if fragment[tag_end - 1] == "/":
        tag_end -= 1
    return parse_xml(fragment[:tag_end] + " " + NAMESPACES + fragment[tag_end:])


def body_append(document: docx.document.Document, fragment: str) -> None:
    """Append a raw block (w:p, w:tbl, w:sdt) to the body, before the section properties."""
    body = document.element.body
    body.insert(len(body) - 1, xml(fragment))


def run(text: str, properties: str = "") -> str:
    """Return a w:r with text and optional run properties."""
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def paragraph(content: str, style: str = "", properties: str = "") -> str:
    """Return a w:p of raw content, with a style."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr = f"<w:pPr>{ppr}{properties}</w:pPr>" if ppr or properties else ""
    return f"<w:p>{ppr}{content}</w:p>"


def save(
    document: docx.document.Document, name: str, parts: dict[str, bytes] | None = None
) -> None:
    """Save a document, adding raw parts (notes, comments) with their relationships."""
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if parts:
        data = add_parts(data, parts)
    (OUT / name).write_bytes(data)


PART_TYPES = {
    "word/footnotes.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        RELATIONSHIP + "/footnotes",
    ),
    "word/endnotes.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
        RELATIONSHIP + "/endnotes",
    ),
    "word/comments.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        RELATIONSHIP + "/comments",
    ),
}


def add_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """Return a DOCX with more parts, related from the main document."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/{name}" ContentType="{PART_TYPES[name][0]}"/>'
                    for name in parts
                    if name in PART_TYPES
                )
                extensions = '<Default Extension="png" ContentType="image/png"/>'
                if b'Extension="png"' in content:
                    extensions = ""
                content = content.replace(
                    b"</Types>", (overrides + extensions + "</Types>").encode()
                )
            elif item.filename == "word/_rels/document.xml.rels":
                relations = "".join(
                    f'<Relationship Id="rIdMade{index}" Type="{PART_TYPES[name][1]}" '
                    f'Target="{name.removeprefix("word/")}"/>'
                    for index, name in enumerate(parts)
                    if name in PART_TYPES
                )
                content = content.replace(
                    b"</Relationships>", (relations + "</Relationships>").encode()
                )
            target.writestr(item, content)
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def notes_part(kind: str, notes: dict[str, str]) -> bytes:
    """Return a footnotes or endnotes part holding raw notes by id."""
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
    )
    body = "".join(
        f'<w:{kind} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
        f"{content}</w:p></w:{kind}>"
        for note_id, content in notes.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {NAMESPACES}>'
        f"{separators}{body}</w:{kind}s>"
    ).encode()


def image_part(document: docx.document.Document, data: bytes) -> str:
    """Add a picture part to the document and return its relationship id."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    number = len(document.part.rels) + 1
    part = Part(PackURI(f"/word/media/made{number}.png"), "image/png", data)
    return str(document.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE))


def inline_picture(rel_id: str, descr: str, number: int) -> str:
    """Return a run holding an inline DrawingML picture."""
    description = f' descr="{descr}"' if descr else ""
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="457200" cy="457200"/>'
        f'<wp:docPr id="{number}" name="Picture {number}"{description}/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="p{number}.png"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rel_id}"/></pic:blipFill>'
        "<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def text_box(text: str) -> str:
    """Return a run holding a text box as Word writes it: a DrawingML shape, a VML fallback."""
    inner = f"<w:txbxContent>{paragraph(run(text))}</w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<wp:docPr id="90" name="Text Box 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
        f"<v:textbox>{inner}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def make_pictures() -> None:
    """A paragraph holding a picture keeps its words; pictures with and without alt text."""
    document = docx.Document()
    document.core_properties.title = "Pictures in the text"
    first = image_part(document, png(8, 8, (200, 30, 30)))
    second = image_part(document, png(6, 4, (30, 30, 200)))
    body_append(
        document,
        paragraph(
            run("This picture ")
            + inline_picture(first, "A red identicon", 1)
            + run(" is an identicon.")
        ),
    )
    body_append(document, paragraph(inline_picture(second, "", 2)))
    body_append(
        document,
        paragraph(
            run("An old picture: ")
            + f'<w:r><w:pict><v:shape alt="A blue square"><v:imagedata r:id="{second}" '
            'o:title=""/></v:shape></w:pict></w:r>' + run(" in VML.")
        ),
    )
    body_append(document, paragraph(run("Figure 2: the square again"), "Caption"))
    save(document, "pictures.docx")


def make_text_boxes() -> None:
    """Text in text boxes, shapes, frames and content controls, once each, in place."""
    document = docx.Document()
    document.core_properties.title = "Boxes and controls"
    body_append(document, paragraph(run("Before the box.") + text_box("Inside the text box.")))
    body_append(
        document, paragraph(run("A framed paragraph."), properties='<w:framePr w:w="3000"/>')
    )
    body_append(
        document,
        '<w:sdt><w:sdtPr><w:alias w:val="Summary"/></w:sdtPr><w:sdtContent>'
        + paragraph(run("A block content control."))
        + "</w:sdtContent></w:sdt>",
    )
    body_append(
        document,
        paragraph(
            run("A run ")
            + "<w:sdt><w:sdtPr/><w:sdtContent>"
            + run("content control")
            + "</w:sdtContent></w:sdt>"
            + run(" inside.")
        ),
    )
    body_append(
        document,
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:sdt><w:sdtPr/>"
        "<w:sdtContent><w:tc>"
        + paragraph(run("Body copy"))
        + "</w:tc></w:sdtContent></w:sdt><w:tc>"
        + paragraph(run("Plain cell"))
        + "</w:tc></w:tr><w:tr><w:tc>"
        + paragraph(run("Second row"))
        + "</w:tc><w:tc>"
        + paragraph(run("Last cell"))
        + "</w:tc></w:tr></w:tbl>",
    )
    body_append(
        document,
        paragraph(run("D"), properties='<w:framePr w:dropCap="drop" w:lines="3"/>'),
    )
    body_append(document, paragraph(run("rop cap.")))
    save(document, "boxes.docx")


def make_fields_and_links() -> None:
    """Links with fragments, HYPERLINK fields, internal links to bookmarks, other fields."""
    document = docx.Document()
    document.core_properties.title = "Fields and links"
    external = document.part.relate_to(
        "https://example.org/README.html", RELATIONSHIP + "/hyperlink", is_external=True
    )
    body_append(
        document,
        paragraph(
            run("See ")
            + f'<w:hyperlink r:id="{external}" w:anchor="synopsis">{run("the synopsis")}'
            "</w:hyperlink>"
            + run(" and ")
            + '<w:fldSimple w:instr=" HYPERLINK &quot;https://example.org/simple&quot; ">'
            + run("a simple field")
            + "</w:fldSimple>"
            + run(" and ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/complex" '
            "</w:instrText></w:r>"
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + run("a complex field")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            + run(".")
        ),
    )
    body_append(
        document,
        paragraph(
            run("Jump to ")
            + f'<w:hyperlink w:anchor="Method">{run("the method")}</w:hyperlink>'
            + run(", to ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> HYPERLINK \\l "_Toc1" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + run("the results")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            + run(", and to ")
            + f'<w:hyperlink w:anchor="Nowhere">{run("a lost place")}</w:hyperlink>'
            + run(". Page ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + run("7")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            + run(", see ")
            + '<w:fldSimple w:instr=" REF Method \\h ">'
            + run("Method")
            + "</w:fldSimple>"
            + run(".")
        ),
    )
    body_append(
        document,
        paragraph(
            '<w:bookmarkStart w:id="1" w:name="Method"/>'
            + run("Method")
            + '<w:bookmarkEnd w:id="1"/>',
            "Heading2",
        ),
    )
    body_append(
        document,
        paragraph(
            '<w:bookmarkStart w:id="2" w:name="_Toc1"/><w:bookmarkStart w:id="3" '
            'w:name="_GoBack"/><w:bookmarkStart w:id="4" w:name="_Toc2"/>'
            + run("Results")
            + '<w:bookmarkEnd w:id="2"/>',
            "Heading2",
        ),
    )
    body_append(document, paragraph(run("The results are in.")))
    save(document, "fields.docx")


def make_tracked_changes_and_comments() -> None:
    """Tracked changes read as accepted; comments left out with their count."""
    document = docx.Document()
    document.core_properties.title = "Changes"
    change = 'w:id="{}" w:author="Ed" w:date="2024-01-01T00:00:00Z"'
    body_append(
        document,
        paragraph(
            run("Kept ")
            + f"<w:ins {change.format(1)}>{run('inserted ')}</w:ins>"
            + f"<w:del {change.format(2)}><w:r><w:delText>deleted </w:delText></w:r></w:del>"
            + f"<w:moveFrom {change.format(3)}>{run('moved ')}</w:moveFrom>"
            + run("words ")
            + f"<w:moveTo {change.format(4)}>{run('moved ')}</w:moveTo>"
            + '<w:commentRangeStart w:id="0"/>'
            + run("here.")
            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
            + '<w:r><w:commentReference w:id="1"/></w:r>'
        ),
    )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:comments {NAMESPACES}>'
        '<w:comment w:id="0" w:author="Ed"><w:p>' + run("A remark.") + "</w:p></w:comment>"
        '<w:comment w:id="1" w:author="Ed"><w:p>' + run("Another.") + "</w:p></w:comment>"
        "</w:comments>"
    ).encode()
    save(document, "changes.docx", {"word/comments.xml": comments})


def make_notes() -> None:
    """Footnotes and endnotes, in order of call, with formatting and links."""
    document = docx.Document()
    document.core_properties.title = "Notes"
    link = "rIdSource"
    endnote_relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="{link}" Type="{RELATIONSHIP}/hyperlink" '
        'Target="https://example.org/source" TargetMode="External"/></Relationships>'
    ).encode()
    body_append(
        document,
        paragraph(
            run("An endnote first") + '<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr>'
            '<w:endnoteReference w:id="1"/></w:r>'
            + run(", then a footnote")
            + '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            '<w:footnoteReference w:id="1"/></w:r>' + run(".")
        ),
    )
    footnotes = notes_part(
        "footnote",
        {"1": run(" A footnote in ") + run("italics", "<w:i/>") + run(".")},
    )
    endnotes = notes_part(
        "endnote",
        {
            "1": run(" An endnote with ")
            + f'<w:hyperlink r:id="{link}">{run("a link")}</w:hyperlink>'
        },
    )
    save(
        document,
        "notes.docx",
        {
            "word/footnotes.xml": footnotes,
            "word/endnotes.xml": endnotes,
            "word/_rels/endnotes.xml.rels": endnote_relationships,
        },
    )


def make_formulas() -> None:
    """Super- and subscripts, unkept formatting, an equation and symbols."""
    document = docx.Document()
    document.core_properties.title = "Formulas"
    body_append(
        document,
        paragraph(
            run("An area in m")
            + run("2", '<w:vertAlign w:val="superscript"/>')
            + run(" and a molecule m")
            + run("2", '<w:vertAlign w:val="subscript"/>')
            + run(".")
        ),
    )
    body_append(
        document,
        paragraph(
            run("Struck", "<w:strike/>")
            + run(" and ")
            + run("underlined", '<w:u w:val="single"/>')
            + run(" and ")
            + run("small capitals", "<w:smallCaps/>")
            + run(" words.")
        ),
    )
    body_append(
        document,
        paragraph(
            run("The equation ")
            + "<m:oMath><m:f><m:num><m:r><m:t>a</m:t></m:r></m:num><m:den><m:r><m:t>b</m:t>"
            "</m:r></m:den></m:f><m:r><m:t>+</m:t></m:r><m:sSup><m:e><m:r><m:t>x</m:t></m:r>"
            "</m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup><m:r><m:t>=</m:t></m:r>"
            '<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/><m:e><m:r><m:t>y</m:t>'
            "</m:r></m:e></m:rad></m:oMath>"
            + run(" holds, for ")
            + '<w:r><w:sym w:font="Symbol" w:char="F061"/></w:r>'
            + run(" and ")
            + '<w:r><w:sym w:font="Symbol" w:char="F0A5"/></w:r>'
            + run(".")
        ),
    )
    save(document, "formulas.docx")


def cell(text: str, properties: str = "", paragraph_properties: str = "") -> str:
    """Return a w:tc with one paragraph."""
    tcpr = f"<w:tcPr>{properties}</w:tcPr>" if properties else ""
    return f"<w:tc>{tcpr}{paragraph(run(text), properties=paragraph_properties)}</w:tc>"


def make_tables() -> None:
    """Tables: a header row, merged cells, alignment, a caption, a nested table, a box."""
    document = docx.Document()
    document.core_properties.title = "Tables"
    right = '<w:jc w:val="right"/>'
    body_append(document, paragraph(run("Table 1: Sales by region"), "Caption"))
    body_append(
        document,
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        + cell("Region")
        + cell("Sales", '<w:gridSpan w:val="2"/>')
        + "</w:tr><w:tr>"
        + cell("North", '<w:vMerge w:val="restart"/>')
        + cell("10", "", right)
        + cell("12", "", right)
        + "</w:tr><w:tr>"
        + cell("", "<w:vMerge/>")
        + cell("11", "", right)
        + cell("13", "", right)
        + "</w:tr><w:tr>"
        + cell("South")
        + "<w:tc>"
        + paragraph(run("20"), properties=right)
        + "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        + cell("inner a")
        + cell("inner b")
        + "</w:tr></w:tbl></w:tc>"
        + "</w:tr></w:tbl>",
    )
    body_append(
        document,
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        + cell("Name", "", "").replace("<w:t ", "<w:rPr><w:b/></w:rPr><w:t ")
        + cell("Value").replace("<w:t ", "<w:rPr><w:b/></w:rPr><w:t ")
        + "</w:tr><w:tr>"
        + cell("pi")
        + cell("3.14")
        + "</w:tr></w:tbl>",
    )
    body_append(document, paragraph(run("After the tables.")))
    body_append(
        document,
        "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>"
        + paragraph(run("A boxed paragraph."))
        + paragraph(run("Its second paragraph."))
        + "</w:tc></w:tr></w:tbl>",
    )
    save(document, "tables.docx")


def make_front_matter() -> None:
    """Author, Date, Abstract and Subtitle paragraphs; a leftover title; an account as author."""
    document = docx.Document()
    document.core_properties.title = "Microsoft Word - draft3.doc"
    document.core_properties.author = "Windows User"
    styles = document.styles
    for name in ("Author", "Date", "Abstract"):
        styles.add_style(name, docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Rivers and Their Cities", style="Title")
    document.add_paragraph("A short history", style="Subtitle")
    document.add_paragraph("Ana Pérez and Bao Trần", style="Author")
    document.add_paragraph("3 March 2024", style="Date")
    document.add_paragraph("Cities grew where rivers met the sea.", style="Abstract")
    document.add_paragraph("The body begins here.")
    document.add_paragraph("A header-styled body line.", style="Header")
    document.add_paragraph("A footer-styled body line.", style="Footer")
    document.add_paragraph("A caption-styled line.", style="Caption")
    footnote_text = styles.add_style("Footnote Text", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    del footnote_text
    document.add_paragraph("A footnote-text-styled line.", style="Footnote Text")
    heading = document.add_paragraph("A subhead", style="Heading 2")
    heading.add_run().add_break()
    heading.add_run("on two lines")
    save(document, "front-matter.docx")


def make_lists() -> None:
    """Lettered and roman lists, a numbered list that continues, numbered headings."""
    document = docx.Document()
    document.core_properties.title = "Lists"
    numbering = document.part.numbering_part.element
    definitions = {
        "90": ("lowerLetter", "%1)"),
        "91": ("upperRoman", "%1."),
        "92": ("decimal", "%1."),
        "93": ("decimal", "%1"),
    }
    for abstract_id, (number_format, text) in definitions.items():
        numbering.insert(
            0,
            xml(
                f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:lvl w:ilvl="0">'
                f'<w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
                f'<w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
            ),
        )
        numbering.append(
            xml(f'<w:num w:numId="{abstract_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        )

    def numbered(text: str, num_id: str, style: str = "") -> str:
        return paragraph(
            run(text),
            style,
            f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>',
        )

    body_append(document, numbered("Introduction", "93", "Heading2"))
    body_append(document, numbered("apples", "90"))
    body_append(document, numbered("pears", "90"))
    body_append(document, numbered("first part", "91"))
    body_append(document, numbered("second part", "91"))
    body_append(document, numbered("one", "92"))
    body_append(document, numbered("two", "92"))
    body_append(document, paragraph(run("An interruption.")))
    body_append(document, numbered("three", "92"))
    body_append(document, numbered("Method", "93", "Heading2"))
    save(document, "lists.docx")


def make_title_fallbacks() -> None:
    """Manuscripts with no title property: a Heading 1, a bold first line, nothing at all."""
    document = docx.Document()
    document.add_heading("The Heading Title", 1)
    document.add_paragraph("Text under it.")
    save(document, "title-heading.docx")
    document = docx.Document()
    document.add_paragraph().add_run("A Bold Opening Line").bold = True
    document.add_paragraph("The text that follows it, at length.")
    save(document, "title-bold-line.docx")
    document = docx.Document()
    document.add_paragraph("Only a plain paragraph, with nothing to call a title.")
    save(document, "field_notes-2024.docx")


def make_with_libreoffice() -> None:
    """A manuscript as LibreOffice writes it, from HTML: a table, scripts, a lettered list."""
    html = (
        "<html><head><title>From LibreOffice</title></head><body>"
        "<h1>From LibreOffice</h1>"
        "<p>Water is H<sub>2</sub>O and an area is 4 m<sup>2</sup>.</p>"
        '<table border="1"><tr><th>Item</th><th colspan="2">Price</th></tr>'
        '<tr><td rowspan="2">Tea</td><td>2</td><td>3</td></tr><tr><td>4</td><td>5</td></tr>'
        "</table>"
        '<ol type="a"><li>alpha item</li><li>beta item</li></ol>'
        '<p>A <a href="https://example.org/page#part">link with a fragment</a>.</p>'
        "</body></html>"
    )
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for libreoffice.docx")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "libreoffice.html"
        source.write_text(html, "utf-8")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.copyfile(Path(folder) / "libreoffice.docx", OUT / "libreoffice.docx")


def main() -> None:
    """Make every fixture."""
    OUT.mkdir(parents=True, exist_ok=True)
    make_pictures()
    make_text_boxes()
    make_fields_and_links()
    make_tracked_changes_and_comments()
    make_notes()
    make_formulas()
    make_tables()
    make_front_matter()
    make_lists()
    make_title_fallbacks()
    make_with_libreoffice()


if __name__ == "__main__":
    main()
