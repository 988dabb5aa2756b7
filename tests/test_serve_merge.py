"""Two saves of one article merged field by field and paragraph by paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.serve.form import split_front_matter
from exporter.serve.merge import merge

BASE = """---
number: 615
kicker: Analysis
title: Rivers Without Borders
authors:
- name: Nguyễn Thị Lan
- name: Kenji Ōtani
summary: The downstream states need a shared data regime.
keywords:
- Mekong
- water
---

The Mekong River sustains sixty million people in six countries.

## Upstream dams, downstream doubts

Data on reservoir releases remain scarce, and the commission publishes only part.

- release schedules shared a week ahead,
- joint monitoring stations.

A closing paragraph that says what should be done next.
"""


def edited(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_changes_to_different_fields_and_paragraphs_are_combined() -> None:
    yours = edited(
        BASE,
        ("title: Rivers Without Borders", "title: Rivers Without Walls"),
        ("sixty million people", "sixty-five million people"),
    )
    theirs = edited(
        BASE,
        ("kicker: Analysis", "kicker: Opinion"),
        ("remain scarce", "remain very scarce"),
        ("- water\n", "- water\n- data\n"),
    )
    merged = merge(BASE, yours, theirs)
    assert merged.overlaps == ()
    text = merged.text()
    front, body = split_front_matter(text)
    assert front["title"] == "Rivers Without Walls"
    assert front["kicker"] == "Opinion"
    assert front["keywords"] == ["Mekong", "water", "data"]
    assert "sixty-five million people" in body
    assert "remain very scarce" in body
    assert merged.combined == ("the kicker", "the keywords", "the body (1 place)")


def test_neighbouring_paragraphs_edited_by_each_are_combined() -> None:
    yours = edited(BASE, ("sixty million", "sixty-one million"))
    theirs = edited(BASE, ("## Upstream dams", "## Upstream dams and"))
    merged = merge(BASE, yours, theirs)
    assert merged.overlaps == ()
    assert "sixty-one million" in merged.text()
    assert "## Upstream dams and" in merged.text()


def test_one_field_changed_by_both_is_an_overlap_with_both_sides() -> None:
    yours = edited(BASE, ("kicker: Analysis", "kicker: Mine"), ("only part.", "only part of it."))
    theirs = edited(BASE, ("kicker: Analysis", "kicker: Theirs"), ("number: 615", "number: 616"))
    merged = merge(BASE, yours, theirs)
    assert [(o.label, o.theirs, o.yours, o.joinable) for o in merged.overlaps] == [
        ("the kicker", "Theirs", "Mine", False)
    ]
    chose_mine = split_front_matter(merged.text(["yours"]))
    assert chose_mine[0]["kicker"] == "Mine"
    assert chose_mine[0]["number"] == 616  # their other change is kept either way
    assert "only part of it." in chose_mine[1]
    assert split_front_matter(merged.text(["theirs"]))[0]["kicker"] == "Theirs"
    with pytest.raises(ValueError, match="1 choices are needed"):
        merged.text()


def test_one_paragraph_changed_by_both_can_keep_both() -> None:
    yours = edited(BASE, ("A closing paragraph", "My closing paragraph"))
    theirs = edited(BASE, ("A closing paragraph", "Their closing paragraph"))
    merged = merge(BASE, yours, theirs)
    (overlap,) = merged.overlaps
    assert overlap.label == "the body, paragraph 5"
    assert overlap.theirs.startswith("Their closing") and overlap.yours.startswith("My closing")
    body = split_front_matter(merged.text(["both"]))[1]
    assert body.index("Their closing") < body.index("My closing")


def test_paragraphs_added_at_one_place_by_both_are_an_overlap() -> None:
    yours = BASE + "\nMy new paragraph.\n"
    theirs = BASE + "\nTheir new paragraph.\n"
    (overlap,) = merge(BASE, yours, theirs).overlaps
    assert (overlap.theirs, overlap.yours) == ("Their new paragraph.", "My new paragraph.")


def test_the_same_change_made_by_both_is_taken_once() -> None:
    both = edited(BASE, ("remain scarce", "remain rare"), ("kicker: Analysis", "kicker: News"))
    merged = merge(BASE, both, both)
    assert merged.overlaps == ()
    assert merged.text().count("remain rare") == 1


def test_an_author_added_by_each_can_keep_both() -> None:
    yours = edited(BASE, ("- name: Kenji Ōtani\n", "- name: Kenji Ōtani\n- name: Ana Lima\n"))
    theirs = edited(BASE, ("- name: Kenji Ōtani\n", "- name: Kenji Ōtani\n- name: Bo Chen\n"))
    merged = merge(BASE, yours, theirs)
    (overlap,) = merged.overlaps
    assert overlap.label == "the authors"
    names = [a["name"] for a in split_front_matter(merged.text(["both"]))[0]["authors"]]
    assert names == ["Nguyễn Thị Lan", "Kenji Ōtani", "Bo Chen", "Ana Lima"]


def test_a_paragraph_one_deletes_and_the_other_edits_is_an_overlap() -> None:
    yours = edited(BASE, ("A closing paragraph that says what should be done next.\n", ""))
    theirs = edited(BASE, ("should be done next", "must be done next"))
    (overlap,) = merge(BASE, yours, theirs).overlaps
    assert overlap.yours == "(nothing: removed)"
    assert "must be done next" in overlap.theirs


PARAGRAPHS = st.lists(
    st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(lambda t: "P " + t.strip()),
    min_size=0,
    max_size=8,
)


def _article(paragraphs: list[str]) -> str:
    return "---\ntitle: T\n---\n\n" + "\n\n".join(paragraphs) + "\n"


@settings(max_examples=300, deadline=None)
@given(base=PARAGRAPHS, mine=PARAGRAPHS, theirs=PARAGRAPHS)
def test_no_edit_is_lost_without_being_shown(
    base: list[str], mine: list[str], theirs: list[str]
) -> None:
    merged = merge(_article(base), _article(mine), _article(theirs))
    shown = "\n\n".join(f"{o.theirs}\n\n{o.yours}" for o in merged.overlaps)
    resolved = merged.text(["both"] * len(merged.overlaps))
    body = split_front_matter(resolved)[1].strip("\n").split("\n\n")
    for paragraph in {*mine, *theirs} - set(base):
        # Every paragraph either side wrote is in the merge, or in an overlap shown.
        assert paragraph in body or paragraph in shown
    if mine == base:
        assert merged.overlaps == () and merged.text() == _article(theirs)
    if theirs == base:
        assert merged.overlaps == () and merged.text() == _article(mine)
