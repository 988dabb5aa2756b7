"""Tests of how the EPUB cover is made fast: the PNG's spliced rows, the palette, the frame
drawn once, the covers a worker keeps, and the search for the title's size."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import os
import random
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.recent import Recent
from exporter.writers.epub import cover as cover_module
from exporter.writers.epub.cover import (
    PIXELS,
    TITLE_LINES,
    TITLE_SIZES,
    clear_caches,
    cover_image,
    layout,
    picture,
    png,
)
from exporter.writers.epub.cover.palette import PALETTE_COLOURS, palette_image
from exporter.writers.epub.cover.png import adler32_combine, deflate, palette_png
from tests.articles import rich_article

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE_ARTICLE = load(REPOSITORY / "examples" / "japan-rok-relations.md")


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def layouts_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the cover layouts WeasyPrint makes, by title size."""
    made: list[int] = []
    lay_out = layout.CoverRenderer.__call__

    def counted(self: layout.CoverRenderer, title_size: int, *args: object) -> layout.CoverLayout:
        made.append(title_size)
        return lay_out(self, title_size, *args)

    monkeypatch.setattr(layout.CoverRenderer, "__call__", counted)
    return made


def context_for(lang: str = "en", layout_folder: str | None = None) -> RenderContext:
    return RenderContext(find_layout(layout_folder).for_language(lang), REPOSITORY)


def made(article: model.Article, context: RenderContext) -> bytes:
    return cover_image(article, context).data


def pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as picture_file:
        return picture_file.convert("RGB")


def idat(png: bytes) -> bytes:
    """Return the zlib stream of a PNG (its IDAT chunks joined)."""
    position, stream = 8, b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        if png[position + 4 : position + 8] == b"IDAT":
            stream += png[position + 8 : position + 8 + length]
        position += 12 + length
    return stream


def test_runs_compressed_apart_make_one_valid_png() -> None:
    rng = random.Random(3)
    width, height = 40, 30
    indices = bytes(rng.choice((0, 0, 0, 1, 2, 3)) for _ in range(width * height))
    rows = b"".join(b"\0" + indices[y * width : (y + 1) * width] for y in range(height))
    stride = width + 1
    runs = [
        deflate(rows[: 7 * stride], 9),
        deflate(rows[7 * stride : 20 * stride], 9, zlib.Z_RLE),
        deflate(rows[20 * stride :], 1),
    ]
    palette = bytes([255, 255, 255, 0, 0, 0, 200, 16, 46, 11, 79, 108])
    png = palette_png((width, height), palette, runs)
    assert zlib.decompress(idat(png)) == rows  # zlib checks the combined Adler-32
    with Image.open(io.BytesIO(png)) as decoded:
        assert decoded.mode == "P" and decoded.size == (width, height)
        assert decoded.tobytes() == indices
    with pytest.raises(ValueError, match="rows"):
        palette_png((width, height + 1), palette, runs)


def test_adler32_of_joined_texts_from_their_own() -> None:
    rng = random.Random(5)
    for _ in range(50):
        first = rng.randbytes(rng.randrange(0, 200_000))
        second = rng.randbytes(rng.randrange(0, 200_000))
        joined = adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second))
        assert joined == zlib.adler32(first + second)


def test_palette_is_the_series_colours_and_the_steps_between_them() -> None:
    colours = find_layout(None).series.colours
    palette = palette_image(colours).getpalette()
    entries = {tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)}
    assert len(palette) // 3 <= PALETTE_COLOURS
    series = {tuple(int(value[i : i + 2], 16) for i in (1, 3, 5)) for value in colours.values()}
    assert {(255, 255, 255), *series} <= entries
    band = tuple(int(colours["band"][i : i + 2], 16) for i in (1, 3, 5))
    # A letter's anti-aliased edge, halfway between the band colour and the white page,
    # and between the white letters of the wordmark and the band: a step of the palette
    # is close by.
    for share in (0.25, 0.5, 0.75):
        edge = tuple(round(255 + (b - 255) * share) for b in band)
        assert min(sum((a - b) ** 2 for a, b in zip(edge, e, strict=True)) for e in entries) < 100


def test_the_frame_is_drawn_once_per_edition_and_covers_match_the_page_drawn_whole() -> None:
    article = dataclasses.replace(rich_article(), title="Water Diplomacy on the Mekong")
    context = context_for()
    render = layout.CoverRenderer(article, context)
    laid_out = layout.lay_out(render, article)
    spliced = picture.draw(laid_out.document, render.colours, render.frame())
    whole = picture.draw(laid_out.document, render.colours, None)
    assert len(picture._frames) == 1
    assert len(spliced) < len(whole)  # the frame's rows are compressed at zlib's best
    difference = ImageChops.difference(pixels(spliced), pixels(whole)).convert("L")
    # pdfium draws a few edge pixels of a glyph a shade apart when it draws part of a page.
    changed = sum(difference.point(lambda v: 255 if v > 24 else 0).histogram()[255:])
    assert changed < 50
    made(rich_article(), context)
    made(dataclasses.replace(rich_article(), number=613), context)
    assert len(picture._frames) == 1
    # An edition in another language: its own masthead (the page's language, its texts).
    made(dataclasses.replace(rich_article(), lang="ja"), context_for("ja"))
    assert len(picture._frames) == 2


