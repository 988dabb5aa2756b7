"""Where a text's sentences end: the segmentation rule of the XLIFF the translators get.

A rule in the spirit of SRX's default rules, kept small and cautious, since a sentence cut
too late only makes a segment longer while one cut in the middle hands a translator half
a sentence:

- Latin, Cyrillic, Greek and the like: a sentence ends at `.`, `!`, `?` or `…` (a run of
  them), with the quotes and brackets that close it, where white space follows and the
  next word (past any opening quote or bracket) starts with a capital letter or a letter
  of a script without case. Not after an abbreviation that stands before a name or a
  number (`Dr.`, `No.`, `pp.`, `Jan.`), an initial (`J.`), or a word with a full stop
  inside (`U.S.`, `e.g.`).
- Chinese and Japanese: a sentence ends at `。`, `！`, `？` (and their half-width forms
  after CJK text), with their closing brackets; no space follows.

`sentence_pieces` cuts a unit's inlines by this rule, only in text outside any markup.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from exporter import model
from exporter.walk import plain_text

ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "rev",
        "hon",
        "gen",
        "col",
        "lt",
        "capt",
        "sen",
        "rep",
        "gov",
        "pres",
        "fr",
        "mt",
        "no",
        "nos",
        "vol",
        "vols",
        "pp",
        "p",
        "cf",
        "vs",
        "fig",
        "figs",
        "ed",
        "eds",
        "ch",
        "art",
        "sec",
        "para",
        "approx",
        "est",
        "ca",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
"""Words whose full stop seldom ends a sentence: titles before a name, and short forms
before a number or a date ("etc." and "Inc." often end one, and are not here)."""

CLOSERS = "\"'”’»)]}›"
OPENERS = "\"'“‘«([{‹¿¡"
LATIN_END = re.compile(
    rf"(?P<word>\S*?)(?P<stop>[.!?…‼⁇⁈⁉]+)[{re.escape(CLOSERS)}]*(?P<space>\s+)"
    rf"(?=[{re.escape(OPENERS)}]*(?P<next>\w))"
)
CJK_END = re.compile(r"[。！？｡][」』）〕】〉》”’\"')]*(?=\S)")


def sentence_breaks(text: str) -> list[tuple[int, int]]:
    """Return where the sentences of `text` end and the next begin, in order: (end, start)
    offsets, the white space between them from end to start (none between CJK sentences)."""
    breaks = [(m.end(), m.end()) for m in CJK_END.finditer(text)]
    for match in LATIN_END.finditer(text):
        if _ends_sentence(match):
            breaks.append((match.start("space"), match.end("space")))
    return sorted(set(breaks))


def _ends_sentence(match: re.Match[str]) -> bool:
    following = match["next"]
    if not (
        following.isupper() or (following.isalpha() and following.lower() == following.upper())
    ):
        return False  # a lower-case word (or a figure) goes on the sentence
    if match["stop"] != ".":
        return True
    word = match["word"].lstrip(OPENERS)
    if "." in word:  # U.S., e.g., a.m.
        return False
    if len(word) == 1 and word.isalpha():  # an initial
        return False
    return word.lower() not in ABBREVIATIONS


Piece: TypeAlias = "tuple[model.Inline, ...] | str"
"""A sentence's inlines, or the white space between two sentences."""


def sentence_pieces(inlines: tuple[model.Inline, ...]) -> list[Piece]:
    """Return a unit's inlines cut into sentences and the space between them, cut only in
    text outside any markup, a note call kept with the sentence it ends."""
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    for inline in inlines:
        text = inline.text if isinstance(inline, model.Text) else plain_text([inline])
        start = spans[-1][1] if spans else 0
        spans.append((start, start + len(text)))
        texts.append(text)
    cuts: dict[int, list[tuple[int, int]]] = {}
    for end, begin in sentence_breaks("".join(texts)):
        for index, (inline, (start, stop)) in enumerate(zip(inlines, spans, strict=True)):
            inside = start <= end and begin <= stop if end < begin else start <= end < stop
            if isinstance(inline, model.Text) and inside and begin > 0:
                cuts.setdefault(index, []).append((end - start, begin - start))
                break
    pieces: list[Piece] = []
    current: list[model.Inline] = []
    for index, inline in enumerate(inlines):
        if index not in cuts or not isinstance(inline, model.Text):
            current.append(inline)
            continue
        last = 0
        for end, begin in cuts[index]:
            if end > last:
                current.append(model.Text(inline.text[last:end]))
            if current:
                pieces.append(tuple(current))
            current = []
            if begin > end:
                pieces.append(inline.text[end:begin])
            last = begin
        if inline.text[last:]:
            current.append(model.Text(inline.text[last:]))
    if current:
        pieces.append(tuple(current))
    return pieces
