"""The tagged bulletin against the machine-testable conditions of the Matterhorn Protocol 1.1.

The Matterhorn Protocol lists PDF/UA-1's failure conditions by checkpoint; the numbers in
the test names are its checkpoints. Each test reads the structure tree, the page content
and the catalog of real bulletins: the example, a rich article (notes, nested lists, a
table, a figure, a pull quote of its own words and one repeating the body's) for the
screen, and the rich article for the printer (PDF/X-4, which keeps the tags).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.html import HtmlOptions, body_html
from exporter.writers.pdf import write_pdf
from tests.articles import T, para, rich_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
REPEATED = "The next dry season is the test of whether that promise holds."
STANDARD = {
    kind
    for group in (
        "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private",
        "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot",
        "Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP",
        "Figure Formula Form",
    )
    for kind in group.split()
}
"""The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4)."""
PAINTING = {"Tj", "TJ", "'", '"', "Do", "EI", "sh", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"}
"""The operators that put something on the page: text, images, forms, shadings, paths."""
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def rich_with_table() -> model.Article:
    """Return the rich article with a table and a pull quote repeating the body's words."""

    def row(*cells: str) -> model.TableRow:
        return model.TableRow(tuple(model.TableCell((T(cell),)) for cell in cells))

    article = rich_article()
    table = model.Table(
        head=(row("Year", "Flow (m³/s)"),),
        body=(row("2019", "8,200"), row("2023", "6,900")),
        align=("left", "right"),
        caption=(T("Mean dry-season flow at Kratie"),),
    )
    *body, last = article.body
    repeated = model.PullQuote((para(REPEATED),))
    return dataclasses.replace(article, body=(*body, table, repeated, last))


def build(name: str, folder: Path) -> bytes:
    """Return the bulletin `name` (example, rich or rich-print) as its PDF."""
    if name == "example":
        article = load(EXAMPLE)
        return write_pdf(article, RenderContext(find_layout(None), EXAMPLE.parent))
    shutil.copy(ROOT / "tests" / "fixtures" / "basin.png", folder / "basin.png")
    context = RenderContext(find_layout(None), folder, print_marks=name == "rich-print")
    return write_pdf(rich_with_table(), context)


_built: dict[str, bytes] = {}


