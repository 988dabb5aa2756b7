"""The folder's history: every change the app makes to an article is a commit in git.

The repository is the folder's own `.git`: used as it is when the folder is the root
of one, made at the first change otherwise. Only the files a change names are
committed; a commit is built from the last commit's tree, never from the index, so
what a user has staged or left untracked stays as it was, and the index is touched
only at the paths committed (as `git add` would leave them).

Each commit of the app ends with trailers that say what it did:

    Rename old-name.md to new-name.md

    Exporter-Action: rename
    Exporter-Article: new-name.md
    Exporter-Follows: old-name.md

`Exporter-Follows` names the article whose history the commit continues: a rename,
and a deleted article brought back (under its name or another). The history of an
article walks the first parents from HEAD and lists the commits that changed its
file; where the file appears, it goes on under the followed name, else it stops there.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dulwich.errors import NotCommitError
from dulwich.index import Index, index_entry_from_stat
from dulwich.objects import ZERO_SHA, Blob, Commit, ObjectID, Tree
from dulwich.refs import HEADREF
from dulwich.repo import Repo

from exporter.recent import Recent

Action = Literal[
    "save", "merge", "create", "import", "restore", "delete", "rename", "duplicate", "undelete"
]
"""What a change of the app did; `found` is the file as it was, changed outside the app."""
AUTHOR = b"exporter serve <serve@exporter.invalid>"
"""The author and committer of the app's commits: the app, not a person."""
ACTION, ARTICLE, FOLLOWS = "Exporter-Action", "Exporter-Article", "Exporter-Follows"
FOLLOWS_COMMIT = "Exporter-Follows-Commit"
FILES = "Exporter-Files"
"""The paths a commit of the app changed, as a JSON list, when they are not its article alone."""
COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
TRAILER = re.compile(r"^(Exporter-[A-Za-z-]+): (.+)$", re.M)
REF_TRIES = 3
"""Commits tried when another program moves HEAD between the read and the update."""
FILE_MODE = 0o100644
KEPT_INDEX_EXTENSIONS = {b"REUC"}
"""Index extensions kept when the index is written: the resolve-undo record only.

The cached trees (TREE) would still describe the paths committed as they were, and a
later `git commit` could write those old trees back; the untracked cache, the file
system monitor's token and the offset tables are caches too, rebuilt by git."""
DROPPED_INDEX_EXTENSIONS = {b"TREE", b"UNTR", b"FSMN", b"EOIE", b"IEOT"}
IGNORED = b"# exporter serve: its proofs' statuses and the built files\n.exporter/\ndist/\n"
log = logging.getLogger("exporter")


class HistoryError(Exception):
    """The repository cannot be read or written."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the app to the folder, to be committed."""

    action: Action
    """What was done."""
    article: str
    """The article's file name after the change (before it, for a deletion)."""
    subject: str
    """The commit message's first line."""
    files: Mapping[str, bytes | None]
    """The paths written, with their bytes; None for a path removed."""
    follows: str = ""
    """The article whose history this one continues (a rename, an article brought back)."""
    follows_commit: str = ""
    """Where that history goes on, when not in the commit before (an article brought back)."""
    found: Mapping[str, bytes | None] = field(default_factory=dict)
    """The bytes of the paths as they were before the change: when the last commit does
    not hold them (an edit made outside the app, a file never committed), they are
    committed first, so that no version is lost."""


@dataclass(frozen=True, slots=True)
class Version:
    """One commit that changed an article's file."""

    commit: str
    """The commit's id (hex)."""
    time: int
    """When it was committed (seconds since the epoch)."""
    path: str
    """The file's name in this version (an older name before a rename)."""
    blob: str
    """The id of the file's bytes in the repository."""
    message: str
    """The commit message's first line."""
    action: str
    """What the app did (Exporter-Action), or empty for a commit made outside the app."""


@dataclass(frozen=True, slots=True)
class Deleted:
    """An article deleted by the app and not brought back."""

    name: str
    """Its file name."""
    time: int
    """When it was deleted (seconds since the epoch)."""
    commit: str
    """The deletion's commit."""
    last: str
    """The commit that holds its last version (the deletion's parent)."""
    blob: str
    """The id of its last bytes."""


@dataclass(frozen=True, slots=True)
class _Event:
    """What one commit of the app says of itself, from its trailers."""

    commit: str
    time: int
    parent: str
    action: str
    article: str
    follows: str


