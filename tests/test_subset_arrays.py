"""Font subsetting's arrays without new C types: the same PDF, no C parsing per length."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from exporter.build import BuildOptions, prepare, render
from exporter.writers import subsetarrays
from tests.articles import full_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
WITHOUT = """
import sys
from pathlib import Path
from exporter.writers import subsetarrays
subsetarrays._installed = True  # never installed: a C type parsed for each array length
from exporter.build import BuildOptions, prepare, render
article, context = prepare(Path(sys.argv[1]), BuildOptions(("pdf",), Path(".")))
sys.stdout.buffer.write(render(article, context, "pdf"))
"""


def sized_types() -> set[str]:
    """Return the sized array types WeasyPrint's cffi has parsed in this process."""
    from weasyprint.text.ffi import ffi

    return {key for key in ffi._parsed_types if "[" in key and not key.endswith("[]")}


def test_the_bulletin_is_the_same_with_open_arrays() -> None:
    article, context = prepare(EXAMPLE, BuildOptions(("pdf",), ROOT))
    with_open_arrays = render(article, context, "pdf")
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, str(EXAMPLE)], capture_output=True, cwd=ROOT, check=True
    )
    assert done.stdout == with_open_arrays


def test_new_glyph_counts_parse_no_new_c_type(tmp_path: Path) -> None:
    article, context = prepare(EXAMPLE, BuildOptions(("pdf", "epub"), tmp_path))
    render(article, context, "pdf")
    render(article, context, "epub")  # its cover is drawn from a PDF too
    before = sized_types()
    for seed, words in ((11, 600), (12, 800), (13, 1000)):
        other = full_article(words, seed=seed)
        render(other, context, "pdf")
    assert sized_types() == before


def test_open_arrays_hold_the_same_items() -> None:
    from weasyprint.text.ffi import ffi

    arrays = subsetarrays.OpenArrays(ffi)
    items = [3, 5, 8, 13]
    made = arrays.new("hb_codepoint_t[4]", items)
    assert ffi.typeof(made) == ffi.typeof("hb_codepoint_t[]")
    assert list(made) == items
    # Anything else is cffi's as it was: a length that is not the items', a bare type.
    assert len(arrays.new("hb_codepoint_t[6]", items)) == 6
    assert arrays.new("int *")[0] == 0
    assert arrays.NULL == ffi.NULL
