"""The EPUB writer: an EPUB 3 of one article, reproducible byte for byte, built with ebooklib."""

from __future__ import annotations

import dataclasses
import datetime
import io
import logging
import os
import re
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from markupsafe import Markup

from exporter import model
from exporter.context import RenderContext
from exporter.errors import LayoutError, UsageError
from exporter.fontfaces import font_faces
from exporter.fontsubset import subset_font
from exporter.language_fonts import edition_faces
from exporter.layouts import Layout, issue_line
from exporter.resources import local_path
from exporter.walk import wrap_columns
from exporter.writers import html
from exporter.writers.epub.page_markers import PageTarget, mark_article, place_markers
from exporter.writers.pagination import print_page_breaks

log = logging.getLogger("exporter")

TEMPLATE_FOLDER = "epub"
CONTENT_FILE = "content.xhtml"
NAV_FILE = "nav.xhtml"
COVER_PAGE_FILE = "cover.xhtml"
COVER_IMAGE_FILE = "images/cover.svg"
STYLESHEET_FILE = "styles/epub.css"
FONT_FOLDER = "fonts"
IMAGE_FOLDER = "images"
MIMETYPE = b"application/epub+zip"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
PACKAGE_FILE = "EPUB/content.opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IDENTIFIER_NAMESPACE = uuid.UUID("6f1b2a52-3c1e-5b8e-9a57-0e4c1d2f7a10")
"""A fixed namespace for uuid5 identifiers, so that an issue keeps its identifier forever."""
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
"""The earliest time a zip entry can record; also the build time of an undated article."""
ZIP_END = datetime.datetime(2107, 12, 31, 23, 59, 58, tzinfo=datetime.UTC)
IMAGE_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    # (magic bytes, offset, media type, extension): only EPUB core media types, recognised
    # by content rather than by name, so that a mislabelled file cannot break the book.
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
)
SAFE_CSS_VALUE = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]+|rgba?\([0-9., %]+\)")
SAFE_FONT_FAMILY = re.compile(r"[A-Za-z0-9 _-]+")
# List markers (disc, circle, square) and punctuation a reading system may draw itself.
READING_SYSTEM_MARKS = "•◦▪■□–—‘’“”…\u00a0"
FONT_MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}
COVER_TITLE_WIDTH = 21
"""Characters per title line on the cover: the SVG cannot wrap text by itself."""
COVER_TITLE_LINES = 6
COVER_AUTHOR_WIDTH = 38


@dataclass(frozen=True, slots=True)
class PackedImage:
    """An image of the article copied into the EPUB."""

    href: str
    """Its path inside the EPUB, relative to the package document."""
    media_type: str
    """Its media type, recognised from its first bytes."""
    data: bytes
    """The file's bytes."""


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file packed into the EPUB and the @font-face rule that names it."""

    href: str
    """Its path inside the EPUB, relative to the package document."""
    family: str
    """The family name the CSS uses."""
    weight: int
    """The CSS font weight (400 regular, 700 bold)."""
    style: str
    """The CSS font style: normal or italic."""
    media_type: str
    """The font's media type."""
    data: bytes
    """The file's bytes."""


@dataclass(slots=True)
class TocEntry:
    """A heading of the content document as the navigation document lists it."""

    level: int
    """1 for the title, 2 and 3 for subheads."""
    href: str
    """The link to the heading."""
    text: str
    """The heading's text."""
    children: list[TocEntry] = field(default_factory=list)
    """The headings below it."""


@dataclass(frozen=True, slots=True)
class Landmark:
    """An entry of the navigation document's landmarks."""

    kind: str
    """Its epub:type (cover, toc, bodymatter)."""
    href: str
    """Where it points."""


