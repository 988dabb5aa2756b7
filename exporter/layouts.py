"""Find a layout folder (the user's first, then the bundled one) and read its series data."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from exporter.errors import LayoutError
from exporter.yamlfile import read_yaml

if TYPE_CHECKING:  # Jinja and MarkupSafe are loaded by the writers that make HTML, on use.
    import jinja2
    from markupsafe import Markup

log = logging.getLogger("exporter")
PACKAGE_DIR = Path(__file__).resolve().parent
LAYOUT_PATH_VARIABLE = "EXPORTER_LAYOUT_PATH"
SERIES_FILE = "series.yaml"
LANGUAGE_FONTS_FILE = "fonts.yaml"
# A BCP 47 language tag as series.yaml gives one: a language, then subtags.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
REQUIRED_TEXTS = ("name", "publisher", "mission", "statement", "disclaimer", "web")
TRANSLATED_TEXTS = (
    "number_label",
    "page_label",
    "notes_heading",
    "summary_label",
    "mission",
    "statement",
    "editors",
    "disclaimer",
    "navigation",
)
"""The series texts a translation is expected to give; the rest (names, web address) may."""
NAVIGATION_LABELS = {
    "contents": "Contents",
    "landmarks": "Landmarks",
    "cover": "Cover",
    "article": "Article",
    "pages": "Pages of the print edition",
}
"""The headings and entries of the EPUB's navigation document, when series.yaml has none."""
LINK_LABELS = {
    "note": "Note {number}",
    "backlink": "Back to the text of note {number}",
    "web": "Web page: {address}",
    "mail": "E-mail: {address}",
    "phone": "Telephone: {address}",
    "place": "Elsewhere in the article: {text}",
}
"""Where the PDF's links go, in words (its annotations' descriptions), when series.yaml
has no `links`: a note call, a note's way back, a web page, an e-mail address, a
telephone number, a place in the article."""
OPTIONAL_TRANSLATIONS = (
    "name",
    "short_name",
    "publisher",
    "web",
    "kickers",
    "byline",
    "quotes",
    "links",
)
ENGLISH_NAMES = ("name", "short_name", "publisher")
"""The series' names: English words (the masthead's) unless a translation gives them."""
BYLINE_JOINERS = {"separator": ", ", "pair": " and ", "last": ", and "}
"""How a byline joins names: A, B; A and B (two); A, B, and C (the last of three or more).
These are the names of `byline:` in series.yaml; without it the language's own list
pattern (CLDR) joins them."""
ENGLISH_TEXTS = (
    *(name for name in TRANSLATED_TEXTS if name != "navigation"),
    *(
        f"navigation.{key}"
        for key in (
            "contents",
            "landmarks",
            "cover",
            "article",
            "pages",
        )
    ),
)
"""The texts that print in English in an edition whose translation lacks them."""
_warned_translations: set[tuple[str, str]] = set()


