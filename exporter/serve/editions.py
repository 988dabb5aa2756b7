"""Translations as editions in the library: importing one, listing them, marking the outdated.

A DOCX the toolkit wrote names its article file and that file's version (custom
properties, `exporter.editions`). Imported, a translation of an article of the library
becomes its edition: `NAME.LANG.md` beside it, with `translation_of` and
`translated_from` in its front matter; importing it again saves a new version of that
file. An edition is outdated once its source's version is no longer `translated_from`.

`GET /api/articles/{name}/editions` answers, for an article of the library:

    {
      "name": "japan-rok-relations.md",
      "lang": "en",
      "version": "<the article's version: SHA-256 of its bytes>",
      "translation_of": null,       // for an edition: its source, as below
      "editions": [                 // the articles whose translation_of names this one
        {
          "name": "japan-rok-relations.ja.md",
          "lang": "ja",
          "title": "...",
          "url": "/articles/japan-rok-relations.ja.md",
          "translated_from": "<version>" | null,  // null: the edition does not say
          "source_version": "<version>",           // the source's version now
          "outdated": true | false | null,         // null: cannot tell
          "changes": <changes> | null,
          "changes_unavailable": "<why changes is null>" | null
        }
      ]
    }

For an edition, "translation_of" is its source:

    {"name": "japan-rok-relations.md", "url": "/articles/japan-rok-relations.md",
     "in_library": true, "source_version": "<the source's version now>" | null,
     "translated_from": ..., "outdated": ..., "changes": ..., "changes_unavailable": ...}

<changes> is what changed in the source since the version translated, as lines of
its Markdown (a unified diff without its file header, as the conflict view gives):

    {"from": "<translated_from>", "to": "<source_version>", "added": 3, "removed": 1,
     "differences": ["@@ -12,2 +12,3 @@", " kept line", "-old line", "+new line", ...]}

An edition that is not outdated has changes with no differences. The source's text at
`translated_from` comes from the folder's history (`old_text_lookup`, the one place it
plugs in); where it cannot be had, "changes" is null and "changes_unavailable" says why.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exporter.editions import edition_name, is_file_name, place_translation, version_of
from exporter.errors import ExportError
from exporter.readers.markdown import read_markdown
from exporter.serve.editor import Editor, editor_of
from exporter.serve.listing import Listed
from exporter.serve.store import (
    ARTICLE_NAME,
    ArticleNotFoundError,
    Snapshot,
    VersionConflictError,
)
from exporter.serve.workers import UPLOAD_STEM, Imported

OldText = Callable[[str, str], "str | None"]
"""Return the text an article file had at a version (the SHA-256 of its bytes then, as
the store gives versions), or None where that version is not kept."""
NEW = "imported as a new article"
CONTEXT_LINES = 1
"""Unchanged lines shown around each change, as the conflict view shows them."""


LOOKUP_VERSIONS = 2000
"""How many of an article's versions are searched for the one an edition was made from."""


def old_text_lookup(editor: Editor) -> OldText | None:
    """Return how to get an article's text at an earlier version, from the folder's
    history of saves (`exporter.serve.history`): the newest version whose bytes have
    that SHA-256, among the last LOOKUP_VERSIONS."""
    history = editor.history

    def text_at(name: str, version: str) -> str | None:
        start: tuple[str, str] | None = None
        searched = 0
        while searched < LOOKUP_VERSIONS:
            found, start = history.versions(name, min(200, LOOKUP_VERSIONS - searched), start)
            for kept in found:
                data = history.blob(kept.blob)
                if version_of(data) == version:
                    return data.decode("utf-8-sig", "replace")
            searched += len(found)
            if start is None or not found:
                return None
        return None

    return text_at


@dataclass(frozen=True, slots=True)
class Edition:
    """One edition as the library lists it."""

    name: str
    """Its file name."""
    lang: str
    """Its language."""
    title: str
    """Its title."""
    translation_of: str
    """The file name of its source."""
    translated_from: str
    """The version of the source it was translated from; empty when it does not say."""
    source_version: str
    """The source's version now; empty when the source is not in the folder."""

    @property
    def outdated(self) -> bool | None:
        """Return whether the source changed since; None when that cannot be told."""
        if not self.source_version or not self.translated_from:
            return None
        return self.source_version != self.translated_from


def edition_of(name: str, listed: Listed, versions: dict[str, str]) -> Edition | None:
    """Return the edition an article file is, from its front matter; None for an original.

    `versions` gives each article's version by name (the source's is looked up there).
    """
    source = listed.front.get("translation_of")
    if not isinstance(source, str) or not is_file_name(source) or source == name:
        return None
    translated_from = listed.front.get("translated_from")
    return Edition(
        name,
        str(listed.front.get("lang") or "en"),
        str(listed.front.get("title") or ""),
        source,
        translated_from if isinstance(translated_from, str) else "",
        versions.get(source, ""),
    )


def editions_by_source(entries: list[tuple[str, Listed]]) -> dict[str, list[Edition]]:
    """Return the editions of the folder by the name of their source, in name order."""
    versions = {name: listed.version for name, listed in entries}
    found: dict[str, list[Edition]] = {}
    for name, listed in entries:
        edition = edition_of(name, listed, versions)
        if edition is not None:
            found.setdefault(edition.translation_of, []).append(edition)
    return found


def changes_since(
    source: Snapshot | None, translated_from: str, old_text: OldText | None
) -> tuple[dict[str, Any] | None, str | None]:
    """Return what changed in the source since `translated_from`, or None and why not.

    `source` is the source as it is now (None when it is not in the library); `old_text`
    gives its text at an earlier version (None while no history is kept).
    """
    if source is None:
        return None, "the source is not in the library"
    if not translated_from:
        return None, "the edition does not say which version of its source it was made from"
    if translated_from == source.version:
        old = source.text
    else:
        kept = old_text(source.name, translated_from) if old_text is not None else None
        # A text whose bytes are not that version is another version's: none is shown.
        if kept is None or version_of(kept.encode("utf-8")) != translated_from:
            return None, (
                f"the text of {source.name} at version {translated_from[:12]} is not kept "
                "here, so what changed since cannot be shown"
            )
        old = kept
    differences = list(
        difflib.unified_diff(
            old.splitlines(), source.text.splitlines(), n=CONTEXT_LINES, lineterm=""
        )
    )[2:]
    return {
        "from": translated_from,
        "to": source.version,
        "added": sum(1 for line in differences if line.startswith("+")),
        "removed": sum(1 for line in differences if line.startswith("-")),
        "differences": differences,
    }, None


def _read(editor: Editor, name: str) -> Snapshot | None:
    """Return an article of the library as it is now, or None when it is not one."""
    try:
        return editor.store.read(name)
    except (ArticleNotFoundError, ExportError, OSError):
        return None


def _edition_json(edition: Edition, changes: tuple[dict[str, Any] | None, str | None]) -> Any:
    return {
        "name": edition.name,
        "lang": edition.lang,
        "title": edition.title,
        "url": f"/articles/{edition.name}",
        "translated_from": edition.translated_from or None,
        "source_version": edition.source_version or None,
        "outdated": edition.outdated,
        "changes": changes[0],
        "changes_unavailable": changes[1],
    }


def editions_data(editor: Editor, name: str) -> dict[str, Any]:
    """Return the editions JSON of an article (the module's docstring shows it)."""
    article = editor.store.read(name)  # ArticleNotFoundError: answered 404
    entries = editor.listing.entries()
    listed = dict(entries)
    versions = {entry: found.version for entry, found in entries}
    old_text = old_text_lookup(editor)
    own = listed.get(name, Listed(article.version))
    own_edition = edition_of(name, own, versions)
    translation_of = None
    if own_edition is not None:
        source = _read(editor, own_edition.translation_of)
        # The source as read now, so that its version and its changes agree.
        if source is not None:
            own_edition = dataclasses.replace(own_edition, source_version=source.version)
        changes, why = changes_since(source, own_edition.translated_from, old_text)
        translation_of = {
            "name": own_edition.translation_of,
            "url": f"/articles/{own_edition.translation_of}",
            "in_library": source is not None,
            "source_version": own_edition.source_version or None,
            "translated_from": own_edition.translated_from or None,
            "outdated": own_edition.outdated,
            "changes": changes,
            "changes_unavailable": why,
        }
    editions = []
    for edition in editions_by_source(entries).get(name, []):
        edition = dataclasses.replace(edition, source_version=article.version)
        since = changes_since(article, edition.translated_from, old_text)
        editions.append(_edition_json(edition, since))
    return {
        "name": name,
        "lang": str(own.front.get("lang") or "en"),
        "version": article.version,
        "translation_of": translation_of,
        "editions": editions,
    }


async def editions(request: Request) -> Response:
    """List an article's editions, each marked outdated or not, with what changed since."""
    editor = editor_of(request)
    data = await editor.off_loop(editions_data, editor, request.path_params["name"])
    return JSONResponse(data)


@dataclass(frozen=True, slots=True)
class Stored:
    """An imported edition, written into the library."""

    name: str
    """The edition's file name."""
    version: str
    """Its version as written."""
    text: str
    """Its text."""
    created: bool
    """True for a new file; False when an existing edition got a new version."""
    unchanged: bool
    """True when the existing edition held the same text already (nothing was saved)."""
    pictures: dict[str, bytes]
    """The pictures written beside it, by file name."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an import goes: an edition of a library article, or a new article."""

    imported: Imported
    """The import, its Markdown and warnings saying what was done."""
    edition: str = ""
    """The edition's file name; empty for a new article."""