def write_epub(article: model.Article, context: RenderContext) -> bytes:
    """Return the EPUB 3 of an article: same input, same bytes."""
    from ebooklib import epub  # imported here so that other formats never load ebooklib

    env = _environment(context.layout)
    moment = build_moment(article)
    breaks = print_page_breaks(article, context)
    marked = mark_article(article, breaks or ())
    images: list[PackedImage] = []
    packed_article = _pack_figures(marked.article, context, images)
    fonts = _font_faces(context.layout)
    # A CJK edition also carries its system CJK families, subset to the characters it prints.
    fonts += [
        FontFace(
            f"{FONT_FOLDER}/{face.filename}",
            face.family,
            face.weight,
            face.style,
            "font/otf",
            face.data,
        )
        for face in edition_faces(article, context.layout)
    ]
    content, headings, pages = _content_document(
        packed_article, marked.bios, context, env, with_pages=breaks is not None
    )
    has_cover = _template_exists(env, "cover.svg")

    book = epub.EpubBook()
    _set_metadata(book, packed_article, context, env, has_pages=bool(pages))
    stylesheet = _render(
        env,
        "epub.css",
        font_faces=[dataclasses.replace(f, href=_relative(f.href, STYLESHEET_FILE)) for f in fonts],
        colours=_css_colours(context.layout.series.colours),
    )
    book.add_item(_item(epub, "style", STYLESHEET_FILE, "text/css", stylesheet.encode("utf-8")))
    texts = [stylesheet, content.decode("utf-8")]
    for number, image in enumerate(images, start=1):
        book.add_item(_item(epub, f"image-{number}", image.href, image.media_type, image.data))

    spine = []
    landmarks = []
    if has_cover:
        cover_svg = _render(env, "cover.svg", **_cover_values(article, context))
        texts.append(cover_svg)
        cover_image = _item(epub, "cover-image", COVER_IMAGE_FILE, "image/svg+xml", cover_svg)
        cover_image.properties = ["cover-image"]
        book.add_item(cover_image)
        cover_page = _render(
            env,
            "cover.xhtml",
            article=article,
            image=COVER_IMAGE_FILE,
            stylesheet=STYLESHEET_FILE,
            alt=_cover_alt(article, context),
        )
        texts.append(cover_page)
        book.add_item(_item(epub, "cover", COVER_PAGE_FILE, "application/xhtml+xml", cover_page))
        spine.append("cover")
        landmarks.append(Landmark("cover", COVER_PAGE_FILE))
    landmarks.append(Landmark("bodymatter", CONTENT_FILE))

    content_item = _item(epub, "content", CONTENT_FILE, "application/xhtml+xml", content)
    book.add_item(content_item)
    spine.append("content")

    toc = _toc_tree(headings)
    nav = _render(
        env,
        "nav.xhtml",
        article=article,
        series=context.layout.series,
        stylesheet=STYLESHEET_FILE,
        toc=toc,
        landmarks=landmarks,
        page_list=[(target.page, f"{CONTENT_FILE}#{target.ident}") for target in pages],
    )
    texts.append(nav)
    # The fonts go in last, each cut to the characters of the book's own texts.
    printed = _printed_characters(texts)
    for number, face in enumerate(fonts, start=1):
        data = subset_font(face.data, printed)
        book.add_item(_item(epub, f"font-{number}", face.href, face.media_type, data))
    nav_item = _item(epub, "nav", NAV_FILE, "application/xhtml+xml", nav)
    nav_item.properties = ["nav"]
    book.add_item(nav_item)
    # The NCX only serves EPUB 2 reading systems, and ebooklib's spine always names one.
    book.add_item(epub.EpubNcx())
    book.toc = [
        epub.Link(href, text, f"ncx-{href.partition('#')[2]}") for _, href, text in headings
    ]
    book.spine = spine

    buffer = io.BytesIO()
    # epub3_landmark/epub2_guide are off: our own navigation document carries the landmarks.
    # ebooklib's zip is only an intermediate (`_reproducible_zip` compresses once), so it
    # is written at level 0.
    options = {
        "compresslevel": 0,
        "mtime": moment,
        "epub3_landmark": False,
        "epub2_guide": False,
        "raise_exceptions": True,
    }
    epub.write_epub(buffer, book, options)
    return _reproducible_zip(buffer.getvalue(), moment, {PACKAGE_FILE: _package_language(article)})


