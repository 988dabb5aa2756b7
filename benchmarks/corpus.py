"""Generated test articles of 400 to 1,500 words, written as Markdown files for the benchmarks.

    python benchmarks/corpus.py OUT_DIR [COUNT]

Each article is tests.articles.full_article (two authors, a 90-word summary, subheads,
lists, quotes, notes) written by the toolkit's own Markdown writer, so that the exporter
and pandoc read the same file. Lengths cycle 400, 500, ... 1,500 words; seeds differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers.markdown import write_markdown
from tests.articles import full_article

LENGTHS = tuple(range(400, 1600, 100))


def article_markdown(words: int, seed: int) -> bytes:
    """Return the Markdown (with front matter) of one generated full article."""
    context = RenderContext(find_layout(None), Path("."))
    return write_markdown(full_article(words, seed=seed), context)


def write_article(folder: Path, words: int, seed: int = 0) -> Path:
    """Write one generated article of about `words` words into `folder`; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"article-{words:04d}w-s{seed:03d}.md"
    path.write_bytes(article_markdown(words, seed))
    return path


def write_corpus(folder: Path, count: int) -> list[Path]:
    """Write `count` articles into `folder`, lengths cycling from 400 to 1,500 words."""
    return [write_article(folder, LENGTHS[i % len(LENGTHS)], seed=i) for i in range(count)]


def main() -> int:
    """Write the articles named on the command line and print their paths."""
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    count = int(sys.argv[2]) if len(sys.argv) == 3 else len(LENGTHS)
    for path in write_corpus(Path(sys.argv[1]), count):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
