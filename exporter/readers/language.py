"""The language a returned text is written in, told by py3langid from its words.

py3langid (langid.py's naive Bayes model over byte n-grams, 97 languages) rather than
lingua-language-detector: on the sentences a bulletin is made of both name French,
Spanish, English, German, Italian, Portuguese and Japanese right (19 and 18 of 20 short
sentences; both take "Mele Tupou et Nguyễn Thị Lan" for Vietnamese), and on an
article's body, hundreds of words, neither errs; but lingua installs 96 MB of models
and takes some 5 s to load them all, py3langid 4.5 MB (and numpy) and under a second.
It is imported on `exporter import` only, when a text is to be told.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

log = logging.getLogger("exporter")

MIN_LETTERS = 200
"""Below this many letters a text is too short to tell its language with confidence."""


def detected_language(text: str) -> str:
    """Return the language a text is written in (an ISO 639-1 code), or "" when the text
    is too short to tell.

    The most likely language is taken: the model's probabilities, normalised, are no
    measure of doubt on a long text (an article's body made of few words, repeated,
    reads as Spanish at 0.54 and as nothing else above 0.3).
    """
    if sum(character.isalpha() for character in text) < MIN_LETTERS:
        return ""
    language, _score = _identifier().classify(text)
    return str(language)


def primary(tag: str) -> str:
    """Return a language tag's primary subtag, lower-cased ("pt" for "pt-BR")."""
    return tag.split("-")[0].lower()


def language_label(tag: str) -> str:
    """Return a language as a warning names it: "French (fr)"."""
    from exporter.editions import language_name

    name = language_name(tag)
    return f"{name} ({tag})" if name != tag else tag


@functools.cache
def _identifier() -> Any:
    """Return py3langid's identifier (its model, loaded once)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)