def iso_time(seconds: int) -> str:
    """Return a commit's time as ISO 8601 in UTC."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.isoformat(timespec="seconds")


def trailers(message: bytes) -> dict[str, str]:
    """Return the Exporter- trailers of a commit message (the last paragraph)."""
    text = message.decode("utf-8", "replace").rstrip()
    return dict(TRAILER.findall(text.rsplit("\n\n", 1)[-1]))


def subject_of(message: bytes) -> str:
    """Return the first line of a commit message."""
    return message.decode("utf-8", "replace").strip().split("\n", 1)[0]


class History:
    """The git repository of one folder: commits the app's changes, walks an article's.

    Writing is called under the store's lock, one change at a time; reading opens the
    repository anew in the reader thread that asks, so that a walk never waits for a
    save, nor a save for a walk.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.failing = ""
        """Why the last commit failed, logged once; empty while commits succeed."""
        self.index_failing = False
        """True while the index cannot be written (logged once); the commits are made."""
        self._journal: tuple[str, list[_Event]] = ("", [])
        self._journal_lock = threading.Lock()
        self._blobs: Recent[bytes] = Recent(256)
        self._blobs_lock = threading.Lock()

    # Writing

    def record(self, change: Change, strict: bool = False) -> str:
        """Commit a change; return the commit's id.

        A change that cannot be committed is logged (once, until a commit succeeds
        again) and "" returned, or, when `strict`, HistoryError raised: a deletion must
        not go on without its copy in the history.
        """
        try:
            commit = self._record(change)
        except Exception as error:  # any failure of git: the save has happened already
            problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if strict:
                raise HistoryError(problem) from error
            if not self.failing:
                log.warning(
                    "the folder's history is not kept (%s); saves go on without it", problem
                )
            self.failing = problem
            return ""
        if self.failing:
            log.warning("the folder's history is kept again")
            self.failing = ""
        return commit

    def _record(self, change: Change) -> str:
        for path in (*change.files, *change.found):
            _check_path(path)
        repo = self._open(create=True)
        assert repo is not None
        try:
            for _ in range(REF_TRIES):
                head = _head(repo)
                tree = _commit_of(repo, head).tree if head else None
                new_head = head
                found = {
                    path: data
                    for path, data in change.found.items()
                    if data is not None and _entry(repo, tree, path) != _blob_id(data)
                }
                if found:
                    tree = _tree_with(repo, tree, found)
                    named = ", ".join(sorted(found))
                    article = next(iter(found)) if len(found) == 1 else change.article
                    message = _message(
                        f"Keep {named} as found in the folder", "found", article, found
                    )
                    new_head = _commit(repo, tree, new_head, message)
                tree = _tree_with(repo, tree, change.files)
                message = _message(
                    change.subject,
                    change.action,
                    change.article,
                    change.files,
                    change.follows,
                    change.follows_commit,
                )
                new_head = _commit(repo, tree, new_head, message)
                reflog = b"commit: " + change.subject.encode("utf-8")
                if repo.refs.set_if_equals(
                    HEADREF,
                    ObjectID(head.encode()) if head else ZERO_SHA,
                    ObjectID(new_head.encode()),
                    message=reflog,
                ):
                    try:
                        self._update_index(repo, {**found, **change.files})
                    except Exception as error:  # the commit stands; only git status differs
                        if not self.index_failing:
                            log.warning(
                                "the folder's git index is not updated (%s): git status shows "
                                "the articles saved as changed",
                                error,
                            )
                        self.index_failing = True
                    else:
                        self.index_failing = False
                    return new_head
            raise HistoryError("HEAD kept moving while the app committed")
        finally:
            repo.close()

    def _open(self, create: bool) -> Repo | None:
        """Return the folder's repository; make one when asked and there is none."""
        control = self.folder / ".git"
        if not os.path.lexists(control):
            if not create:
                return None
            repo = Repo.init(str(self.folder))
            with contextlib.suppress(OSError):  # a nicety: git status lists the articles only
                (control / "info").mkdir(exist_ok=True)
                (control / "info" / "exclude").write_bytes(IGNORED)
            outer = next((p for p in self.folder.parents if (p / ".git").exists()), None)
            log.warning(
                "made a git repository in %s: every save is kept there%s",
                self.folder.name,
                f" (inside the repository of {outer.name or outer}, which now sees a nested one)"
                if outer is not None
                else "",
            )
            return repo
        repo = Repo(str(self.folder))
        if Path(repo.path).resolve() != self.folder:
            repo.close()
            raise HistoryError("the repository's work tree is not this folder")
        return repo

    def _update_index(self, repo: Repo, files: Mapping[str, bytes | None]) -> None:
        """Set the index's entries of the paths committed; leave every other entry as it is."""
        # None yet (a repository just made): one with the committed paths only, so
        # that git status does not show them as deleted and untracked.
        index = repo.open_index() if repo.has_index() else Index(repo.index_path(), read=False)
        extensions = getattr(index, "_extensions", [])
        unknown = {e.signature for e in extensions} - KEPT_INDEX_EXTENSIONS
        if unknown - DROPPED_INDEX_EXTENSIONS:
            # A split or sparse index lists only some entries: rewriting it would lose
            # the others. The commit stands; git status shows the paths as changed.
            raise HistoryError(f"the index has extensions the app does not write: {unknown}")
        index._extensions = [e for e in extensions if e.signature in KEPT_INDEX_EXTENSIONS]
        for path, data in files.items():
            key = path.encode()
            if data is None:
                if key in index:
                    del index[key]
                continue
            facts = os.stat(self.folder / path)
            index[key] = index_entry_from_stat(
                facts, ObjectID(_blob_id(data).encode()), _mode(facts.st_mode)
            )
        index.write()

    # Reading

    def versions(
        self, name: str, limit: int, start: tuple[str, str] | None = None
    ) -> tuple[list[Version], tuple[str, str] | None]:
        """Return up to `limit` versions of an article, newest first, and where the next start.

        `start` is a (commit, file name) pair a previous call returned.
        """
        found: list[Version] = []
        with self._reading() as repo:
            if repo is None:
                return [], None
            for step in _walk(repo, name, start):
                if step.blob is None or not step.changed:
                    continue
                if len(found) == limit:
                    return found, (step.commit.id.decode(), step.path)
                found.append(
                    Version(
                        step.commit.id.decode(),
                        step.commit.commit_time,
                        step.path,
                        step.blob,
                        subject_of(step.commit.message),
                        trailers(step.commit.message).get(ACTION, ""),
                    )
                )
        return found, None

    def version_at(self, name: str, commit: str) -> Version | None:
        """Return the article as it was at a commit of its history (under its name then)."""
        with self._reading() as repo:
            if repo is None:
                return None
            for step in _walk(repo, name, None):
                if step.commit.id.decode() != commit:
                    continue
                if step.blob is None:
                    return None
                message = step.commit.message
                return Version(
                    commit,
                    step.commit.commit_time,
                    step.path,
                    step.blob,
                    subject_of(message),
                    trailers(message).get(ACTION, ""),
                )
            # Not on its line from HEAD: an article deleted while another took its name.
            try:
                found = _commit_of(repo, commit)
            except (KeyError, NotCommitError):
                return None
            blob = _entry(repo, found.tree, name)
            if blob is None:
                return None
            said = trailers(found.message).get(ACTION, "")
            return Version(commit, found.commit_time, name, blob, subject_of(found.message), said)

    def blob(self, blob_id: str) -> bytes:
        """Return the bytes of a file kept in the repository."""
        with self._blobs_lock:
            kept = self._blobs.get(blob_id)
        if kept is not None:
            return kept
        with self._reading() as repo:
            if repo is None:
                raise HistoryError("the folder has no history yet")
            data = repo[ObjectID(blob_id.encode())].as_raw_string()
        with self._blobs_lock:
            return self._blobs.put(blob_id, data)

    def deleted(self) -> list[Deleted]:
        """Return the articles the app deleted and has not brought back, newest first.

        Of the deletions of one name, the newest is listed (the older ones stay in the
        history); a new article of that name does not take it off the list.
        """
        gone: list[Deleted] = []
        decided: set[str] = set()
        with self._reading() as repo:
            if repo is None:
                return []
            for event in self._events(repo):
                if event.action == "delete" and event.parent:
                    name = event.article
                elif event.action == "undelete":
                    name = event.follows
                else:
                    continue
                if name in decided:
                    continue
                decided.add(name)
                if event.action == "delete":
                    blob = _entry(repo, _commit_of(repo, event.parent).tree, name)
                    if blob is not None:
                        gone.append(Deleted(name, event.time, event.commit, event.parent, blob))
        return gone

    def _events(self, repo: Repo) -> list[_Event]:
        """Return the app's commits on the first-parent line from HEAD, newest first.

        Kept from one call to the next: only the commits made since are read again.
        """
        head = _head(repo)
        if not head:
            return []
        with self._journal_lock:
            known_head, known = self._journal
        if head == known_head:
            return known
        new: list[_Event] = []
        reached = False
        for commit in _first_parents(repo, head):
            if commit.id.decode() == known_head:
                reached = True
                break
            said = trailers(commit.message)
            if ACTION in said:
                parent = commit.parents[0].decode() if commit.parents else ""
                new.append(
                    _Event(
                        commit.id.decode(),
                        commit.commit_time,
                        parent,
                        said[ACTION],
                        said.get(ARTICLE, ""),
                        said.get(FOLLOWS, ""),
                    )
                )
        events = new + known if reached else new
        with self._journal_lock:
            self._journal = (head, events)
        return events

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Repo | None]:
        try:
            repo = self._open(create=False)
        except Exception as error:
            raise HistoryError(f"the folder's git repository cannot be read: {error}") from None
        try:
            yield repo
        finally:
            if repo is not None:
                repo.close()


