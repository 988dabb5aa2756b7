"""Search in a catalogue: its OpenSearch description and the issues a query finds."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from lxml import etree

from exporter.catalog.feeds import ACQUISITION_TYPE
from exporter.catalog.issues import Issue

OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def opensearch_description(template: str, title: str) -> bytes:
    """Return the OpenSearch description of a search whose URL `template` has {searchTerms}."""
    root = etree.Element(f"{{{OPENSEARCH}}}OpenSearchDescription", nsmap={None: OPENSEARCH})  # type: ignore[dict-item]
    # ShortName is at most 16 characters, the description at most 1,024 (OpenSearch 1.1).
    etree.SubElement(root, f"{{{OPENSEARCH}}}ShortName").text = title[:16]
    description = etree.SubElement(root, f"{{{OPENSEARCH}}}Description")
    description.text = f"Search {title} by title, author or summary."[:1024]
    etree.SubElement(root, f"{{{OPENSEARCH}}}InputEncoding").text = "UTF-8"
    etree.SubElement(root, f"{{{OPENSEARCH}}}OutputEncoding").text = "UTF-8"
    etree.SubElement(root, f"{{{OPENSEARCH}}}Url", type=ACQUISITION_TYPE, template=template)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def matching(issues: Sequence[Issue], query: str) -> list[Issue]:
    """Return the issues whose title, authors or summary hold every word of `query`, in order.

    Case and accents are ignored: "mekong" finds "Mékong".
    """
    words = folded(query).split()
    if not words:
        return []
    found = []
    for issue in issues:
        text = folded(" ".join([issue.title, *issue.authors, issue.summary]))
        if all(word in text for word in words):
            found.append(issue)
    return found


def folded(text: str) -> str:
    """Return `text` without case or accents, to compare as a reader types."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
