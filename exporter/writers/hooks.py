"""WeasyPrint's functions that the toolkit wraps, found only where they have the expected shape.

No option or hook of WeasyPrint does what the wrappers do (`pdftags`, `linebreaks`); the
project pins WeasyPrint to one major version, and a function whose parameters changed is
left alone, with a line in the log, rather than wrapped blindly.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

log = logging.getLogger("exporter")


def expected(module: ModuleType, name: str, parameters: list[str], else_: str) -> Any:
    """Return `module.name` if its parameters are `parameters`, else log `else_`; None."""
    found: Callable[..., Any] | None = getattr(module, name, None)
    if found is None or list(inspect.signature(found).parameters) != parameters:
        log.info("%s", else_)
        return None
    return found