def data_dir(name: str) -> Path:
    """Return a top-level data folder: inside the installed package, or beside it in a checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


BUNDLED_LAYOUTS = data_dir("layouts")
BUNDLED_FONTS = data_dir("fonts")


@dataclass(frozen=True, slots=True)
class Series:
    """The texts and colours of a series, from its layout's `series.yaml`."""

    id: str
    """The series id that articles name in their `series` key."""
    name: str
    """The series name, printed as the masthead wordmark."""
    short_name: str
    """The abbreviation used where space is short."""
    publisher: str
    """The publisher's name, printed beside the wordmark."""
    number_label: str
    """The word before the issue number ("Number")."""
    page_label: str
    """The word before a page number ("Page")."""
    notes_heading: str
    """The heading of the notes gathered after the body."""
    summary_label: str
    """The accessible name of the summary box."""
    mission: str
    """The publisher's mission statement."""
    statement: str
    """The series statement."""
    editors: tuple[str, ...]
    """The series editor lines."""
    disclaimer: str
    """The disclaimer printed in the publisher block."""
    web: str
    """The series web address."""
    colours: dict[str, str]
    """Named colours (band, band_text, accent, text, muted, rule)."""
    paper: str
    """The default paper size, letter or a4."""
    column_characters: int = 0
    """About the characters of body text a column of the print layout holds: a table wider
    than that spans the columns (0: tables stay in their column)."""
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-language texts by language tag (`translations:` in series.yaml)."""
    kickers: dict[str, str] = field(default_factory=dict)
    """Kickers printed in the edition's language, by the English kicker ("Analysis")."""
    byline: dict[str, str] = field(default_factory=dict)
    """How the byline joins names (see BYLINE_JOINERS); empty: the language's own way."""
    navigation: dict[str, str] = field(default_factory=lambda: dict(NAVIGATION_LABELS))
    """The labels of the EPUB's navigation document (see NAVIGATION_LABELS)."""
    links: dict[str, str] = field(default_factory=lambda: dict(LINK_LABELS))
    """The descriptions of the PDF's links (see LINK_LABELS)."""
    lang: str = "en"
    """The language of the edition the texts are for."""
    english: frozenset[str] = frozenset()
    """The texts (see ENGLISH_TEXTS) that print in English although the edition is not:
    its translation lacks them. Writers mark them as English for assistive technology."""
    hyphenation: dict[str, str] = field(default_factory=dict)
    """The language tag whose patterns a language named without a region hyphenates by:
    the series' spelling (`en: en-US`)."""

    def hyphenation_language(self, lang: str) -> str:
        """Return the language tag `lang`'s text is hyphenated by in this series."""
        return self.hyphenation.get(lang.lower(), lang)

    def join_names(self, names: list[str]) -> str:
        """Return the authors' names as every format prints them ("A, B, and C").

        The series' own `byline` joiners when it gives them, else the list pattern of the
        edition's language from CLDR ("A et B", "A、B").
        """
        if not self.byline:
            return join_list(names, self.lang)
        joiners = {**BYLINE_JOINERS, **self.byline}
        if len(names) <= 2:
            return joiners["pair"].join(names)
        return joiners["separator"].join(names[:-1]) + joiners["last"] + names[-1]

    @property
    def quotes(self) -> dict[str, tuple[str, str, str, str]]:
        """The quotation marks the series sets straight quotes in, by language tag."""
        return {tag: t["quotes"] for tag, t in self.translations.items() if "quotes" in t}

    def lang_of(self, text: str) -> str:
        """Return the language a series text prints in: "en" where it fell back to English."""
        return "en" if text in self.english else self.lang

    def kicker(self, text: str) -> str:
        """Return an article's kicker in the edition's language when the series knows it."""
        return self.kickers.get(text.strip().casefold(), text)

    def localised(self, lang: str, source: str = "") -> Series:
        """Return the series with its texts in `lang`, English where a translation lacks one.

        Translations are found by language tag, the longest matching prefix first
        ("zh-Hant-TW" takes `zh-Hant`, else `zh`); a missing text is warned about once.
        """
        if lang == self.lang:
            return self
        key = best_language_match(lang, self.translations)
        english = (
            frozenset((*ENGLISH_TEXTS, *ENGLISH_NAMES))
            if language_prefix(lang) != "en"
            else frozenset()
        )
        if key is None:
            if english:
                message = f"{source}: no translations for {lang!r}; series texts printed in English"
                _warn_once(source, lang, message)
            return dataclasses.replace(self, lang=lang, english=english)
        texts = self.translations[key]
        missing = [name for name in TRANSLATED_TEXTS if name not in texts]
        if missing:
            _warn_once(
                source,
                lang,
                f"{source}: translations: {key}: no {', '.join(missing)}; printed in English",
            )
        changes: dict[str, Any] = {}
        for name in (*TRANSLATED_TEXTS, *OPTIONAL_TRANSLATIONS):
            if name in texts and name != "quotes":  # quotes are the Markdown reader's
                changes[name] = texts[name]
        if "navigation" in texts:
            changes["navigation"] = {**self.navigation, **texts["navigation"]}
        if "links" in texts:
            changes["links"] = {**self.links, **texts["links"]}
        given = {*texts, *(f"navigation.{key}" for key in texts.get("navigation", {}))}
        return dataclasses.replace(self, **changes, lang=lang, english=english - given)


