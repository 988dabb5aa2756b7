"""Languages in the tagged PDF: a /Lang on the structure element of each element with `lang`.

WeasyPrint 70 tags the PDF (PDF/UA) but gives only the document its language: a
passage in another language (`[岸田]{lang=ja}`) or a series text printed in English in a
French edition would be read aloud in the document's language. No option or hook of
WeasyPrint sets it, so its structure builder (`weasyprint.pdf.tags._build_box_tree`,
which recurses through the module's own name) is wrapped here: each structure element
made for a box whose element carries `lang` gets that language. The wrapper is
installed once, on first use, and only where the function has the shape it expects;
the project pins WeasyPrint to one major version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from exporter.writers.hooks import expected

EXPECTED = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
_installed = False


def install() -> None:
    """Make WeasyPrint write /Lang on structure elements of elements with a `lang`."""
    global _installed
    if _installed:
        return
    _installed = True
    import pydyf
    from weasyprint.pdf import tags

    original = expected(
        tags,
        "_build_box_tree",
        EXPECTED,
        "WeasyPrint's tagging is not as expected: passages keep the page's language",
    )
    if original is None:
        return

    def build(box: Any, *rest: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None else None
        own = lang and getattr(box, "element_tag", None) not in ("html", "body")
        for made in _original(box, *rest):
            if own and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    _original: Callable[..., Iterator[Any]] = original
    tags._build_box_tree = build
