"""The web page readers: the seed page, page fixtures in both shapes, and each small rule."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pypdf
import pytest

from exporter import model
from exporter.cli import main
from exporter.readers import load
from exporter.readers.webpage import read_saved_page
from exporter.readers.webpage.assemble import text_key, without_repeats
from exporter.readers.webpage.authors import authors_from_summary, looks_like_name
from exporter.readers.webpage.html_page import read_html_page
from exporter.readers.webpage.noise import is_noise, undoubled
from exporter.walk import plain_text, query
from tests.tools import assert_in_order, pdf_text, text_segments

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "fixtures" / "webpages"
# A copy of shared/seed/asia-pacific-bulletin-web-page.txt, so that the tests need no
# folder outside the repository.
SEED = PAGES / "japan-rok-saved.txt"
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
SEED_TITLE = (
    "Strengthening Japan-ROK Relations: The Prime Time to Rebuild Relations Through"
    " Young Parliamentary Diplomacy"
)
# Each page fixture next to the article an editor would have made of it by hand.
FIXTURES = [
    (SEED, EXAMPLE),
    *(
        (page, PAGES / f"{page.name.rsplit('.', 1)[0]}.expected.md")
        for page in sorted(PAGES.iterdir())
        if page.suffix in (".txt", ".html") and page != SEED
    ),
]
NOISE = ("Error message", "Status message", "Banner Logo", "Logo", "additional titles",
         "electronic", "Skip to main content", "Privacy", "Most read", "newsletter")  # fmt: skip


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """Collect the warnings of the "exporter" logger, whatever a CLI test set on it before."""
    logger = logging.getLogger("exporter")
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    yield messages
    logger.removeHandler(handler)
    logger.setLevel(level)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


# The seed page ------------------------------------------------------------------------


def test_seed_page_gives_the_hand_cleaned_example(warnings: list[str]) -> None:
    article = load(SEED)
    example = load(EXAMPLE)
    assert article.title == SEED_TITLE
    assert article.summary == example.summary
    assert article.authors == (
        model.Author(
            "Hideshi Futori",
            bio="Hideshi Futori is a Member of the Japanese House of Representatives.",
            affiliation="Member of the Japanese House of Representatives",
        ),
    )
    assert article.body == example.body
    assert article == example  # nothing else either: no number, date or kicker invented


def test_seed_page_has_seven_paragraphs_and_the_list_after_the_third() -> None:
    body = load(SEED).body
    assert [block.kind for block in body] == ["paragraph"] * 3 + ["list"] + ["paragraph"] * 4
    listed = body[3]
    assert isinstance(listed, model.ListBlock)
    assert listed.ordered and listed.start == 1 and len(listed.items) == 4
    assert plain_text([listed.items[0]]).startswith("enact Japan-South Korea (2+2)")
    assert "Korean comfort women issue, a dispute" in plain_text([body[6]])
    assert "radar-lock on a Japanese Self-Defense Force aircraft, and" in plain_text([body[6]])


def test_seed_page_warns_once_of_the_keys_an_editor_must_fill(warnings: list[str]) -> None:
    load(SEED)
    assert warnings == ["the page does not give number, date, kicker: fill these front-matter keys"]


# Page fixtures in both shapes ----------------------------------------------------------


@pytest.mark.parametrize(("page", "expected"), FIXTURES, ids=[p.name for p, _ in FIXTURES])
def test_page_gives_the_article_an_editor_would_make(page: Path, expected: Path) -> None:
    assert load(page) == load(expected)


@pytest.mark.parametrize(("page", "expected"), FIXTURES, ids=[p.name for p, _ in FIXTURES])
def test_every_paragraph_once_in_order_and_no_noise(page: Path, expected: Path) -> None:
    article = load(page)
    blocks = [*query(article, model.Paragraph), *query(article, model.Heading)]
    keys = [text_key(block) for block in blocks]
    assert len(keys) == len(set(keys)), "a paragraph appears twice"
    assert article.summary not in [plain_text([block]) for block in blocks]
    # Every paragraph of the hand-made article is there, in its order.
    assert_in_order(" ".join(text_segments(article)), text_segments(load(expected)))
    printed = " ".join([article.title, article.summary, *text_segments(article)])
    for noise in NOISE:
        assert noise not in printed


def test_two_authors_from_a_page_keep_their_diacritics_and_title(warnings: list[str]) -> None:
    article = load(PAGES / "mekong-saved.txt")
    assert [author.name for author in article.authors] == [
        "Nguyễn Thị Lan",
        "Dr. Somchai Phongsavath",
    ]
    assert all(not author.bio for author in article.authors)  # the page gives no roles
    assert warnings == [
        "the page does not give number, date, kicker, authors.bio: fill these front-matter keys"
    ]


def test_html_page_keeps_structure_and_only_web_links(warnings: list[str]) -> None:
    article = load(PAGES / "mekong-cms.html")
    kinds = [block.kind for block in article.body]
    assert kinds.count("heading") == 2 and "list" in kinds and "block_quote" in kinds
    assert [link.url for link in query(article, model.Link)] == [
        "https://www.mrcmekong.org/",
        "mailto:mekong@example.org",
    ]
    assert query(article, model.Emphasis) and query(article, model.Strong)


def test_html_page_parses_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML reader opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert read_html_page((PAGES / "taiwan-chips-cms.html").read_bytes()).title


def test_page_without_summary_or_authors_says_so(warnings: list[str]) -> None:
    page = (
        "Ports and Power in the Pacific Islands\n\n"
        "China has financed port works in five Pacific Island states since 2015, and"
        " Australia has answered with loans of its own.\n\n"
        "The islands gain roads and wharves from the contest, but they also gain debt.\n"
    )
    article = read_saved_page(page)
    assert article.title == "Ports and Power in the Pacific Islands"
    assert article.summary == "" and article.authors == ()
    assert len(article.body) == 2
    assert warnings == [
        "the page does not give number, date, kicker, summary, authors:"
        " fill these front-matter keys"
    ]


def test_page_without_text_is_refused() -> None:
    from exporter.errors import InputError

    with pytest.raises(InputError, match="no article text"):
        read_saved_page("Error message\nAsia Pacific Bulletin Asia Pacific Bulletin\n")


# The small rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Asia Pacific Bulletin Asia Pacific Bulletin", "Asia Pacific Bulletin"),
        ("A B: C A B: C", "A B: C"),
        ("Asia Pacific Bulletin", ""),
        ("New York New Jersey", ""),
    ],
)
def test_a_line_saved_twice_is_undoubled(line: str, expected: str) -> None:
    assert undoubled(line) == expected


@pytest.mark.parametrize(
    ("text", "noise"),
    [
        ("Error message", True),
        ("Status message", True),
        (" Asia Pacific Bulletin Banner Logo", True),
        ("for additional titles in the", True),
        ("for additional titles in the Asia Pacific Bulletin", True),
        ("The logo of the party changed in 2020.", False),
        ("An error message from Tokyo went unanswered.", False),
    ],
)
def test_furniture_lines_are_recognised(text: str, noise: bool) -> None:
    assert is_noise(text) is noise


@pytest.mark.parametrize(
    ("summary", "names", "roles"),
    [
        (
            "Hideshi Futori, Member of the Japanese House of Representatives, explains the need",
            ["Hideshi Futori"],
            ["Member of the Japanese House of Representatives"],
        ),
        (
            "Dr. Satu Limaye, Vice President of the East-West Center, argues that",
            ["Dr. Satu Limaye"],
            ["Vice President of the East-West Center"],
        ),
        (
            "Nguyễn Thị Lan and Dr. Somchai Phongsavath argue that the Mekong needs",
            ["Nguyễn Thị Lan", "Dr. Somchai Phongsavath"],
            ["", ""],
        ),
        (
            "Jane Doe, Fellow at the U.S. Naval War College, and Ōno Kenji, Professor at"
            " Keio University, argue that",
            ["Jane Doe", "Ōno Kenji"],
            ["Fellow at the U.S. Naval War College", "Professor at Keio University"],
        ),
        ("Anna Lee, Bo Kim and Chen Wei examine", ["Anna Lee", "Bo Kim", "Chen Wei"], [""] * 3),
        ("The Japanese government argues that", [], []),
        ("South Korea explains its turn", [], []),
        ("The United States argues", [], []),
        ("In this bulletin, Jane Doe argues", [], []),
        ("For sixty million people the river matters.", [], []),
    ],
)
def test_authors_come_from_the_summary_opening(
    summary: str, names: list[str], roles: list[str]
) -> None:
    authors = authors_from_summary(summary)
    assert [a.name for a in authors] == names
    assert [a.affiliation for a in authors] == roles


def test_bio_takes_the_right_article() -> None:
    (author,) = authors_from_summary("Kim Ji-woo, Associate Professor at Yonsei, writes that")
    assert author.bio == "Kim Ji-woo is an Associate Professor at Yonsei."
    (author,) = authors_from_summary("Kim Ji-woo, the Director of KINU, writes that")
    assert author.bio == "Kim Ji-woo is the Director of KINU."


@pytest.mark.parametrize(
    ("text", "name"),
    [("Nguyễn Thị Lan", True), ("Dr. Somchai Phongsavath", True), ("Ludwig van Beethoven", True),
     ("Member of the House", False), ("Hideshi", False), ("South Korea", False)],
)  # fmt: skip
def test_names_are_told_from_other_words(text: str, name: bool) -> None:
    assert looks_like_name(text) is name


def paragraph(text: str) -> model.Paragraph:
    return model.Paragraph((model.Text(text),))


def heading(text: str) -> model.Heading:
    return model.Heading(2, (model.Text(text),))


def test_a_repeated_run_goes_but_a_lone_repeated_subhead_stays() -> None:
    blocks: list[model.Block] = [
        heading("Conclusion"),
        paragraph("One."),
        heading("Conclusion"),
        paragraph("Two."),
        heading("Conclusion"),
        paragraph("One."),
        paragraph("Three."),
    ]
    assert without_repeats(blocks) == [
        heading("Conclusion"),
        paragraph("One."),
        heading("Conclusion"),
        paragraph("Two."),
        paragraph("Three."),
    ]


def test_lists_subheads_and_stray_spaces_in_saved_text() -> None:
    page = (
        "Three Tasks Three Tasks\n"
        "Dr. Ana Cruz, Fellow at the Center, argues that the region must act.\n\n"
        "The region has three tasks , and little time .\n\n"
        "What Comes Next?\n\n"
        "  1. first task,\n\n"
        "  2. second task, and\n"
        "  3. third task.\n"
        "- a dash bullet\n"
        "• a round bullet\n"
        "Done in time\n"
    )
    article = read_saved_page(page)
    assert article.title == "Three Tasks"
    assert article.summary.startswith("Dr. Ana Cruz, Fellow")
    assert article.body == (
        paragraph("The region has three tasks, and little time."),
        heading("What Comes Next?"),
        model.ListBlock(
            True,
            tuple(
                model.ListItem((paragraph(t),))
                for t in ("first task,", "second task, and", "third task.")
            ),
        ),
        model.ListBlock(
            False,
            tuple(model.ListItem((paragraph(t),)) for t in ("a dash bullet", "a round bullet")),
        ),
        paragraph("Done in time"),
    )


def test_import_and_build_the_seed_page_into_a_two_page_pdf(tmp_path: Path) -> None:
    article_md = tmp_path / "japan-rok.md"
    code, _out, err = run("import", str(SEED), "-o", str(article_md))
    assert code == 0, err
    assert "warning: the page does not give number, date, kicker" in err
    assert load(article_md) == load(EXAMPLE)
    code, _out, err = run("build", str(article_md), "--to", "pdf", "-o", str(tmp_path), "-q")
    assert code == 0, err
    pdf = tmp_path / "japan-rok.pdf"
    assert len(pypdf.PdfReader(str(pdf)).pages) == 2
    article = load(article_md)
    assert_in_order(pdf_text(pdf), [SEED_TITLE, article.summary, *text_segments(article)])
