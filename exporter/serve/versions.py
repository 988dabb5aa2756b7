"""An article's versions as the app shows them: its history, a version, what changed, restore.

These run in a reader thread (Editor.off_loop): they read git objects and parse texts.
The pages and the API both call them, each answering in its own way.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from exporter.errors import ExportError, InputError
from exporter.readers.markdown import read_markdown
from exporter.recent import Recent
from exporter.serve.editor import Editor
from exporter.serve.form import split_front_matter
from exporter.serve.history import Version, iso_time, valid_commit_id
from exporter.serve.store import ARTICLE_NAME, ArticleNotFoundError, Snapshot, version_of
from exporter.validate import validate
from exporter.walk import reading_length

HISTORY_PAGE = 50
"""Versions in one page of an article's history, unless the client asks for another count."""
MOST_IN_A_PAGE = 500
_LENGTHS: Recent[tuple[int | None, str]] = Recent(4096)
"""Reading lengths by the id of a version's bytes: a version never changes."""
_LENGTHS_LOCK = threading.Lock()


class VersionNotFoundError(LookupError):
    """No such version in the article's history."""


class TooLargeError(ValueError):
    """A version is larger than the app reads."""


@dataclass(frozen=True, slots=True)
class Kept:
    """One version of an article, read back from the history."""

    version: Version
    """Where it is kept."""
    text: str
    """Its text."""
    sha256: str
    """The app's version of its bytes (the SHA-256)."""


def history_data(editor: Editor, name: str, limit: int, before: str) -> dict[str, Any]:
    """Return a page of an article's history, newest first, as the API answers it.

    `before` is the `next` of the page before, or empty for the newest page.
    """
    if not ARTICLE_NAME.match(name):
        raise ArticleNotFoundError(name)
    start = _cursor(before) if before else None
    found, following = editor.history.versions(name, limit, start)
    current = _current_version(editor, name)
    if current is None and not found and start is None:
        raise ArticleNotFoundError(name)
    listed = []
    for version in found:
        data = editor.history.blob(version.blob)
        sha256 = version_of(data)
        words, unit = _length(version.blob, data)
        listed.append(
            {
                "id": version.commit,
                "time": iso_time(version.time),
                "name": version.path,
                "version": sha256,
                "words": words,
                "unit": unit,
                "fit": _fit(editor, (name, version.path), sha256),
                "message": version.message,
                "action": version.action,
            }
        )
    return {
        "name": name,
        "version": current,
        "versions": listed,
        "next": f"{following[0]}:{following[1]}" if following else None,
    }


def kept_version(editor: Editor, name: str, commit: str) -> Kept:
    """Return a version of an article from its history; VersionNotFoundError if none."""
    if not ARTICLE_NAME.match(name):
        raise ArticleNotFoundError(name)
    if not valid_commit_id(commit):
        raise VersionNotFoundError(f"{commit!r} is not a version id (a commit, 40 hex digits)")
    version = editor.history.version_at(name, commit)
    if version is None:
        raise VersionNotFoundError(f"no version {commit} in the history of {name}")
    data = editor.history.blob(version.blob)
    if len(data) > editor.options.max_upload_bytes:
        raise TooLargeError(f"that version of {name} is larger than the app reads")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=version.path) from None
    return Kept(version, text, version_of(data))


def version_data(kept: Kept) -> dict[str, Any]:
    """Return a version as the API answers it."""
    version = kept.version
    return {
        "id": version.commit,
        "time": iso_time(version.time),
        "name": version.path,
        "version": kept.sha256,
        "message": version.message,
        "action": version.action,
        "text": kept.text,
    }


def diff_data(editor: Editor, name: str, old: str, new: str) -> dict[str, Any]:
    """Return what changed from one version to another (or to the file as it is now)."""
    before = kept_version(editor, name, old)
    if new:
        after = kept_version(editor, name, new)
        text, sha256 = after.text, after.sha256
    else:
        snapshot = editor.store.read(name)
        text, sha256 = snapshot.text, snapshot.version
    lines = diff_lines(before.text, text)
    return {
        "from": {"id": old, "version": before.sha256},
        "to": {"id": new or None, "version": sha256},
        "added": sum(1 for line in lines if line["kind"] == "added"),
        "removed": sum(1 for line in lines if line["kind"] == "removed"),
        "lines": lines,
    }


