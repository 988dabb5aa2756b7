"""The warnings of a read manuscript: once per kind, with a count, saying what changed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from exporter.readers.docx.package import NS

if TYPE_CHECKING:
    from exporter.readers.docx.body import DocumentReader

log = logging.getLogger("exporter")

COUNTED_WARNINGS = {
    "strike-through": "%d passage(s) in strike-through: the text is kept, the line is not",
    "underline": "%d underlined passage(s): the text is kept, the underline is not",
    "small capitals": "%d passage(s) in small capitals: the text is kept in ordinary letters",
    "equation": "%d equation(s) kept as linear text (a/b, x^2, √(x)): check them",
    "symbol": "%d symbol(s) of a symbol font with no known Unicode character were left out",
}


def warn(reader: DocumentReader) -> None:
    """Say, once per kind, what the reading changed, guessed or left out."""
    counts = reader.counts.copy()
    for inline_reader in reader.readers:
        counts.update(inline_reader.counts)
    if counts["tracked change"]:
        log.warning(
            "read %d tracked change(s) as accepted: insertions kept, deletions dropped",
            counts["tracked change"],
        )
    comments = _comment_count(reader)
    if comments:
        log.warning("left out %d comment(s)", comments)
    for kind, message in COUNTED_WARNINGS.items():
        if counts[kind]:
            log.warning(message, counts[kind])
    if counts["list label as text"]:
        log.warning(
            "%d item(s) of lettered or roman-numbered lists: their labels (a., iv.) are kept "
            "as text at the start of each paragraph",
            counts["list label as text"],
        )
    if counts["numbered subhead"]:
        log.warning(
            "%d numbered subhead(s): the numbers are kept as text", counts["numbered subhead"]
        )
    if counts["subhead line break"]:
        log.warning(
            "%d subhead(s) held line breaks: their lines were joined", counts["subhead line break"]
        )
    if counts["title paragraph as subhead"]:
        log.warning(
            "%d Title paragraph(s) differ from the title property: kept as subheads",
            counts["title paragraph as subhead"],
        )
    if counts["heading 1 as subhead"]:
        reader.guesses.append("Heading 1 as a subhead (Heading 2)")
    if counts["nested table"]:
        log.warning(
            "%d table(s) inside table cells: their rows were kept as lines of the cell",
            counts["nested table"],
        )
    reader.pictures.warn()
    if reader.guesses:
        log.warning(
            "guessed from a document without the bulletin's styles: %s", "; ".join(reader.guesses)
        )


def _comment_count(reader: DocumentReader) -> int:
    package = reader.package
    name = package.related(package.document_name, "/comments")
    if name is None:
        return 0
    return len(package.xml(name).findall("w:comment", NS))
