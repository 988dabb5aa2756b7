"""OPDS 1.2 feed documents: the root navigation feed and paged acquisition feeds."""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

from lxml import etree

from exporter.catalog.covers import CoverFiles
from exporter.catalog.issues import Issue

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
THREAD = "http://purl.org/syndication/thread/1.0"
SCHEMA = "http://schema.org/"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS, "thr": THREAD, "schema": SCHEMA}

NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
SEARCH_TYPE = "application/opensearchdescription+xml"
ACQUISITION = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
FACET = "http://opds-spec.org/facet"
FORMATS = (("epub", "application/epub+zip"), ("pdf", "application/pdf"))

ROOT_FEED = "catalog.xml"
SEARCH_DOCUMENT = "search.xml"
PAGE_SIZE = 50
"""Entries per page of an acquisition feed; past it, the feed goes on in another file."""
FEED_NAMESPACE = uuid.UUID("5b0f9d7e-3f3c-4c43-9a55-3c1f0c7f3a21")
"""Feeds' ids are uuid5s of this and the publisher and feed, stable from one run to the next."""


@dataclass(frozen=True, slots=True)
class Facet:
    """A link to the same list narrowed another way (opds:facetGroup, opds:activeFacet)."""

    title: str
    """What the link says."""
    href: str
    """The first page of the narrowed list."""
    group: str
    """The facet group, such as "Language"."""
    active: bool
    """True for the list the feed shows."""
    count: int
    """How many issues it lists."""


@dataclass(frozen=True, slots=True)
class Shelf:
    """An acquisition feed: a list of issues, newest first, in pages of PAGE_SIZE."""

    stem: str
    """The first page's file name without `.xml`; page N is `STEM-N.xml`."""
    title: str
    """The feed's title."""
    issues: Sequence[Issue]
    """The issues, newest first."""
    facets: Sequence[Facet] = ()
    """Other lists this one can be narrowed or widened to."""

    @property
    def href(self) -> str:
        """The first page's file name."""
        return f"{self.stem}.xml"

    def page_href(self, page: int) -> str:
        """The file name of page `page`, counted from 1."""
        return self.href if page == 1 else f"{self.stem}-{page}.xml"


@dataclass(frozen=True, slots=True)
class Row:
    """An entry of a navigation feed: a subsection of the catalogue."""

    title: str
    """What the entry says."""
    href: str
    """The acquisition feed it leads to."""
    summary: str
    """One line on what it lists."""
    updated: str
    """The newest issue's time."""


