"""Hyphenation rules WeasyPrint lacks: no ladders, no capitalised word broken.

At most two hyphenated lines in a row: the third line of a run breaks between words; and
a text's last word is not broken, which would leave its tail alone on the last line.

A justified column hyphenates wherever a word fits better broken, and three or four
lines in a row can end in hyphens (a "ladder"), which typographers avoid and CSS's
`hyphenate-limit-lines` would prevent; WeasyPrint does not support that property.
Here WeasyPrint's line breaker (`split_first_line`, as `weasyprint.layout.inline`
calls it, once per line with the text left of the paragraph) learns, for each line,
how many lines before it in the same text ended in an inserted hyphen: after
MOST_IN_A_ROW, the line is broken with that text's hyphenation off, at a space. The
count is kept per layout on WeasyPrint's layout context, keyed by the style and the
text the line starts with, so that a line tried again (column balancing) is broken the
same way. A line that starts another inline box (a link, an emphasis) starts its count
afresh. Installed once, over `linebreaks`, where the function has the shape it expects.

Nor does the last line of a column or page end in a hyphen: a reader would turn the page
or go up to the next column in mid-word. WeasyPrint places each line below the last, so
when a line is begun (`get_next_linebox`) it is known whether it is the last of its
column that a line of the paragraph's height fits: that line is broken at a space. So
is the line above it, when what follows it takes exactly two lines: the second would
go on alone to the next column, and WeasyPrint's widows rule takes the first along, so
that the line above ends the column (one in 20 articles was laid out again for it). A
footnote taking room or a taller line can still leave a hyphen at a foot, so
the PDF writer looks at the foot lines of a finished layout (`pagefill.foot_hyphens`)
and, where one ends in a hyphen, lays it out again with it broken at a space:
`unbroken_lines` names them by the text they start with, as the line breaker sees it.

A capitalised word (a name, "Washington", or a sentence's first word) is never broken,
as house styles ask: WeasyPrint's line breaker takes its patterns from
`pyphen.Pyphen`, which it finds on its module's `pyphen`; that name is given a module
whose `Pyphen` offers no break in a word that starts with a capital.
"""

from __future__ import annotations

import contextlib
import contextvars
import types
from collections.abc import Callable, Collection, Iterator
from typing import Any

from exporter.writers.hooks import expected, log
from exporter.writers.linebreaks import EXPECTED

MOST_IN_A_ROW = 2
"""Hyphenated lines allowed in a row."""
RUNS = "_exporter_hyphen_runs"
"""The attribute of WeasyPrint's layout context that holds the counts."""
SHORTEST_START = 12
"""The fewest characters a line kept whole is named by: fewer might name another line."""
_unbroken: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("unbroken", default=())
_at_foot: contextvars.ContextVar[bool] = contextvars.ContextVar("at_foot", default=False)
_above_foot: contextvars.ContextVar[bool] = contextvars.ContextVar("above_foot", default=False)
FOOT_EXPECTED = [
    "context",
    "linebox",
    "position_y",
    "bottom_space",
    "skip_stack",
    "containing_block",
    "absolute_boxes",
    "fixed_boxes",
    "first_letter_style",
    "first_line_style",
]
"""The parameters of WeasyPrint's `get_next_linebox` that the foot watch wraps."""
_installed = False


@contextlib.contextmanager
def unbroken_lines(starts: Collection[str]) -> Iterator[None]:
    """Lay out, within the block, the lines that start with one of `starts` unhyphenated."""
    token = _unbroken.set(tuple(start for start in starts if len(start) >= SHORTEST_START))
    try:
        yield
    finally:
        _unbroken.reset(token)