def place_import(editor: Editor, imported: Imported, suffix: str) -> Placement:
    """Return where an imported file goes: the edition of the library article a DOCX was
    written from when it is that article's translation, else a new article.

    A DOCX that names a source which is not an article of the library (another folder's,
    a path, a made-up name) is imported as a new article, naming none. An article file
    (Markdown, JSON) says in its own front matter what it is, and is taken as it says.
    """
    article = imported.article
    if article is None or not article.translation_of or suffix != ".docx":
        return Placement(imported)
    name = article.translation_of
    source = _read(editor, name)
    if source is None:
        return _alone(imported, f"written from {name}, which is not in this library: {NEW}")
    try:
        source_article = read_markdown(source.text)
    except ExportError as error:
        return _alone(imported, f"written from {name}, which cannot be read ({error}): {NEW}")
    placed = place_translation(article, source_article, name, source.version)
    if not placed.edition:
        return _alone(imported, *placed.messages)
    edition = _edition_file(editor, name, placed.article.lang)
    warnings = (*placed.messages, *imported.warnings)
    if edition is None:
        # No file name of its own (too long, or taken by another article): still the
        # source's edition, by its front matter, under a new name.
        return Placement(_rewritten(imported, placed.article, warnings))
    return Placement(_rewritten(imported, placed.article, warnings), edition)


def _edition_file(editor: Editor, source: str, lang: str) -> str | None:
    """Return the edition's file name, if it is free or already this source's edition."""
    name = edition_name(source, lang)
    if not ARTICLE_NAME.match(name):
        return None
    existing = _read(editor, name)
    if existing is None:
        return None if (editor.store.folder / name).exists() else name
    try:
        front = read_markdown(existing.text)
    except ExportError:
        return None
    return name if front.translation_of == source else None


def _alone(imported: Imported, *messages: str) -> Placement:
    """Return the import as a new article that names no source, saying why."""
    assert imported.article is not None
    article = dataclasses.replace(imported.article, translation_of="", translated_from="")
    return Placement(_rewritten(imported, article, (*messages, *imported.warnings)))


def _rewritten(imported: Imported, article: Any, warnings: tuple[str, ...]) -> Imported:
    """Return the import with another article, its Markdown written again."""
    from exporter.context import RenderContext
    from exporter.readers.media import Media, place_media
    from exporter.serve.workers import known_layout
    from exporter.writers.markdown import write_markdown

    placed, _files = place_media(article, Media(imported.pictures), UPLOAD_STEM)
    context = RenderContext(known_layout(article.series), Path())
    markdown = write_markdown(placed, context).decode("utf-8")
    return dataclasses.replace(
        imported, markdown=markdown, title=article.title, warnings=warnings, article=article
    )


def store_edition(editor: Editor, imported: Imported, name: str) -> Stored:
    """Write an imported edition as `name`: a new file, or a new version of the edition.

    An existing edition is saved over the version read just before, as an editor's save
    is: an editor with unsaved changes of it meets a version conflict on saving, never a
    silent loss.
    """
    from exporter.context import RenderContext
    from exporter.output import write_atomic
    from exporter.readers.media import Media, place_media
    from exporter.serve.workers import known_layout
    from exporter.writers.markdown import write_markdown

    assert imported.article is not None
    folder = editor.store.folder
    article, files = place_media(imported.article, Media(imported.pictures), Path(name).stem)
    data = write_markdown(article, RenderContext(known_layout(article.series), folder))
    text = data.decode("utf-8")
    for picture, data in files.items():
        # The edition's own pictures (named after it): a new import brings their new state.
        path = folder / picture
        if not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)
    for _attempt in range(3):
        current = _read(editor, name)
        try:
            if current is None:
                created = editor.store.create(name, text)
                return Stored(name, created.version, text, True, False, files)
            if current.version == version_of(data):
                return Stored(name, current.version, text, False, True, files)
            saved = editor.store.save(name, text, current.version)
            return Stored(name, saved.version, text, False, False, files)
        except (FileExistsError, VersionConflictError):
            continue  # written meanwhile: read it again and save over that version
    raise ExportError(f"{name} kept changing while the import was saved; import it again")


def stored_notes(stored: Stored) -> list[str]:
    """Return what the import did with the edition's file, for the editor."""
    if stored.created:
        return [f"wrote {stored.name}"]
    if stored.unchanged:
        return [f"{stored.name} holds this text already: nothing was saved"]
    return [f"saved as a new version of {stored.name}"]


ROUTES = [Route("/api/articles/{name}/editions", editions)]
