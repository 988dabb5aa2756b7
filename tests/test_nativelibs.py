"""WeasyPrint's native libraries are found in the linker's cache: the same files, one lookup."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from exporter import nativelibs

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the lookups are Linux's")

# Loads WeasyPrint in a new process, counting the processes started meanwhile; prints the
# count and the native libraries of the engine that the process has mapped.
SCRIPT = """
import json, subprocess, sys
if sys.argv[1] == "exporter":
    import exporter
started = []
run_child = subprocess.Popen._execute_child
def counted(self, args, *rest, **named):
    started.append(args)
    return run_child(self, args, *rest, **named)
subprocess.Popen._execute_child = counted
import ctypes.util
find_library = ctypes.util.find_library
import weasyprint
assert ctypes.util.find_library is find_library
words = ("pango", "harfbuzz", "fontconfig", "gobject")
with open("/proc/self/maps") as maps:
    files = sorted({line.split()[-1] for line in maps if any(w in line for w in words)})
print(json.dumps({"started": len(started), "files": files}))
"""


def load_engine(first: str) -> dict[str, object]:
    """Load WeasyPrint in a new process, after `first` (exporter, or nothing)."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, first], capture_output=True, text=True, check=True
    )
    answer: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return answer


def test_weasyprint_loads_the_same_libraries_after_one_listing_of_the_linker_cache() -> None:
    plain, quick = load_engine("none"), load_engine("exporter")
    assert quick["files"] == plain["files"]
    assert any("pango" in name for name in quick["files"])  # type: ignore[attr-defined]
    assert quick["started"] == 1  # ldconfig, once
    assert plain["started"] > 1  # ctypes ran its tools for each name


@pytest.mark.parametrize(
    "name", ["pango-1.0", "harfbuzz", "fontconfig", "gobject-2.0", "c", "no-such-library-x"]
)
def test_a_name_is_found_in_the_linker_cache_as_ctypes_finds_it_there(name: str) -> None:
    expected = ctypes.util._findSoname_ldconfig(name)  # type: ignore[attr-defined]
    assert nativelibs.find_in_linker_cache(name) == expected


def test_find_library_is_given_back_even_when_loading_fails() -> None:
    original = ctypes.util.find_library

    def fail() -> None:
        assert ctypes.util.find_library is nativelibs.find_in_linker_cache
        raise OSError("no such library")

    with pytest.raises(OSError, match="no such library"):
        nativelibs.with_linker_cache_lookups(fail)
    assert ctypes.util.find_library is original
