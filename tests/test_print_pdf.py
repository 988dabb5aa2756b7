"""The printer's PDF (`--print`): PDF/X-4, nested boxes, output intent, marks in the slug."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest
from PIL import Image

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.pdf import write_pdf
from exporter.writers.press import read_press
from tests.articles import full_article

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RICH = FIXTURES / "rich-article.md"
"""An article with a picture, a web link, note calls and their backlinks."""
LETTER = [0.0, 0.0, 612.0, 792.0]
A4 = [0.0, 0.0, 595.28, 841.89]
PRESS = read_press(find_layout(None).folder)
BLEED = PRESS.bleed * 72
Box = list[float]


def print_pdf(folder: Path, paper: str = "") -> bytes:
    context = RenderContext(find_layout(None), folder, paper=paper, print_marks=True)
    return write_pdf(full_article(900, seed=90), context)


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return print_pdf(tmp_path_factory.mktemp("print"))


@pytest.fixture(scope="module")
def rich_print() -> bytes:
    context = RenderContext(find_layout(None), FIXTURES, print_marks=True)
    return write_pdf(load(RICH), context)


def box(page: pikepdf.Page, name: str) -> Box:
    return [round(float(v), 2) for v in page.obj[name]]


def inside(inner: Box, outer: Box, by: float = 0.0) -> bool:
    """Return True when `inner` lies within `outer`, at least `by` from each side."""
    return (
        inner[0] - outer[0] >= by
        and inner[1] - outer[1] >= by
        and outer[2] - inner[2] >= by
        and outer[3] - inner[3] >= by
    )


def test_boxes_nest_media_then_bleed_then_trim(letter: bytes) -> None:
    with pikepdf.open(io.BytesIO(letter)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            trim, bleed, media = (
                box(page, "/TrimBox"),
                box(page, "/BleedBox"),
                box(page, "/MediaBox"),
            )
            assert trim == LETTER
            assert bleed == [-BLEED, -BLEED, 612 + BLEED, 792 + BLEED]  # 0.125 in
            assert inside(bleed, media, by=9) and inside(trim, bleed, by=BLEED)


def test_a4_trims_to_a4(tmp_path: Path) -> None:
    with pikepdf.open(io.BytesIO(print_pdf(tmp_path, paper="a4"))) as pdf:
        assert box(pdf.pages[0], "/TrimBox") == A4


def test_pdf_x4_with_a_cmyk_output_intent(letter: bytes) -> None:
    with pikepdf.open(io.BytesIO(letter)) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == pikepdf.Name.GTS_PDFX
        assert str(intent.OutputConditionIdentifier) == PRESS.condition
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        header = profile.read_bytes()[:20]
        assert header[12:16] == b"prtr" and header[16:20] == b"CMYK"
        metadata = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in metadata
        assert str(pdf.pdf_version) == "1.6"
        # RGB content (images, the marks) is sRGB, colour-managed; the text is in CMYK.
        for page in pdf.pages:
            assert page.obj.Resources.ColorSpace.DefaultRGB[0] == pikepdf.Name.ICCBased
        assert b"/DeviceCMYK cs" in pdf.pages[0].obj.Contents.read_bytes()


def stroked_points(pdf: pikepdf.Pdf, page: pikepdf.Page) -> list[tuple[float, float]]:
    """Return the points of every stroked path a page draws, in PDF page coordinates."""
    found: list[tuple[float, float]] = []

    def run(stream: Any, resources: Any, ctm: pikepdf.Matrix) -> None:
        stack: list[pikepdf.Matrix] = []
        subpaths: list[list[tuple[float, float]]] = []
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            values = [float(v) for v in operands if isinstance(v, int | float | Decimal)]
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = pikepdf.Matrix(*values) @ ctm
            elif op == "m":
                subpaths.append([ctm.transform((values[0], values[1]))])
            elif op == "l" and subpaths:
                subpaths[-1].append(ctm.transform((values[0], values[1])))
            elif op == "re":
                x, y, w, h = values
                subpaths.append([ctm.transform(p) for p in ((x, y), (x + w, y + h))])
            elif op in ("S", "s", "B", "b", "B*", "b*"):
                found.extend(p for subpath in subpaths if len(subpath) > 1 for p in subpath)
                subpaths = []
            elif op in ("f", "F", "f*", "n"):
                subpaths = []
            elif op == "Do":
                xobject = resources.XObject[operands[0]]
                if xobject.Subtype == pikepdf.Name.Form:
                    matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    inner = xobject.get("/Resources", resources)
                    run(xobject, inner, pikepdf.Matrix(*matrix) @ ctm)

    run(page.obj, page.obj.Resources, pikepdf.Matrix())
    return found


def test_crop_marks_stand_in_the_slug_outside_the_bleed(letter: bytes) -> None:
    with pikepdf.open(io.BytesIO(letter)) as pdf:
        for page in pdf.pages:
            bleed, media = box(page, "/BleedBox"), box(page, "/MediaBox")
            points = stroked_points(pdf, page)
            marks = [(x, y) for x, y in points if not inside([x, y, x, y], bleed)]
            # Eight marks, two ends each, all in the slug; nothing stroked crosses the bleed.
            assert len(marks) >= 16, points
            for x, y in marks:
                assert (
                    media[0] - 0.01 <= x <= media[2] + 0.01
                    and media[1] - 0.01 <= y <= media[3] + 0.01
                )
                outside_bleed = x <= bleed[0] or x >= bleed[2] or y <= bleed[1] or y >= bleed[3]
                assert outside_bleed, (x, y)
            # Each mark lines up with a trim edge: at x = 0 or 612, or at y = 0 or 792.
            on_trim = [p for p in marks if any(abs(v - t) < 0.5 for v in p for t in (0, 612, 792))]
            assert len(on_trim) == len(marks)


def grey(image: Any, x: float, y: float) -> int:
    """Return the grey level of a picture rendered at 1 px per point, at PDF (x, y)."""
    value: int = image.getpixel((round(x), round(image.height - y)))
    return value


def test_the_masthead_band_runs_into_the_bleed_and_stops_there(letter: bytes) -> None:
    document = pypdfium2.PdfDocument(letter)
    try:
        pages = [document[i].render(scale=1, grayscale=True).to_pil().convert("L") for i in (0, 1)]
    finally:
        document.close()
    first, second = pages
    left_slug = (first.width - 612) / 2  # the picture spans the MediaBox
    top = first.height - left_slug  # PDF y of the trim's top edge, in the picture
    x = left_slug + 306
    assert grey(first, x, top + BLEED / 2) < 128, "the band stops at the trim"
    assert grey(first, left_slug - BLEED / 2, top + BLEED / 2) < 128, "not in the corner"
    assert grey(first, x, top + BLEED + 9) > 240, "the band reaches into the slug"
    assert grey(second, x, top + BLEED / 2) > 240, "page 2 has no band"


def test_marks_print_on_every_plate_and_nothing_is_device_rgb(
    letter: bytes, tmp_path: Path
) -> None:
    with pikepdf.open(io.BytesIO(letter)) as pdf:
        assert str(pdf.docinfo.get("/GTS_PDFXVersion")) == "PDF/X-4"
        for page in pdf.pages:
            streams = [page.obj.Contents.read_bytes()]
            for xobject in page.obj.Resources.XObject.values():
                if xobject.Subtype == pikepdf.Name.Form:
                    streams.append(xobject.read_bytes())
                    group = xobject.get("/Group")
                    assert group is None or group.get("/CS") != pikepdf.Name.DeviceRGB
            for stream in streams:
                assert re.search(rb"\b(?:rg|RG)\b", stream) is None
                assert b"/DeviceRGB" not in stream
    # Ghostscript separates the pages into plates: the marks, in the slug, are on all four.
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript is not installed (Debian: ghostscript)")
    source = tmp_path / "print.pdf"
    source.write_bytes(letter)
    subprocess.run(
        [
            gs,
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=tiffsep",
            "-r36",
            f"-sOutputFile={tmp_path / 'plate%d.tif'}",
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        image = Image.open(tmp_path / f"plate1({plate}).tif").convert("L")
        width, height = image.size
        # The top left corner of the sheet, beyond the bleed: only the crop marks.
        corner = image.crop((0, 0, round(width * 0.06), round(height * 0.045)))
        assert corner.getextrema()[0] < 128, plate


def device_rgb_uses(pdf: pikepdf.Pdf) -> list[str]:
    """Return where the file paints in DeviceRGB: every content stream, form, image,
    shading, pattern, soft mask and annotation appearance of every page, walked."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def rgb(space: Any) -> bool:
        if isinstance(space, pikepdf.Array):
            return any(rgb(item) for item in space if isinstance(item, pikepdf.Name))
        return isinstance(space, pikepdf.Name) and space == pikepdf.Name.DeviceRGB

    def content(stream: Any, where: str) -> None:
        for operands, operator in pikepdf.parse_content_stream(stream):
            if str(operator) in ("rg", "RG"):
                found.append(f"{where}: {operator}")
            if str(operator) in ("cs", "CS") and operands[0] == pikepdf.Name.DeviceRGB:
                found.append(f"{where}: {operator} DeviceRGB")

    def resources(res: Any, where: str) -> None:
        if not isinstance(res, pikepdf.Dictionary):
            return
        for name, space in (res.get("/ColorSpace") or {}).items():
            if name != "/DefaultRGB" and rgb(space):
                found.append(f"{where}: colour space {name}")
        for name, shading in (res.get("/Shading") or {}).items():
            if rgb(shading.get("/ColorSpace")):
                found.append(f"{where}: shading {name}")
        for name, pattern in (res.get("/Pattern") or {}).items():
            if "/Shading" in pattern and rgb(pattern.Shading.get("/ColorSpace")):
                found.append(f"{where}: pattern {name}")
            if isinstance(pattern, pikepdf.Stream):
                xobject(pattern, f"{where} pattern {name}")
        for name, state in (res.get("/ExtGState") or {}).items():
            mask = state.get("/SMask")
            if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                xobject(mask.G, f"{where} soft mask {name}")
        for name, inner in (res.get("/XObject") or {}).items():
            xobject(inner, f"{where} {name}")

    def xobject(stream: Any, where: str) -> None:
        if stream.objgen in seen:
            return
        seen.add(stream.objgen)
        group = stream.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and rgb(group.get("/CS")):
            found.append(f"{where}: group")
        if stream.get("/Subtype") == pikepdf.Name.Image:
            if rgb(stream.get("/ColorSpace")):
                found.append(f"{where}: image")
            return
        content(stream, where)
        resources(stream.get("/Resources"), where)

    for number, page in enumerate(pdf.pages, start=1):
        where = f"page {number}"
        group = page.obj.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and rgb(group.get("/CS")):
            found.append(f"{where}: group")
        content(page.obj, where)
        resources(page.obj.Resources, where)
        for annotation in page.obj.get("/Annots") or []:
            for appearance in (annotation.get("/AP") or {}).values():
                if isinstance(appearance, pikepdf.Stream):
                    xobject(appearance, f"{where} annotation")
    return found


