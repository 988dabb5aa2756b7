"""The quotation marks of each language, and the pairing of straight quotes markdown-it leaves.

Babel carries no CLDR delimiters, so the common ones are here, from CLDR's
`delimiters` (quotationStart/End, alternateQuotationStart/End); a layout's series.yaml
may give its own per language (`quotes:` in a translation), as a Japanese series may
prefer 「」 to “”. French takes a narrow no-break space inside its guillemets, as French
typography sets them.
"""

from __future__ import annotations

import yaml
from markdown_it.rules_core import StateCore

from exporter.layouts import best_language_match
from exporter.yamlfile import LIBYAML_SAFE_LOADER

Quotes = tuple[str, str, str, str]
ENGLISH: Quotes = ("\u201c", "\u201d", "\u2018", "\u2019")
BY_LANGUAGE: dict[str, Quotes] = {
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u201c", "\u201d"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "pl": ("\u201e", "\u201d", "\u00ab", "\u00bb"),
    "nl": ("\u2018", "\u2019", "\u201c", "\u201d"),
    "zh-Hant": ("\u300c", "\u300d", "\u300e", "\u300f"),
}
"""Quotes by language tag, where they are not the English ones (ja, ko, zh, vi, id use
English quotes unless the layout says otherwise)."""
STRAIGHT = '"'


def quotes_for(lang: str, layout_quotes: dict[str, Quotes] | None = None) -> Quotes:
    """Return the quotes of `lang`: the layout's for it if it gives them, else the defaults."""
    for table in (layout_quotes or {}, BY_LANGUAGE):
        key = best_language_match(lang, table)
        if key is not None:
            return table[key]
    return ENGLISH


def front_matter_language(text: str) -> tuple[str, str]:
    """Return the `lang` and `series` a Markdown file's front matter gives, without checking it.

    Quotes are set while the body is parsed, so the language is read first; a front
    matter that does not read is left to the reader, which says what is wrong.
    """
    if not text.lstrip("\ufeff").startswith("---"):
        return "en", "apb"
    end = text.find("\n---", 3)
    try:
        data = yaml.load(text.lstrip("\ufeff")[3:end], LIBYAML_SAFE_LOADER) if end > 0 else None
    except (yaml.YAMLError, ValueError, TypeError):  # a date such as 2022-13-45
        data = None
    if not isinstance(data, dict):
        return "en", "apb"
    return str(data.get("lang") or "en"), str(data.get("series") or "apb")


def pair_leftover_quotes(state: StateCore) -> None:
    """Pair the straight double quotes smart quotes left, in order: open, close.

    markdown-it opens or closes a quote by what stands beside it, and a letter right
    after a closing quote (a Korean or Japanese particle: "이웃"이라고) leaves both marks
    straight. An even number of straight quotes left in a paragraph are paired here;
    an odd number is left as typed.
    """
    opening, closing = state.md.options["quotes"][:2]
    for token in state.tokens:
        texts = [child for child in token.children or () if child.type == "text"]
        if sum(child.content.count(STRAIGHT) for child in texts) % 2:
            continue
        is_open = True
        for child in texts:
            if STRAIGHT not in child.content:
                continue
            pieces = child.content.split(STRAIGHT)
            joined = pieces[0]
            for piece in pieces[1:]:
                joined += (opening if is_open else closing) + piece
                is_open = not is_open
            child.content = joined
