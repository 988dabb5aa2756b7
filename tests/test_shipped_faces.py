"""Tests that the PDF and the EPUB's cover are set in the layout's own faces on a machine
that has other fonts of their family names installed (WeasyPrint issue 1073).

Each machine here is a private fontconfig setup: the system's, and a folder of impostors,
each a face of the layout renamed to another of its families (Noto Sans regular named
Noto Serif, and so on), of the same weight and slant but other glyphs and metrics. A
build runs in a process of its own, FONTCONFIG_FILE set before WeasyPrint loads, with
the stylesheets naming the families as the toolkit does (`shipped_family`), or by their
own names as they did before.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from exporter.codefaces import all_code_faces
from exporter.context import RenderContext
from exporter.fontfaces import SHIPPED_SUFFIX, FontFace, font_faces, shipped_family
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import get_writer

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "tests" / "fixtures" / "code-article.md"
"""An article set in every family of the layout: serif, sans and code, bold and italic."""
IMPOSTOR_SOURCES = {
    "Noto Serif": "Noto Sans",
    "Noto Sans": "Noto Serif",
    "Noto Sans Mono": "Noto Sans",
}
"""For each family of the layout, the family whose faces are renamed to stand in for it."""
RENAMED = (1, 4, 6, 16)
"""The name table's family, full name, PostScript name and typographic family."""
FALLBACK = "outside the series' fonts"
STYLE_NAMES = ("", "-Bold", "-Italic", "-Bold-Italic")
"""What the PDF's font names add to the family's for each face (WeasyPrint's, from Pango)."""
PDF_SUFFIX = SHIPPED_SUFFIX.replace(" ", "-")
BUILD = """
import sys
from pathlib import Path

from exporter import fontfaces
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import get_writer
from exporter.writers.epub.cover import cover_image

source, out, suffix = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
fontfaces.SHIPPED_SUFFIX = suffix
article = load(source)
context = RenderContext(find_layout(None).for_language(article.lang), source.parent)
(out / "bulletin.pdf").write_bytes(get_writer("pdf")(article, context))
(out / "cover.png").write_bytes(cover_image(article, context).data)
"""


@dataclass(frozen=True)
class Built:
    """A PDF and a cover built on one machine, and what the build said."""

    pdf: bytes
    cover: bytes
    said: str


def shipped_faces() -> tuple[FontFace, ...]:
    fonts = find_layout(None).fonts
    return font_faces(fonts) + all_code_faces(fonts)


def make_impostors(folder: Path) -> list[str]:
    """Write an impostor of each face of the layout into `folder`; return their names."""
    faces = shipped_faces()
    made = []
    for face in faces:
        source_family = IMPOSTOR_SOURCES[face.family]
        (source,) = (
            other
            for other in faces
            if (other.family, other.weight, other.style) == (source_family, face.weight, face.style)
        )
        font = TTFont(source.path)
        for record in font["name"].names:
            if record.nameID in RENAMED:
                text = record.toUnicode()
                own = face.family if record.nameID != 6 else face.family.replace(" ", "")
                other = source_family if record.nameID != 6 else source_family.replace(" ", "")
                record.string = text.replace(other, own)
        path = folder / f"impostor-{face.path.name}"
        font.save(path)
        made.append(path.name)
    return made


@pytest.fixture(scope="module")
def impostors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fontconfig file of the system's fonts and the impostors."""
    folder = tmp_path_factory.mktemp("machine")
    fonts = folder / "fonts"
    fonts.mkdir()
    make_impostors(fonts)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n"
        f"  <cachedir>{folder / 'fontconfig-cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def build(out: Path, suffix: str, fontconfig_file: Path | None) -> Built:
    """Build the article's PDF and cover in a new process on a machine; return them."""
    out.mkdir(parents=True)
    env = {**os.environ, "EXPORTER_CACHE_DIR": ""}  # nothing kept from another machine
    env.pop("FONTCONFIG_FILE", None)
    if fontconfig_file is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig_file)
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(ARTICLE), str(out), suffix],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Built((out / "bulletin.pdf").read_bytes(), (out / "cover.png").read_bytes(), done.stderr)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fontconfig file of no fonts: only the stylesheets' @font-face faces are found."""
    folder = tmp_path_factory.mktemp("bare")
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{folder / 'fontconfig-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def builds(
    impostors: Path, bare: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Built]:
    """The article built with the families named as the toolkit names them, on this
    machine and on the one with impostors; and by their own names, as before, on the one
    with impostors and on one where nothing can stand in for the layout's faces."""
    folder = tmp_path_factory.mktemp("builds")
    return {
        "shipped": build(folder / "shipped", SHIPPED_SUFFIX, None),
        "shipped, impostors": build(folder / "shipped-impostors", SHIPPED_SUFFIX, impostors),
        "own, impostors": build(folder / "own-impostors", "", impostors),
        "own, bare": build(folder / "own-bare", "", bare),
    }


def embedded_programs(data: bytes) -> dict[str, TTFont]:
    """Return the PDF's embedded font programs by their BaseFont, without the subset tag."""
    found = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.FontFile2.read_bytes()
                found[str(font.BaseFont).split("+", 1)[-1]] = TTFont(io.BytesIO(program))
    return found


