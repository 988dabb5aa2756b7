"""Read an article from its JSON form (what `--to json` writes)."""

from __future__ import annotations

import json

from exporter import model
from exporter.codec import article_from_data
from exporter.errors import InputError


def read_json(text: str) -> model.Article:
    """Return the article in JSON `text`; raise InputError naming the place of the first fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"broken JSON: {error.msg}", where=f"line {error.lineno}, column {error.colno}"
        ) from None
    return article_from_data(data)