@dataclass(frozen=True, slots=True)
class _Step:
    """One commit of the walk along an article's history."""

    commit: Commit
    path: str
    """The article's file name at this commit."""
    blob: str | None
    """Its bytes' id at this commit; None where it is absent (deleted)."""
    changed: bool
    """True when this commit changed the file from its first parent."""


def _walk(repo: Repo, name: str, start: tuple[str, str] | None) -> Iterator[_Step]:
    """Yield the commits of an article's history, newest first, from HEAD or `start`."""
    head, path = start or (_head(repo), name)
    if not head:
        return
    commit = _commit_of(repo, head)
    here = _entry(repo, commit.tree, path)
    while True:
        parent = _commit_of(repo, commit.parents[0].decode()) if commit.parents else None
        if parent is None:
            before = None
        elif parent.tree == commit.tree or path not in _changed_paths(commit, path):
            before = here
        else:
            before = _entry(repo, parent.tree, path)
        yield _Step(commit, path, here, here != before)
        if here is not None and before is None:
            said = trailers(commit.message)
            follows = said.get(FOLLOWS, "") if said.get(ARTICLE) == path else ""
            if not follows or "/" in follows or follows.startswith("."):
                return  # the article began here
            path = follows
            # A deleted article brought back goes on from its last version, past the
            # commits of any other article that had its name meanwhile.
            since = said.get(FOLLOWS_COMMIT, "")
            if valid_commit_id(since):
                parent = _commit_of(repo, since)
            if parent is None:
                return
            before = _entry(repo, parent.tree, path)
        if parent is None:
            return
        commit, here = parent, before


