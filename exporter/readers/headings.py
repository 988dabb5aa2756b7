"""How a Markdown body's headings become subheads: shifted to the layout's levels, a
repeat of the title dropped, pandoc's attributes and identifiers read as anchors."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence

from exporter import model
from exporter.walk import plain_text

log = logging.getLogger("exporter")
ATTRIBUTES = re.compile(r"\s*\{((?:\s*(?:[#.][^\s{}]+|[\w-]+=[^\s{}]+))+)\s*\}\s*$")
"""The attributes pandoc writes after a heading: `{#id .class key=value}`."""
MAX_LINES_NAMED = 10
"""The most lines one warning lists; the rest are counted."""


@dataclasses.dataclass(frozen=True, slots=True)
class Written:
    """A heading as the author wrote it."""

    node: object
    """The parser's node of the heading."""
    level: int
    """Its number of `#` marks."""
    text: str
    """Its text."""
    where: str
    """Its place in the file ("line 12")."""


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """How the body's headings become subheads, and what was made of them so far."""

    shift: int = 0
    """Added to each heading's level (`#` is 1)."""
    title_heading: object | None = None
    """The parser's node of the first heading, when it repeats the title: dropped."""
    targets: frozenset[str] = frozenset()
    """The places the text's links point at (`#name`): a heading whose identifier is one
    gets an anchor of that name."""
    run_in: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)
    """The place, marks and level of each heading set as a bold run-in paragraph."""
    seen: dict[tuple[int, str], int] = dataclasses.field(default_factory=dict)
    """How many headings so far had each identifier, by style (pandoc's, GitHub's)."""


def plan(
    headings: Sequence[Written], title: str, asked: int | None, targets: frozenset[str]
) -> Plan:
    """Return how the headings are shifted: by `asked`, else, when the highest is not
    at the layout's first subhead level, so that it becomes it, with one warning naming
    the first of them. A first
    `#` heading that repeats the title is dropped, and not counted."""
    written = list(headings)
    repeated = None
    # Only a `#` heading is taken for the title: a subhead written as one may repeat it.
    if written and written[0].level == 1 and title and _same_text(written[0].text, title):
        repeated = written.pop(0).node
    if asked is not None:
        return Plan(asked, repeated, targets)
    if not written:
        return Plan(0, repeated, targets)
    top = min(heading.level for heading in written)
    # Headings that start below the first subhead level (all `###`) move up too: a body
    # of sub-subheads alone skips a level, which screen readers' outlines and the PDF's
    # tags (Matterhorn 14) do not allow.
    shift = model.SUBHEAD_LEVELS[0] - top
    if shift:
        first = next(heading for heading in written if heading.level == top)
        log.warning(
            "%s: the body's headings start at level %d (%r): all shifted %s by %d, so"
            " that %r prints as a subhead (--shift-headings sets it)",
            first.where,
            top,
            "#" * top,
            "down" if shift > 0 else "up",
            abs(shift),
            "#" * (top + shift),
        )
    return Plan(shift, repeated, targets)


def warn_run_in(run_in: list[tuple[str, str, int]]) -> None:
    """Warn, once, of the headings set as bold run-in paragraphs, naming their lines."""
    if not run_in:
        return
    where, marks, level = run_in[0]
    first, last = model.SUBHEAD_LEVELS[0], model.SUBHEAD_LEVELS[-1]
    more = ""
    if len(run_in) > 1:
        named = run_in[1 : MAX_LINES_NAMED + 1]
        lines = ", ".join(place.removeprefix("line ") for place, _, _ in named)
        cut = ", ..." if len(run_in) > MAX_LINES_NAMED + 1 else ""
        more = f"; so are {len(run_in) - 1} more, on lines {lines}{cut}"
    log.warning(
        "%s: a %r heading is level %d, deeper than the layout's subheads (levels %d to %d):"
        " set as a bold run-in paragraph%s",
        where,
        marks,
        level,
        first,
        last,
        more,
    )


def without_attributes(content: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """Return a heading's inlines without the attributes pandoc writes after it
    (`# Contents {#contents .TOC-Heading}`): its id becomes an anchor, the rest goes."""
    last = content[-1] if content else None
    if not isinstance(last, model.Text) or not (found := ATTRIBUTES.search(last.text)):
        return content
    ids = [word[1:] for word in found[1].split() if word.startswith("#")]
    text = last.text[: found.start()]
    kept = (*content[:-1], model.Text(text)) if text else content[:-1]
    return (model.Anchor(ids[0]), *kept) if ids else kept


def identified(content: tuple[model.Inline, ...], plan: Plan) -> tuple[model.Inline, ...]:
    """Return a heading's inlines with an anchor first when a link points at the heading
    by the identifier pandoc or GitHub derive from its text (a repeated text's with -1,
    -2 after it)."""
    text = plain_text([model.Paragraph(content)]).strip().lower()
    slugs = (
        re.sub(r"\s+", "-", re.sub(r"[^\w\s.-]", "", text)).lstrip("0123456789.-_"),
        re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text)),
    )
    found = ""
    for style, slug in enumerate(slugs):
        count = plan.seen.get((style, slug), 0)
        plan.seen[(style, slug)] = count + 1
        ident = f"{slug}-{count}" if count else slug
        if not found and ident in plan.targets:
            found = ident
    if not found or any(isinstance(inline, model.Anchor) for inline in content):
        return content
    return (model.Anchor(found), *content)


def _same_text(first: str, second: str) -> bool:
    """Return True when two texts are the same but for case and spaces."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()
