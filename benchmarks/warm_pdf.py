"""One article in a warm process, PDF only: fitting and tagging against plain renders.

    python benchmarks/warm_pdf.py [--runs 5] [--words 400,950,1500] [--profile]

In one process, after a first untimed build of each article, times side by side:
exporter.writers.pdf.write_pdf (copyfitting, tagged PDF/UA-1, artifacts marked) with
the layout cache emptied before each run; one plain WeasyPrint render (HTML(string=...)
.write_pdf(), untagged, one shared FontConfiguration) of the bulletin HTML at the
setting the fitting chose; the same of pandoc's standalone HTML; and typst's Python
binding compiling pandoc's typst output (`pandoc -s -t typst`), where it is installed
(`pip install typst`; make bench does not need it). --profile prints the top functions of
one write_pdf (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint
from weasyprint.text.fonts import FontConfiguration

import exporter.writers.pdf as pdf_writer
from benchmarks.corpus import write_article
from benchmarks.machine import describe_machine, load_line, median, pandoc_path, spread
from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load

try:
    import typst
except ImportError:  # optional: only this script's last column needs it
    typst = None  # type: ignore[assignment]

HTML_NAME = "HTML"
"""The name under which the PDF writer imports weasyprint.HTML."""


def clear_layout_cache() -> None:
    """Forget the layouts the PDF writer keeps, so that write_pdf fits again."""
    cache = getattr(pdf_writer, "_layouts", None)
    if isinstance(cache, list):
        cache.clear()


def bulletin_html(article: model.Article, context: RenderContext) -> tuple[str, str]:
    """Return the bulletin HTML of the chosen setting and its base URL, caught in passing."""
    seen: list[tuple[str, str, Any]] = []

    class Catching(weasyprint.HTML):  # type: ignore[misc]
        """WeasyPrint's HTML, keeping the string and the document of each layout pass."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.caught = (kwargs.get("string", ""), kwargs.get("base_url", ""))

        def render(self, *args: Any, **kwargs: Any) -> Any:
            document = super().render(*args, **kwargs)
            seen.append((*self.caught, document))
            return document

    clear_layout_cache()
    original = getattr(pdf_writer, HTML_NAME)
    setattr(pdf_writer, HTML_NAME, Catching)
    try:
        result = pdf_writer.layout_bulletin(article, context)
    finally:
        setattr(pdf_writer, HTML_NAME, original)
    for html, base_url, document in seen:
        if document is result.document:
            return html, base_url
    raise SystemExit("could not catch the bulletin HTML: has layout_bulletin changed?")


def timed(action: Callable[[], object]) -> float:
    """Return the wall time of one call."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def pandoc_output(article: Path, to: str) -> bytes:
    """Return pandoc's standalone output of the article in one format."""
    command = [pandoc_path(), str(article), "-s", "-t", to]
    return subprocess.run(command, capture_output=True, check=True).stdout


def main() -> int:
    """Warm up, time the four renders of each article and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", default="400,950,1500")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    print(describe_machine())
    print(
        "\n| words | passes | exporter write_pdf | plain render, bulletin HTML | ratio "
        "| plain render, pandoc HTML | typst | load after |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    fonts = FontConfiguration()
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        for words in (int(w) for w in args.words.split(",")):
            path = write_article(Path(tmp), words)
            article = load(path)
            context = RenderContext(find_layout(None, article.series), path.parent)
            pdf_writer.write_pdf(article, context)  # warm: fonts, templates, caches
            passes = len(pdf_writer.layout_bulletin(article, context).attempts)
            html, base_url = bulletin_html(article, context)
            pandoc_html = pandoc_output(path, "html5").decode("utf-8")
            typ = pandoc_output(path, "typst") if typst is not None else b""
            folder_url = path.parent.as_uri() + "/"

            def plain(source: str = html, base: str = base_url) -> bytes:
                result: bytes = weasyprint.HTML(string=source, base_url=base).write_pdf(
                    font_config=fonts
                )
                return result

            def exporter_pdf(a: model.Article = article, c: RenderContext = context) -> bytes:
                clear_layout_cache()
                return pdf_writer.write_pdf(a, c)

            def pandoc_plain(source: str = pandoc_html, base: str = folder_url) -> bytes:
                return plain(source, base)

            def typst_pdf(source: bytes = typ) -> object:
                return typst.compile(source) if typst is not None else None

            cases: dict[str, Callable[[], object]] = {
                "exporter": exporter_pdf,
                "plain": plain,
                "pandoc html": pandoc_plain,
                "typst": typst_pdf,
            }
            for action in cases.values():
                action()  # each once untimed
            times: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(args.runs):
                for name, action in cases.items():
                    times[name].append(timed(action))
            print(
                f"| {words} | {passes} | {spread(times['exporter'])} | {spread(times['plain'])} "
                f"| {median(times['exporter']) / median(times['plain']):.2f}x "
                f"| {spread(times['pandoc html'])} "
                f"| {spread(times['typst']) if typst is not None else 'not installed'} "
                f"| {load_line()[14:]} |"
            )
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(exporter_pdf)
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