def _changed_paths(commit: Commit, path: str) -> Collection[str]:
    """Return the paths a commit changed, as its trailers say; `path` when they say nothing.

    A walk reads the trees only of the commits that may have changed its file: in a
    folder of many articles, most commits of the app are another article's.
    """
    if commit.author != AUTHOR:
        return (path,)
    said = trailers(commit.message)
    if ACTION not in said or ARTICLE not in said:
        return (path,)
    if FILES not in said:
        return (said[ARTICLE],)
    try:
        files = json.loads(said[FILES])
    except ValueError:
        return (path,)
    return files if isinstance(files, list) else (path,)


def _first_parents(repo: Repo, head: str) -> Iterator[Commit]:
    """Yield a commit and its first parents, newest first."""
    current: bytes | None = head.encode()
    while current:
        commit = _commit_of(repo, current.decode())
        yield commit
        current = commit.parents[0] if commit.parents else None


def _commit_of(repo: Repo, commit_id: str) -> Commit:
    commit = repo[ObjectID(commit_id.encode())]
    if not isinstance(commit, Commit):
        raise NotCommitError(commit_id.encode())
    return commit


def _head(repo: Repo) -> str:
    """Return the commit HEAD names, or "" before the first commit."""
    _, commit = repo.refs.follow(HEADREF)
    return commit.decode() if commit else ""


