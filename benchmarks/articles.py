"""The benchmark's fixed set of articles, made from the repository's fixtures.

    python benchmarks/articles.py            # list the set: words, fit, source
    python benchmarks/articles.py --write    # make the set again from the fixtures

The set is kept as Markdown files in benchmarks/articles/, so that every run reads the
same bytes whatever the toolkit's readers and writers become. `--write` makes them:
the example article and the rich fixture (joined with a flood fact sheet to reach the
set's least length) as they are; real Word manuscripts of tests/fixtures/docx-wild read
by the toolkit's DOCX reader, their pictures left out, cut at a block boundary to a
length between 450 and 1,500 words, with series metadata added; and a few generated
articles (tests.articles.full_article, seeded) for what manuscripts rarely hold
(pull quotes, block quotes, notes, two authors with bios).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.report import collect_warnings
from exporter.walk import plain_text, query, reading_length
from exporter.writers.markdown import write_markdown

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(__file__).resolve().parent / "articles"
"""Where the set is kept."""
WILD = ROOT / "tests" / "fixtures" / "docx-wild"
CJK = ROOT / "tests" / "fixtures" / "cjk"
LEAST, MOST = 450, 1500
"""The range of body words of every article of the set."""
PROOF_ARTICLE = "docx-tika-yemen-protest.md"
"""The article of about 700 words that the proof benchmark edits."""
COLD_ARTICLE = "example-japan-rok-relations.md"
"""The article that the cold benchmark builds beside pandoc."""
FIRST_NUMBER = 900
FIRST_DATE = datetime.date(2024, 1, 4)
KICKERS = ("Analysis", "Commentary", "Report", "Perspective")
AUTHORS = (
    "Mele Tupou",
    "Daniel Okafor",
    "Sofia Lindqvist",
    "Rahul Mehta",
    "Ana Beatriz Costa",
    "Tomasz Wiśniewski",
    "Leilani Kahale",
    "Ingrid Solberg",
)
"""Names for manuscripts whose author property names no person."""
SUMMARY_WORDS = 45


@dataclass(frozen=True, slots=True)
class Recipe:
    """How one article of the set is made from a Word manuscript."""

    name: str
    """The article's file name in the set, without `docx-` and `.md`."""
    source: str
    """The manuscript, in tests/fixtures/docx-wild."""
    title: str = ""
    """The headline; empty keeps the manuscript's."""
    start: str = ""
    """The text the first block kept starts with; empty starts at the first block."""
    words: int = MOST
    """The most body words kept: blocks are taken whole until the next would pass it."""
    lang: str = ""
    """The language, where the manuscript's is wrong; empty keeps it."""
    author: str = ""
    """The author, where the manuscript names none (else one of AUTHORS)."""