def build_moment(article: model.Article) -> datetime.datetime:
    """Return the fixed build time: SOURCE_DATE_EPOCH if set, else the article's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a whole number of seconds")
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    if article.date is not None:
        return datetime.datetime.combine(article.date, datetime.time(), tzinfo=datetime.UTC)
    return ZIP_EPOCH


def book_identifier(article: model.Article) -> str:
    """Return the stable identifier of an issue: a uuid5 of its series and number (else title)."""
    which = str(article.number) if article.number is not None else f"title:{article.title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{article.series}/{which}')}"


def print_identifier(article: model.Article) -> str:
    """Return the stable identifier of the issue's print edition (the PDF bulletin)."""
    which = str(article.number) if article.number is not None else f"title:{article.title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{article.series}/{which}/print')}"


def _environment(layout: Layout) -> jinja2.Environment:
    if not (layout.folder / TEMPLATE_FOLDER).is_dir():
        raise LayoutError(f"the layout has no {TEMPLATE_FOLDER}/ folder", file=str(layout.folder))
    return layout.environment()


def _template_exists(env: jinja2.Environment, name: str) -> bool:
    try:
        env.get_template(f"{TEMPLATE_FOLDER}/{name}")
    except jinja2.TemplateNotFound:
        return False
    return True


def _render(env: jinja2.Environment, name: str, **values: Any) -> str:
    try:
        template = env.get_template(f"{TEMPLATE_FOLDER}/{name}")
    except jinja2.TemplateNotFound:
        raise LayoutError(f"the layout has no {TEMPLATE_FOLDER}/{name}") from None
    try:
        return template.render(**values)
    except jinja2.UndefinedError as error:
        # Most likely a colour or text the series.yaml of a user's layout does not define.
        raise LayoutError(f"{error.message}", file=f"{TEMPLATE_FOLDER}/{name}") from None


def _item(epub: Any, uid: str, href: str, media_type: str, content: str | bytes) -> Any:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return epub.EpubItem(uid=uid, file_name=href, media_type=media_type, content=data)


def _relative(href: str, from_file: str) -> str:
    return os.path.relpath(href, os.path.dirname(from_file) or ".").replace(os.sep, "/")


def _set_metadata(
    book: Any,
    article: model.Article,
    context: RenderContext,
    env: jinja2.Environment,
    has_pages: bool,
) -> None:
    series = context.layout.series
    book.set_identifier(book_identifier(article))
    book.set_title(article.title)
    book.set_language(article.lang)
    for number, author in enumerate(article.authors, start=1):
        book.add_author(author.name, role="aut", uid=f"creator-{number}")
    if article.date is not None:
        book.add_metadata("DC", "date", article.date.isoformat())
    for keyword in article.keywords:
        book.add_metadata("DC", "subject", keyword)
    if article.summary:
        book.add_metadata("DC", "description", article.summary)
    book.add_metadata("DC", "publisher", series.publisher)
    if article.number is not None:
        # EPUB 3 collection metadata: the series and the issue's place in it.
        collection = {"property": "belongs-to-collection", "id": "series"}
        book.add_metadata(None, "meta", series.name, collection)
        refines = {"refines": "#series"}
        book.add_metadata(None, "meta", "series", {**refines, "property": "collection-type"})
        position = {**refines, "property": "group-position"}
        book.add_metadata(None, "meta", str(article.number), position)
    if has_pages:
        # The page list follows the print edition: dc:source names it (EPUB 3.3), and
        # pageBreakSource says it is the source of the page breaks (EPUB Accessibility).
        source = print_identifier(article)
        book.add_metadata("DC", "source", source, {"id": "print-edition"})
        book.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
    _set_accessibility(book, article, env, has_pages)