def diff_lines(old: str, new: str) -> list[dict[str, Any]]:
    """Return every line of two texts with its kind: same, removed or added.

    `old` and `new` are the line's numbers in each text (1 for the first), null
    where the line is not in that text.
    """
    before, after = old.splitlines(), new.splitlines()
    # Without the junk heuristic: in a long article, blank lines and common short
    # lines are frequent, and treating them as junk would show moved lines as changed.
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    lines: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                old_line, new_line = i1 + offset, j1 + offset
                lines.append(
                    {
                        "kind": "same",
                        "text": before[old_line],
                        "old": old_line + 1,
                        "new": new_line + 1,
                    }
                )
            continue
        for index in range(i1, i2):
            lines.append({"kind": "removed", "text": before[index], "old": index + 1, "new": None})
        for index in range(j1, j2):
            lines.append({"kind": "added", "text": after[index], "old": None, "new": index + 1})
    return lines


def restore(editor: Editor, name: str, commit: str, base: str) -> Snapshot:
    """Save an earlier version of an article as its newest, if the file is still at `base`.

    Raise VersionConflictError when it changed meanwhile (nothing is saved), InputError
    when that version does not read as an article.
    """
    kept = kept_version(editor, name, commit)
    try:
        validate(read_markdown(kept.text))
    except InputError as error:
        raise error.in_file(name) from None
    note = f" to its version of {iso_time(kept.version.time)} ({commit[:12]})"
    return editor.store.save(name, kept.text, base, action="restore", note=note)


def deleted_data(editor: Editor) -> list[dict[str, Any]]:
    """Return the deleted articles, newest deletion first, as the API answers them."""
    listed = []
    for gone in editor.history.deleted():
        if not ARTICLE_NAME.match(gone.name):
            continue  # a commit made outside the app that names no article
        data = editor.history.blob(gone.blob)
        listed.append(
            {
                "name": gone.name,
                "title": _title(data.decode("utf-8-sig", "replace"), gone.name),
                "when": iso_time(gone.time),
                "id": gone.commit,
                "last": gone.last,
                "version": version_of(data),
            }
        )
    return listed


def bring_back(editor: Editor, name: str) -> Snapshot:
    """Put a deleted article back, under its name if it is free, else a free one like it."""
    gone = next((g for g in editor.history.deleted() if g.name == name), None)
    if gone is None or not ARTICLE_NAME.match(name):
        raise ArticleNotFoundError(name)
    text = editor.history.blob(gone.blob).decode("utf-8-sig", "replace")
    while True:
        target = name
        if (editor.store.folder / name).exists():
            target = editor.store.free_name(PurePath(name).stem)
        note = "" if target == name else f", deleted as {name}"
        try:
            return editor.store.create(target, text, "undelete", note, follows=(name, gone.last))
        except FileExistsError:  # taken between the look and the write: the next one
            continue


def duplicate(editor: Editor, name: str) -> Snapshot:
    """Copy an article to a new file named after its title; the copy's history starts here."""
    snapshot = editor.store.read(name)
    title = _title(snapshot.text, name)
    return editor.store.create_free(title, snapshot.text, "duplicate", f" as a copy of {name}")


def _title(text: str, name: str) -> str:
    try:
        front, _ = split_front_matter(text)
    except ExportError:
        front = {}
    return str(front.get("title") or PurePath(name).stem)


def _cursor(text: str) -> tuple[str, str]:
    commit, _, name = text.partition(":")
    if not valid_commit_id(commit) or not ARTICLE_NAME.match(name):
        raise ValueError(f"before={text!r} is not the `next` of a page of this history")
    return commit, name


def _current_version(editor: Editor, name: str) -> str | None:
    try:
        return editor.store.read(name).version
    except (ArticleNotFoundError, ExportError, OSError):
        return None


def _length(blob: str, data: bytes) -> tuple[int | None, str]:
    """Return a version's reading length, as the fitting counts it; None if it does not read."""
    with _LENGTHS_LOCK:
        kept = _LENGTHS.get(blob)
    if kept is not None:
        return kept
    try:
        length = reading_length(read_markdown(data.decode("utf-8-sig")).body)
        found: tuple[int | None, str] = (length.count, length.unit)
    except (ExportError, UnicodeDecodeError, RecursionError):
        found = (None, "")
    with _LENGTHS_LOCK:
        return _LENGTHS.put(blob, found)


def _fit(editor: Editor, names: tuple[str, str], sha256: str) -> dict[str, Any] | None:
    """Return the fit of a version where the app has checked it: from a proof or a status."""
    for name in dict.fromkeys(names):
        checked = editor.proofs.kept_proof(name, sha256)
        status = checked.status if checked is not None else editor.statuses.get(name, sha256)
        if status is not None:
            return {"state": status.state, "fits": status.fits, "text": status.fit}
    return None