RECIPES = (
    Recipe("tika-yemen-protest", "tika-NullHeader.docx", author="BBC Middle East"),
    Recipe("docx4j-racial-discrimination", "docx4j-decracdiscrim1.docx", words=1300),
    Recipe(
        "oxsdk-moon-landing",
        "oxsdk-moon-tregillus.docx",
        "Did We Land on the Moon? Reading the Hoax Sites Closely",
        "Many have argued",
        1450,
        author="Nathan Tregillus",
    ),
    Recipe(
        "oxsdk-web-disassembly",
        "oxsdk-webappdis.docx",
        start="Introduction",
        words=1100,
    ),
    Recipe("pt-dispute-resolution", "pt-HC048-Excerpt.docx", words=1100),
    Recipe("pt-open-xml-text", "pt-Source1.docx"),
    Recipe(
        "pt-clowns",
        "pt-WC022-Image-Math.docx",
        "The Clown's Long Tradition, From the Commedia to the Circus",
    ),
    Recipe("poi-worldview-essay", "poi-61787.docx"),
    Recipe(
        "pt-service-contract",
        "pt-Contract.docx",
        "Leistungsbeschreibung: Methodik, Werkzeuge und Verfahren",
        lang="de",
    ),
    Recipe(
        "docx4j-contributor-agreement",
        "docx4j-IndividualContributor.docx",
        "What a Contributor Licence Agreement Grants, Clause by Clause",
    ),
    Recipe(
        "poi-press-monitoring",
        "poi-drawing.docx",
        "Мониторинг СМИ: водное партнёрство и энергетика",
        "МОСКВА. В среду",
        900,
    ),
    Recipe("tika-healthcare-act", "tika-flipUnderline.docx", words=1030),
    Recipe(
        "poi-privacy-notice",
        "poi-stress016.docx",
        "How Medical Information About You May Be Used and Disclosed",
        words=950,
    ),
    Recipe("pt-team-agreement", "pt-WC004-Large.docx", words=1000),
    Recipe("oxsdk-business-plan", "oxsdk-business-plan.docx", words=1200),
    Recipe(
        "nwe-blog-software",
        "nwe-bigfile-01.docx",
        "BlogCFC: Running a Blog on ColdFusion",
        words=800,
    ),
    Recipe(
        "oxsdk-drinking-water",
        "oxsdk-consumer-confidence.docx",
        "What Is in the Lake Berryessa Marina's Drinking Water",
        words=820,
    ),
    Recipe(
        "oxsdk-internet-governance",
        "oxsdk-internet-governance.docx",
        "Internet Governance: What the Working Group Was Asked to Do",
        "I. Introduction",
        1350,
    ),
    Recipe(
        "oxsdk-flagpole-software",
        "oxsdk-complex2005.docx",
        "Teaching Mechanics With Real-Time Software: The Flagpole Project",
        "This document is based on",
        600,
    ),
    Recipe(
        "docx4j-output-conversion",
        "docx4j-Convert_Out.docx",
        "How docx4j Converts a Document to PDF or HTML",
        "This document gives",
        800,
        lang="en",
    ),
    Recipe(
        "tika-radiation-fund",
        "tika-018367.docx",
        "The Radiation Exposure Compensation Trust Fund's Budget",
        words=1000,
    ),
    Recipe(
        "docx4j-getting-started",
        "docx4j-GettingStarted.docx",
        "Getting Started With docx4j",
        "What is docx4j?",
        950,
    ),
)
GENERATED = ((480, 1), (760, 2), (1040, 3), (1320, 4))
"""(body words, seed) of the generated articles."""


def article_set() -> list[Path]:
    """Return the articles of the set, in order of name."""
    return sorted(FOLDER.glob("*.md"))


def cjk_fixtures() -> list[Path]:
    """Return the Chinese, Japanese and Korean fixtures (the fitting figure counts them)."""
    return sorted(CJK.glob("*.md"))


def body_words(path: Path) -> int:
    """Return the body's length as the toolkit counts it (words; CJK characters each one)."""
    return reading_length(load(path).body).count


def _context() -> RenderContext:
    return RenderContext(find_layout(None), ROOT)


def _starting(blocks: Sequence[model.Block], start: str) -> list[model.Block]:
    """Return the blocks from the first whose text starts with `start`."""
    if not start:
        return list(blocks)
    for index, block in enumerate(blocks):
        if plain_text([block]).strip().startswith(start):
            return list(blocks[index:])
    raise SystemExit(f"no block starts with {start!r}")


def _cut(blocks: Sequence[model.Block], most: int) -> tuple[model.Block, ...]:
    """Return whole blocks, without pictures, while their words stay within `most`."""
    kept: list[model.Block] = []
    count = 0
    for block in blocks:
        if query(block, model.Figure):
            continue  # a picture's file would have to travel with the article
        words = reading_length([block]).count
        if count + words > most:
            break
        kept.append(block)
        count += words
    while kept and isinstance(kept[-1], model.Heading):
        kept.pop()  # a subhead with nothing under it
    return tuple(kept)


def _notes(
    blocks: Sequence[model.Block], notes: Sequence[model.Footnote]
) -> tuple[model.Footnote, ...]:
    """Return the notes that the kept blocks call."""
    called = {ref.note for block in blocks for ref in query(block, model.NoteRef)}
    return tuple(note for note in notes if note.label in called)


def _without_dead_links(blocks: Sequence[model.Block]) -> tuple[model.Block, ...]:
    """Return the blocks with links to anchors that were cut away replaced by their text."""
    anchors = {found.id for block in blocks for found in query(block, model.Anchor)}

    def rebuilt(node: object) -> list[object]:
        if isinstance(node, model.Link) and node.url[:1] == "#" and node.url[1:] not in anchors:
            return [part for inline in node.content for part in rebuilt(inline)]
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            return [node]
        changes = {}
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if isinstance(value, tuple):
                changes[field.name] = tuple(part for item in value for part in rebuilt(item))
        return [dataclasses.replace(node, **changes)]

    return tuple(part for block in blocks for part in rebuilt(block))  # type: ignore[misc]