@pytest.fixture(params=["example", "rich", "rich-print"])
def pdf(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[pikepdf.Pdf]:
    name = request.param
    if name not in _built:
        _built[name] = build(name, tmp_path_factory.mktemp(name))
    with pikepdf.open(io.BytesIO(_built[name])) as opened:
        yield opened


@pytest.fixture
def rich(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pikepdf.Pdf]:
    if "rich" not in _built:
        _built["rich"] = build("rich", tmp_path_factory.mktemp("rich"))
    with pikepdf.open(io.BytesIO(_built["rich"])) as opened:
        yield opened


@dataclasses.dataclass
class Node:
    """A structure element, its standard type, its parent's, and its page's index."""

    element: pikepdf.Dictionary
    kind: str
    parent: str
    page: int


def standard_type(pdf: pikepdf.Pdf, kind: str) -> str:
    """Return the standard type a structure type maps to through the role map."""
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap", {})
    seen = [kind]
    while kind not in STANDARD:
        kind = str(role_map.get(f"/{kind}", ""))[1:]
        assert kind and kind not in seen, f"role {seen[0]} maps round or nowhere: {seen}"
        seen.append(kind)
    return kind


def nodes(pdf: pikepdf.Pdf) -> list[Node]:
    """Return the structure tree's elements in reading order (depth first)."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: list[Node] = []

    def visit(element: pikepdf.Dictionary, parent: str, page: int) -> None:
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        kind = standard_type(pdf, str(element.S)[1:])
        found.append(Node(element, kind, parent, page))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, kind, page)

    kids = pdf.Root.StructTreeRoot.K
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        visit(kid, "", 0)
    return found


def kinds(node: Node, all_nodes: list[Node]) -> list[str]:
    """Return the standard types of a node's child elements, in order."""
    kids = node.element.get("/K")
    objgens = [
        kid.objgen
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
    ]
    by_objgen = {n.element.objgen: n.kind for n in all_nodes}
    return [by_objgen[objgen] for objgen in objgens]


def marked_ids(element: pikepdf.Dictionary) -> Iterator[int]:
    """Yield the marked-content ids an element holds directly."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            yield int(kid)
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            yield int(kid.MCID)


@dataclasses.dataclass
class PageMarks:
    """What a page's content stream marks: ids, and painting outside any mark."""

    ids: list[int] = dataclasses.field(default_factory=list)
    unmarked: list[str] = dataclasses.field(default_factory=list)
    mixed: list[str] = dataclasses.field(default_factory=list)


def page_marks(page: pikepdf.Page) -> PageMarks:
    """Return the marked content of a page: real content's ids and what is neither."""
    marks = PageMarks()
    stack: list[tuple[str, int | None]] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            operator = "EI"
        else:
            operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            tag = str(instruction.operands[0])
            properties = instruction.operands[1] if operator == "BDC" else None
            mcid = (
                int(properties.MCID)
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                else None
            )
            artifact = any(t == "/Artifact" for t, _ in stack)
            real = any(m is not None for _, m in stack)
            if (mcid is not None and artifact) or (tag == "/Artifact" and real):
                marks.mixed.append(f"{tag} {mcid}")
            if mcid is not None:
                marks.ids.append(mcid)
            stack.append((tag, mcid))
        elif operator == "EMC":
            stack.pop()
        elif operator in PAINTING and not any(t == "/Artifact" or m is not None for t, m in stack):
            marks.unmarked.append(operator)
    return marks


def test_01_all_content_is_tagged_or_an_artifact(pdf: pikepdf.Pdf) -> None:
    all_nodes = nodes(pdf)
    tagged: dict[int, set[int]] = {}
    for node in all_nodes:
        tagged.setdefault(node.page, set()).update(marked_ids(node.element))
    for index, page in enumerate(pdf.pages):
        marks = page_marks(page)
        assert marks.unmarked == [], f"page {index + 1}: content neither tagged nor artifact"
        assert marks.mixed == [], f"page {index + 1}: artifacts and real content nested"
        assert sorted(marks.ids) == sorted(tagged.get(index, set())), f"page {index + 1}"
    assert pdf.Root.MarkInfo.Marked is True


def test_02_every_type_is_standard_or_role_mapped_without_circles(pdf: pikepdf.Pdf) -> None:
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap", {})
    assert not {str(key)[1:] for key in role_map} & STANDARD  # standard types stay
    assert all(node.kind in STANDARD for node in nodes(pdf))  # standard_type() checks circles


def test_06_metadata_title_and_pdf_ua_identifier(pdf: pikepdf.Pdf) -> None:
    meta = pdf.open_metadata()
    assert meta.get("dc:title")
    if "/OutputIntents" not in pdf.Root:  # the printer's PDF/X-4 claims no PDF/UA
        assert meta.get("pdfuaid:part") == "1"


def test_07_viewer_shows_the_title(pdf: pikepdf.Pdf) -> None:
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_09_tables_and_lists_nest_as_their_types_require(pdf: pikepdf.Pdf) -> None:
    all_nodes = nodes(pdf)
    parents = {
        "TR": {"Table", "THead", "TBody", "TFoot"},
        "TH": {"TR"},
        "TD": {"TR"},
        "THead": {"Table"},
        "TBody": {"Table"},
        "TFoot": {"Table"},
        "LI": {"L"},
        "Lbl": {"LI"},
        "LBody": {"LI"},
    }
    for node in all_nodes:
        if node.kind in parents:
            assert node.parent in parents[node.kind], f"{node.kind} in {node.parent}"
        if node.kind == "L":
            assert set(kinds(node, all_nodes)) <= {"LI", "L", "Caption"}


def test_11_languages_are_declared(pdf: pikepdf.Pdf) -> None:
    assert LANGUAGE.match(str(pdf.Root.Lang))
    for node in nodes(pdf):
        if "/Lang" in node.element:
            assert LANGUAGE.match(str(node.element.Lang)), str(node.element.Lang)


def test_13_figures_have_alternative_text(pdf: pikepdf.Pdf) -> None:
    for node in nodes(pdf):
        if node.kind in ("Figure", "Formula"):
            assert str(node.element.get("/Alt", node.element.get("/ActualText", ""))).strip()


def test_14_headings_start_at_h1_and_skip_no_level(pdf: pikepdf.Pdf) -> None:
    levels = [int(node.kind[1]) for node in nodes(pdf) if re.fullmatch(r"H[1-6]", node.kind)]
    assert levels and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"H{before} then H{after}"


def test_15_header_cells_have_scope_and_ids_that_data_cells_reference(
    pdf: pikepdf.Pdf,
) -> None:
    root = pdf.Root.StructTreeRoot
    ids = pikepdf.NameTree(root.IDTree) if "/IDTree" in root else {}
    for node in nodes(pdf):
        attributes = node.element.get("/A", {})
        if node.kind == "TH":
            assert str(attributes.get("/Scope")) in ("/Column", "/Row", "/Both")
            assert str(node.element.ID) in ids
            assert ids[str(node.element.ID)].objgen == node.element.objgen
        if node.kind == "TD":
            for header in attributes.get("/Headers", []):
                assert str(ids[str(header)].S) == "/TH"


def test_16_list_items_have_a_label_and_a_body(pdf: pikepdf.Pdf) -> None:
    all_nodes = nodes(pdf)
    lists = [node for node in all_nodes if node.kind == "L"]
    assert lists
    for node in lists:
        assert str(node.element.A.ListNumbering) in ("/Decimal", "/Disc")
    for node in all_nodes:
        if node.kind == "LI":
            assert kinds(node, all_nodes) == ["Lbl", "LBody"]


def test_19_notes_have_unique_ids_and_their_calls_lead_to_them(pdf: pikepdf.Pdf) -> None:
    all_nodes = nodes(pdf)
    notes = [node for node in all_nodes if node.kind == "Note"]
    ids = [str(node.element.get("/ID", "")) for node in notes]
    assert all(ids) and len(set(ids)) == len(ids)
    called = set()
    references = [node for node in all_nodes if node.kind == "Reference"]
    if "/OutputIntents" in pdf.Root:
        # The printer's file has no links (PDF/X): each call is a span in its reference.
        assert len(references) == len(ids)
        for node in references:
            assert [str(kid.S) for kid in node.element.K] == ["/Span"]
        return
    for node in references:
        (link,) = [kid for kid in node.element.K if kid.S == "/Link"]
        (annotation,) = [kid.Obj for kid in link.K if isinstance(kid, pikepdf.Dictionary)]
        called.add(str(annotation.Dest))
    assert called == set(ids)


def test_28_links_are_in_link_elements_with_a_description(pdf: pikepdf.Pdf) -> None:
    parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    links = {node.element.objgen for node in nodes(pdf) if node.kind == "Link"}
    count = 0
    for page in pdf.pages:
        annotations = page.obj.get("/Annots", [])
        if len(annotations):
            assert page.obj.Tabs == "/S"
        for annotation in annotations:
            if annotation.Subtype != "/Link":
                continue
            count += 1
            assert str(annotation.get("/Contents", "")).strip()
            element = parent_tree[int(annotation.StructParent)]
            assert element.objgen in links
            assert any(
                isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") == annotation
                for kid in element.K
            )
    assert count or not links


def test_31_fonts_are_embedded_and_map_to_unicode(pdf: pikepdf.Pdf) -> None:
    fonts = []
    for page in pdf.pages:
        fonts += list(page.obj.Resources.get("/Font", {}).values())
    assert fonts
    for font in fonts:
        assert "/ToUnicode" in font, str(font.get("/BaseFont"))  # checkpoint 10
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.FontDescriptor
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())