@dataclass(frozen=True, slots=True)
class Layout:
    """A layout folder: templates, CSS, series data, and the fonts it prints with."""

    folder: Path
    """The layout's folder."""
    fonts: Path
    """The folder of the fonts the CSS names (the layout's own `fonts/`, else the bundled one)."""
    series: Series
    """The series data."""
    language_fonts: dict[str, dict[str, str]] = field(default_factory=dict)
    """System font families by language tag and role (serif, sans), from `fonts.yaml`."""

    def for_language(self, lang: str) -> Layout:
        """Return the layout with its series texts in `lang` (see Series.localised)."""
        series = self.series.localised(lang, source=str(self.folder / SERIES_FILE))
        return self if series is self.series else dataclasses.replace(self, series=series)

    def fonts_for(self, lang: str) -> dict[str, str]:
        """Return the system families (by role) an edition in `lang` sets its text in."""
        key = best_language_match(lang, self.language_fonts)
        return self.language_fonts[key] if key is not None else {}

    def path(self, name: str) -> Path:
        """Return the path of a file of the layout, or raise LayoutError if it is missing."""
        found = self.folder / name
        if not found.is_file():
            raise LayoutError(f"the layout has no {name}", file=str(self.folder))
        return found

    def font_files(self) -> list[Path]:
        """Return the layout's font files, sorted by name."""
        return sorted(p for p in self.fonts.iterdir() if p.suffix.lower() in (".ttf", ".otf"))

    def environment(self) -> jinja2.Environment:
        """Return the Jinja environment over the layout's templates (one per folder)."""
        return _environment(self.folder)


@functools.cache
def _environment(folder: Path) -> jinja2.Environment:
    """Return a Jinja environment over a layout folder's templates, autoescaping HTML."""
    import jinja2

    from exporter import cache
    from exporter.templatecache import TemplateCache

    try:
        # This module's code sets the options the templates are compiled with.
        compiler = cache.digest(Path(__file__).read_bytes(), jinja2.__version__)
    except OSError:
        compiler = b""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=TemplateCache(compiler) if compiler else None,
    )
    env.filters["long_date"] = long_date
    env.filters["css_string"] = css_string
    env.globals["lang_attr"] = lang_attr
    env.globals["issue_line_markup"] = issue_line_markup
    env.globals["language_fonts"] = _read_language_fonts(folder)
    return env


def _autoescape(template_name: str | None) -> bool:
    """Escape every template but stylesheets, whose strings go through `css_string`."""
    return not (template_name or "").removesuffix(".j2").endswith(".css")


def css_string(text: str) -> str:
    """Return `text` as a quoted CSS string, safe inside any stylesheet."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;|!?()-_/'\u2013\u2014" else f"\\{ord(ch):x} "
        for ch in text
    )
    return f'"{escaped}"'


def long_date(date: datetime.date, lang: str = "en") -> str:
    """Return `date` written out in the article's language ("October 12, 2022")."""
    from exporter import cldr  # on use: a JSON or Markdown build writes no date

    return cldr.long_date(date, lang)


def join_list(items: list[str], lang: str = "en") -> str:
    """Return items joined as the language lists them ("A, B, and C"; "A et B"; "A、B")."""
    from exporter import cldr

    return cldr.join_list(items, lang)


def find_layout(name_or_path: str | None, series_id: str = "apb") -> Layout:
    """Return the layout named by `--layout` (a folder or a name), else the article's series."""
    folder = _locate(name_or_path or series_id)
    return Layout(
        folder=folder,
        fonts=fonts_folder(folder),
        series=_read_series(folder, _changed(folder / SERIES_FILE)),
        language_fonts=_read_language_fonts(folder),
    )


def fonts_folder(folder: Path) -> Path:
    """Return the folder of the fonts a layout prints with: its own `fonts/`, else the bundled."""
    return folder / "fonts" if (folder / "fonts").is_dir() else BUNDLED_FONTS


def layout_folders() -> list[Path]:
    """Return the layout folders a series name can find: $EXPORTER_LAYOUT_PATH's, the bundled."""
    search = [Path(p) for p in os.environ.get(LAYOUT_PATH_VARIABLE, "").split(os.pathsep) if p]
    found: list[Path] = []
    for root in (*search, BUNDLED_LAYOUTS):
        try:
            found.extend(p.resolve() for p in sorted(root.iterdir()) if (p / SERIES_FILE).is_file())
        except OSError:  # a search folder that is not there finds nothing
            continue
    return found


def language_prefix(tag: str) -> str:
    """Return the primary language of a tag, lower case ("zh" of "zh-Hant-TW")."""
    return tag.split("-")[0].lower()


