"""The EPUB's Jinja templates (the layout's `epub/` folder) and the series colours they print."""

from __future__ import annotations

import re
from typing import Any

import jinja2
from markupsafe import Markup

from exporter.errors import LayoutError
from exporter.layouts import Layout

TEMPLATE_FOLDER = "epub"
SAFE_CSS_VALUE = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]+|rgba?\([0-9., %]+\)")


def environment(layout: Layout) -> jinja2.Environment:
    """Return the layout's Jinja environment; raise LayoutError if it has no EPUB templates."""
    if not (layout.folder / TEMPLATE_FOLDER).is_dir():
        raise LayoutError(f"the layout has no {TEMPLATE_FOLDER}/ folder", file=str(layout.folder))
    return layout.environment()


def template_exists(env: jinja2.Environment, name: str) -> bool:
    """Return whether the layout has the EPUB template `name`."""
    try:
        env.get_template(f"{TEMPLATE_FOLDER}/{name}")
    except jinja2.TemplateNotFound:
        return False
    return True


def render(env: jinja2.Environment, name: str, **values: Any) -> str:
    """Return an EPUB template rendered; a missing template or value is a LayoutError."""
    try:
        template = env.get_template(f"{TEMPLATE_FOLDER}/{name}")
    except jinja2.TemplateNotFound:
        raise LayoutError(f"the layout has no {TEMPLATE_FOLDER}/{name}") from None
    try:
        return template.render(**values)
    except jinja2.UndefinedError as error:
        # Most likely a colour or text the series.yaml of a user's layout does not define.
        raise LayoutError(f"{error.message}", file=f"{TEMPLATE_FOLDER}/{name}") from None


def css_colours(colours: dict[str, str]) -> dict[str, Markup]:
    """Return the series colours that are safe to write into CSS, as markup."""
    safe = {}
    for name, value in colours.items():
        if SAFE_CSS_VALUE.fullmatch(value.strip()):
            safe[name] = Markup(value.strip())  # checked above, so it cannot break out of CSS
        else:
            raise LayoutError(f"colour {name!r} is not a CSS colour: {value!r}")
    return safe
