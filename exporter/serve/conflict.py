"""A save that meets another editor's: merged with it, or the overlaps put to the editor."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.errors import InputError
from exporter.readers.markdown import read_markdown
from exporter.serve.merge import CHOICES, Choice, Merge, merge
from exporter.serve.store import ArticleStore, Snapshot, VersionConflictError, version_of
from exporter.validate import validate

BYTE_ORDER_MARK = b"\xef\xbb\xbf"
SAVE_TRIES = 3
"""Saves of a merge tried while yet other saves keep coming in between."""


@dataclass(frozen=True, slots=True)
class Saved:
    """The merge was saved."""

    snapshot: Snapshot
    """The article as saved."""
    combined: tuple[str, ...]
    """The parts where the other save's changes were kept beside the editor's."""


@dataclass(frozen=True, slots=True)
class Overlapping:
    """Both saves changed some places differently: the editor must choose at each."""

    merged: Merge
    """The merge, with its overlaps."""
    theirs: Snapshot
    """The version on disk the merge was made with."""
    yours: str
    """The editor's article file, as the form composed it."""
    base: str
    """The version both started from."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """The combined article does not read as an article (a footnote's call without it)."""

    text: str
    """The combined article file, for the form to show."""
    theirs: Snapshot
    """The version on disk it was made with."""
    problem: str
    """The reader's one-line error."""


Outcome = Saved | Overlapping | Unreadable


def hidden(text: str) -> str:
    """Return a text as a form's hidden field carries it: base64, so no line end changes."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def unhidden(value: object, version: str = "") -> str | None:
    """Return the text of a hidden field, or None if absent, broken or not of `version`."""
    if not isinstance(value, str) or not value:
        return None
    try:
        data = base64.b64decode(value, validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if version and version not in (version_of(data), version_of(BYTE_ORDER_MARK + data)):
        return None
    return text


def save_merged(
    store: ArticleStore,
    name: str,
    base: str,
    yours: str,
    theirs: Snapshot,
    choices: tuple[Choice, ...] | None = None,
) -> Outcome:
    """Merge `yours` with `theirs` from `base` and save it, unless an overlap needs a choice.

    `choices`, when given, resolve the overlaps of this very merge (the page showed
    them against `theirs`); if the file has changed again since, the overlaps are
    asked anew.
    """
    for _ in range(SAVE_TRIES):
        merged = merge(base, yours, theirs.text)
        if merged.overlaps and (choices is None or len(choices) != len(merged.overlaps)):
            return Overlapping(merged, theirs, yours, base)
        text = merged.text(choices or ())
        try:
            validate(read_markdown(text))
        except InputError as error:
            return Unreadable(text, theirs, str(error))
        try:
            saved = store.save(name, text, theirs.version, action="merge")
            return Saved(saved, merged.combined)
        except VersionConflictError as conflict:
            # Saved again meanwhile: what was merged is now the editor's side.
            base, yours, theirs, choices = theirs.text, text, conflict.current, None
    return Overlapping(merge(base, yours, theirs.text), theirs, yours, base)


def choices_from(fields: Mapping[str, Any], merged: Merge) -> tuple[Choice, ...] | None:
    """Return the choice made at each overlap of a posted form, or None if one is missing."""
    chosen: list[Choice] = []
    for index, overlap in enumerate(merged.overlaps):
        value = fields.get(f"choice-{index}")
        choice = next((c for c in CHOICES if c == value), None)
        if choice is None or (choice == "both" and not overlap.joinable):
            return None
        chosen.append(choice)
    return tuple(chosen)


def overlaps_shown(merged: Merge) -> list[dict[str, Any]]:
    """Return the overlaps as the page shows them, side by side."""
    return [
        {
            "index": index,
            "label": overlap.label,
            "theirs": overlap.theirs,
            "yours": overlap.yours,
            "joinable": overlap.joinable,
        }
        for index, overlap in enumerate(merged.overlaps)
    ]