def test_no_structure_element_is_empty(pdf: pikepdf.Pdf) -> None:
    for node in nodes(pdf):
        kids = node.element.get("/K")
        assert kids is not None and (not isinstance(kids, pikepdf.Array) or len(kids)), node.kind


def test_other_conditions_encryption_optional_content_embedded_files(pdf: pikepdf.Pdf) -> None:
    assert not pdf.is_encrypted  # 26
    for config in pdf.Root.get("/OCProperties", {}).get("/Configs", []):  # 20
        assert "/Name" in config
    assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})  # 21: none to describe


def test_rich_article_has_notes_labels_aside_and_artifact_pull_quote(rich: pikepdf.Pdf) -> None:
    all_nodes = nodes(rich)
    found = {node.element.S for node in all_nodes}
    assert {"/Note", "/Lbl", "/LBody", "/Reference", "/Aside", "/TH"} <= found
    assert rich.Root.StructTreeRoot.RoleMap.Aside == "/Div"
    assert sum(node.kind == "Note" for node in all_nodes) == 3
    # One pull quote says words of its own, one repeats the body's: only the first is
    # tagged, the other is an artifact (its text is said once, in the body).
    assert sum(node.element.S == "/Aside" for node in all_nodes) == 1


def test_only_a_pull_quote_repeating_the_body_is_hidden_from_screen_readers() -> None:
    html = body_html(rich_with_table(), HtmlOptions())
    asides = re.findall(r"<aside[^>]*>", html)
    assert len(asides) == 2
    assert ['aria-hidden="true"' in aside for aside in asides] == [False, True]
