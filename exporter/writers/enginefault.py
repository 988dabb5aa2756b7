"""A fault in WeasyPrint's own layout code, refused in one line rather than a traceback.

WeasyPrint 70 fails on some rare arrangements near a page break (its issues #1168 and
#1560 are of the same family: a box given no `index` when an earlier break is sought);
the fuzz tests find them with tables of empty cells and long unbreakable words. The
article is valid, and the fault is neither the editor's nor this toolkit's to fix, so
it is refused at that setting with what the editor can change, in one line.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from pathlib import Path

from exporter.errors import RefusedError

ENGINE_FAULTS = (AttributeError, IndexError, KeyError, TypeError, AssertionError)
"""The exceptions a fault of the layout engine's code raises (not an input's fault)."""


@contextlib.contextmanager
def engine_faults_refused(body_size: float) -> Iterator[None]:
    """Refuse, as RefusedError, a fault raised within WeasyPrint's code inside."""
    try:
        yield
    except ENGINE_FAULTS as fault:
        if not raised_in_weasyprint(fault):
            raise
        import weasyprint

        raise RefusedError(
            f"WeasyPrint {weasyprint.__version__} failed to lay the bulletin out at "
            f"{body_size:g} pt ({type(fault).__name__}: {fault}), a fault of its own near "
            "a page break; changing a table or a long unbroken word near a column's end "
            "usually avoids it",
            where="layout",
        ) from None


def raised_in_weasyprint(fault: BaseException) -> bool:
    """Return True when the innermost frame of the fault's traceback is WeasyPrint's."""
    frames = traceback.extract_tb(fault.__traceback__)
    if not frames:
        return False
    import weasyprint

    package = Path(weasyprint.__file__).resolve().parent
    return Path(frames[-1].filename).resolve().is_relative_to(package)
