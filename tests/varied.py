"""Articles of varied shape made from the repository's real texts, for the fitter and benchmarks.

Each is built from the sentences of the example article, the saved web pages' articles
and the CJK translations, in a shape drawn from a seeded generator: paragraphs of 30 to
180 words, some subheads, lists, quotes, notes, a figure or a table now and then, one
to three authors. The same seed gives the same article.
"""

from __future__ import annotations

import datetime
import functools
import random
import re
from pathlib import Path

from exporter import model
from exporter.readers import load
from exporter.walk import cjk_character, plain_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENGLISH = (
    ROOT / "examples" / "japan-rok-relations.md",
    FIXTURES / "webpages" / "alliance-saved.expected.md",
    FIXTURES / "webpages" / "mekong-cms.expected.md",
    FIXTURES / "webpages" / "taiwan-chips-cms.expected.md",
)
TRANSLATIONS = {
    "ja": FIXTURES / "cjk" / "japan-rok-relations-ja.md",
    "ko": FIXTURES / "cjk" / "japan-rok-relations-ko.md",
    "zh-Hans": FIXTURES / "cjk" / "japan-rok-relations-zh-Hans.md",
}
LANGUAGES = ("en", *TRANSLATIONS)
NAMES = (
    "Hideshi Futori",
    "Mele Tupou",
    "Nguyễn Thị Lan",
    "Somchai Phongsavath",
    "Aiko Ōno",
    "Priya Raman",
)
FIGURE = "basin.png"
"""A picture in tests/fixtures: build a varied article there to print its figures."""


@functools.cache
def sentences(lang: str) -> tuple[str, ...]:
    """Return the sentences of the repository's texts in a language."""
    paths = ENGLISH if lang == "en" else (TRANSLATIONS[lang],)
    found: list[str] = []
    for path in paths:
        article = load(path)
        for block in article.body:
            text = " ".join(plain_text([block]).split())
            pattern = r"(?<=[.!?])\s+" if lang in ("en", "ko") else r"(?<=[。！？])"
            found += [part.strip() for part in re.split(pattern, text) if len(part.strip()) > 12]
    return tuple(found)


def length(text: str) -> int:
    """Return a text's length as a reader counts it: CJK characters, else words."""
    cjk = len(cjk_character().findall(text))
    return cjk if cjk > len(text) / 3 else len(text.split())


class _Writer:
    """Draws text of a given length from a language's sentences."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        self.pool = sentences(lang)
        self.rng = rng
        self.joiner = "" if lang in ("ja", "zh-Hans") else " "

    def text(self, size: int) -> str:
        """Return whole sentences of about `size` words (characters in CJK)."""
        chosen: list[str] = []
        while not chosen or length(self.joiner.join(chosen)) < size * 0.9:
            chosen.append(self.rng.choice(self.pool))
        return self.joiner.join(chosen)

    def line(self, size: int) -> str:
        """Return the start of a sentence, of about `size` words (characters in CJK)."""
        text = self.rng.choice(self.pool)
        if self.joiner:
            return " ".join(text.split()[:size]).rstrip(",.;:")
        return text[:size].rstrip("、。")


def varied_article(words: int, seed: int, lang: str = "en") -> model.Article:
    """Return an article of about `words` words (characters in CJK) of varied shape."""
    rng = random.Random(f"{seed}-{lang}")
    scale = 2 if lang in TRANSLATIONS else 1  # a CJK character is about half a word
    writer = _Writer(lang, rng)
    body: list[model.Block] = []
    notes: list[model.Footnote] = []
    paragraph_words = rng.choice([(30, 90), (50, 130), (70, 180), (30, 180)])
    subheads = rng.choice([0, 0, 3, 4, 5, 7])
    target = words * scale
    written = 0
    index = 0
    while written < target:
        if subheads and index and index % subheads == 0:
            level = rng.choice([2, 2, 2, 3])
            body.append(model.Heading(level, (model.Text(writer.line(rng.randint(3, 8))),)))
        roll = rng.random()
        if roll < 0.06:
            items = tuple(
                model.ListItem((model.Paragraph((model.Text(writer.text(rng.randint(6, 35))),)),))
                for _ in range(rng.randint(2, 5))
            )
            body.append(model.ListBlock(rng.random() < 0.5, items))
        elif roll < 0.09:
            quote = model.Paragraph((model.Text(writer.text(rng.randint(15, 50))),))
            body.append(model.BlockQuote((quote,)))
        elif roll < 0.11:
            quote = model.Paragraph((model.Text(writer.line(rng.randint(10, 25))),))
            body.append(model.PullQuote((quote,)))
        elif roll < 0.125:
            caption = (model.Text(writer.line(rng.randint(6, 16))),)
            body.append(model.Figure(FIGURE, "A map of the basin", caption))
        elif roll < 0.135:
            body.append(_table(writer, rng))
        else:
            size = min(rng.randint(*paragraph_words) * scale, max(target - written, 10))
            content: list[model.Inline] = [model.Text(writer.text(size))]
            if rng.random() < 0.3 and len(notes) < 10:
                label = f"n{len(notes) + 1}"
                note = model.Paragraph((model.Text(writer.text(rng.randint(10, 40))),))
                notes.append(model.Footnote(label, (note,)))
                content.append(model.NoteRef(label))
            body.append(model.Paragraph(tuple(content)))
        written = sum(length(plain_text([block])) for block in body)
        index += 1
    names = rng.sample(NAMES, rng.choice([1, 1, 1, 2, 2, 3]))
    authors = tuple(
        model.Author(name, bio=f"{name}: {writer.text(rng.randint(12, 40))}")
        if rng.random() < 0.9
        else model.Author(name)
        for name in names
    )
    return model.Article(
        title=writer.line(rng.randint(5, 18)),
        number=600 + seed if rng.random() < 0.8 else None,
        date=datetime.date(2024, 1, 1) + datetime.timedelta(days=seed),
        kicker=rng.choice(["", "Analysis", "Commentary"]),
        authors=authors,
        summary=writer.text(rng.randint(35, 100)) if rng.random() < 0.9 else "",
        body=tuple(body),
        notes=tuple(notes),
        lang=lang,
    )


def _table(writer: _Writer, rng: random.Random) -> model.Table:
    """Return a small table of figures with a caption."""
    columns = rng.randint(2, 4)

    def row(first: str) -> model.TableRow:
        cells = [model.TableCell((model.Text(first),))]
        cells += [
            model.TableCell((model.Text(f"{rng.randint(1, 999)}"),)) for _ in range(columns - 1)
        ]
        return model.TableRow(tuple(cells))

    head = (row(writer.line(2)),)
    body = tuple(row(writer.line(rng.randint(1, 4))) for _ in range(rng.randint(2, 7)))
    caption = (model.Text(writer.line(rng.randint(4, 10))),)
    return model.Table(head, body, ("left",) + ("right",) * (columns - 1), caption)