def test_a_frame_compresses_each_different_run_of_rows_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compressed: list[bytes] = []
    deflate_run = picture.deflate

    def counted(rows: bytes, *args: int) -> png.Run:
        compressed.append(rows)
        return deflate_run(rows, *args)

    monkeypatch.setattr(picture, "deflate", counted)
    made(rich_article(), context_for())
    source = layout.CoverRenderer(rich_article(), context_for()).frame()
    assert source is not None
    frame = picture._frames.get(source.key)
    assert frame is not None
    frame_rows = compressed[:-1]  # then the cover's own run
    assert len(frame_rows) == len(set(frame_rows)) < len(frame.runs) / 2
    # The white paper's runs are one run's bytes, and the picture is whole.
    assert len({run.data for run in frame.runs}) == len(frame_rows)
    assert sum(run.length for run in frame.runs) == PIXELS[1] * (PIXELS[0] + 1)
    # Another edition's frame, whose rows are the same (its series texts are the same
    # English ones): laid out and drawn, but no run compressed again.
    compressed.clear()
    made(dataclasses.replace(rich_article(), lang="fr"), context_for("fr"))
    assert len(picture._frames) == 2
    assert len(compressed) == 1  # the cover's own rows


def test_pixels_as_pdfium_draws_them_map_to_the_palette_as_pillow_maps_rgb() -> None:
    article = rich_article()
    render = layout.CoverRenderer(article, context_for())
    palette = palette_image(render.colours)
    with picture._Rasteriser(layout.lay_out(render, article).document) as pdf:
        drawn = pdf.rows(0, 1200)  # the band, the rule, the title
    assert drawn.mode == "RGBX"
    expected = drawn.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)
    mapped = picture._mapped(drawn, palette)
    assert mapped.size == drawn.size
    assert mapped.tobytes() == expected.tobytes()
    assert len(set(mapped.tobytes())) > 8  # paper, band, inks and their edges


def test_language_variants_share_a_frame_and_draw_the_same_cover_either_way() -> None:
    """en-AU and en-US show the same band: one frame; the cover's bytes do not depend on
    which variant drew it first. A language whose fonts go by region keeps its own."""
    fonts = find_layout(None).language_fonts
    assert layout.frame_language("en-AU", fonts) == layout.frame_language("en-US", fonts) == "en"
    assert layout.frame_language("zh-TW", fonts) == "zh-TW"
    australian = dataclasses.replace(rich_article(), lang="en-AU")
    american = dataclasses.replace(rich_article(), lang="en-US", title="Water Diplomacy")
    made(australian, context_for("en-AU"))
    alone = made(american, context_for("en-US"))
    assert len(picture._frames) == 1
    clear_caches()
    assert made(american, context_for("en-US")) == alone


def test_a_cover_is_the_same_bytes_whatever_the_worker_drew_before() -> None:
    context = context_for()
    first_of_a_worker = made(rich_article(), context)
    clear_caches()
    made(dataclasses.replace(rich_article(), title="Water Diplomacy"), context)  # the frame
    made(EXAMPLE_ARTICLE, context)
    cover_module.clear_kept_covers()
    assert made(rich_article(), context) == first_of_a_worker


def test_the_same_cover_again_is_not_laid_out_again(layouts_made: list[int]) -> None:
    context = context_for()
    first = made(rich_article(), context)
    assert layouts_made
    layouts_made.clear()
    assert made(rich_article(), context) == first
    assert made(rich_article(), context_for()) == first  # another context, the same layout
    assert layouts_made == []


def test_the_stylesheet_is_made_once_per_title_size_for_a_series(
    monkeypatch: pytest.MonkeyPatch, layouts_made: list[int]
) -> None:
    made_sheets: list[int] = []
    make = layout._stylesheet_text.__wrapped__

    def counted(*args: Any) -> str:
        made_sheets.append(args[3])
        return make(*args)

    monkeypatch.setattr(layout, "_stylesheet_text", functools.lru_cache(counted))
    context = context_for()
    for number in (612, 613, 614):
        made(dataclasses.replace(rich_article(), number=number), context)
    made(EXAMPLE_ARTICLE, context)  # a longer title: other sizes
    assert sorted(made_sheets) == sorted(set(layouts_made))
    assert TITLE_SIZES[0] in made_sheets and len(layouts_made) > len(made_sheets)
    # A series' other colours: its own stylesheets.
    series = context.layout.series
    recoloured = dataclasses.replace(series, colours={**series.colours, "band": "#3c2f6c"})
    made_sheets.clear()
    other = RenderContext(dataclasses.replace(context.layout, series=recoloured), REPOSITORY)
    made(rich_article(), other)
    assert made_sheets == [TITLE_SIZES[0]]


