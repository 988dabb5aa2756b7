"""The command line: `exporter build`, `catalog`, `schema`...; error kinds map to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from exporter.collector import collect_rarely
from exporter.errors import ExportError, UsageError
from exporter.limits import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    MEMORY_VARIABLE,
    Limits,
    memory_from_environment,
)
from exporter.writers import DEFAULT_FORMATS, WRITERS

if TYPE_CHECKING:
    from exporter.build import BuildOptions
    from exporter.incremental import Incremental
    from exporter.workpool import WorkerPool

log = logging.getLogger("exporter")

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def run() -> NoReturn:
    """Run the command line as a program (`exporter`, `python -m exporter`) and exit."""
    collect_rarely()  # python -m exporter has already, before importing this module
    code = main()
    # Nothing this process made is needed any more: frozen, it is spared the interpreter's
    # collections on the way out, which scan every object the libraries made (a tenth of
    # a cold DOCX build). main() itself leaves the collector alone for its callers.
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    try:
        code: int = args.run(args)
        return code
    except ExportError as error:
        print(f"exporter: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("exporter: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # an internal failure: one line, the traceback on request
        if args.debug:
            traceback.print_exc()
        message = " ".join(str(error).split())
        print(
            f"exporter: internal error: {type(error).__name__}: {message}"
            " (run with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exporter",
        description="Turn one article into a two-page print bulletin (PDF), an EPUB and a DOCX.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", help="say more: what the fitting chose, each file"
    )
    common.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    common.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    parser.set_defaults(run=lambda _args: _usage(parser), verbose=False, quiet=False, debug=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    # The options of a bulletin's layout, shared by build and proof.
    layout_options = argparse.ArgumentParser(add_help=False)
    layout_options.add_argument(
        "-o",
        "--out",
        default=Path("dist"),
        type=Path,
        metavar="DIR",
        help="output folder (default: %(default)s)",
    )
    layout_options.add_argument(
        "--layout",
        metavar="NAME|PATH",
        help="a bundled layout's name or your own layout folder (default: the article's series)",
    )
    layout_options.add_argument(
        "--paper", choices=("letter", "a4"), default="", help="paper size (default: the layout's)"
    )
    layout_options.add_argument(
        "--print",
        dest="print_marks",
        action="store_true",
        help="for the printer: PDF/X-4 with an output intent, 0.125 in bleed, crop marks",
    )

    build = commands.add_parser(
        "build",
        parents=[common, layout_options],
        help="build articles into PDF, EPUB, DOCX or JSON",
        description=(
            "Build each ARTICLE (Markdown with YAML front matter, or the JSON form) into "
            "OUT/<name>.<format>. Every output is written whole or not at all."
        ),
    )
    build.add_argument(
        "articles",
        nargs="+",
        metavar="ARTICLE",
        type=Path,
        help="article files, or folders whose .md and .json files are built",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="build in N worker processes (default: the number of cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="build on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786); "
        "needs the 'cluster' extra",
    )
    build.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="refuse an article whose build takes longer (default: %(default)g; 0: no limit)",
    )
    build.add_argument(
        "--memory-limit",
        type=int,
        default=None,
        metavar="MB",
        help="refuse an article whose build needs more memory (default: $EXPORTER_WORKER_MEMORY"
        f" or {DEFAULT_MEMORY // 1024**2}; 0: no limit)",
    )
    build.add_argument(
        "--to",
        default=",".join(DEFAULT_FORMATS),
        metavar="FORMATS",
        help=f"comma-separated formats from {', '.join(WRITERS)} (default: %(default)s)",
    )
    build.add_argument(
        "--pdf-variant",
        default=None,
        metavar="VARIANT",
        help="PDF variant: pdf/ua-1 (tagged, the default), pdf/ua-2, pdf/a-3b, pdf/x-4 "
        "(the default with --print), or 'none'",
    )
    build.add_argument(
        "--reference-docx",
        type=Path,
        metavar="FILE",
        help="a DOCX whose styles the DOCX output uses instead of the layout's",
    )
    build.add_argument(
        "--no-embed-fonts",
        dest="embed_fonts",
        action="store_false",
        help="leave the layout's fonts out of the DOCX, for tools that reject embedded fonts "
        "(default: embedded, subset to the characters the document uses)",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="refuse an article with characters no font can show, or too short to fill "
        "the bulletin's pages (default: warn)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="build every article of the folders given, even those whose outputs are up to "
        "date (default: only the articles changed since their last build)",
    )
    build.add_argument(
        "--shift-headings",
        type=int,
        default=None,
        metavar="N",
        help="add N to each Markdown heading's level ('#' is 1, subheads are 2 and 3; "
        "default: when they start anywhere but '##', shift them so that the highest "
        "becomes a subhead, with a warning)",
    )
    build.add_argument(
        "--explain",
        action="store_true",
        help="print what the copyfitting chose and how full it fills the pages (as -v)",
    )
    build.set_defaults(run=_build)

    proof = commands.add_parser(
        "proof",
        parents=[common, layout_options],
        help="write a PNG of both bulletin pages side by side",
        description=(
            "Lay out each ARTICLE as its bulletin PDF and write OUT/<name>-proof.png, both "
            "pages side by side, to look at without a PDF viewer."
        ),
    )
    proof.add_argument("articles", nargs="+", metavar="ARTICLE", type=Path, help="article files")
    proof.add_argument(
        "--dpi", type=int, default=100, help="resolution of the PNG (default: %(default)s)"
    )
    proof.set_defaults(run=_proof)

    importer = commands.add_parser(
        "import",
        parents=[common],
        help="turn a file (a returned DOCX or XLIFF, JSON, Markdown) into an article file",
        description=(
            "Read FILE into the article model and write it as Markdown with front matter "
            "(or JSON), ready for `exporter build`. Warnings say what had to be guessed. "
            "A DOCX or XLIFF the toolkit wrote names its article file: translated, it is "
            "imported as that article's edition when the article is in the output's folder or "
            "beside FILE."
        ),
    )
    importer.add_argument("source", type=Path, metavar="FILE", help="the file to import")
    importer.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE|DIR",
        help=(
            "the article file to write, or an existing folder to write it into (a "
            "translation of an article there as NAME.LANG.md); default: standard output"
        ),
    )
    importer.add_argument("--to", choices=("md", "json"), default=None, help="md (default) or json")
    importer.add_argument(
        "--lang", metavar="TAG", help="the article's language (BCP 47), if the file's is wrong"
    )
    importer.set_defaults(run=_import)

    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the JSON Schema of the article model",
        description="Print the JSON Schema (draft 2020-12) of the JSON form of an article.",
    )
    schema.set_defaults(run=_schema)

    catalog = commands.add_parser(
        "catalog",
        parents=[common],
        help="write an OPDS catalogue of the built articles in a folder",
        description=(
            "Write an OPDS 1.2 catalogue of the EPUBs and PDFs that `exporter build` wrote "
            "into OUT_DIR: OUT_DIR/catalog.xml and the feeds it links, with each issue's "
            "cover and thumbnail in OUT_DIR/covers/. Links are relative: any web server "
            "that serves the folder serves the catalogue. Nothing is rebuilt."
        ),
    )
    catalog.add_argument(
        "out_dir", type=Path, metavar="OUT_DIR", help="the output folder of `exporter build`"
    )
    catalog.add_argument(
        "--search",
        metavar="URL",
        default="",
        help="a search URL with {searchTerms} (an `exporter serve` app's /opds/search?q="
        "{searchTerms}), described in OUT_DIR/search.xml and linked by the feeds",
    )
    catalog.set_defaults(run=_catalog)

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="start the editor's web app over a folder of articles",
        description=(
            "Serve the Markdown articles of DIR to a web browser: edit, proof both pages, "
            "download PDF, EPUB and DOCX; with an HTTP API for scripts. Listens on this "
            "machine only unless --host says otherwise, which needs an access token."
        ),
    )
    serve.add_argument(
        "folder",
        nargs="?",
        default=Path("."),
        type=Path,
        metavar="DIR",
        help="the folder of articles (default: the current folder)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument(
        "--token",
        default=None,
        help="access token every request must carry (default: $EXPORTER_TOKEN, which "
        "other users cannot see in the process list)",
    )
    serve.add_argument(
        "-j", "--jobs", type=int, default=2, metavar="N", help="build processes (default: 2)"
    )
    serve.set_defaults(run=_serve)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def _configure_logging(verbose: bool, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname_lower)s: %(message)s"))
    handler.addFilter(_lowercase_level)
    # Warnings of a build are collected and printed once at its end (report.py).
    handler.addFilter(lambda record: record.levelno != logging.WARNING or not _collecting())
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    # WeasyPrint reports every CSS property it skips; those are the layout's business.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _collecting() -> bool:
    return any(type(h).__name__ == "_Collector" for h in log.handlers)


def _lowercase_level(record: logging.LogRecord) -> bool:
    record.levelname_lower = record.levelname.lower()
    return True


def _limits(args: argparse.Namespace) -> Limits:
    """Return the time and memory limits of one article's build from the options."""
    if args.timeout < 0:
        raise UsageError(f"--timeout {args.timeout:g} is not a number of seconds")
    try:
        memory = memory_from_environment()
    except ValueError:
        raise UsageError(f"${MEMORY_VARIABLE} is not a number of megabytes") from None
    if args.memory_limit is not None:
        if args.memory_limit < 0:
            raise UsageError(f"--memory-limit {args.memory_limit} is not a number of megabytes")
        memory = args.memory_limit * 1024**2 or None
    return Limits(seconds=args.timeout or None, memory=memory)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Let SIGTERM end the block as Ctrl-C does (in the main thread; restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build(args: argparse.Namespace) -> int:
    """Build the articles named, in a pool started before they are read; return the exit code.

    Each article is built from a large block of frames (`framestack`), so that how deep
    this function's calls go does not change what the build costs.
    """
    formats, variant, jobs, limits = _build_settings(args)
    pool = _early_pool(args, formats, jobs, limits)
    try:
        from exporter.batch import build_all, expand_sources
        from exporter.build import BuildOptions

        options = BuildOptions(
            formats=formats,
            out_dir=args.out,
            layout=args.layout,
            paper=args.paper,
            pdf_variant=variant,
            print_marks=args.print_marks,
            reference_docx=args.reference_docx,
            strict=args.strict,
            embed_fonts=args.embed_fonts,
            shift_headings=args.shift_headings,
        )
        sources = expand_sources(args.articles)
        if not sources:
            raise UsageError("no article files (.md, .markdown, .json) in the folders given")
        incremental = _incremental(args, options)
        wanted = {
            source: options.formats if incremental is None else incremental.out_of_date(source)
            for source in sources
        }
        pending = [source for source in sources if wanted[source]]
        for source in sources:
            if not wanted[source]:
                log.info("%s: up to date", source)
        progress = _Progress(len(pending), quiet=args.quiet)
        outcomes = []
        # Termination is taken as Ctrl-C: the articles not started are dropped, the ones
        # being written are finished whole, and no worker is left behind.
        try:
            with progress, _terminate_as_interrupt():
                record = incremental is not None
                if args.scheduler:
                    from exporter.cluster import build_on_cluster

                    outcomes_of = build_on_cluster(pending, options, args.scheduler, wanted, record)
                else:
                    outcomes_of = build_all(pending, options, jobs, limits, wanted, record, pool)
                for outcome in outcomes_of:
                    outcomes.append(outcome)
                    if incremental is not None:
                        incremental.record(outcome, wanted[outcome.source])
                    if outcome.message:
                        progress.print(f"exporter: {outcome.message}")
                    for path in outcome.paths:
                        log.info("wrote %s", path)
                    progress.advance(outcome)
        finally:
            if incremental is not None:
                incremental.save(final=True)
        if not args.quiet:
            for outcome in outcomes:
                for message in outcome.warnings:
                    print(f"warning: {outcome.source}: {message}", file=sys.stderr)
        counts = {status: sum(o.status == status for o in outcomes) for status in _STATUSES}
        if len(sources) > 1 and not args.quiet:
            summary = [f"{status} {counts[status]}" for status in _STATUSES]
            if incremental is not None:
                summary.insert(1, f"up to date {len(sources) - len(pending)}")
            print(", ".join(summary), file=sys.stderr)
        if counts["failed"]:
            return EXIT_INTERNAL
        return EXIT_BAD_INPUT if counts["refused"] else EXIT_OK
    finally:
        if pool is not None:  # shut down by build_all, unless it never got there
            pool.shutdown(wait=True, cancel_waiting=True)


_STATUSES = ("built", "refused", "failed")


def _build_settings(args: argparse.Namespace) -> tuple[tuple[str, ...], str, int, Limits]:
    """Return the formats, PDF variant, processes and limits of a build, checked."""
    from exporter.batchpool import default_jobs

    if args.explain:
        log.setLevel(min(log.level, logging.INFO))
    formats = tuple(name.strip() for name in args.to.split(",") if name.strip())
    if not formats:
        raise UsageError("--to names no format")
    for name in formats:
        if name not in WRITERS:
            raise UsageError(f"unknown format {name!r} in --to (known: {', '.join(WRITERS)})")
    for first, name in enumerate(formats):
        clash = [o for o in formats[first + 1 :] if WRITERS[o].extension == WRITERS[name].extension]
        if clash:
            extension = WRITERS[name].extension
            raise UsageError(
                f"--to names {name} and {clash[0]}, which both write {extension} files"
            )
    variant = "" if args.pdf_variant == "none" else args.pdf_variant
    if variant:
        from weasyprint.pdf import VARIANTS

        if variant not in VARIANTS:
            known = ", ".join(sorted(VARIANTS))
            raise UsageError(f"unknown PDF variant {variant!r} (known: {known}, none)")
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise UsageError(f"--jobs {jobs} is not a positive number")
    return formats, variant, jobs, _limits(args)


def _early_pool(
    args: argparse.Namespace, formats: tuple[str, ...], jobs: int, limits: Limits
) -> WorkerPool | None:
    """Start the workers of a build of several named files now, before the articles are
    read: they load their libraries while this process loads its own. None for one file,
    one process, a cluster, or folders (their manifest tells which articles are built)."""
    files = list(dict.fromkeys(args.articles))
    if jobs <= 1 or args.scheduler or len(files) <= 1 or any(path.is_dir() for path in files):
        return None
    from exporter.batchpool import start_pool

    return start_pool(min(jobs, len(files)), formats, limits)


def _incremental(args: argparse.Namespace, options: BuildOptions) -> Incremental | None:
    """Return the manifest of a build given folders: the articles found in them are built
    when out of date, those named as files always. None when only files are named: they
    are built as asked, and no manifest is kept."""
    if not any(path.is_dir() for path in args.articles):
        return None
    from exporter.incremental import Incremental

    named = {path for path in args.articles if not path.is_dir()}
    return Incremental(options, force=args.force, always=named)


class _Progress:
    """A progress bar on a terminal, a line per article otherwise; silent for one article."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.done = 0
        self.shown = total > 1 and not quiet
        self.bar: Any = None
        if self.shown and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
            )
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def print(self, line: str) -> None:
        """Print a line above the bar, or plainly."""
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=sys.stderr)

    def advance(self, outcome: Any) -> None:
        """Count one article done."""
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=outcome.source.name)
        elif self.shown:
            print(f"[{self.done}/{self.total}] {outcome.status} {outcome.source}", file=sys.stderr)


def _proof(args: argparse.Namespace) -> int:
    from exporter.build import BuildOptions, render_file
    from exporter.output import write_atomic
    from exporter.proof import proof_png

    if not 20 <= args.dpi <= 600:
        raise UsageError(f"--dpi {args.dpi} is not between 20 and 600")
    options = BuildOptions(
        formats=("pdf",),
        out_dir=args.out,
        layout=args.layout,
        paper=args.paper,
        print_marks=args.print_marks,
    )
    worst = EXIT_OK
    for source in args.articles:
        try:
            pdf = render_file(source, options)["pdf"]
            target = args.out / f"{source.stem}-proof.png"
            write_atomic(target, proof_png(pdf, args.dpi))
            log.info("wrote %s", target)
        except ExportError as error:
            print(f"exporter: {error.in_file(str(source))}", file=sys.stderr)
            worst = max(worst, error.exit_code)
    return worst


def _import(args: argparse.Namespace) -> int:
    import dataclasses

    from exporter.editions import edition_name, place_beside
    from exporter.layouts import find_layout
    from exporter.output import write_all_atomic
    from exporter.readers import load_with_media
    from exporter.readers.media import place_media
    from exporter.validate import LANGUAGE_TAG, validate
    from exporter.writers import get_writer

    if args.lang and not LANGUAGE_TAG.match(args.lang):
        raise UsageError(f"--lang: {args.lang!r} is not a language tag (BCP 47: fr, pt-BR)")
    article, media = load_with_media(args.source, args.lang or "", detect_language=True)
    if args.lang:
        try:
            article = validate(dataclasses.replace(article, lang=args.lang))
        except ExportError as error:
            raise UsageError(f"--lang: {error.what}") from None
    output: Path | None = args.output
    into = output if output is not None and output.is_dir() else None
    # A translation's source is looked for where the edition goes, then beside the file.
    placed = place_beside(
        article, [*([into or output.parent] if output else []), args.source.parent]
    )
    for message in placed.messages:
        log.warning("%s", message)
    article = placed.article
    fmt = args.to or ("json" if output and not into and output.suffix == ".json" else "md")
    if into is not None:
        named = edition_name(article.translation_of, article.lang) if placed.edition else ""
        output = into / ((Path(named).stem if named else args.source.stem) + WRITERS[fmt].extension)
    # The pictures go beside the article, named after it: NAME-image1.png.
    stem = (output or args.source).stem
    article, pictures = place_media(article, media, stem)
    from exporter.context import RenderContext

    context = RenderContext(find_layout(None, article.series), args.source.resolve().parent)
    data = get_writer(fmt)(article, context)
    if output is None:
        if pictures:
            log.warning(
                "%d picture(s) not written: give -o FILE to write them beside the article",
                len(pictures),
            )
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    folder = output.parent
    write_all_atomic({**{folder / name: b for name, b in pictures.items()}, output: data})
    for name in pictures:
        log.info("wrote %s", folder / name)
    log.info("wrote %s", output)
    return EXIT_OK


def _catalog(args: argparse.Namespace) -> int:
    from exporter.catalog import make_catalogue, write_catalogue

    if args.search and "{searchTerms}" not in args.search:
        raise UsageError(f"--search {args.search!r} has no {{searchTerms}} for the query")
    catalogue = make_catalogue(args.out_dir, args.search)
    for warning in catalogue.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    paths = write_catalogue(args.out_dir, catalogue)
    for path in paths:
        log.info("wrote %s", path)
    if not args.quiet:
        print(
            f"exporter: catalogued {len(catalogue.issues)} issues in "
            f"{args.out_dir / 'catalog.xml'}",
            file=sys.stderr,
        )
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import os

    from exporter.serve.options import TOKEN_VARIABLE, ServeOptions, check_options

    token = args.token if args.token is not None else os.environ.get(TOKEN_VARIABLE, "")
    options = check_options(ServeOptions(args.folder, args.host, args.port, token, args.jobs))
    from exporter.serve.app import serve

    host = f"[{options.host}]" if ":" in options.host else options.host
    login = "/?token=..." if options.token else "/"
    print(
        f"exporter: serving {options.folder.resolve()} at http://{host}:{options.port}{login}",
        file=sys.stderr,
    )
    serve(options)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from exporter.codec import json_schema

    del args
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
