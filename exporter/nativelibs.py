"""WeasyPrint's native libraries found in the dynamic linker's cache, not by running compilers.

WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi, trying several names for
each; a name that is not a file is looked for with `ctypes.util.find_library`, which on
Linux runs ldconfig, then gcc, then ld for each name (some twenty of them, most missing).
That was 0.2-0.3 s of every process that loads WeasyPrint: a cold build and each worker
of a batch. While WeasyPrint's `text.ffi` module loads, names are looked for in the
linker's cache alone, listed once, where `find_library` looks first; WeasyPrint's last
name for each library is its file name, which the loader finds where gcc and ld would
(LD_LIBRARY_PATH included). Other systems are left alone. This module is loaded with the
package, so it imports nothing until WeasyPrint loads.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

ENGINE_MODULE = "weasyprint.text.ffi"
"""The module of WeasyPrint that loads its native libraries."""
LDCONFIG = "/sbin/ldconfig"
"""What `ctypes.util.find_library` runs to list the linker's cache."""
# The ABI tag of ldconfig's listing for the machine's 64-bit libraries, as ctypes has it.
_ABI_TYPES = {
    "x86_64": "libc6,x86-64",
    "ppc64": "libc6,64bit",
    "sparc64": "libc6,64bit",
    "s390x": "libc6,64bit",
    "ia64": "libc6,IA-64",
}
_listed: list[bytes | None] = []
"""ldconfig's listing once read (None: it could not be), in a list to be set once."""


class _EngineFinder:
    """Finds WeasyPrint's `text.ffi` module as Python would, to load it with quick lookups."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """Return the spec of the engine's module, its loading wrapped; None for others."""
        if fullname != ENGINE_MODULE:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(fullname, path, target)
        loader: Any = None if spec is None else spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        load = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            with_linker_cache_lookups(load, module)

        loader.exec_module = exec_module
        return spec


_FINDER = _EngineFinder()


def install() -> None:
    """Have WeasyPrint's libraries looked for in the linker's cache when it loads (Linux)."""
    if sys.platform == "linux" and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def with_linker_cache_lookups(function: Any, *args: Any) -> Any:
    """Call `function(*args)` with `ctypes.util.find_library` answering from the linker's
    cache alone; where the cache cannot be listed, `find_library` is left as it is."""
    import ctypes.util

    if _listing() is None:
        return function(*args)
    original = ctypes.util.find_library
    ctypes.util.find_library = find_in_linker_cache
    try:
        return function(*args)
    finally:
        ctypes.util.find_library = original


def find_in_linker_cache(name: str) -> str | None:
    """Return the file name of library `name` (`pango-1.0`) that ldconfig lists, or None.

    The first step of `ctypes.util.find_library` on Linux, over a listing read once.
    """
    import os
    import re

    listing = _listing()
    if listing is None:
        return None
    abi = _ABI_TYPES.get(os.uname().machine, "libc6") if sys.maxsize > 2**32 else "libc6"
    pattern = rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), os.fsencode(abi))
    found = re.search(pattern, listing)
    return os.fsdecode(found.group(1)) if found else None


def _listing() -> bytes | None:
    """Return ldconfig's listing of the linker's cache; None when it cannot be run."""
    if not _listed:
        import subprocess

        try:
            done = subprocess.run(
                [LDCONFIG, "-p"],
                stdin=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                env={"LC_ALL": "C", "LANG": "C"},
                check=False,
            )
            _listed.append(done.stdout if done.returncode == 0 else None)
        except OSError:
            _listed.append(None)
    return _listed[0]
