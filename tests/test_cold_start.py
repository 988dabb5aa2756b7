"""A cold build loads what its formats need; the cache folder keeps what is costly to remake."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import jinja2
import pyphen
import pytest
import yaml

from exporter import cache, collector, fontcache, language_fonts
from exporter.context import RenderContext
from exporter.hyphenation import preload
from exporter.layouts import BUNDLED_LAYOUTS, find_layout
from exporter.templatecache import TemplateCache
from exporter.writers.markdown import write_markdown
from exporter.yamlfile import read_yaml
from tests.articles import full_article

ROOT = Path(__file__).resolve().parent.parent
# What each build must not load: the PDF's engine (WeasyPrint, Pango through cffi,
# pikepdf), the EPUB cover's pdfium and Pillow, the writers of other formats, the worker
# pool (a build of one article runs in this process), the DOCX reader, the raw HTML
# sanitiser of an article that has no raw HTML, and HTML's templating (Jinja, MarkupSafe).
PRINT = {"weasyprint", "cffi", "pikepdf", "pypdfium2", "PIL", "fontTools", "pyphen"}
HTML = {"nh3", "html.parser", "exporter.readers.sanitize", "exporter.readers.html_table"}
NOT_LOADED = {
    "docx": PRINT
    | HTML
    | {
        "ebooklib",
        "jinja2",
        "markupsafe",
        "multiprocessing",
        "concurrent.futures",
        "exporter.readers.docx",
    }
    | {"urllib.request", "http.client", "ssl"},
    "json": PRINT
    | HTML
    | {"docx", "lxml", "uharfbuzz", "babel", "ebooklib", "jinja2", "markupsafe"}
    | {"multiprocessing", "concurrent.futures", "urllib.request"},
    "md": PRINT
    | HTML
    | {"docx", "lxml", "uharfbuzz", "babel", "ebooklib", "jinja2", "markupsafe"}
    | {"multiprocessing", "concurrent.futures", "urllib.request"},
    "pdf": {"docx", "ebooklib", "pypdfium2", "multiprocessing", "exporter.readers.docx"},
}
# What a build whose cache folder is filled does not load either: HarfBuzz reads and cuts
# the layout's fonts, fontconfig's listing (a subprocess) finds the system's, uuid makes
# the embedded fonts' keys; the cache folder keeps what they made.
NOT_LOADED_FROM_THE_CACHE = {
    "docx": {"uharfbuzz", "exporter.fontfaces", "exporter.fontsubset", "subprocess", "uuid"},
}
SCRIPT = """
import runpy, sys
sys.argv = ["exporter", *sys.argv[1:]]
try:
    runpy.run_module("exporter", run_name="__main__", alter_sys=True)
except SystemExit as done:
    assert not done.code, done.code