def not_the_shipped_face(data: bytes) -> list[str]:
    """Return the PDF's fonts that call themselves a face of the layout and are not it.

    An embedded subset keeps the names of its font, and its glyphs at their indexes (the
    PDF's character codes): a face of the layout has the glyphs, outlines and advances,
    of the shipped file of its family, weight and slant.
    """
    shipped = {(face.family, face.weight, face.style): face for face in shipped_faces()}
    wrong = []
    for name, program in sorted(embedded_programs(data).items()):
        names = program["name"]
        family = str(names.getDebugName(16) or names.getDebugName(1))
        italic = bool(program["OS/2"].fsSelection & 1)
        key = (family, program["OS/2"].usWeightClass, "italic" if italic else "normal")
        if key not in shipped:
            continue  # a system face: the fallback warning's to name
        with TTFont(shipped[key].path) as own:
            if not same_glyphs(program, own):
                wrong.append(name)
    return wrong


def same_glyphs(subset: TTFont, font: TTFont) -> bool:
    """Return whether each glyph a subset holds is the font's of that index."""
    # The subset ends at the last glyph it holds; those it does not hold are empty.
    order, own_order = subset.getGlyphOrder(), font.getGlyphOrder()
    if len(order) > len(own_order):
        return False
    glyphs, own_glyphs = subset["glyf"], font["glyf"]
    for name, own_name in zip(order, own_order, strict=False):
        glyph, own = glyphs[name], own_glyphs[own_name]
        if glyph.numberOfContours == 0:
            continue  # not in the subset (or a space)
        if subset["hmtx"][name] != font["hmtx"][own_name]:
            return False
        points, ends, _ = glyph.getCoordinates(glyphs)
        own_points, own_ends, _ = own.getCoordinates(own_glyphs)
        if list(points) != list(own_points) or list(ends) != list(own_ends):
            return False
    return True


def test_the_impostors_are_other_faces_under_the_layouts_family_names(tmp_path: Path) -> None:
    made = make_impostors(tmp_path)
    assert len(made) == len(shipped_faces())
    for face in shipped_faces():
        impostor = TTFont(tmp_path / f"impostor-{face.path.name}")
        assert impostor["name"].getDebugName(1) == face.family
        assert impostor["OS/2"].usWeightClass == face.weight
        with TTFont(face.path) as own:
            assert impostor["hmtx"].metrics != own["hmtx"].metrics


def test_the_families_own_names_let_installed_faces_stand_in(builds: dict[str, Built]) -> None:
    # As the PDF and the cover were made before: @font-face rules by the families' own
    # names. Where nothing else has those names, the text is in the layout's faces...
    assert not_the_shipped_face(builds["own, bare"].pdf) == []
    # ... but beside the impostors, they set it under the layout's names, unwarned of.
    wrong = not_the_shipped_face(builds["own, impostors"].pdf)
    assert {"Noto-Serif", "Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Mono"} <= set(wrong), wrong
    assert FALLBACK not in builds["own, impostors"].said
    assert builds["own, impostors"].cover != builds["own, bare"].cover


def test_the_pdf_is_set_in_the_shipped_faces_whatever_is_installed(
    builds: dict[str, Built],
) -> None:
    plain, beside = builds["shipped"], builds["shipped, impostors"]
    assert not_the_shipped_face(beside.pdf) == []
    names = set(embedded_programs(beside.pdf))
    families = {shipped_family(face.family).replace(" ", "-") for face in shipped_faces()}
    assert families <= names, names
    faces = {family + style for family in families for style in STYLE_NAMES}
    assert names <= faces, names - faces  # no other face: no fallback
    # The same file, byte for byte, as on a machine without the impostors.
    assert beside.pdf == plain.pdf
    assert FALLBACK not in beside.said


def test_the_cover_is_drawn_in_the_shipped_faces_whatever_is_installed(
    builds: dict[str, Built],
) -> None:
    assert builds["shipped, impostors"].cover == builds["shipped"].cover
    # The picture of the faces named by their own families where nothing stands in.
    assert builds["shipped"].cover == builds["own, bare"].cover


def test_naming_the_families_apart_changes_the_font_names_alone(
    builds: dict[str, Built],
) -> None:
    # The same glyphs at the same places in the same fonts' programs as in the PDF whose
    # stylesheet named the families by their own names where nothing stood in: the fonts'
    # names (BaseFont, FontName, FontFamily) and the page resources' keys of them differ.
    assert pages(builds["shipped"].pdf) == pages(builds["own, bare"].pdf)


def pages(data: bytes) -> list[tuple[list[str], list[bytes]]]:
    """Return each page's operations, a font named by its family's own name, and the
    programs of its fonts."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            fonts = {
                str(key): str(font.BaseFont).split("+", 1)[-1].replace(PDF_SUFFIX, "")
                for key, font in page.Resources.Font.items()
            }
            operations = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    operands = [fonts[str(operands[0])], *operands[1:]]
                operations.append(f"{operands!r} {operator}")
            programs = sorted(
                font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                for font in page.Resources.Font.values()
            )
            found.append((operations, programs))
    return found


def test_the_epub_names_the_families_as_they_are() -> None:
    # An e-reader takes the book's own fonts by their @font-face names: no suffix there.
    article = load(ARTICLE)
    book = get_writer("epub")(article, RenderContext(find_layout(None), ARTICLE.parent))
    with zipfile.ZipFile(io.BytesIO(book)) as epub:
        stylesheet = epub.read("EPUB/styles/epub.css").decode("utf-8")
    declared = set(re.findall(r'@font-face\s*\{\s*font-family: "([^"]+)"', stylesheet))
    assert declared == {face.family for face in shipped_faces()}
    assert SHIPPED_SUFFIX.strip() not in stylesheet
