"""Where to cut an article too long, and the room one that fits leaves, in lines."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from exporter.layouts import find_layout
from exporter.writers.cuts import cuts_of, room_of
from exporter.writers.pagefill import overflow_length
from exporter.writers.pdf import _page_layout, layout_bulletin, overflow_proof
from tests.articles import full_article
from tests.test_fill import BOUNDS, context_for
from tests.tools import normalise

IDEAL_STEP = dict(zip(BOUNDS.names, (step for step, _ in BOUNDS.anchors), strict=True))["ideal"]


def test_the_lines_over_at_the_ideal_setting_are_those_a_layout_there_takes(
    tmp_path: Path,
) -> None:
    article = full_article(2300, seed=23)
    context = context_for(article, tmp_path)
    overflow = overflow_proof(article, context)
    assert overflow is not None and overflow.result is not None
    cuts = cuts_of(overflow.result, BOUNDS)
    tightest, ideal = cuts.lines_over
    assert (tightest.setting, tightest.measured, tightest.body_size) == ("tightest", True, 9.5)
    assert (ideal.setting, ideal.measured) == ("ideal", False)
    # Predicted from the tightest layout, within a tenth of what the ideal's layout takes.
    setting = BOUNDS.setting(IDEAL_STEP)
    document = _page_layout(article, context)(setting, False)
    measured = overflow_length(document, BOUNDS.pages) / (setting.body_size * setting.leading)
    assert abs(ideal.lines - measured) <= 0.1 * measured, (ideal.lines, measured)
    assert 0 < tightest.lines < ideal.lines
    # The blocks past page 2 run to the body's end (then the notes), in order.
    blocks = [past.block for past in cuts.beyond]
    assert blocks == list(range(blocks[0], blocks[-1] + 1))
    assert blocks[-1] >= len(article.body) - 1
    assert all(past.whole for past in cuts.beyond[1:])
    assert all(place.page > BOUNDS.pages for past in cuts.beyond for place in past.places)


def test_page_two_ends_after_the_last_line_of_its_last_column(tmp_path: Path) -> None:
    article = full_article(2300, seed=23)
    overflow = overflow_proof(article, context_for(article, tmp_path))
    assert overflow is not None and overflow.last_line is not None
    reader = pypdf.PdfReader(io.BytesIO(overflow.pdf))
    page_two = normalise(reader.pages[1].extract_text() or "")
    last = normalise(overflow.last_line.text).rstrip("\u2010-")
    # In reading order: nothing of the body follows it on the page, only the running head.
    assert last in page_two
    after = page_two[page_two.rindex(last) + len(last) :].strip()
    assert after.startswith(find_layout(None).series.name), after


def test_the_shorter_the_article_the_more_lines_are_left(tmp_path: Path) -> None:
    left = []
    for words in (350, 500, 650):
        article = full_article(words, seed=words + 7)
        result = layout_bulletin(article, context_for(article, tmp_path))
        left.append(room_of(result, BOUNDS))
    assert left == sorted(left, reverse=True) and left[-1] < left[0]
    assert left[0] > 10
