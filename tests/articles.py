"""Article fixtures built directly as models, so that writer tests do not depend on a reader."""

from __future__ import annotations

import datetime
import random

from exporter import model

T = model.Text


def para(*parts: model.Inline | str) -> model.Paragraph:
    """Return a paragraph of the given inlines, strings becoming text."""
    return model.Paragraph(tuple(T(p) if isinstance(p, str) else p for p in parts))


def rich_article() -> model.Article:
    """Return an article with every kind of block and inline, two authors and three notes."""
    return model.Article(
        title="Mekong Water Diplomacy: Đà Nẵng, Ōsaka and the Politics of Rivers",
        series="apb",
        number=612,
        date=datetime.date(2023, 3, 9),
        kicker="Analysis",
        subtitle="What downstream states can ask of upstream dams",
        authors=(
            model.Author(
                "Nguyễn Thị Lan",
                bio=(
                    "Nguyễn Thị Lan is a Research Fellow at the Institute for River Studies "
                    "in Hà Nội."
                ),
                affiliation="Institute for River Studies",
            ),
            model.Author(
                "Kenji Ōtani",
                bio="Kenji Ōtani is a Visiting Scholar at the East-West Center in Washington.",
            ),
        ),
        summary=(
            "Nguyễn Thị Lan and Kenji Ōtani argue that the Mekong’s downstream states need a "
            "shared data regime before the next dry season, and that Japan can broker it."
        ),
        lang="en",
        keywords=("Mekong", "water security", "Japan"),
        body=(
            para(
                "The Mekong River (",
                model.Span("vi", (T("sông Mê Kông"),)),
                ") sustains sixty million people across six countries. ",
                model.Emphasis((T("Every"),)),
                " dry season since 2019 has been worse than the last.",
                model.NoteRef("n1"),
            ),
            model.Heading(2, (T("Upstream dams, downstream doubts"),)),
            para(
                "Data on reservoir releases remain ",
                model.Strong((T("scarce"),)),
                "; the ",
                model.Link("https://example.org/mrc", (T("Mekong River Commission"),)),
                " publishes only part of it.",
                model.NoteRef("n2"),
            ),
            model.ListBlock(
                False,
                (
                    model.ListItem((para("release schedules shared a week ahead,"),)),
                    model.ListItem(
                        (
                            para("joint monitoring stations, including"),
                            model.ListBlock(
                                True,
                                (
                                    model.ListItem((para("one at Chiang Saen"),)),
                                    model.ListItem((para("one at Kratie"),)),
                                ),
                            ),
                        )
                    ),
                    model.ListItem((para("an early-warning line for fishers."),)),
                ),
            ),
            model.BlockQuote((para("Water that is not measured cannot be shared."),)),
            model.Heading(3, (T("A role for Japan"),)),
            para(
                "Tokyo funds hydrology programmes in Laos and Cambodia",
                model.NoteRef("n3"),
                " and can tie them to open data.",
            ),
            model.PullQuote((para("Open data is the cheapest dam safety measure there is."),)),
            para("The next dry season is the test of whether that promise holds."),
        ),
        notes=(
            model.Footnote(
                "n1", (para("Mekong River Commission, State of the Basin Report, 2023."),)
            ),
            model.Footnote(
                "n2", (para("Interview with a hydrologist in Vientiane, January 2023."),)
            ),
            model.Footnote("n3", (para("JICA, Annual Report 2022, pp. 41–43."),)),
        ),
    )


def french_article() -> model.Article:
    """Return a French edition with two authors, a note and a table: the series has no
    French texts, so each of its texts prints in English."""

    def row(*cells: str) -> model.TableRow:
        return model.TableRow(tuple(model.TableCell((T(cell),)) for cell in cells))

    return model.Article(
        title="Diplomatie de l’eau sur le Mékong : ce que l’aval peut demander à l’amont",
        series="apb",
        number=641,
        date=datetime.date(2023, 5, 17),
        kicker="Analyse",
        authors=(model.Author("Mele Tupou"), model.Author("Nguyễn Thị Lan")),
        summary=(
            "Les États de l’aval du Mékong ont besoin d’un régime commun de données avant "
            "la prochaine saison sèche."
        ),
        lang="fr",
        body=(
            para(
                "Le Mékong fait vivre soixante millions de personnes dans six pays.",
                model.NoteRef("n1"),
            ),
            model.Heading(2, (T("Des barrages en amont, des doutes en aval"),)),
            para("Les données sur les lâchers des réservoirs restent rares."),
            model.Table(
                head=(row("Année", "Débit (m³/s)"),),
                body=(row("2019", "8 200"), row("2023", "6 900")),
                align=("left", "right"),
                caption=(T("Débit moyen à Kratie en saison sèche"),),
            ),
            para("La prochaine saison sèche dira si cette promesse tient."),
        ),
        notes=(model.Footnote("n1", (para("Commission du Mékong, rapport 2023."),)),),
    )


