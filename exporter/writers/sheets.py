"""The bulletin's stylesheets, each parsed once for as long as it holds.

WeasyPrint parses a document's own `<style>` again at every layout. The fitter lays one
article out at several settings and a batch lays out hundreds of articles in one design,
so the layout gives the design and the setting in two templates: `bulletin.css.j2`,
parsed once per process for each set of values it is rendered with (colours, paper,
press, fonts), and `bulletin-fit.css.j2`, the setting's custom properties, parsed once
per setting. Both reach WeasyPrint as parsed stylesheets. A layout without
`bulletin-fit.css.j2` gives its whole CSS for each setting, in the page, as it did before.
"""

from __future__ import annotations

import threading
from typing import Any

import jinja2

from exporter.recent import Recent
from exporter.writers.copyfit import FitSetting

DESIGN_TEMPLATE = "bulletin.css.j2"
FIT_TEMPLATE = "bulletin-fit.css.j2"
SHEETS_KEPT = 128
"""Parsed sheets kept per process: a few designs (editions, paper, print) and the
settings of each (33 on the bundled scale, twice: bio on page 2 or on a page of its own)."""

_parsed: Recent[Any] = Recent(SHEETS_KEPT)
_parsed_lock = threading.Lock()


def has_fit_sheet(env: jinja2.Environment) -> bool:
    """Return whether the layout gives its settings apart from its design."""
    try:
        env.get_template(FIT_TEMPLATE)
    except jinja2.TemplateNotFound:
        return False
    return True


def parsed_sheet(css: str, font_config: Any, url_fetcher: Any, base_url: str) -> Any:
    """Return `css` parsed by WeasyPrint, from the process's cache when it was seen before.

    The key is the text itself, the font configuration it registers its fonts in and the
    URL its own URLs are relative to, so that a changed template or other values give
    a new sheet.
    """
    from weasyprint import CSS

    key = (css, id(font_config), base_url)
    with _parsed_lock:
        found = _parsed.get(key)
    if found is not None:
        return found
    sheet = CSS(string=css, base_url=base_url, url_fetcher=url_fetcher, font_config=font_config)
    with _parsed_lock:
        return _parsed.put(key, sheet)


def fit_css(env: jinja2.Environment, setting: FitSetting, bio_on_new_page: bool) -> str:
    """Return the custom properties of one setting, from the layout's fit template."""
    return env.get_template(FIT_TEMPLATE).render(fit=setting, bio_on_new_page=bio_on_new_page)