@dataclass(slots=True)
class FeedWriter:
    """Writes the feeds of one catalogue, with the links every feed shares."""

    title: str
    """The catalogue's title, the root feed's."""
    publisher: str
    """The feeds' author."""
    covers: dict[str, CoverFiles] = field(default_factory=dict)
    """Each issue's cover files, by the issue's name."""
    search: bool = False
    """True if the catalogue has an OpenSearch description to link."""

    def navigation(self, rows: Sequence[Row]) -> bytes:
        """Return the root navigation feed over `rows`."""
        feed = self._feed(ROOT_FEED, self.title, ROOT_FEED, NAVIGATION_TYPE, _newest(rows))
        for row in rows:
            entry = _sub(feed, "entry")
            _sub(entry, "title", row.title)
            _sub(entry, "id", self._id(row.href))
            _sub(entry, "updated", row.updated)
            _sub(entry, "content", row.summary, type="text")
            _sub(entry, "link", rel="subsection", href=row.href, type=ACQUISITION_TYPE)
        return _serialise(feed)

    def pages(self, shelf: Shelf) -> dict[str, bytes]:
        """Return every page of the shelf's acquisition feed, by file name."""
        count = max(1, math.ceil(len(shelf.issues) / PAGE_SIZE))
        return {
            shelf.page_href(page): self.page(shelf, page, count, shelf.page_href)
            for page in range(1, count + 1)
        }

    def page(
        self, shelf: Shelf, page: int, count: int, href: Callable[[int], str], base: str = ""
    ) -> bytes:
        """Return page `page` of `count` of the shelf's feed; `href` names each page.

        With `base`, every link is made absolute against it: for clients that read a
        feed made on request (search results) without resolving its links.
        """
        issues = shelf.issues[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        updated = newest_time(shelf.issues)
        title = shelf.title if page == 1 else f"{shelf.title} ({page}/{count})"
        feed = self._feed(href(page), title, shelf.stem, ACQUISITION_TYPE, updated)
        if count > 1:
            _sub(feed, "link", rel="first", href=href(1), type=ACQUISITION_TYPE)
            _sub(feed, "link", rel="last", href=href(count), type=ACQUISITION_TYPE)
        if page > 1:
            _sub(feed, "link", rel="previous", href=href(page - 1), type=ACQUISITION_TYPE)
        if page < count:
            _sub(feed, "link", rel="next", href=href(page + 1), type=ACQUISITION_TYPE)
        for facet in shelf.facets:
            link = _sub(feed, "link", rel=FACET, href=facet.href, type=ACQUISITION_TYPE)
            link.set("title", facet.title)
            link.set(f"{{{OPDS}}}facetGroup", facet.group)
            if facet.active:
                link.set(f"{{{OPDS}}}activeFacet", "true")
            link.set(f"{{{THREAD}}}count", str(facet.count))
        for issue in issues:
            self._entry(feed, issue)
        if base:
            for link in feed.iter(f"{{{ATOM}}}link"):
                link.set("href", urljoin(base, link.get("href", "")))
        return _serialise(feed)

    def _feed(self, href: str, title: str, key: str, kind: str, updated: str) -> etree._Element:
        feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)  # type: ignore[arg-type]
        _sub(feed, "id", self._id(key))
        _sub(feed, "title", title)
        _sub(feed, "updated", updated)
        author = _sub(feed, "author")
        _sub(author, "name", self.publisher or self.title)
        _sub(feed, "link", rel="self", href=href, type=kind)
        _sub(feed, "link", rel="start", href=ROOT_FEED, type=NAVIGATION_TYPE)
        if href != ROOT_FEED:
            _sub(feed, "link", rel="up", href=ROOT_FEED, type=NAVIGATION_TYPE)
        if self.search:
            _sub(feed, "link", rel="search", href=SEARCH_DOCUMENT, type=SEARCH_TYPE)
        return feed

    def _entry(self, feed: etree._Element, issue: Issue) -> None:
        entry = _sub(feed, "entry")
        _sub(entry, "title", issue.title)
        _sub(entry, "id", issue.identifier)
        _sub(entry, "updated", entry_time(issue))
        for name in issue.authors:
            author = _sub(entry, "author")
            _sub(author, "name", name)
        _sub(entry, f"{{{DC}}}language", issue.language)
        if issue.issued:
            _sub(entry, f"{{{DC}}}issued", issue.issued)
        if issue.publisher:
            _sub(entry, f"{{{DC}}}publisher", issue.publisher)
        if issue.series:
            # Atom has no series: schema.org's terms say it to machines, the content to people.
            _sub(entry, f"{{{SCHEMA}}}isPartOf", issue.series)
            if issue.number:
                _sub(entry, f"{{{SCHEMA}}}position", issue.number)
        if issue.summary:
            _sub(entry, "summary", issue.summary, type="text")
        if issue.series:
            place = f"{issue.series}, no. {issue.number}" if issue.number else issue.series
            _sub(entry, "content", place, type="text")
        files = self.covers.get(issue.name)
        if files is not None and files.cover is not None:
            _sub(entry, "link", rel=IMAGE, href=quote(files.cover[0]), type=files.cover[1])
        if files is not None and files.thumbnail is not None:
            small, kind = quote(files.thumbnail[0]), files.thumbnail[1]
            _sub(entry, "link", rel=THUMBNAIL, href=small, type=kind)
        for suffix, media_type in FORMATS:
            if suffix == "pdf" and not issue.has_pdf:
                continue
            link = _sub(entry, "link", rel=ACQUISITION, href=quote(f"{issue.name}.{suffix}"))
            link.set("type", media_type)
            link.set("title", suffix.upper())

    def _id(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, f'{self.publisher}/{key}')}"


_EPOCH = "1970-01-01T00:00:00Z"


def newest_time(issues: Sequence[Issue]) -> str:
    """Return the atom:updated of a list of issues: its newest issue's."""
    return max((entry_time(issue) for issue in issues), default=_EPOCH)


def entry_time(issue: Issue) -> str:
    """Return the issue's atom:updated: its EPUB's modification time, else its date."""
    if _is_time(issue.modified):
        return issue.modified
    return f"{issue.issued}T00:00:00Z" if issue.issued else _EPOCH


def _is_time(text: str) -> bool:
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in text


def _newest(rows: Sequence[Row]) -> str:
    return max((row.updated for row in rows), default=_EPOCH)


def _sub(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    name = tag if tag.startswith("{") else f"{{{ATOM}}}{tag}"
    element = etree.SubElement(parent, name, attributes)
    if text:
        element.text = text
    return element


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