def best_language_match(lang: str, tags: Iterable[str]) -> str | None:
    """Return the tag among `tags` that is the longest prefix of `lang`, as CSS :lang() matches."""
    wanted = lang.lower().split("-")
    best: str | None = None
    for tag in tags:
        parts = tag.lower().split("-")
        if wanted[: len(parts)] == parts and (best is None or len(parts) > len(best.split("-"))):
            best = tag
    return best


def _warn_once(source: str, lang: str, message: str) -> None:
    if (source, lang) not in _warned_translations:
        _warned_translations.add((source, lang))
        log.warning("%s", message)


@functools.cache
def _read_language_fonts(folder: Path) -> dict[str, dict[str, str]]:
    """Read the layout's `fonts.yaml`: system font families by language tag and role."""
    path = folder / LANGUAGE_FONTS_FILE
    if not path.is_file():
        return {}
    try:
        data: Any = read_yaml(path)
    except yaml.YAMLError as error:
        raise LayoutError(f"broken YAML: {error}", file=str(path)) from None
    languages = (data or {}).get("languages") if isinstance(data, dict) else None
    if not isinstance(languages, dict) or not all(
        isinstance(roles, dict) and all(isinstance(v, str) for v in roles.values())
        for roles in languages.values()
    ):
        raise LayoutError(
            "'languages' must map language tags to roles and families", file=str(path)
        )
    return {str(tag): {str(k): v for k, v in roles.items()} for tag, roles in languages.items()}


def _locate(name: str) -> Path:
    candidate = Path(name).expanduser()
    if os.sep in name or name.startswith("."):
        if not candidate.is_dir():
            raise LayoutError("no such layout folder", file=name)
        return candidate.resolve()
    search = [Path(p) for p in os.environ.get(LAYOUT_PATH_VARIABLE, "").split(os.pathsep) if p]
    for root in (*search, BUNDLED_LAYOUTS):
        if (root / name / SERIES_FILE).is_file():
            return (root / name).resolve()
    if candidate.is_dir():
        return candidate.resolve()
    known = sorted(p.name for p in BUNDLED_LAYOUTS.iterdir() if (p / SERIES_FILE).is_file())
    raise LayoutError(f"no layout named {name!r} (bundled: {', '.join(known)})")


def _changed(path: Path) -> int:
    """Return a file's modification time in ns (0 when it is missing): a cache key."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=16)
def _read_series(folder: Path, changed: int) -> Series:
    """Read and check a layout's series data, once per version of the file (`changed`)."""
    del changed  # a key only
    path = folder / SERIES_FILE
    where = str(path)
    try:
        data: Any = read_yaml(path)
    except FileNotFoundError:
        raise LayoutError(f"the layout has no {SERIES_FILE}", file=str(folder)) from None
    except yaml.YAMLError as error:
        raise LayoutError(f"broken YAML: {error}", file=where) from None
    if not isinstance(data, dict):
        raise LayoutError("must be a mapping of keys to texts", file=where)
    for key in REQUIRED_TEXTS:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise LayoutError(f"{key!r} is missing or not a text", file=where)
    editors = data.get("editors") or []
    colours = data.get("colours") or {}
    if not isinstance(editors, list) or not all(isinstance(e, str) for e in editors):
        raise LayoutError("'editors' must be a list of texts", file=where)
    if not isinstance(colours, dict):
        raise LayoutError("'colours' must map names to colours", file=where)
    paper = str(data.get("paper", "letter"))
    if paper not in ("letter", "a4"):
        raise LayoutError(f"paper {paper!r} is not letter or a4", file=where)
    translations = _read_translations(data.get("translations") or {}, where)
    column_characters = data.get("column_characters", 0)
    if not isinstance(column_characters, int) or column_characters < 0:
        raise LayoutError("'column_characters' must be a whole number", file=where)
    hyphenation = data.get("hyphenation") or {}
    if not isinstance(hyphenation, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and LANGUAGE_TAG.fullmatch(v)
        for k, v in hyphenation.items()
    ):
        raise LayoutError("'hyphenation' must map languages to language tags", file=where)
    return Series(
        id=str(data.get("id", folder.name)),
        name=data["name"],
        short_name=str(data.get("short_name", data["name"])),
        publisher=data["publisher"],
        number_label=str(data.get("number_label", "Number")),
        page_label=str(data.get("page_label", "Page")),
        notes_heading=str(data.get("notes_heading", "Notes")),
        summary_label=str(data.get("summary_label", "Summary")),
        mission=data["mission"],
        statement=data["statement"],
        editors=tuple(editors),
        disclaimer=data["disclaimer"],
        web=data["web"],
        colours={str(k): str(v) for k, v in colours.items()},
        paper=paper,
        column_characters=column_characters,
        hyphenation={k.lower(): v for k, v in hyphenation.items()},
        translations=translations,
        navigation={**NAVIGATION_LABELS, **_labels("navigation", data.get("navigation"), where)},
        links={**LINK_LABELS, **_labels("links", data.get("links"), where)},
    )


