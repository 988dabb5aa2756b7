"""Font subsetting's C arrays made without parsing a new C type for each length.

WeasyPrint's HarfBuzz subsetter (`weasyprint.pdf.fonts.Font._harfbuzz_subset`) makes its
arrays of glyph ids with `ffi.new(f"hb_codepoint_t[{n}]", ...)`: a type string of its
own for every length, which cffi parses with pycparser (about 1.6 ms each) before it can
cache it. A PDF's fonts bring a few lengths never seen before, so each PDF (and each EPUB
cover, drawn from one) paid 5-10 ms of C parsing, a cold build the most. Here that
module's `ffi` is a proxy whose `new` asks for the open array type (`hb_codepoint_t[]`,
parsed once) with the same items: the same array, the same subset. Everything else goes
to cffi as before.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("exporter")
SIZED_ARRAY = re.compile(r"^\s*(?P<item>[A-Za-z_][\w ]*?)\s*\[\s*(?P<length>\d+)\s*\]\s*$")
_installed = False


class OpenArrays:
    """An `ffi` whose `new` makes sized arrays of given items as open arrays."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        """Return `ffi.new(cdecl, init)`; `T[N]` with N items asked for as `T[]`."""
        match = SIZED_ARRAY.match(cdecl) if isinstance(cdecl, str) else None
        if match is None or init is None:
            return self._ffi.new(cdecl, init)
        items = list(init)
        if len(items) != int(match["length"]):
            return self._ffi.new(cdecl, items)
        return self._ffi.new(f"{match['item']}[]", items)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def install() -> None:
    """Make WeasyPrint's font subsetting build its arrays without parsing new C types."""
    global _installed
    if _installed:
        return
    _installed = True
    from weasyprint.pdf import fonts

    ffi = getattr(fonts, "ffi", None)
    if ffi is None or not callable(getattr(ffi, "new", None)):
        log.info("WeasyPrint's font subsetting is not as expected: its arrays are left alone")
        return
    if not isinstance(ffi, OpenArrays):
        fonts.ffi = OpenArrays(ffi)
