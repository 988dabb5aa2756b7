"""Real manuscripts (tests/fixtures/docx-wild): every one imports, and keeps pandoc's words.

Each file is imported and its words compared with those pandoc 3 reads from it
(`pandoc -s -t plain`, tests/docx_words.py says how words are counted). No file may
keep less than 95% of pandoc's words, unless its shortfall is explained below, and
all together keep at least 99%. The share of every file is printed.
"""

from __future__ import annotations

import collections
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc
import pytest

from tests.docx_words import Share, imported_words, missing, pandoc_words, share

WILD = Path(__file__).resolve().parent / "fixtures" / "docx-wild"
FLOOR = 0.95
TOTAL_FLOOR = 0.99
EXPLAINED = {
    # Pandoc prints equations as TeX (\frac, \sqrt, \pm, \alpha, \begin{array}); the
    # import keeps them as linear text (a/b, √(x), ±, α), whose words differ.
    "docx4j-2010-sample1.docx": "equations: pandoc's TeX",
    "docxjs-equation.docx": "equations: pandoc's TeX",
    "oxsdk-equation.docx": "equations: pandoc's TeX",
    "poi-stress007.docx": "equations: pandoc's TeX (\\sigma, \\begin{pmatrix})",
    # Pandoc marks strike-through inside a word with ~~ ("ita~~li~~c"), which splits
    # one word into three; the import keeps the word whole.
    "tika-various.docx": "pandoc's ~~ splits words struck through in part",
}


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Share, str, list[str]]]:
    """Import every file while pandoc reads them, two at a time; return each file's share."""
    pandoc = pypandoc.get_pandoc_path()
    files = sorted(WILD.glob("*.docx"))
    found: dict[str, tuple[Share, str, list[str]]] = {}
    with ThreadPoolExecutor(2) as pool:
        theirs = {path: pool.submit(pandoc_words, pandoc, path) for path in files}
        ours = {path: imported_words(path) for path in files}
        for path in files:
            words, refusal = ours[path]
            reference: collections.Counter[str] = theirs[path].result()
            found[path.name] = (
                share(path.name, words, reference),
                refusal,
                missing(words, reference),
            )
    return found


def test_the_corpus_is_there() -> None:
    assert len(list(WILD.glob("*.docx"))) >= 100
    assert (WILD / "SOURCES.tsv").is_file() and (WILD / "LICENSES").is_dir()


def test_every_manuscript_imports(results: dict[str, tuple[Share, str, list[str]]]) -> None:
    refused = {name: refusal for name, (_s, refusal, _m) in results.items() if refusal}
    assert refused == {}


def test_each_keeps_pandocs_words_and_all_together_nearly_all(
    results: dict[str, tuple[Share, str, list[str]]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["", f"{'file':42} {'kept':>7} {'pandoc':>7} {'share':>8}  missing words"]
    for name, (found, _refusal, lost) in sorted(results.items()):
        note = f"  [{EXPLAINED[name]}]" if name in EXPLAINED else ""
        lines.append(
            f"{name:42} {found.kept:7} {found.pandoc:7} {100 * found.share:7.2f}%  "
            f"{' '.join(lost[:6])}{note}"
        )
    kept = sum(found.kept for found, _r, _m in results.values())
    total = sum(found.pandoc for found, _r, _m in results.values())
    lines.append(f"{'all':42} {kept:7} {total:7} {100 * kept / total:7.2f}%")
    with capsys.disabled():
        print("\n".join(lines))
    short = sorted(name for name, (found, _r, _m) in results.items() if found.share < FLOOR)
    assert [name for name in short if name not in EXPLAINED] == []
    assert kept / total >= TOTAL_FLOOR


def test_explained_shortfalls_are_still_short(
    results: dict[str, tuple[Share, str, list[str]]],
) -> None:
    """A file that now keeps its words leaves the list of explanations."""
    recovered = [name for name in EXPLAINED if results[name][0].share >= FLOOR]
    assert recovered == []