def _labels(name: str, value: Any, where: str, place: str = "") -> dict[str, str]:
    """Check a map of labels (`byline`, `navigation`, `links`) against the names it may give."""
    known = {"byline": BYLINE_JOINERS, "links": LINK_LABELS}.get(name, NAVIGATION_LABELS)
    if value is None and not place:
        return {}
    if not isinstance(value, dict) or not set(map(str, value)) <= set(known):
        raise LayoutError(f"{name!r} may give {', '.join(known)}", file=where, where=place)
    return {str(k): str(v) for k, v in value.items()}


def _read_translations(data: Any, where: str) -> dict[str, dict[str, Any]]:
    """Check the `translations:` map of series.yaml: texts by language tag."""
    if not isinstance(data, dict):
        raise LayoutError("'translations' must map language tags to texts", file=where)
    known = (*TRANSLATED_TEXTS, *OPTIONAL_TRANSLATIONS)
    result: dict[str, dict[str, Any]] = {}
    for tag, texts in data.items():
        place = f"translations: {tag}"
        if not isinstance(texts, dict):
            raise LayoutError("must map text names to texts", file=where, where=place)
        unknown = sorted(set(map(str, texts)) - set(known))
        if unknown:
            raise LayoutError(f"unknown text {', '.join(unknown)}", file=where, where=place)
        entry: dict[str, Any] = {}
        for name, value in texts.items():
            if name == "editors":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise LayoutError("'editors' must be a list of texts", file=where, where=place)
                entry[name] = tuple(value)
            elif name in ("byline", "navigation", "links"):
                entry[name] = _labels(name, value, where, place)
            elif name == "quotes":
                if not (
                    isinstance(value, list)
                    and len(value) == 4
                    and all(isinstance(v, str) and v for v in value)
                ):
                    raise LayoutError(
                        "'quotes' must list four marks: open, close, inner open, inner close",
                        file=where,
                        where=place,
                    )
                entry[name] = tuple(value)
            elif name == "kickers":
                if not isinstance(value, dict):
                    raise LayoutError(
                        "'kickers' must map kickers to texts", file=where, where=place
                    )
                entry[name] = {str(k).casefold(): str(v) for k, v in value.items()}
            elif isinstance(value, str) and value.strip():
                entry[name] = value
            else:
                raise LayoutError(f"{name!r} is not a text", file=where, where=place)
        result[str(tag)] = entry
    return result


def lang_attr(series: Series, text: str, xml: bool = False) -> Markup:
    """Return ` lang="en"` for an element holding a series text that fell back to English.

    `xml` adds `xml:lang`, as XHTML (the EPUB) wants both.
    """
    from markupsafe import Markup

    if series.lang_of(text) == series.lang:
        return Markup("")
    return Markup(' lang="en" xml:lang="en"' if xml else ' lang="en"')


def issue_line_markup(
    series: Series, number: int | None, date: datetime.date | None, lang: str, xml: bool = False
) -> Markup:
    """Return the issue line as HTML, its number label marked English if it fell back."""
    from markupsafe import Markup, escape

    line = escape(issue_line(series, number, date, lang))
    if number is None or series.lang_of("number_label") == series.lang:
        return line
    label = escape(issue_line(series, number, None, lang))
    marked = Markup("<span{}>{}</span>").format(lang_attr(series, "number_label", xml), label)
    return Markup(str(line).replace(str(label), str(marked), 1))


def issue_line(series: Series, number: int | None, date: datetime.date | None, lang: str) -> str:
    """Return the issue line ("Number 600 | October 12, 2022") from whatever parts are known."""
    parts = []
    if number is not None:
        # A label with a {number} slot places the number itself ("第{number}号").
        label = series.number_label
        parts.append(
            label.replace("{number}", str(number)) if "{number}" in label else f"{label} {number}"
        )
    if date is not None:
        parts.append(long_date(date, lang))
    return " | ".join(parts)