def _set_accessibility(
    book: Any, article: model.Article, env: jinja2.Environment, has_pages: bool
) -> None:
    # No conformance claim (dcterms:conformsTo): nobody has audited the output against WCAG,
    # and a claim without a certifier is worth less than an honest summary.
    figures = [block for block in _all_blocks(article) if isinstance(block, model.Figure)]
    all_described = all(figure.alt.strip() for figure in figures)

    def schema(name: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": f"schema:{name}"})

    schema("accessMode", "textual")
    if figures:
        schema("accessMode", "visual")
    if all_described:
        schema("accessModeSufficient", "textual")
    if figures:
        schema("accessModeSufficient", "textual,visual")
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if figures and all_described:
        features.append("alternativeText")
    if has_pages:
        features.extend(("pageBreakMarkers", "pageNavigation"))
    for feature in features:
        schema("accessibilityFeature", feature)
    schema("accessibilityHazard", "none")
    summary = _render(
        env,
        "accessibility-summary.txt",
        has_images=bool(figures),
        all_described=all_described,
        has_pages=has_pages,
    )
    # The template is autoescaped like every layout template; ebooklib escapes again.
    schema("accessibilitySummary", " ".join(Markup(summary).unescape().split()))


def _all_blocks(article: model.Article) -> list[model.Block]:
    blocks: list[model.Block] = []

    def collect(found: Iterable[model.Block]) -> None:
        for block in found:
            blocks.append(block)
            if isinstance(block, model.BlockQuote | model.PullQuote):
                collect(block.content)
            elif isinstance(block, model.ListBlock):
                for item in block.items:
                    collect(item.content)

    collect(article.body)
    for note in article.notes:
        collect(note.content)
    return blocks


def _pack_figures(
    article: model.Article, context: RenderContext, images: list[PackedImage]
) -> model.Article:
    """Return the article with each figure pointing at its packed image, or replaced by text.

    A figure whose image the resource policy refuses, or that is not an EPUB core image
    type, becomes a paragraph of its alternative text (and its caption), so that no
    reader loses what it says.
    """
    packed: dict[Path, PackedImage] = {}

    def replace_figure(figure: model.Figure) -> tuple[model.Block, ...]:
        path = local_path(figure.src, context)
        image = packed.get(path) if path else None
        if path is not None and image is None:
            image = _read_image(path, len(packed) + 1)
            if image is not None:
                packed[path] = image
                images.append(image)
        if image is not None:
            return (dataclasses.replace(figure, src=image.href),)
        fallback: list[model.Block] = []
        if figure.alt.strip():
            fallback.append(model.Paragraph((model.Text(figure.alt),)))
        if figure.caption:
            fallback.append(model.Paragraph(figure.caption))
        return tuple(fallback)

    def blocks(found: tuple[model.Block, ...]) -> tuple[model.Block, ...]:
        result: list[model.Block] = []
        for block in found:
            if isinstance(block, model.Figure):
                result.extend(replace_figure(block))
            elif isinstance(block, model.BlockQuote | model.PullQuote):
                result.append(dataclasses.replace(block, content=blocks(block.content)))
            elif isinstance(block, model.ListBlock):
                items = tuple(
                    dataclasses.replace(item, content=blocks(item.content)) for item in block.items
                )
                result.append(dataclasses.replace(block, items=items))
            else:
                result.append(block)
        return tuple(result)

    notes = tuple(dataclasses.replace(note, content=blocks(note.content)) for note in article.notes)
    return dataclasses.replace(article, body=blocks(article.body), notes=notes)


def _read_image(path: Path, number: int) -> PackedImage | None:
    data = path.read_bytes()
    for signature, offset, media_type, extension in IMAGE_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return PackedImage(f"{IMAGE_FOLDER}/figure-{number}{extension}", media_type, data)
    log.warning("left out %s: not a PNG, JPEG, GIF or WebP image", path.name)
    return None


def _font_faces(layout: Layout) -> list[FontFace]:
    """Return the layout's fonts with the family, weight and style their own tables declare."""
    faces = []
    for face in font_faces(layout.fonts):
        media_type = FONT_MEDIA_TYPES.get(face.path.suffix.lower())
        if media_type is None:
            continue
        if not SAFE_FONT_FAMILY.fullmatch(face.family):
            log.warning(
                "left out font %s: family name %r cannot be quoted in CSS", face.path, face.family
            )
            continue
        href = f"{FONT_FOLDER}/{face.path.name}"
        data = face.path.read_bytes()
        faces.append(FontFace(href, face.family, face.weight, face.style, media_type, data))
    return faces


def _printed_characters(texts: list[str]) -> set[int]:
    """Return the code points the book's fonts must keep.

    Every character of its texts (markup included, which costs a few ASCII glyphs), all
    of printable ASCII, and the marks reading systems draw for lists and quotes in the
    text's own font.
    """
    printed = {ord(char) for text in texts for char in text}
    printed.update(range(0x20, 0x7F))
    printed.update(ord(char) for char in READING_SYSTEM_MARKS)
    return printed


def _css_colours(colours: dict[str, str]) -> dict[str, Markup]:
    """Return the series colours that are safe to write into CSS, as markup."""
    safe = {}
    for name, value in colours.items():
        if SAFE_CSS_VALUE.fullmatch(value.strip()):
            safe[name] = Markup(value.strip())  # checked above, so it cannot break out of CSS
        else:
            raise LayoutError(f"colour {name!r} is not a CSS colour: {value!r}")
    return safe


def _content_document(
    article: model.Article,
    bios: list[str],
    context: RenderContext,
    env: jinja2.Environment,
    with_pages: bool,
) -> tuple[bytes, list[tuple[int, str, str]], list[PageTarget]]:
    """Return the content XHTML, its headings as (level, href, text) and its print pages.

    The article and bios hold the tokens of print page breaks (see `page_markers`);
    `with_pages` makes them markers, page 1's included. Without a print edition there
    are no tokens and no markers.
    """
    options = html.HtmlOptions(epub=True)
    series = context.layout.series
    rendered = _render(
        env,
        "content.xhtml",
        article=article,
        series=series,
        issue_line=issue_line(series, article.number, article.date, article.lang),
        stylesheet=STYLESHEET_FILE,
        body=html.body_html(article, options),
        notes=html.notes_html(article, options),
        bios=bios,
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(rendered.encode("utf-8"), parser)
    _make_ids_unique(root)
    _unlink_missing_targets(root)
    pages = place_markers(root) if with_pages else []
    headings = _number_headings(root)
    document = etree.tostring(
        root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )
    entries = [(level, f"{CONTENT_FILE}#{ident}", text) for level, ident, text in headings]
    return document, entries, pages


def _make_ids_unique(root: etree._Element) -> None:
    # A note that calls another note repeats a call id of the body; later copies are renamed.
    seen: set[str] = set()
    for element in root.iter():
        ident = element.get("id")
        if ident is None:
            continue
        candidate, count = ident, 1
        while candidate in seen:
            count += 1
            candidate = f"{ident}-{count}"
        element.set("id", candidate)
        seen.add(candidate)


def _unlink_missing_targets(root: etree._Element) -> None:
    # A note that no paragraph calls has a backlink to nowhere; epubcheck calls that an error.
    ids = {element.get("id") for element in root.iter()}
    for link in root.iter(f"{{{XHTML_NS}}}a"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            for attribute in ("href", "role", f"{{{EPUB_NS}}}type"):
                if attribute in link.attrib:
                    del link.attrib[attribute]


def _number_headings(root: etree._Element) -> list[tuple[int, str, str]]:
    """Give every heading an id and return (level, id, text) for each, in document order."""
    headings = []
    levels = {f"{{{XHTML_NS}}}h{level}": level for level in range(1, 7)}
    taken = {element.get("id") for element in root.iter()}
    number = 0
    for element in root.iter(*levels):
        ident = element.get("id")
        if ident is None:
            number += 1
            while f"section-{number}" in taken:
                number += 1
            ident = f"section-{number}"
            element.set("id", ident)
        text = " ".join("".join(str(part) for part in element.itertext()).split())
        headings.append((levels[element.tag], ident, text))
    return headings


def _toc_tree(headings: list[tuple[int, str, str]]) -> list[TocEntry]:
    """Nest the headings: each under the nearest heading before it of a higher rank."""
    roots: list[TocEntry] = []
    stack: list[TocEntry] = []
    for level, href, text in headings:
        entry = TocEntry(level, href, text)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots


def _cover_values(article: model.Article, context: RenderContext) -> dict[str, Any]:
    series = context.layout.series
    # Columns, not characters: a CJK character is two wide (and breaks where Latin cannot).
    title_lines = wrap_columns(article.title, COVER_TITLE_WIDTH)
    if len(title_lines) > COVER_TITLE_LINES:
        # An overlong title is cut with an ellipsis; the cover's alt text carries it whole.
        rest = " ".join(title_lines[COVER_TITLE_LINES - 1 :])
        last = textwrap.shorten(rest, COVER_TITLE_WIDTH, placeholder=" …")
        title_lines = [*title_lines[: COVER_TITLE_LINES - 1], last]
    return {
        "article": article,
        "series": series,
        "colours": _css_colours(series.colours),
        "issue_line": issue_line(series, article.number, article.date, article.lang),
        "title_lines": title_lines,
        "author_lines": wrap_columns(
            ", ".join(author.name for author in article.authors), COVER_AUTHOR_WIDTH
        ),
    }


def _cover_alt(article: model.Article, context: RenderContext) -> str:
    series = context.layout.series
    parts = [series.name, issue_line(series, article.number, article.date, article.lang)]
    parts.append(article.title)
    return ". ".join(part for part in parts if part)


def _package_language(article: model.Article) -> Callable[[bytes], bytes]:
    """Return a rewrite of the package document that gives its root the article's language.

    ebooklib writes no xml:lang on <package>; reading systems and Ace read the
    language of the metadata's text from it.
    """

    def rewrite(package: bytes) -> bytes:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(package, parser)
        root.set(XML_LANG, article.lang)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))

    return rewrite


def _reproducible_zip(
    ebooklib_zip: bytes,
    moment: datetime.datetime,
    rewrites: dict[str, Callable[[bytes], bytes]],
) -> bytes:
    """Rewrite ebooklib's zip with fixed dates and modes; mimetype first and stored.

    ebooklib stamps every entry with the current time, so two builds would differ;
    `rewrites` change the named entries on the way.
    """
    stamp = min(max(moment, ZIP_EPOCH), ZIP_END)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(ebooklib_zip)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        names = [name for name in source.namelist() if name != "mimetype"]
        _write_entry(target, "mimetype", MIMETYPE, date_time, zipfile.ZIP_STORED)
        for name in names:
            data = source.read(name)
            if name in rewrites:
                data = rewrites[name](data)
            _write_entry(target, name, data, date_time, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def _write_entry(
    target: zipfile.ZipFile,
    name: str,
    data: bytes,
    date_time: tuple[int, int, int, int, int, int],
    compression: int,
) -> None:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = compression
    info.create_system = 3  # Unix, whatever system builds it
    info.external_attr = 0o100644 << 16
    # Level 6, not 9: the fonts come out 0.1% larger in half the time.
    target.writestr(info, data, compresslevel=6 if compression == zipfile.ZIP_DEFLATED else None)