def cover_variants() -> dict[str, model.Article]:
    article = rich_article()
    return {
        "title": dataclasses.replace(article, title=article.title + " Now"),
        "byline": dataclasses.replace(article, authors=(model.Author("Kenji Ōtani"),)),
        "issue number": dataclasses.replace(article, number=613),
        "issue date": dataclasses.replace(article, date=datetime.date(2023, 3, 10)),
        "kicker": dataclasses.replace(article, kicker="Opinion"),
        "language": dataclasses.replace(article, lang="fr"),
    }


@pytest.mark.parametrize("change", list(cover_variants()))
def test_a_kept_cover_changes_with_what_it_shows(change: str) -> None:
    before = made(rich_article(), context_for())
    variant = cover_variants()[change]
    after = made(variant, context_for(variant.lang))
    assert after != before
    clear_caches()
    assert made(variant, context_for(variant.lang)) == after
    assert made(rich_article(), context_for()) == before


def test_a_kept_cover_changes_with_the_layout(tmp_path: Path) -> None:
    folder = tmp_path / "apb"
    shutil.copytree(REPOSITORY / "layouts" / "apb", folder)
    article = rich_article()
    bundled = made(article, context_for())
    copied = made(article, context_for(layout_folder=str(folder)))
    assert pixels(copied).tobytes() == pixels(bundled).tobytes()
    # The band made deeper: the cover's stylesheet edited in place.
    stylesheet = folder / "epub" / "cover-image.css"
    stylesheet.write_text(stylesheet.read_text().replace("min-height: 190px", "min-height: 230px"))
    later = stylesheet.stat().st_mtime + 10
    os.utime(stylesheet, (later, later))
    deeper = made(article, context_for(layout_folder=str(folder)))
    assert pixels(deeper).tobytes() != pixels(copied).tobytes()
    # The series' band colour changed.
    series = folder / "series.yaml"
    series.write_text(series.read_text().replace('band: "#0b4f6c"', 'band: "#3c2f6c"'))
    os.utime(series, (later + 10, later + 10))
    recoloured = made(article, context_for(layout_folder=str(folder)))
    assert pixels(recoloured).tobytes() != pixels(deeper).tobytes()
    assert pixels(recoloured).getpixel((5, 5)) == (0x3C, 0x2F, 0x6C)
    clear_caches()
    assert made(article, context_for(layout_folder=str(folder))) == recoloured


def test_a_cut_title_is_warned_about_each_time(caplog: pytest.LogCaptureFixture) -> None:
    endless = dataclasses.replace(rich_article(), title="Unbreakablewordwithoutend " * 60)
    for _ in range(2):
        caplog.clear()
        made(endless, context_for())
        assert "too long for the cover" in caplog.text


def test_a_worker_keeps_a_bounded_number_of_covers(
    monkeypatch: pytest.MonkeyPatch, layouts_made: list[int]
) -> None:
    kept: Recent[int] = Recent(3)
    for number in range(5):
        kept.put(number, number)
    assert len(kept) == 3 and kept.get(0) is None and kept.get(4) == 4
    kept.get(2)
    kept.put(5, 5)
    assert kept.get(2) == 2 and kept.get(3) is None
    monkeypatch.setattr(cover_module, "_covers", Recent(2))
    issues = [dataclasses.replace(rich_article(), number=n) for n in (612, 613, 614)]
    for issue in issues:
        made(issue, context_for())
    assert len(cover_module._covers) == 2
    layouts_made.clear()
    made(issues[-1], context_for())
    assert layouts_made == []
    made(issues[0], context_for())  # the least recently used, forgotten
    assert layouts_made


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        (
            "Strengthening Japan-ROK Relations: The Prime Time to Rebuild Relations Through "
            "Young Parliamentary Diplomacy",
            "en",
        ),
        (
            "Mekong Water Diplomacy and the Politics of Rivers: Upstream Dams, Downstream "
            "Doubts and the Interoperability of Regional Institutions",
            "en",
        ),
        ("Semiconductor Supply Chains Between Washington, Tokyo and Seoul", "en"),
        ("日韓関係の強化：若手議員外交で関係を立て直す絶好の時", "ja"),
        ("한일 관계 강화: 젊은 의원 외교로 관계를 재건할 절호의 시기와 그 조건들", "ko"),
    ],
)
def test_the_title_is_as_large_as_fits_found_in_few_layouts(
    title: str, lang: str, layouts_made: list[int]
) -> None:
    article = dataclasses.replace(rich_article(), title=title, lang=lang)
    render = layout.CoverRenderer(article, context_for(lang))
    found = layout.lay_out(render, article)
    # The largest size, the size it predicts, and the size above that to confirm it.
    assert len(layouts_made) <= 3
    every = [render(size) for size in TITLE_SIZES]
    largest = next(laid for laid in every if laid.fits and len(laid.title_lines) <= TITLE_LINES)
    assert (found.title_size, found.title_lines) == (largest.title_size, largest.title_lines)
