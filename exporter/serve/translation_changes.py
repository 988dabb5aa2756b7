"""The page of what changed in an article since its editions were translated.

`/articles/{name}/changes` shows, for an edition, the lines of its source changed since
the version its translation was made from; for an original, the same for each of its
editions. It is read by whoever sends the changes on to the translators: numbered
lines, each marked "added" or "removed" in words, not by colour alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from exporter.editions import language_name
from exporter.serve.editions import editions_data
from exporter.serve.editor import editor_of

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
KINDS = {" ": "same", "-": "removed", "+": "added"}


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source's Markdown in a change."""

    kind: str
    """"same", "removed" or "added"."""
    old: int | None
    """Its number in the version translated; None for an added line."""
    new: int | None
    """Its number in the source now; None for a removed line."""
    text: str
    """The line."""


@dataclass(frozen=True, slots=True)
class Hunk:
    """One place of the source that changed, with a line around it."""

    start: int
    """The number of its first line in the source now."""
    lines: tuple[Line, ...]
    """Its lines in reading order."""


@dataclass(frozen=True, slots=True)
class Since:
    """What changed in a source since one of its editions was translated."""

    edition: str
    """The edition's file name."""
    lang: str
    """The edition's language tag."""
    language: str
    """The language's name in English, or the tag when it has none."""
    source: str
    """The source's file name."""
    outdated: bool | None
    """Whether the source changed since; None when it cannot be told."""
    added: int
    """Lines added to the source since."""
    removed: int
    """Lines removed from the source since."""
    hunks: tuple[Hunk, ...]
    """The places that changed."""
    unavailable: str
    """Why the changes cannot be shown, or empty."""
    translated_from: str
    """The version of the source translated, or empty."""
    source_version: str
    """The source's version now, or empty."""


def hunks(differences: list[str]) -> tuple[Hunk, ...]:
    """Return a unified diff's lines (without its file header) as numbered places."""
    found: list[Hunk] = []
    lines: list[Line] = []
    old = new = start = 0
    for difference in differences:
        header = HUNK.match(difference)
        if header is not None:
            if lines:
                found.append(Hunk(start, tuple(lines)))
            old, new, lines = int(header[1]), int(header[3]), []
            start = new
            continue
        kind = KINDS.get(difference[:1])
        if kind is None:
            continue  # "\ No newline at end of file" and the like
        lines.append(
            Line(
                kind,
                old if kind != "added" else None,
                new if kind != "removed" else None,
                difference[1:],
            )
        )
        old += kind != "added"
        new += kind != "removed"
    if lines:
        found.append(Hunk(start, tuple(lines)))
    return tuple(found)


def since(edition: str, lang: str, source: str, entry: dict[str, Any]) -> Since:
    """Return what changed for one edition, from the editions JSON's entry of it."""
    changes = entry.get("changes") or {}
    return Since(
        edition,
        lang,
        language_name(lang),
        source,
        entry.get("outdated"),
        int(changes.get("added", 0)),
        int(changes.get("removed", 0)),
        hunks(list(changes.get("differences", []))),
        str(entry.get("changes_unavailable") or ""),
        str(entry.get("translated_from") or ""),
        str(entry.get("source_version") or ""),
    )


def changes_of(data: dict[str, Any]) -> list[Since]:
    """Return what changed for an edition (its source's changes), or for each edition of
    an original, from the article's editions JSON."""
    source = data["translation_of"]
    if source is not None:
        return [since(data["name"], data["lang"], source["name"], source)]
    return [since(e["name"], e["lang"], data["name"], e) for e in data["editions"]]


async def changes_page(request: Request) -> Response:
    """Show what changed in an article since its editions (or it, an edition) were translated."""
    editor = editor_of(request)
    name = request.path_params["name"]
    data = await editor.off_loop(editions_data, editor, name)  # not found: 404
    context = {"name": name, "changes": changes_of(data)}
    return editor.page(request, "changes.html", context)
