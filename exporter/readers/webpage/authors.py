"""Authors read from a summary's opening: "Name, Role, explains ..." or "X and Y argue ..."."""

from __future__ import annotations

import re

from exporter import model

# The reporting verbs a teaser opens with, singular (one author) to plural (several).
VERBS = {
    "analyses": "analyse",
    "analyzes": "analyze",
    "argues": "argue",
    "assesses": "assess",
    "calls": "call",
    "considers": "consider",
    "contends": "contend",
    "describes": "describe",
    "discusses": "discuss",
    "examines": "examine",
    "explains": "explain",
    "explores": "explore",
    "highlights": "highlight",
    "looks": "look",
    "notes": "note",
    "observes": "observe",
    "outlines": "outline",
    "proposes": "propose",
    "recommends": "recommend",
    "reflects": "reflect",
    "reviews": "review",
    "says": "say",
    "stresses": "stress",
    "suggests": "suggest",
    "urges": "urge",
    "warns": "warn",
    "writes": "write",
}
OPENING = re.compile(
    r"^(?P<subject>[^.;:!?]*?(?:\b(?:Dr|Prof|Mr|Mrs|Ms|Jr|Sr|[A-Z])\.[^.;:!?]*?)*),?\s+"
    r"(?P<verb>" + "|".join(sorted([*VERBS, *VERBS.values()], key=len, reverse=True)) + r")\b"
)
HONORIFICS = frozenset({"Dr.", "Prof.", "Mr.", "Mrs.", "Ms.", "Jr.", "Sr."})
# Lower-case words that belong inside names: "Ludwig van Beethoven", "Mahathir bin Mohamad".
# Words that open or fill the name of a place or body, not of a person ("South Korea argues").
NOT_IN_NAMES = frozenset({"The", "This", "These", "Our", "In", "A", "An", "North", "South", "East",
                          "West", "New", "United", "States", "Republic", "Kingdom", "Union",
                          "Government", "Ministry", "Center", "Centre", "Institute", "University",
                          "Council", "Korea", "Japan", "China", "India", "Taiwan"})  # fmt: skip
PARTICLES = frozenset({"al", "bin", "binti", "da", "de", "del", "der", "di", "dos", "du", "la",
                       "le", "van", "von"})  # fmt: skip


def authors_from_summary(summary: str) -> tuple[model.Author, ...]:
    """Return the authors a summary names at its opening, or () if it names none."""
    match = OPENING.match(" ".join(summary.split()))
    if match is None:
        return ()
    subject = match["subject"].strip().rstrip(",")
    if match["verb"] in VERBS:  # singular: one author, maybe with a role after a comma
        author = _person(subject)
        return (author,) if author else ()
    # Plural: people joined by "and" and commas, each maybe with its own role
    # ("X, Fellow at Y, and Z argue"): split at "and" first, then each part at its comma.
    parts = re.split(r",?\s+and\s+", subject)
    if len(parts) < 2:
        return ()
    people = _people(parts)
    return tuple(people) if len(people) >= 2 else ()


def _people(parts: list[str]) -> list[model.Author]:
    """Return one author per part, or [] if any part does not start with a name."""
    authors: list[model.Author] = []
    for part in parts:
        # "A, B" before the final "and" are names alone; "A, Role" is one person with a role.
        pieces = [piece.strip() for piece in part.split(", ") if piece.strip()]
        if all(looks_like_name(piece) for piece in pieces):
            authors.extend(model.Author(piece) for piece in pieces)
            continue
        author = _person(part)
        if author is None:
            return []
        authors.append(author)
    return authors


def _person(subject: str) -> model.Author | None:
    name, _, role = subject.partition(", ")
    name, role = name.strip(), role.strip().rstrip(",").strip()
    if not looks_like_name(name):
        return None
    if not role:
        return model.Author(name)
    return model.Author(name, bio=f"{name} is {_with_article(role)}.", affiliation=role)


def looks_like_name(text: str) -> bool:
    """Tell whether `text` reads as a person's name: capitalised words, initials, particles."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    named = [word for word in words if word not in HONORIFICS]
    if len(named) < 2 or named[0] in PARTICLES or named[-1] in PARTICLES:
        return False
    if any(word.rstrip(",") in NOT_IN_NAMES for word in named):
        return False
    return all(word in PARTICLES or _capitalised(word) for word in named)


def _capitalised(word: str) -> bool:
    letters = word.replace("-", "").replace("'", "").replace("’", "").rstrip(".")
    return bool(letters) and letters[0].isupper() and letters.isalpha()


def _with_article(role: str) -> str:
    """Return the role as a predicate: "Member of ..." becomes "a Member of ..."."""
    first = role.split()[0]
    if first.lower() in ("a", "an", "the") or first.endswith(("'s", "’s")):
        return role
    article = "an" if first[0].lower() in "aeiou" else "a"
    return f"{article} {role}"
