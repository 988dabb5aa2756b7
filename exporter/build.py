"""Build one article into the formats asked for, writing every output whole or not at all."""

from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from exporter import model
from exporter.context import RenderContext, SourceFile
from exporter.editions import is_file_name, version_of
from exporter.errors import ExportError, InputError
from exporter.layouts import find_layout
from exporter.output import write_atomic
from exporter.readers import MAX_INPUT_BYTES_BY_SUFFIX, load
from exporter.writers import get_writer, writer_entry

log = logging.getLogger("exporter")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What `exporter build` was asked for."""

    formats: tuple[str, ...]
    """The output formats, in order (pdf, epub, docx, json)."""
    out_dir: Path
    """The folder the outputs go to."""
    layout: str | None = None
    """A layout name or folder; None means the article's series."""
    paper: str = ""
    """letter or a4; empty means the series' default."""
    pdf_variant: str | None = None
    """The PDF variant to write; None: pdf/ua-1, or pdf/x-4 for the printer."""
    print_marks: bool = False
    """Make the PDF for the printer (PDF/X-4, bleed, crop marks, output intent)."""
    reference_docx: Path | None = None
    """A DOCX whose styles the DOCX writer uses instead of the layout's."""
    strict: bool = False
    """Refuse an article with characters no font can show, or too short to fill the
    bulletin's pages, instead of warning."""
    embed_fonts: bool = True
    """Embed the layout's fonts in the DOCX."""
    fit_start: int | None = None
    """The step the PDF's fitting starts from (`RenderContext.fit_start`)."""
    shift_headings: int | None = None
    """Added to each Markdown heading's level (`#` is 1); None: the reader shifts them so
    that the highest becomes the layout's first subhead level."""
    record_source: bool = True
    """Record the article file's name and version in the DOCX (`RenderContext.source`);
    off for a temporary copy, whose name means nothing to whoever gets the DOCX."""


def render(article: model.Article, context: RenderContext, fmt: str) -> bytes:
    """Return the article rendered in one format; errors name the format as their place."""
    # The series texts in the article's language (a no-op when they already are).
    context = dataclasses.replace(context, layout=context.layout.for_language(article.lang))
    try:
        return get_writer(fmt)(article, context)
    except ExportError as error:
        raise error.at(fmt) from None


def check_glyphs(article: model.Article, font_files: list[Path], strict: bool) -> None:
    """Warn about (or, when strict, refuse) characters that no available font can show."""
    from exporter.glyphs import article_text, describe, missing_characters

    missing = missing_characters(article_text(article), font_files)
    if not missing:
        return
    message = f"no font can show {describe(missing)}; they would print as empty boxes"
    if strict:
        raise InputError(message, where="text")
    log.warning("%s", message)


def render_file(source: Path, options: BuildOptions) -> dict[str, bytes]:
    """Read one article file and render it in every format asked for, in memory."""
    article, context = prepare(source, options)
    return {fmt: render(article, context, fmt) for fmt in options.formats}


def prepare(source: Path, options: BuildOptions) -> tuple[model.Article, RenderContext]:
    """Read one article file and return it with the context its formats are rendered in."""
    for fmt in options.formats:
        writer_entry(fmt)
    # The version is of the bytes read before the article is: a change made meanwhile
    # makes the DOCX's source look older than its text, never newer.
    recorded = _source_file(source) if options.record_source else None
    article = _load(source, options.shift_headings)
    return article, context_of(article, source.resolve().parent, options, recorded)


def _load(source: Path, shift_headings: int | None) -> model.Article:
    """Read an article file, its Markdown headings shifted as asked."""
    if shift_headings is None:
        return load(source)
    from exporter.readers.markdown import shifted_headings

    with shifted_headings(shift_headings):
        return load(source)


def context_of(
    article: model.Article,
    folder: Path,
    options: BuildOptions,
    source: SourceFile | None = None,
) -> RenderContext:
    """Return the context an article of `folder` is rendered in (the folder its pictures
    are read from, the file a DOCX names as its source), its characters checked against
    the layout's fonts."""
    # The series texts (issue line, labels, publisher block) in the article's language.
    layout = find_layout(options.layout, article.series).for_language(article.lang)
    if any(writer_entry(fmt).embeds_fonts for fmt in options.formats):
        # A JSON file names no fonts, and a word processor shows the characters a DOCX's
        # fonts lack in fonts of its own.
        check_glyphs(article, layout.font_files(), options.strict)
    if "pdf" in options.formats:
        # The bulletin's columns are hyphenated: their patterns come parsed from the cache.
        from exporter.hyphenation import preload

        preload(layout.series.hyphenation_language(article.lang))
    return RenderContext(
        layout=layout,
        source_dir=folder,
        paper=options.paper,
        pdf_variant=options.pdf_variant,
        print_marks=options.print_marks,
        reference_docx=options.reference_docx,
        strict=options.strict,
        embed_fonts=options.embed_fonts,
        fit_start=options.fit_start,
        source=source,
    )


def _source_file(source: Path) -> SourceFile | None:
    """Return the name and version of the article file; None if it cannot be read or is
    over the readers' limits (then `load` says why)."""
    if not is_file_name(source.name):  # no name a DOCX property can hold and give back
        return None
    try:
        with source.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size > max(MAX_INPUT_BYTES_BY_SUFFIX.values()):
                return None
            return SourceFile(source.name, version_of(stream.read()))
    except OSError:
        return None


def build_file(source: Path, options: BuildOptions) -> list[Path]:
    """Build one article file into every format asked for; return the paths written.

    Every format is rendered in memory first, so that a failure in one leaves no
    output of the others from this run; then each file is written atomically.
    """
    rendered = render_file(source, options)
    return [path for path, _status in write_outputs(source, options, rendered).values()]


def write_outputs(
    source: Path, options: BuildOptions, rendered: dict[str, bytes]
) -> dict[str, tuple[Path, os.stat_result]]:
    """Write an article's rendered formats into the output folder, each file atomically;
    return each file's path and status as written (its size and time), by format."""
    written = {}
    for fmt, data in rendered.items():
        path = options.out_dir / (source.stem + writer_entry(fmt).extension)
        written[fmt] = (path, write_atomic(path, data))
    return written
