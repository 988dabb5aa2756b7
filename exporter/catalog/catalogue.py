"""A whole catalogue of a folder of built articles: every feed, cover and thumbnail."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.catalog.covers import cover_files
from exporter.catalog.feeds import (
    ROOT_FEED,
    SEARCH_DOCUMENT,
    Facet,
    FeedWriter,
    Row,
    Shelf,
    newest_time,
)
from exporter.catalog.issues import Issue, read_issue
from exporter.catalog.search import opensearch_description
from exporter.errors import ExportError, UsageError
from exporter.output import write_all_atomic

NO_SERIES = "Other articles"
"""The series of the issues whose EPUB names none (articles without a number)."""
LANGUAGE_GROUP = "Language"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A catalogue's files by their names relative to its folder, and what it lists."""

    files: dict[str, bytes]
    """The feeds, the OpenSearch description, the covers and thumbnails."""
    issues: Sequence[Issue]
    """The issues listed, newest first."""
    writer: FeedWriter
    """The writer of its feeds, for feeds made on request (search results)."""
    warnings: Sequence[str]
    """One line for each EPUB left out, saying why."""


def read_issues(folder: Path) -> tuple[list[Issue], list[str]]:
    """Return the issues whose EPUB is in `folder`, newest first, and a warning per bad EPUB."""
    issues, warnings = [], []
    for epub in sorted(folder.glob("*.epub")):
        try:
            issues.append(read_issue(epub))
        except ExportError as error:
            warnings.append(f"left out: {error}")
    issues.sort(key=lambda issue: issue.sort_key, reverse=True)
    return issues, warnings


def make_catalogue(folder: Path, search_template: str = "") -> Catalogue:
    """Return the catalogue of the built articles in `folder`; UsageError if there are none.

    With `search_template` (a URL with {searchTerms}), the feeds link an OpenSearch
    description of that search: a catalogue served by the app has one, a folder of
    static files cannot answer a search.
    """
    if not folder.is_dir():
        raise UsageError("not a folder", str(folder))
    issues, warnings = read_issues(folder)
    if not issues:
        raise UsageError(
            "no built articles (EPUB files) in it; build some with `exporter build`", str(folder)
        )
    title = _catalogue_title(issues)
    publishers = sorted({issue.publisher for issue in issues if issue.publisher})
    covers = {issue.name: cover_files(issue) for issue in issues}
    writer = FeedWriter(title, ", ".join(publishers), covers, search=bool(search_template))
    files: dict[str, bytes] = {}
    for found in covers.values():
        for part in (found.cover, found.thumbnail):
            if part is not None:
                files[part[0]] = part[2]
    shelves = _shelves(issues)
    for shelf in shelves:
        files.update(writer.pages(shelf))
    rows = [
        Row(shelf.title, shelf.href, _summary(shelf), newest_time(shelf.issues))
        for shelf in shelves
        if shelf.facets[0].active or shelf.stem.startswith("catalog-all")
    ]
    files[ROOT_FEED] = writer.navigation(rows)
    if search_template:
        files[SEARCH_DOCUMENT] = opensearch_description(search_template, title)
    return Catalogue(files, issues, writer, warnings)


def write_catalogue(folder: Path, catalogue: Catalogue) -> list[Path]:
    """Write the catalogue's files into `folder`, all of them or none; return their paths."""
    files = {folder / name: data for name, data in catalogue.files.items()}
    # The root feed last: a client that finds it finds every feed it links.
    root = files.pop(folder / ROOT_FEED)
    files[folder / ROOT_FEED] = root
    write_all_atomic(files)
    # Pages of an earlier, longer catalogue that nothing links any more.
    for stale in folder.glob("catalog-*.xml"):
        if stale not in files:
            stale.unlink(missing_ok=True)
    return list(files)


def _shelves(issues: list[Issue]) -> list[Shelf]:
    """Return every acquisition feed: all issues, each language, each series by language.

    The root lists all issues, each language and each series; a list's language facets
    lead to the same list in one language (or all).
    """
    shelves = _narrowed("all", "All issues", issues)
    slugs: set[str] = set()
    for series in sorted({issue.series for issue in issues}, key=lambda name: (not name, name)):
        members = [issue for issue in issues if issue.series == series]
        slug = _slug(series or NO_SERIES, slugs)
        shelves += _narrowed(f"series-{slug}", series or NO_SERIES, members)
    return shelves


def _narrowed(stem: str, title: str, issues: list[Issue]) -> list[Shelf]:
    """Return the list of `issues` and the same list in each language, facets between them."""
    languages = sorted({issue.language for issue in issues})
    widest = f"catalog-{stem}"
    by_language = {
        lang: [issue for issue in issues if issue.language == lang] for lang in languages
    }
    keys = [
        (widest, "All languages", issues),
        *(
            (f"{widest}-lang-{_slug(lang, set())}", language_name(lang), by_language[lang])
            for lang in languages
        ),
    ]
    shelves = []
    for key, facet_title, members in keys:
        facets = [
            Facet(other_title, f"{other_key}.xml", LANGUAGE_GROUP, other_key == key, len(others))
            for other_key, other_title, others in keys
        ]
        shelf_title = title if key == widest else f"{title}: {facet_title}"
        shelves.append(Shelf(key, shelf_title, members, facets))
    return shelves


def _summary(shelf: Shelf) -> str:
    count = len(shelf.issues)
    return f"{count} issue{'s' if count != 1 else ''}, newest first"


def language_name(tag: str) -> str:
    """Return the language's name in English ("Japanese"), else the tag itself."""
    try:
        from babel import Locale, UnknownLocaleError

        name = Locale.parse(tag, sep="-").get_display_name("en")
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return str(name) if name else tag


def _catalogue_title(issues: list[Issue]) -> str:
    series = sorted({issue.series for issue in issues if issue.series})
    return " & ".join(series) if 0 < len(series) <= 2 else "Articles"


def _slug(name: str, taken: set[str]) -> str:
    """Return a file-name-safe form of `name` not in `taken`, and take it."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "series"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug
