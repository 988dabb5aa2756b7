"""Two saves of one article combined: field by field, paragraph by paragraph, from their base.

When an editor saves a form opened at version B while someone else has saved version T
meanwhile, both changed B. What each changed alone is kept; where both changed the same
field or the same paragraphs differently (an overlap), the editor chooses, having seen
both sides. Other front-matter values merge as single values; sequences (the body's
paragraphs, the authors, the keywords) by their changes from the base, found with
difflib. Written here rather than taken from a diff3 library (merge3): diff3 counts
changes to neighbouring items as one conflict, and two editors' changes to neighbouring
paragraphs are exactly what must combine without asking.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from exporter.serve.form import dump_article, split_front_matter

Choice = Literal["theirs", "yours", "both"]
CHOICES: tuple[Choice, ...] = ("theirs", "yours", "both")
PARAGRAPH_BREAK = "\n\n"
SIMILAR = 0.5
"""The share of text an edited paragraph keeps of what it was (difflib's ratio)."""
LABELS = {
    "title": "the title",
    "number": "the number",
    "date": "the date",
    "kicker": "the kicker",
    "summary": "the summary",
    "lang": "the language",
    "authors": "the authors",
    "subtitle": "the subtitle",
    "keywords": "the keywords",
    "series": "the series",
}


@dataclass(frozen=True, slots=True)
class Overlap:
    """A place both saves changed differently: the editor chooses a side, or both."""

    label: str
    """What it is, in words: "the title", "the body, paragraph 4"."""
    theirs: str
    """Their version of it, as text."""
    yours: str
    """Your version of it, as text."""
    joinable: bool
    """True when keeping both sides makes sense (paragraphs, authors, keywords)."""


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of a merged part: items agreed on, or an overlap and its two sides."""

    items: tuple[Any, ...] = ()
    overlap: int = -1
    theirs: tuple[Any, ...] = ()
    yours: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class _Part:
    """One front-matter key, or the body: its pieces, and whether it holds one value."""

    pieces: tuple[_Piece, ...]
    single: bool


@dataclass(frozen=True, slots=True)
class Merge:
    """Your save merged with theirs: the overlaps to choose at, and what was combined."""

    front: dict[str, _Part]
    body: _Part
    overlaps: tuple[Overlap, ...]
    """The places where the editor must choose, in order."""
    combined: tuple[str, ...]
    """The parts where their save's changes were kept beside yours, in words."""

    def text(self, choices: Sequence[Choice] = ()) -> str:
        """Return the merged article file, each overlap resolved by its choice."""
        if len(choices) != len(self.overlaps):
            raise ValueError(f"{len(self.overlaps)} choices are needed, {len(choices)} given")
        front: dict[str, Any] = {}
        for key, part in self.front.items():
            value = _assemble(part, choices)
            if value not in (None, "", []):
                front[key] = value
        return dump_article(front, PARAGRAPH_BREAK.join(_assemble(self.body, choices)))


def merge(base: str, yours: str, theirs: str) -> Merge:
    """Merge two versions of an article file, both made from `base`."""
    base_front, base_body = split_front_matter(base)
    your_front, your_body = split_front_matter(yours)
    their_front, their_body = split_front_matter(theirs)
    overlaps: list[Overlap] = []
    combined: list[str] = []
    front: dict[str, _Part] = {}
    for key in _keys(your_front, their_front, base_front):
        label = LABELS.get(key, key)
        was, mine, other = base_front.get(key), your_front.get(key), their_front.get(key)
        if isinstance(mine, list) and isinstance(other, list):
            listed = was if isinstance(was, list) else []
            front[key] = _Part(_merge_items(label, listed, mine, other, overlaps, key), False)
        else:
            front[key] = _Part((_merge_value(label, was, mine, other, overlaps),), True)
        if other != was and mine == was:
            combined.append(label)
    body = _merge_items(
        "the body",
        _paragraphs(base_body),
        _paragraphs(your_body),
        _paragraphs(their_body),
        overlaps,
        "body",
    )
    from_them = sum(1 for piece in body if piece.overlap < 0 and piece.theirs)
    if from_them:
        combined.append(f"the body ({from_them} place{'s' if from_them > 1 else ''})")
    return Merge(front, _Part(body, False), tuple(overlaps), tuple(combined))


def _keys(*fronts: dict[str, Any]) -> list[str]:
    """Return every key of the front matters, in the order of the first that has it."""
    keys: list[str] = []
    for front in fronts:
        keys.extend(key for key in front if key not in keys)
    return keys


def _merge_value(label: str, was: Any, mine: Any, other: Any, overlaps: list[Overlap]) -> _Piece:
    if mine == other or other == was:
        return _Piece((mine,))
    if mine == was:
        return _Piece((other,))
    overlaps.append(Overlap(label, _shown(other), _shown(mine), joinable=False))
    return _Piece(overlap=len(overlaps) - 1, theirs=(other,), yours=(mine,))


@dataclass(frozen=True, slots=True)
class _Hunk:
    """One change of a sequence: base items [start, end) replaced by `items`."""

    start: int
    end: int
    items: tuple[Any, ...]
    theirs: bool


def _hunks(was: list[str], now: list[str], *, theirs: bool) -> list[_Hunk]:
    """Return the changes from `was` to `now`, an edited item apart from its neighbours."""
    matcher = difflib.SequenceMatcher(None, was, now, autojunk=False)
    hunks: list[_Hunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # A run of items replaced by as many, or by similar ones first: each item edited
        # in place is a change of its own, so that an edit beside it does not clash.
        while i1 < i2 and j1 < j2 and (i2 - i1 == j2 - j1 or _similar(was[i1], now[j1])):
            hunks.append(_Hunk(i1, i1 + 1, (now[j1],), theirs))
            i1, j1 = i1 + 1, j1 + 1
        if i1 < i2 or j1 < j2:
            hunks.append(_Hunk(i1, i2, tuple(now[j1:j2]), theirs))
    return hunks


def _similar(before: str, after: str) -> bool:
    """Return True when an item reads as an edit of another (most of its text kept)."""
    return difflib.SequenceMatcher(None, before, after, autojunk=False).ratio() >= SIMILAR


def _clash(a: _Hunk, b: _Hunk) -> bool:
    """Return True when two changes touch the same place: shared items, or one insertion point."""
    if a.start < b.end and b.start < a.end:
        return True
    if a.start == a.end and b.start < a.start < b.end:
        return True
    if b.start == b.end and a.start < b.start < a.end:
        return True
    return a.start == a.end == b.start == b.end


def _applied(was: list[Any], start: int, end: int, hunks: list[_Hunk]) -> tuple[Any, ...]:
    """Return base items [start, end) with `hunks` (inside that span, in order) applied."""
    items: list[Any] = []
    at = start
    for hunk in hunks:
        items.extend(was[at : hunk.start])
        items.extend(hunk.items)
        at = max(at, hunk.end)
    items.extend(was[at:end])
    return tuple(items)


def _merge_items(
    label: str,
    was: list[Any],
    mine: list[Any],
    other: list[Any],
    overlaps: list[Overlap],
    kind: str,
) -> tuple[_Piece, ...]:
    """Merge sequences by their changes from the base; changes that clash are an overlap.

    A piece that came from their side alone keeps it in `theirs`, so that the caller
    can count what their save brought.
    """
    by_key = {_key(item): item for item in (*was, *mine, *other)}
    keys = [_key(i) for i in was]
    mine_hunks = _hunks(keys, [_key(i) for i in mine], theirs=False)
    their_hunks = _hunks(keys, [_key(i) for i in other], theirs=True)
    both = [h for h in their_hunks if any(_same(h, m) for m in mine_hunks)]
    changes = sorted(
        [*mine_hunks, *(h for h in their_hunks if h not in both)],
        key=lambda h: (h.start, h.end, h.theirs),
    )
    clusters: list[list[_Hunk]] = []
    for hunk in changes:
        if clusters and any(_clash(hunk, other_hunk) for other_hunk in clusters[-1]):
            clusters[-1].append(hunk)
        else:
            clusters.append([hunk])
    pieces: list[_Piece] = []
    at = 0
    for cluster in clusters:
        start = min(h.start for h in cluster)
        end = max(h.end for h in cluster)
        pieces.append(_Piece(tuple(by_key[k] for k in keys[at:start])))
        sides = {h.theirs for h in cluster}
        mine_part = _applied(keys, start, end, [h for h in cluster if not h.theirs])
        their_part = _applied(keys, start, end, [h for h in cluster if h.theirs])
        if len(sides) == 1:
            items = tuple(by_key[k] for k in (their_part if True in sides else mine_part))
            pieces.append(_Piece(items, theirs=items if True in sides else ()))
        else:
            theirs_items = tuple(by_key[k] for k in their_part)
            mine_items = tuple(by_key[k] for k in mine_part)
            where = _where(label, kind, start, len(mine_items), mine_hunks)
            overlaps.append(
                Overlap(
                    where,
                    _shown_items(theirs_items, kind),
                    _shown_items(mine_items, kind),
                    joinable=True,
                )
            )
            pieces.append(_Piece(overlap=len(overlaps) - 1, theirs=theirs_items, yours=mine_items))
        at = end
    pieces.append(_Piece(tuple(by_key[k] for k in keys[at:])))
    return tuple(piece for piece in pieces if piece.items or piece.overlap >= 0)


def _same(a: _Hunk, b: _Hunk) -> bool:
    """Return True when both saves made one change: it is taken once."""
    return (a.start, a.end, a.items) == (b.start, b.end, b.items)


def _assemble(part: _Part, choices: Sequence[Choice]) -> Any:
    """Return the value of a merged part: its single value, or the list of its items."""
    items: list[Any] = []
    for piece in part.pieces:
        if piece.overlap < 0:
            items.extend(piece.items)
            continue
        choice = choices[piece.overlap]
        if choice in ("theirs", "both"):
            items.extend(piece.theirs)
        if choice == "yours" or (choice == "both" and not part.single):
            items.extend(item for item in piece.yours if choice == "yours" or item not in items)
    if part.single:
        return items[0] if items else None
    return items


def _where(label: str, kind: str, start: int, length: int, mine: list[_Hunk]) -> str:
    """Name the place of an overlap: "the body, paragraphs 3-4", numbered as in yours."""
    if kind != "body":
        return label
    before = [h for h in mine if h.end <= start and (h.start, h.end) != (start, start)]
    first = start + sum(len(h.items) - (h.end - h.start) for h in before) + 1
    last = first + max(length, 1) - 1
    return f"{label}, paragraph {first}" if first == last else f"{label}, paragraphs {first}-{last}"


def _paragraphs(body: str) -> list[str]:
    """Return the body's paragraphs: its text between blank lines, exactly as written."""
    text = body.strip("\n")
    return text.split(PARAGRAPH_BREAK) if text else []


def _key(item: Any) -> str:
    """Return a list item as a hashable key (authors are mappings)."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _shown_items(items: Sequence[Any], kind: str) -> str:
    if not items:
        return "(nothing: removed)"
    if kind == "body":
        return PARAGRAPH_BREAK.join(items)
    return "\n".join(_shown(item) for item in items)


def _shown(value: Any) -> str:
    """Return a front-matter value as the editor reads it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    if isinstance(value, list):
        return "\n".join(_shown(item) for item in value)
    return str(value)
