"""Break each line of a bulletin once per layout, however often its columns are tried.

WeasyPrint balances the columns of a page by laying their text out again at each
trial height (`weasyprint.layout.column`), and tries the whole page's columns first:
a bulletin's body goes through its line breaking about three times per layout, and
the lines do not change between trials, only where the column ends. The line breaker
(`split_first_line`, as `weasyprint.layout.inline` calls it) is a function of the
text, its computed style and the width: its answers are kept for the layout that asked
(on WeasyPrint's layout context, which lives as long as that layout) and given again.
The layout object it returns is already deactivated, read by its text alone, and made
anew by the drawing (`reactivate`), so that two boxes may share one. No option or hook
of WeasyPrint does this; the wrapper is installed once, only where the function has the
shape it expects (the project pins WeasyPrint to one major version).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exporter.writers.hooks import expected

EXPECTED = [
    "text",
    "style",
    "context",
    "max_width",
    "justification_spacing",
    "is_line_start",
    "minimum",
]
KEPT = "_exporter_lines"
"""The attribute of WeasyPrint's layout context that holds its lines."""
_installed = False
_breaker: Callable[..., Any] | None = None
"""WeasyPrint's own line breaker, which the wrapper asks for lines it has not seen."""


def install() -> None:
    """Make WeasyPrint's inline layout break a text at a width once per layout."""
    global _installed, _breaker
    if _installed:
        return
    _installed = True
    from weasyprint.layout import inline

    _breaker = expected(
        inline,
        "split_first_line",
        EXPECTED,
        "WeasyPrint's line breaking is not as expected: lines are broken at each try",
    )
    if _breaker is None:
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
        kept: dict[tuple[Any, ...], tuple[Any, Any]] | None = getattr(context, KEPT, None)
        if kept is None:
            kept = {}
            setattr(context, KEPT, kept)
        # `hyphens` too: `hyphenruns` turns it off for a line that would make a ladder.
        key = (
            text,
            id(style),
            style["hyphens"],
            max_width,
            justification_spacing,
            is_line_start,
            minimum,
        )
        found = kept.get(key)
        if found is not None and found[0] is style:
            return found[1]
        assert _breaker is not None
        answer = _breaker(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        # The style is kept with the answer, so that its id names it while the layout lasts.
        kept[key] = (style, answer)
        return answer

    inline.split_first_line = split_first_line
