"""Neighbouring text runs joined into one, as the readers hand inlines to the model."""

from __future__ import annotations

from exporter import model


def merged(inlines: list[model.Inline]) -> tuple[model.Inline, ...]:
    """Return the inlines with neighbouring text runs joined into one, empty ones left out."""
    result: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Text) and result and isinstance(result[-1], model.Text):
            result[-1] = model.Text(result[-1].text + inline.text)
        elif not (isinstance(inline, model.Text) and not inline.text):
            result.append(inline)
    return tuple(result)