def install() -> None:
    """Make WeasyPrint's line breaking end at most MOST_IN_A_ROW lines in a row in hyphens."""
    global _installed
    if _installed:
        return
    _installed = True
    from weasyprint.layout import inline

    breaker: Callable[..., Any] | None = expected(
        inline,
        "split_first_line",
        EXPECTED,
        "WeasyPrint's line breaking is not as expected: hyphens may run in ladders",
    )
    if breaker is None:
        return

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        if minimum or max_width is None or style["hyphens"] != "auto":
            return breaker(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        runs: dict[tuple[int, str], int] | None = getattr(context, RUNS, None)
        if runs is None:
            runs = {}
            setattr(context, RUNS, runs)
        start = text.lstrip(" ")
        before = runs.get((id(style), start), 0)
        whole = _unbroken.get()
        unhyphenated = (
            before >= MOST_IN_A_ROW or _at_foot.get() or bool(whole and start.startswith(whole))
        )
        answer = _break(
            breaker,
            unhyphenated,
            text,
            style,
            context,
            max_width,
            justification_spacing,
            is_line_start,
        )
        rest, hyphenated = _hyphenated(answer, text, style)
        if (
            hyphenated
            and not unhyphenated
            and rest
            # The text's last word broken: its tail alone would be a runt last line. Or
            # the line above the column's last, which ends the column when the text's
            # last line alone would go on (WeasyPrint's widows take the next one along).
            and (
                " " not in rest.rstrip()
                or (
                    _above_foot.get()
                    and _ends_in_two_lines(
                        lambda line: breaker(
                            line, style, context, max_width, justification_spacing
                        ),
                        rest,
                    )
                )
            )
        ):
            answer = _break(
                breaker, True, text, style, context, max_width, justification_spacing, is_line_start
            )
            rest, hyphenated = _hyphenated(answer, text, style)
        if rest is not None:
            runs[(id(style), rest)] = before + 1 if hyphenated else 0
        return answer

    inline.split_first_line = split_first_line
    _install_foot_watch(inline)
    _install_lowercase_breaks()


def _install_foot_watch(inline: Any) -> None:
    """Break at a space each line begun as the last of its column that fits."""
    begin: Callable[..., Any] | None = expected(
        inline,
        "get_next_linebox",
        FOOT_EXPECTED,
        "WeasyPrint's lines are not begun as expected: a column may end in a hyphen",
    )
    if begin is None:
        return
    from exporter.writers.struts import strut

    def get_next_linebox(
        context: Any, linebox: Any, position_y: float, bottom_space: float, *rest: Any
    ) -> Any:
        height = strut(linebox.style)[0]
        fits = [
            not context.overflows_page(bottom_space, position_y + lines * height)
            for lines in (1, 2, 3)
        ]
        token = _at_foot.set(bool(height) and fits[0] and not fits[1])
        above = _above_foot.set(bool(height) and fits[1] and not fits[2])
        try:
            return begin(context, linebox, position_y, bottom_space, *rest)
        finally:
            _above_foot.reset(above)
            _at_foot.reset(token)

    inline.get_next_linebox = get_next_linebox


def _break(
    breaker: Callable[..., Any],
    unhyphenated: bool,
    text: str,
    style: Any,
    *rest: Any,
) -> Any:
    """Return WeasyPrint's first line of `text`, with its hyphenation off if `unhyphenated`."""
    if not unhyphenated:
        return breaker(text, style, *rest, False)
    style["hyphens"] = "manual"
    try:
        return breaker(text, style, *rest, False)
    finally:
        style["hyphens"] = "auto"


def _ends_in_two_lines(breaker: Callable[..., Any], text: str) -> bool:
    """Return True when `text` takes exactly two lines (`breaker` breaks its first)."""
    encoded = text.encode()
    first = breaker(text)[2]
    if first is None:
        return False
    second = encoded[first:].decode(errors="ignore").lstrip(" ")
    return bool(second) and breaker(second)[2] is None


def _hyphenated(answer: Any, text: str, style: Any) -> tuple[str | None, bool]:
    """Return the text after a first line (None at the end) and whether a hyphen ends it."""
    layout, length, resume_index = answer[0], answer[1], answer[2]
    if resume_index is None:
        return None, False
    encoded = text.encode()
    rest = encoded[resume_index:].decode(errors="ignore").lstrip(" ")
    hyphen = style["hyphenate_character"]
    line = encoded[:length].decode(errors="ignore")
    inserted = str(getattr(layout, "text", "")).endswith(hyphen)
    return rest, bool(hyphen) and inserted and not line.endswith(hyphen)


def _install_lowercase_breaks() -> None:
    """Give WeasyPrint's line breaker patterns that never break a capitalised word."""
    import pyphen
    from weasyprint.text import line_break

    if getattr(line_break, "pyphen", None) is not pyphen or not hasattr(pyphen, "Pyphen"):
        log.info("WeasyPrint's hyphenation is not as expected: capitalised words may break")
        return

    class LowercasePyphen(pyphen.Pyphen):  # type: ignore[misc]
        """Pyphen's patterns, without a break in a word that starts with a capital."""

        def iterate(self, word: str) -> Iterator[tuple[str, str]]:
            if word[:1].isupper():
                return iter(())
            found: Iterator[tuple[str, str]] = super().iterate(word)
            return found

    module = types.ModuleType("pyphen", "pyphen, its words with a capital left whole")
    module.__dict__.update(vars(pyphen))
    module.Pyphen = LowercasePyphen  # type: ignore[attr-defined]
    line_break.pyphen = module
