"""How often a run of the program looks for reference cycles: rarely, for a short run."""

from __future__ import annotations

import gc

COLLECT_AFTER = 100_000
"""The objects made, less those freed, after which a run of the program collects cycles."""


def collect_rarely() -> None:
    """Collect cycles after COLLECT_AFTER new objects rather than Python's 700.

    A cold build of one article makes some 45,000 objects, nearly all of them kept
    (modules, classes, functions), and the collections that scanned them over and over
    took a tenth of a DOCX build. A long run still frees its cycles, a few megabytes of
    them at most at a time.
    """
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])
