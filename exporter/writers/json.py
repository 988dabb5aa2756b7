"""Write the article model as JSON, the lossless exchange form."""

from __future__ import annotations

import json

from exporter import model
from exporter.codec import to_data
from exporter.context import RenderContext


def write_json(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as indented UTF-8 JSON."""
    del context  # the JSON form does not depend on the layout
    return (json.dumps(to_data(article), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
