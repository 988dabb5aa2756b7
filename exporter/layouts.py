"""Find a layout folder (the user's first, then the bundled one) and read its series data."""

from __future__ import annotations

import datetime
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from exporter.errors import LayoutError

PACKAGE_DIR = Path(__file__).resolve().parent
LAYOUT_PATH_VARIABLE = "EXPORTER_LAYOUT_PATH"
SERIES_FILE = "series.yaml"
REQUIRED_TEXTS = ("name", "publisher", "mission", "statement", "disclaimer", "web")


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


@dataclass(frozen=True, slots=True)
class Layout:
    """A layout folder: templates, CSS, series data, and the fonts it prints with."""

    folder: Path
    """The layout's folder."""
    fonts: Path
    """The folder of the fonts the CSS names (the layout's own `fonts/`, else the bundled one)."""
    series: Series
    """The series data."""

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
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["css_string"] = css_string
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
    from babel.core import Locale, UnknownLocaleError
    from babel.dates import format_date

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    return format_date(date, format="long", locale=locale)


def find_layout(name_or_path: str | None, series_id: str = "apb") -> Layout:
    """Return the layout named by `--layout` (a folder or a name), else the article's series."""
    folder = _locate(name_or_path or series_id)
    fonts = folder / "fonts" if (folder / "fonts").is_dir() else BUNDLED_FONTS
    return Layout(folder=folder, fonts=fonts, series=_read_series(folder))


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


def _read_series(folder: Path) -> Series:
    path = folder / SERIES_FILE
    where = str(path)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    )


def issue_line(series: Series, number: int | None, date: datetime.date | None, lang: str) -> str:
    """Return the issue line ("Number 600 | October 12, 2022") from whatever parts are known."""
    parts = []
    if number is not None:
        parts.append(f"{series.number_label} {number}")
    if date is not None:
        parts.append(long_date(date, lang))
    return " | ".join(parts)
