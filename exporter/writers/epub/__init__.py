"""The EPUB writer: an EPUB 3 of one article, reproducible byte for byte, built with ebooklib.

The stages are modules: `content` (the article's XHTML and figures), `navigation` (the
navigation document), `cover`, `fonts`, `metadata` (the package document's) and
`packaging` (the zip); `templates` renders the layout's `epub/` templates.
"""

from __future__ import annotations

import dataclasses
import io

from exporter import model
from exporter.colours import rule_colours
from exporter.context import RenderContext
from exporter.fontsubset import subset_font
from exporter.writers.epub.content import (
    CONTENT_FILE,
    STYLESHEET_FILE,
    PackedImage,
    content_document,
    pack_figures,
)
from exporter.writers.epub.cover import COVER_PAGE_FILE, cover_image, has_cover
from exporter.writers.epub.face_characters import characters_by_face
from exporter.writers.epub.fonts import book_fonts, face_characters, printed_characters
from exporter.writers.epub.metadata import book_identifier, print_identifier, set_metadata
from exporter.writers.epub.navigation import (
    NCX_FILE,
    NCX_MEDIA_TYPE,
    Landmark,
    PageLink,
    ncx_document,
    reading_order,
    toc_tree,
)
from exporter.writers.epub.packaging import (
    PACKAGE_FILE,
    build_moment,
    item,
    package_language,
    relative,
    reproducible_zip,
)
from exporter.writers.epub.page_markers import mark_article
from exporter.writers.epub.templates import (
    css_colours,
    environment,
    render,
)
from exporter.writers.pagination import print_page_breaks

__all__ = ["book_identifier", "build_moment", "print_identifier", "write_epub"]

NAV_FILE = "nav.xhtml"


def write_epub(article: model.Article, context: RenderContext) -> bytes:
    """Return the EPUB 3 of an article: same input, same bytes."""
    from ebooklib import epub  # imported here so that other formats never load ebooklib

    context = dataclasses.replace(context, layout=context.layout.for_language(article.lang))
    env = environment(context.layout)
    moment = build_moment(article)
    breaks = print_page_breaks(article, context)
    marked = mark_article(article, breaks or ())
    images: list[PackedImage] = []
    packed_article = pack_figures(marked.article, context, images)
    fonts = book_fonts(article, context.layout)
    content, headings, pages = content_document(
        packed_article, marked.bios, context, env, with_pages=breaks is not None
    )

    with_cover = has_cover(env)

    book = epub.EpubBook()
    set_metadata(book, packed_article, context, env, has_pages=bool(pages), has_cover=with_cover)
    colours = context.layout.series.colours
    stylesheet = render(
        env,
        "epub.css",
        font_faces=[dataclasses.replace(f, href=relative(f.href, STYLESHEET_FILE)) for f in fonts],
        colours=css_colours(colours),
        rule_colours=css_colours(rule_colours(colours)),
    )
    book.add_item(item(epub, "style", STYLESHEET_FILE, "text/css", stylesheet.encode("utf-8")))
    texts = [stylesheet, content.decode("utf-8")]
    for number, image in enumerate(images, start=1):
        book.add_item(item(epub, f"image-{number}", image.href, image.media_type, image.data))

    spine = []
    landmarks = []
    if with_cover:
        cover = cover_image(article, context)
        cover_item = item(epub, "cover-image", cover.href, cover.media_type, cover.data)
        cover_item.properties = ["cover-image"]
        book.add_item(cover_item)
        # EPUB 2's way of naming the cover, which Kindle's converters still read.
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        cover_page = render(
            env,
            "cover.xhtml",
            article=article,
            image=cover.href,
            stylesheet=STYLESHEET_FILE,
            alt=cover.alt,
        )
        texts.append(cover_page)
        book.add_item(item(epub, "cover", COVER_PAGE_FILE, "application/xhtml+xml", cover_page))
        spine.append("cover")
        landmarks.append(Landmark("cover", COVER_PAGE_FILE))
    landmarks.append(Landmark("bodymatter", CONTENT_FILE))

    content_item = item(epub, "content", CONTENT_FILE, "application/xhtml+xml", content)
    book.add_item(content_item)
    spine.append("content")

    toc = toc_tree(headings)
    page_list = [PageLink(target.page, f"{CONTENT_FILE}#{target.ident}") for target in pages]
    nav = render(
        env,
        "nav.xhtml",
        article=article,
        series=context.layout.series,
        stylesheet=STYLESHEET_FILE,
        toc=toc,
        landmarks=landmarks,
        page_list=page_list,
    )
    texts.append(nav)
    # The fonts go in last, each cut to the characters of the book's own texts.
    printed = printed_characters(texts)
    set_in_face: dict[str, set[int]] = {}
    if any(face.by_style for face in fonts):
        set_in_face = characters_by_face([content.decode("utf-8"), nav], stylesheet, fonts)
    kept = face_characters(fonts, printed, set_in_face)
    for number, face in enumerate(fonts, start=1):
        data = subset_font(face.data, kept[face.href])
        book.add_item(item(epub, f"font-{number}", face.href, face.media_type, data))
    nav_item = item(epub, "nav", NAV_FILE, "application/xhtml+xml", nav)
    nav_item.properties = ["nav"]
    book.add_item(nav_item)
    # The NCX serves EPUB 2 reading systems: the same contents and page list as the nav.
    ncx = ncx_document(
        article,
        context.layout.series,
        book_identifier(article),
        toc,
        page_list,
        reading_order(content),
    )
    book.add_item(item(epub, "ncx", NCX_FILE, NCX_MEDIA_TYPE, ncx))
    book.spine = spine
    # EPUB 2's guide names the navigation document as the contents: calibre (the Kindle
    # route) then shows it rather than a contents page of its own, with its own colours.
    book.guide.append(
        {"type": "toc", "href": NAV_FILE, "title": context.layout.series.navigation["contents"]}
    )

    buffer = io.BytesIO()
    # epub3_landmark is off: our own navigation document carries the landmarks; the
    # EPUB 2 guide holds the contents alone (above).
    # ebooklib's zip is only an intermediate (`reproducible_zip` compresses once), so it
    # is written at level 0.
    options = {
        "compresslevel": 0,
        "mtime": moment,
        "epub3_landmark": False,
        "epub2_guide": True,
        "raise_exceptions": True,
    }
    epub.write_epub(buffer, book, options)
    return reproducible_zip(buffer.getvalue(), moment, {PACKAGE_FILE: package_language(article)})