def test_nothing_anywhere_is_device_rgb_and_no_annotation_is_left(
    rich_print: bytes,
) -> None:
    with pikepdf.open(io.BytesIO(rich_print)) as pdf:
        images = [
            xobject
            for page in pdf.pages
            for xobject in page.obj.Resources.XObject.values()
            if xobject.Subtype == pikepdf.Name.Image
        ]
        assert images, "the rich article's picture is drawn"
        assert device_rgb_uses(pdf) == []
        # PDF/X allows no annotation inside the bleed box, and paper has no links: none.
        assert all("/Annots" not in page.obj for page in pdf.pages)
        # The links' words keep their place in the tags, as spans.
        kinds = [str(element.S) for element in _elements(pdf.Root.StructTreeRoot)]
        assert "/Link" not in kinds and "/Reference" in kinds


def _elements(element: Any) -> list[Any]:
    """Return the structure elements under `element`."""
    kids = element.get("/K")
    found = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements(kid)]
    return found


def subset_tags(data: bytes) -> dict[str, set[bytes]]:
    """Return each subset font's tag and the digests of the font programs tagged so."""
    import hashlib

    tags: dict[str, set[bytes]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                tag, _, _name = str(font.BaseFont)[1:].partition("+")
                assert re.fullmatch("[A-Z]{6}", tag) and str(descriptor.FontName)[1:7] == tag
                digest = hashlib.sha256(program.read_bytes()).digest()
                tags.setdefault(tag, set()).add(digest)
    return tags


def test_subset_tags_are_unique_to_each_subset(rich_print: bytes, letter: bytes) -> None:
    rich, other = subset_tags(rich_print), subset_tags(letter)
    for tags in (rich, other):
        assert all(len(programs) == 1 for programs in tags.values())
    # Two bulletins' subsets of the same face hold other glyphs, and have other tags.
    shared = set(rich) & set(other)
    assert all(rich[tag] == other[tag] for tag in shared)
    assert len(shared) < len(rich)
