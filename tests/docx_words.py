"""The words an imported DOCX keeps, measured against the words pandoc reads from it.

A word is a maximal run of Unicode letters and digits, NFC-normalised and
case-folded, so punctuation and markup never count. The article's words are those
of its front matter and of its body and notes as a reader sees them: ordered-list
items numbered as a renderer numbers them and note labels printed, since pandoc's
plain text prints both. A run of superscript or subscript characters in pandoc's
output (m², H₂O) is a word of its own, as the model's Superscript is.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from exporter import model
from exporter.errors import ExportError
from exporter.readers import load_with_media

WORD = re.compile(r"[^\W_]+")


def _is_supsub(character: str) -> bool:
    return unicodedata.decomposition(character).startswith(("<super>", "<sub>"))


SUPSUB = "".join(chr(i) for i in range(0x80, 0x20000) if _is_supsub(chr(i)))
SUPSUB_RUN = re.compile(f"[{re.escape(SUPSUB)}]+")


def words(text: str) -> list[str]:
    """Return the words of a text: runs of letters and digits, NFC, case-folded."""
    text = unicodedata.normalize("NFC", text)
    text = SUPSUB_RUN.sub(lambda m: " " + unicodedata.normalize("NFKC", m[0]) + " ", text)
    return WORD.findall(text.casefold())


def article_text(article: model.Article) -> str:
    """Return the text of an article as a reader of its Markdown sees it."""
    parts = [article.title, article.subtitle, article.kicker, article.summary]
    for author in article.authors:
        parts += [author.name, author.bio, author.affiliation]
    if article.date is not None:
        parts.append(article.date.isoformat())
    parts += list(article.keywords)
    parts += list(_blocks(article.body))
    for note in article.notes:
        parts.append(f" {note.label} ")
        parts += list(_blocks(note.content))
    return " ".join(parts)


def _blocks(blocks: tuple[model.Block, ...]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, model.Paragraph | model.Heading):
            yield _inlines(block.content)
        elif isinstance(block, model.ListBlock):
            for number, item in enumerate(block.items, block.start):
                if block.ordered:
                    yield f" {number} "
                yield from _blocks(item.content)
        elif isinstance(block, model.BlockQuote | model.PullQuote):
            yield from _blocks(block.content)
        elif isinstance(block, model.Figure):
            yield block.alt
            yield _inlines(block.caption)
        elif isinstance(block, model.Table):
            yield _inlines(block.caption)
            for row in (*block.head, *block.body):
                for cell in row.cells:
                    yield _inlines(cell.content)


def _inlines(inlines: tuple[model.Inline, ...]) -> str:
    out: list[str] = []
    for inline in inlines:
        if isinstance(inline, model.Text | model.Code):
            out.append(inline.text)
        elif isinstance(inline, model.LineBreak):
            out.append(" ")
        elif isinstance(inline, model.NoteRef):
            out.append(f" {inline.note} ")
        elif isinstance(inline, model.Superscript | model.Subscript):
            out.append(" " + _inlines(inline.content) + " ")
        elif isinstance(inline, model.Anchor):
            continue
        else:
            out.append(_inlines(inline.content))
    return "".join(out)


@dataclasses.dataclass(frozen=True)
class Share:
    """How many of pandoc's words one imported file kept."""

    name: str
    kept: int
    pandoc: int
    error: str = ""

    @property
    def share(self) -> float:
        """The share kept, 1.0 when pandoc reads no words."""
        return self.kept / self.pandoc if self.pandoc else 1.0


def pandoc_words(pandoc: str, path: Path) -> collections.Counter[str]:
    """Return the words pandoc's plain text of a DOCX holds."""
    done = subprocess.run(
        [pandoc, "-s", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    return collections.Counter(words(done.stdout.decode("utf-8", "replace")))


def imported_words(path: Path) -> tuple[collections.Counter[str], str]:
    """Return the words of the article imported from a DOCX, and the refusal if any."""
    logger = logging.getLogger("exporter")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        article, _media = load_with_media(path)
    except ExportError as error:
        return collections.Counter(), str(error)
    finally:
        logger.setLevel(level)
    return collections.Counter(words(article_text(article))), ""


def share(name: str, ours: collections.Counter[str], theirs: collections.Counter[str]) -> Share:
    """Return how many of pandoc's word occurrences the import also has."""
    kept = sum(min(count, ours[word]) for word, count in theirs.items())
    return Share(name, kept, sum(theirs.values()))


def missing(ours: collections.Counter[str], theirs: collections.Counter[str]) -> list[str]:
    """Return pandoc's words the import lacks, most frequent first."""
    return [f"{w}×{n}" for w, n in (theirs - ours).most_common(15)]