def _summary(blocks: Sequence[model.Block]) -> str:
    """Return the first sentences of the first long paragraph, within SUMMARY_WORDS."""
    for block in blocks:
        text = " ".join(plain_text([block]).split()) if isinstance(block, model.Paragraph) else ""
        if len(text.split()) < 12:
            continue
        summary = ""
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if summary and len((summary + " " + sentence).split()) > SUMMARY_WORDS:
                break
            summary = f"{summary} {sentence}".strip()
        return " ".join(summary.split()[:SUMMARY_WORDS])
    return ""


def _authors(article: model.Article, recipe: Recipe, index: int) -> tuple[model.Author, ...]:
    names = [a.name for a in article.authors] or [recipe.author or AUTHORS[index % len(AUTHORS)]]
    return tuple(
        model.Author(name, bio=f"{name} wrote the manuscript this article is made from.")
        for name in names
    )


def from_manuscript(recipe: Recipe, index: int) -> model.Article:
    """Return the article a recipe makes of its manuscript."""
    with collect_warnings():  # what the reader guessed is no concern of the benchmark
        manuscript = load(WILD / recipe.source)
    body = _without_dead_links(_cut(_starting(manuscript.body, recipe.start), recipe.words))
    return model.Article(
        title=recipe.title or manuscript.title,
        series="apb",
        number=FIRST_NUMBER + index,
        date=FIRST_DATE + datetime.timedelta(weeks=index),
        kicker=KICKERS[index % len(KICKERS)],
        authors=_authors(manuscript, recipe, index),
        summary=_summary(body),
        lang=recipe.lang or manuscript.lang,
        body=body,
        notes=_notes(body, manuscript.notes),
    )


def rich_with_flood_sheet() -> model.Article:
    """Return the rich fixture followed by the flood fact sheet, as one water article."""
    rich = load(ROOT / "tests" / "fixtures" / "rich-article.md")
    with collect_warnings():
        sheet = load(WILD / "oxsdk-flood-factsheet.docx")
    heading = model.Heading(2, (model.Text("When the levee fails"),))
    body = (*rich.body, heading, *_cut(sheet.body, MOST))
    return dataclasses.replace(rich, body=body)


def generated(words: int, seed: int) -> model.Article:
    """Return a generated full article, its title naming its seed so that each is distinct."""
    from tests.articles import full_article

    article = full_article(words, seed=seed)
    title = f"{article.title} (Sample {seed})"
    return dataclasses.replace(article, title=title, number=FIRST_NUMBER + 100 + seed)


def made() -> dict[str, bytes]:
    """Return every article of the set by file name, as Markdown."""
    context = _context()
    files = {
        COLD_ARTICLE: (ROOT / "examples" / "japan-rok-relations.md").read_bytes(),
        "fixture-rich-article-and-flood-sheet.md": write_markdown(rich_with_flood_sheet(), context),
    }
    for index, recipe in enumerate(RECIPES):
        files[f"docx-{recipe.name}.md"] = write_markdown(from_manuscript(recipe, index), context)
    for words, seed in GENERATED:
        name = f"generated-{words:04d}w-s{seed}.md"
        files[name] = write_markdown(generated(words, seed), context)
    return files


def write_set() -> list[Path]:
    """Write the set into FOLDER, replacing what was there; return the paths."""
    FOLDER.mkdir(exist_ok=True)
    for old in FOLDER.glob("*.md"):
        old.unlink()
    for name, data in made().items():
        (FOLDER / name).write_bytes(data)
    return article_set()


def main(argv: Sequence[str] | None = None) -> int:
    """List the set, or make it again with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="make the set from the fixtures")
    args = parser.parse_args(argv)
    logging.getLogger("exporter").setLevel(logging.ERROR)
    paths = write_set() if args.write else article_set()
    for path in paths:
        article = load(path)
        length = reading_length(article.body)
        print(f"{length.count:6} {length.unit:10} {article.lang:6} {path.name}")
    counts = [body_words(path) for path in paths]
    print(f"{len(paths)} articles, {min(counts)}-{max(counts)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