def _entry(repo: Repo, tree: bytes | None, path: str) -> str | None:
    """Return the id of a file's bytes in a tree, or None if it has no such file."""
    if tree is None:
        return None
    current = tree
    parts = path.split("/")
    for index, part in enumerate(parts):
        node = repo[ObjectID(current)]
        if not isinstance(node, Tree):
            return None
        try:
            mode, current = node[part.encode()]
        except KeyError:
            return None
        if index < len(parts) - 1 and not stat.S_ISDIR(mode):
            return None
    return current.decode() if stat.S_ISREG(mode) else None


def _tree_with(repo: Repo, tree: bytes | None, files: Mapping[str, bytes | None]) -> bytes:
    """Return a tree: `tree` with the files written or removed, stored with its subtrees."""
    new = Tree()
    current = repo[ObjectID(tree)] if tree is not None else None
    if isinstance(current, Tree):
        for entry in current.iteritems():
            new.add(entry.path, entry.mode, entry.sha)
    inside: dict[str, dict[str, bytes | None]] = {}
    for path, data in files.items():
        first, slash, rest = path.partition("/")
        key = first.encode()
        existing = _tree_entry(new, key)
        if slash:
            inside.setdefault(first, {})[rest] = data
        elif data is None:
            if existing is not None:
                del new[key]
        else:
            blob = Blob.from_string(data)
            repo.object_store.add_object(blob)
            new.add(key, FILE_MODE, blob.id)  # as the store writes every file: 0644
    for folder, changes in inside.items():
        key = folder.encode()
        existing = _tree_entry(new, key)
        subtree = existing[1] if existing and stat.S_ISDIR(existing[0]) else None
        changed = _tree_with(repo, subtree, changes)
        if len(repo[ObjectID(changed)]) == 0:  # type: ignore[arg-type]
            if existing is not None:
                del new[key]  # git keeps no empty folders
        else:
            new.add(key, stat.S_IFDIR, ObjectID(changed))
    repo.object_store.add_object(new)
    return new.id


def _tree_entry(tree: Tree, key: bytes) -> tuple[int, ObjectID] | None:
    try:
        return tree[key]
    except KeyError:
        return None


def _commit(repo: Repo, tree: bytes, parent: str, message: bytes) -> str:
    """Store a commit of `tree` after `parent`; return its id (HEAD is not moved)."""
    commit = Commit()
    commit.tree = ObjectID(tree)
    commit.parents = [ObjectID(parent.encode())] if parent else []
    commit.author = commit.committer = AUTHOR
    commit.author_time = commit.commit_time = int(time.time())
    offset = datetime.datetime.now().astimezone().utcoffset()
    zone = int(offset.total_seconds()) if offset is not None else 0
    commit.author_timezone = commit.commit_timezone = zone
    commit.encoding = b"UTF-8"
    commit.message = message
    repo.object_store.add_object(commit)
    return commit.id.decode()


def _message(
    subject: str,
    action: str,
    article: str,
    files: Mapping[str, object],
    follows: str = "",
    follows_commit: str = "",
) -> bytes:
    lines = [f"{ACTION}: {action}", f"{ARTICLE}: {article}"]
    if set(files) != {article}:
        lines.append(f"{FILES}: {json.dumps(sorted(files), ensure_ascii=False)}")
    if follows:
        lines.append(f"{FOLLOWS}: {follows}")
    if follows_commit:
        lines.append(f"{FOLLOWS_COMMIT}: {follows_commit}")
    # One line: a subject naming an uploaded file must not add lines (or trailers) of its own.
    subject = " ".join("".join(c if c.isprintable() else " " for c in subject).split())
    return (f"{subject[:200]}\n\n" + "\n".join(lines) + "\n").encode("utf-8")


def _blob_id(data: bytes) -> str:
    return Blob.from_string(data).id.decode()


def _mode(st_mode: int) -> int:
    return 0o100755 if st_mode & 0o100 else FILE_MODE


def _check_path(path: str) -> None:
    """Refuse a path that git would not keep as a file of this folder."""
    parts = path.split("/")
    if path.startswith("/") or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts):
        raise HistoryError(f"{path!r} is not a path of the folder")


def valid_commit_id(text: str) -> bool:
    """Return True for a full commit id (40 hex digits, or 64 in a SHA-256 repository)."""
    return COMMIT_ID.fullmatch(text) is not None