# Words of policy prose with the length mix of English text (about 5 letters a word).
WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "as",
    "with",
    "by",
    "it",
    "at",
    "from",
    "this",
    "be",
    "are",
    "was",
    "an",
    "have",
    "has",
    "not",
    "but",
    "or",
    "its",
    "more",
    "their",
    "which",
    "will",
    "also",
    "can",
    "new",
    "than",
    "both",
    "after",
    "over",
    "such",
    "trade",
    "policy",
    "region",
    "talks",
    "state",
    "power",
    "ties",
    "deal",
    "aid",
    "law",
    "war",
    "sea",
    "oil",
    "rule",
    "vote",
    "security",
    "alliance",
    "economic",
    "summit",
    "partner",
    "leaders",
    "network",
    "council",
    "minister",
    "reform",
    "cooperation",
    "government",
    "development",
    "investment",
    "stability",
    "agreement",
    "maritime",
    "dialogue",
]


def generated_article(body_words: int, seed: int = 0, number: int | None = 700) -> model.Article:
    """Return an article of about `body_words` words of generated prose, with subheads."""
    rng = random.Random(seed)
    blocks: list[model.Block] = []
    written = 0
    paragraph_index = 0
    while written < body_words:
        if paragraph_index and paragraph_index % 3 == 0:
            blocks.append(model.Heading(2, (T(f"Section {paragraph_index // 3}"),)))
        size = min(rng.randint(70, 130), body_words - written)
        words = [rng.choice(WORDS) for _ in range(max(size, 1))]
        words[0] = f"P{paragraph_index + 1}" + words[0].capitalize()
        blocks.append(para(" ".join(words) + "."))
        written += max(size, 1)
        paragraph_index += 1
    return model.Article(
        title=f"Generated Article of {body_words} Words",
        number=number,
        date=datetime.date(2024, 1, 15),
        kicker="Analysis",
        authors=(model.Author("Ana Pérez", bio="Ana Pérez is a writer of test articles."),),
        summary="Ana Pérez explains why generated articles make good tests of a layout.",
        body=tuple(blocks),
    )


def full_article(body_words: int, seed: int = 0) -> model.Article:
    """Return an article with everything a bulletin may hold, at about `body_words` words.

    Two authors, a 90-word summary, four subheads, a numbered and a bulleted list, a
    block quote, a pull quote and three footnotes, around generated prose.
    """
    base = generated_article(body_words - 110, seed=seed)
    prose = [b for b in base.body if isinstance(b, model.Paragraph)]
    rng = random.Random(seed)

    def words(count: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(count))

    extras: list[list[model.Block]] = [
        [model.Heading(2, (T("The setting"),))],
        [model.ListBlock(True, tuple(model.ListItem((para(words(8) + ","),)) for _ in range(4)))],
        [model.Heading(2, (T("What has changed"),))],
        [model.PullQuote((para(words(14) + "."),))],
        [model.Heading(3, (T("A closer look"),))],
        [model.BlockQuote((para(words(20) + "."),))],
        [model.Heading(2, (T("What comes next"),))],
        [model.ListBlock(False, tuple(model.ListItem((para(words(6)),)) for _ in range(3)))],
    ]
    body: list[model.Block] = []
    calls = 0
    for i, paragraph in enumerate(prose):
        if i in (0, 1, 3) and calls < 3:
            calls += 1
            paragraph = model.Paragraph((*paragraph.content, model.NoteRef(f"n{calls}")))
        body.append(paragraph)
        if extras and i % 2 == 1:
            body.extend(extras.pop(0))
    for extra in extras:
        body.extend(extra)
    return model.Article(
        title=f"A Full Bulletin of {body_words} Words, With Every Part a Layout Must Hold",
        number=base.number,
        date=base.date,
        kicker="Analysis",
        authors=(
            model.Author("Trần Văn Bình", bio="Trần Văn Bình is a Fellow in Đà Nẵng."),
            model.Author("Aiko Ōno", bio="Aiko Ōno is a Visiting Scholar in Ōsaka."),
        ),
        summary="Trần Văn Bình and Aiko Ōno argue that " + words(82) + ".",
        body=tuple(body),
        notes=tuple(
            model.Footnote(f"n{i}", (para(f"Source {i}: {words(12)}."),))
            for i in range(1, calls + 1)
        ),
    )