print(" ".join(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full article as a Markdown file: two authors, a date, notes, lists."""
    path = tmp_path_factory.mktemp("in") / "article.md"
    context = RenderContext(find_layout(None), Path("."))
    path.write_bytes(write_markdown(full_article(700), context))
    return path


def build(source: Path, formats: str, out: Path, cache_folder: Path | str) -> set[str]:
    """Build in a new process; return the modules it loaded."""
    env = {**os.environ, cache.CACHE_VARIABLE: str(cache_folder)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "build", str(source), "--to", formats, "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("fmt", sorted(NOT_LOADED))
def test_a_build_loads_only_what_its_format_needs(fmt: str, article: Path, tmp_path: Path) -> None:
    for _run in range(2):  # with an empty cache folder, then a filled one
        loaded = build(article, fmt, tmp_path / "out", tmp_path / "cache")
        assert not NOT_LOADED[fmt] & loaded
    assert not NOT_LOADED_FROM_THE_CACHE.get(fmt, set()) & loaded  # the second build's
    assert (tmp_path / "out" / f"article.{fmt}").is_file()


def test_a_docx_from_the_cache_folder_is_the_same_and_needs_no_babel(
    article: Path, tmp_path: Path
) -> None:
    outputs = {}
    for run, folder in (("off", ""), ("made", tmp_path / "cache"), ("kept", tmp_path / "cache")):
        loaded = build(article, "docx", tmp_path / run, folder)
        outputs[run] = (tmp_path / run / "article.docx").read_bytes()
    assert outputs["made"] == outputs["off"]
    assert outputs["kept"] == outputs["off"]
    # The byline's list pattern and the issue line's date came from the cache folder, and
    # the fonts' facts, subsets and deflated parts, and the data of the layout's YAML files.
    assert "babel" not in loaded and "uharfbuzz" not in loaded
    kinds = {p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()}
    assert kinds == {"cldr", "deflated", "docx", "fonts", "yaml"}


def test_a_damaged_or_foreign_cache_entry_is_made_again(article: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    build(article, "docx", tmp_path / "first", folder)
    whole = {entry: entry.read_bytes() for entry in folder.iterdir()}
    for number, entry in enumerate(sorted(whole)):
        data = bytearray(whole[entry])
        if number % 2:
            data[-100] ^= 0xFF  # damaged
        else:
            data[:32] = bytes(32)  # made from other inputs
        entry.write_bytes(bytes(data))
    loaded = build(article, "docx", tmp_path / "second", folder)
    first = (tmp_path / "first" / "article.docx").read_bytes()
    assert (tmp_path / "second" / "article.docx").read_bytes() == first
    assert "babel" in loaded  # the dates were made again, not read
    assert {entry: entry.read_bytes() for entry in folder.iterdir()} == whole


def test_an_edited_style_sheet_is_not_taken_from_the_cache(article: Path, tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    shutil.copytree(BUNDLED_LAYOUTS / "apb", layout)
    sheet = layout / "docx-styles.yaml"

    def body_text_size(out: Path) -> float:
        command = [sys.executable, "-m", "exporter", "build", str(article), "--to", "docx"]
        subprocess.run(
            [*command, "-o", str(out), "--layout", str(layout)],
            env={**os.environ, cache.CACHE_VARIABLE: str(tmp_path / "cache")},
            check=True,
            cwd=ROOT,
        )
        size = docx.Document(str(out / "article.docx")).styles["Body Text"].font.size
        return float(size.pt)

    assert body_text_size(tmp_path / "before") != 13.5
    text = sheet.read_text(encoding="utf-8")
    size = text.index("size:", text.index("Body Text:"))
    end = text.index("\n", size)
    sheet.write_text(text[:size] + "size: 13.5" + text[end:], encoding="utf-8")
    assert body_text_size(tmp_path / "after") == 13.5


def test_the_cache_keeps_an_entry_for_its_inputs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    made_from = cache.digest("inputs", b"\x00")
    cache.store("slot", made_from, b"data")
    assert cache.load("slot", made_from) == b"data"
    assert cache.load("slot", cache.digest("other inputs")) is None
    assert cache.load("another-slot", made_from) is None
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["slot"]  # no temporary left
    # Parts are kept apart: ("ab", "c") is not ("a", "bc").
    assert cache.digest("ab", "c") != cache.digest("a", "bc")


def test_a_cache_folder_that_cannot_be_written_or_is_switched_off_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(blocked / "cache"))
    cache.store("slot", cache.digest("x"), b"data")
    assert cache.load("slot", cache.digest("x")) is None
    monkeypatch.setenv(cache.CACHE_VARIABLE, "")
    assert cache.folder() is None
    cache.store("slot", cache.digest("x"), b"data")
    assert cache.load("slot", cache.digest("x")) is None


def test_the_cache_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "exporter"


def test_compiled_templates_come_from_the_cache_folder_until_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    (tmp_path / "layout").mkdir()
    template = tmp_path / "layout" / "page.html.j2"
    template.write_text("{{ x }}!", encoding="utf-8")

    def environment(compiler: bytes = b"compiler") -> jinja2.Environment:
        loader = jinja2.FileSystemLoader(tmp_path / "layout")
        return jinja2.Environment(loader=loader, bytecode_cache=TemplateCache(compiler))

    def uncompiled(compiler: bytes = b"compiler") -> jinja2.Environment:
        env = environment(compiler)
        env.compile = lambda *_args, **_kw: pytest.fail("compiled again")  # type: ignore[method-assign]
        return env

    assert environment().get_template("page.html.j2").render(x=1) == "1!"
    assert uncompiled().get_template("page.html.j2").render(x=2) == "2!"
    template.write_text("{{ x }}?", encoding="utf-8")
    assert environment().get_template("page.html.j2").render(x=3) == "3?"
    assert uncompiled().get_template("page.html.j2").render(x=4) == "4?"
    with pytest.raises(pytest.fail.Exception, match="compiled again"):
        uncompiled(b"another compiler").get_template("page.html.j2")
    assert len(list((tmp_path / "cache").iterdir())) == 1  # one slot for the one template


@pytest.mark.parametrize("lang", ["en", "de", "fr-CA", "qaa"])
def test_hyphenation_patterns_from_the_cache_folder_are_pyphens_own(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path))
    monkeypatch.setattr(pyphen, "hdcache", {})
    preload(lang)  # parsed, and kept
    fallback = pyphen.language_fallback(lang)
    if fallback is None:
        assert pyphen.hdcache == {}
        return
    path = pyphen.LANGUAGES[fallback]
    monkeypatch.setattr(pyphen, "hdcache", {})
    preload(lang)  # from the cache folder
    kept, parsed = pyphen.hdcache[path], pyphen.HyphDict(path)
    assert kept.patterns == parsed.patterns and kept.maxlen == parsed.maxlen
    words = ("hyphenation", "Silbentrennung", "internationalisation", "bulletin")
    assert [kept.positions(w) for w in words] == [parsed.positions(w) for w in words]
    assert pyphen.Pyphen(lang=lang).hd is kept  # where WeasyPrint's calls find it


def test_what_is_read_from_a_font_is_read_again_once_the_font_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    font = tmp_path / "face.ttf"
    font.write_bytes(b"first")
    code = ("exporter.fontcache",)
    made: list[bytes] = []

    def read() -> bytes:
        made.append(font.read_bytes())
        return b"read from " + made[-1]

    assert fontcache.kept("fonts-test", font, ("a",), code, read) == b"read from first"
    assert fontcache.kept("fonts-test", font, ("a",), code, read) == b"read from first"
    assert fontcache.kept("fonts-test", font, ("b",), code, read) == b"read from first"
    assert len(made) == 2  # once for each of the other inputs
    font.write_bytes(b"second")
    assert fontcache.kept("fonts-test", font, ("a",), code, read) == b"read from second"
    assert len(made) == 3


def test_an_installed_family_is_looked_for_again_once_its_file_has_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    first, second = tmp_path / "first.ttf", tmp_path / "second.ttf"
    first.write_bytes(b"font")
    second.write_bytes(b"font")
    listings: list[Path] = []

    def listed(family: str) -> dict[tuple[int, str], language_fonts.FontFile]:
        listings.append(first if first.exists() else second)
        return {(400, "normal"): language_fonts.FontFile(listings[-1], 0)}

    monkeypatch.setattr(language_fonts, "_listed_faces", listed)
    for _build in range(2):
        language_fonts.installed_faces.cache_clear()  # a new process
        assert language_fonts.installed_faces("Family")[(400, "normal")].path == first
    assert listings == [first]  # the second build found it in the cache folder
    first.unlink()
    language_fonts.installed_faces.cache_clear()
    assert language_fonts.installed_faces("Family")[(400, "normal")].path == second
    assert listings == [first, second]
    language_fonts.installed_faces.cache_clear()


def test_a_yaml_file_read_again_gives_its_data_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    data = tmp_path / "series.yaml"
    data.write_text("name: A\nsizes: [1, 2.5, true, null]\nmap: {a: [b, c]}\n", encoding="utf-8")
    first = read_yaml(data)
    assert list((tmp_path / "cache").iterdir())  # kept
    assert read_yaml(data) == first == yaml.safe_load(data.read_text(encoding="utf-8"))
    data.write_text("name: B\n", encoding="utf-8")
    assert read_yaml(data) == {"name": "B"}
    # A date cannot be kept as plain data: such a file is read again, never kept wrong.
    data.write_text("date: 2024-05-01\n", encoding="utf-8")
    assert read_yaml(data) == read_yaml(data) == {"date": datetime.date(2024, 5, 1)}


COUNT_COLLECTIONS = """
import gc, runpy, sys
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(phase))
sys.argv = ["exporter", *sys.argv[1:]]
try:
    runpy.run_module("exporter", run_name="__main__", alter_sys=True)
except SystemExit as done:
    assert not done.code, done.code
print(len(collections), gc.get_threshold()[0])
"""


def test_a_one_article_build_run_as_a_program_hardly_collects_cycles(
    article: Path, tmp_path: Path
) -> None:
    env = {**os.environ, cache.CACHE_VARIABLE: str(tmp_path / "cache")}
    command = [sys.executable, "-c", COUNT_COLLECTIONS, "build", str(article), "--to", "docx"]
    for _run in range(2):  # with an empty cache folder, then a filled one
        done = subprocess.run(
            [*command, "-o", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        collections, threshold = map(int, done.stdout.split())
        assert threshold == collector.COLLECT_AFTER
        # Only while Python starts, before the command line's imports: with Python's
        # threshold, some seventy.
        assert collections <= 10
