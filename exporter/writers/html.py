"""The shared HTML writer: article blocks and inlines as (X)HTML for the PDF and EPUB."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from markupsafe import Markup

from exporter import model
from exporter.walk import plain_text

SAFE_LINK_SCHEMES = ("http", "https", "mailto", "tel")
ANCHOR_PREFIX = "at-"
"""What an anchor's id is prefixed with in HTML, apart from the writers' own ids."""
CELL_CHARACTERS = 24
"""The characters a table column is counted as at most, for its width: longer text wraps."""
CELL_PADDING = 2
SHORT_LAST_WORD = 6
"""A paragraph's last word of fewer characters (its punctuation aside) keeps its neighbour."""
SHORT_TABLE_ROWS = 4
"""A table of at most this many body rows, and SHORT_TABLE_LINES lines, is marked `short`:
layouts may keep it whole (the EPUB scrolls it sideways on a wide screen)."""
SHORT_TABLE_LINES = 12
"""The most lines a short table's rows take, each row the lines its longest cell wraps to
at CELL_CHARACTERS a line: a third of a page at 200% type on a phone."""


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """How the HTML is shaped for its consumer."""

    epub: bool = False
    """Mark note calls and notes with `epub:type` and set the notes as footnote asides."""
    column_characters: int = 0
    """The characters of body text a column holds: a wider table spans every column (0: none)."""
    tie_last_words: bool = False
    """Join a paragraph's last word, when shorter than SHORT_LAST_WORD, to the word before
    with a no-break space: no runt last line (print)."""
    link_labels: dict[str, str] | None = None
    """Where links go in words (`Series.links`), given each link as its `aria-label`: the
    PDF's link descriptions (none: links have no label)."""
    figure_classes: dict[int, str] = field(default_factory=dict)
    """A class for some of the body's figures (and the heading right above one), by their
    place among the body's blocks: how the PDF sets a figure the fitter placed otherwise
    (`figureplaces.FIGURE_CLASSES`)."""


@dataclass(slots=True)
class _Notes:
    """Note numbers by label, and how often each note has been called so far."""

    numbers: dict[str, int]
    calls: dict[str, int] = field(default_factory=dict)


def note_numbers(article: model.Article) -> dict[str, int]:
    """Return the printed number of each footnote label (notes are numbered in order)."""
    return {note.label: i for i, note in enumerate(article.notes, start=1)}


def inlines_html(inlines: tuple[model.Inline, ...], options: HtmlOptions) -> Markup:
    """Return the HTML of some inlines outside the body (captions, titles): no note calls."""
    return Markup(_inlines(inlines, _Notes({}), options))


def body_html(article: model.Article, options: HtmlOptions) -> Markup:
    """Return the HTML of the article's body blocks.

    A pull quote that repeats the body's words is hidden from assistive technologies
    (`aria-hidden`, as DPUB-ARIA advises for `doc-pullquote`), which would read them twice;
    the tagged PDF marks it as an artifact.
    """
    notes = _Notes(note_numbers(article))
    repeated = _repeated_pull_quotes(article.body)
    placed = options.figure_classes
    return Markup(
        "".join(
            _block(block, notes, options).replace("<aside ", '<aside aria-hidden="true" ', 1)
            if i in repeated
            else _figure(block, notes, options, placed[i])
            if i in placed and isinstance(block, model.Figure)
            else _heading(block, notes, options, placed[i])
            if i in placed and isinstance(block, model.Heading)
            else _block(block, notes, options)
            for i, block in enumerate(article.body)
        )
    )


def _repeated_pull_quotes(blocks: tuple[model.Block, ...]) -> set[int]:
    """Return the places of the pull quotes among `blocks` whose words the others print."""
    quotes = {i for i, block in enumerate(blocks) if isinstance(block, model.PullQuote)}
    if not quotes:
        return set()
    others = " ".join(plain_text([b]) for i, b in enumerate(blocks) if i not in quotes)
    text = f" {' '.join(others.split())} "
    found = set()
    for i in quotes:
        words = " ".join(plain_text([blocks[i]]).split())
        if words and f" {words} " in text:
            found.add(i)
    return found


def notes_html(article: model.Article, options: HtmlOptions) -> list[Markup]:
    """Return the HTML content of each note, in order, its number linked back to its call."""
    notes = _Notes(note_numbers(article))
    result = []
    for number, note in enumerate(article.notes, start=1):
        label = _label(options, "backlink", number=str(number))
        back = f'<a href="#note-ref-{number}" role="doc-backlink"{label}>{number}.</a> '
        blocks = [_block(block, notes, options) for block in note.content]
        if blocks and blocks[0].startswith("<p>"):
            blocks[0] = "<p>" + back + blocks[0][3:]
        else:
            blocks.insert(0, f"<p>{back}</p>")
        result.append(Markup("".join(blocks)))
    return result


def _block(block: model.Block, notes: _Notes, options: HtmlOptions) -> str:
    if isinstance(block, model.Paragraph):
        content = _tied(block.content) if options.tie_last_words else block.content
        return f"<p>{_inlines(content, notes, options)}</p>"
    if isinstance(block, model.Heading):
        return _heading(block, notes, options)
    if isinstance(block, model.ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = ""
        if block.ordered and block.start != 1:
            # The counter reset makes layouts that draw numbers with ::before count right.
            start = f' start="{block.start}" style="counter-reset: list-item {block.start - 1}"'
        items = "".join(_list_item(item, notes, options) for item in block.items)
        return f"<{tag}{start}>{items}</{tag}>"
    if isinstance(block, model.BlockQuote):
        inner = "".join(_block(b, notes, options) for b in block.content)
        return f"<blockquote>{inner}</blockquote>"
    if isinstance(block, model.PullQuote):
        inner = "".join(_block(b, notes, options) for b in block.content)
        return f'<aside class="pullquote" role="doc-pullquote">{inner}</aside>'
    if isinstance(block, model.Table):
        return _table(block, notes, options)
    return _figure(block, notes, options)


def _heading(heading: model.Heading, notes: _Notes, options: HtmlOptions, kind: str = "") -> str:
    """Return a heading's HTML, of the class `kind` when one is given."""
    tag = f"h{heading.level}"
    opening = f'<{tag} class="{escape(kind)}">' if kind else f"<{tag}>"
    return f"{opening}{_inlines(heading.content, notes, options)}</{tag}>"


def _figure(figure: model.Figure, notes: _Notes, options: HtmlOptions, kind: str = "") -> str:
    """Return a figure's HTML, of the class `kind` when one is given."""
    caption = _inlines(figure.caption, notes, options)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    opening = f'<figure class="{escape(kind)}">' if kind else "<figure>"
    picture = f'<img src="{escape(figure.src)}" alt="{escape(figure.alt)}"/>'
    return f"{opening}{picture}{figcaption}</figure>"


def _tied(inlines: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """Return a paragraph's inlines with a short last word tied to the one before it.

    The last word is the end of the last text, before any note calls that follow it.
    """
    end = len(inlines)
    while end and isinstance(inlines[end - 1], model.NoteRef):
        end -= 1
    if not end or not isinstance(last := inlines[end - 1], model.Text):
        return inlines
    head, space, word = last.text.rstrip(" ").rpartition(" ")
    letters = word.strip(".,;:!?)]}\"'’”»…")
    if not space or not head.strip() or not word or len(letters) >= SHORT_LAST_WORD:
        return inlines
    tied = model.Text(head + "\u00a0" + word)
    return (*inlines[: end - 1], tied, *inlines[end:])


def _table(table: model.Table, notes: _Notes, options: HtmlOptions) -> str:
    """Return a table in a box of its own, which scrolls sideways on a narrow screen."""
    align = table.align or ("",) * table.columns
    caption = _inlines(table.caption, notes, options)
    parts = [f"<caption>{caption}</caption>"] if caption else []
    if table.head:
        rows = "".join(_row(row, align, "th", notes, options) for row in table.head)
        parts.append(f"<thead>{rows}</thead>")
    # In an EPUB each body cell carries its column's heading, which a narrow screen
    # shows before it when the table's rows are set as blocks (the layout's CSS).
    labels = [" ".join(plain_text([c]).split()) for c in table.head[-1].cells] if table.head else []
    rows = "".join(_row(row, align, "td", notes, options, labels) for row in table.body)
    parts.append(f"<tbody>{rows}</tbody>")
    wide = options.column_characters and table_characters(table) > options.column_characters
    short = len(table.body) <= SHORT_TABLE_ROWS and table_lines(table) <= SHORT_TABLE_LINES
    box = "table" + (" wide" if wide else "") + (" short" if short else "")
    # A scrolling region is focusable, so that a keyboard can scroll it (WCAG 2.1.1).
    label = escape(plain_text(table.caption) or "table", quote=True)
    return (
        f'<div class="{box}" role="region" tabindex="0" aria-label="{label}">'
        f"<table>{''.join(parts)}</table></div>"
    )


def _row(
    row: model.TableRow,
    align: tuple[str, ...],
    tag: str,
    notes: _Notes,
    options: HtmlOptions,
    labels: list[str] | None = None,
) -> str:
    cells = []
    for column, (cell, alignment) in enumerate(zip(row.cells, align, strict=False)):
        scope = ' scope="col"' if tag == "th" else ""
        aligned = f' class="{alignment}"' if alignment else ""
        label = ""
        if options.epub and labels and column < len(labels) and labels[column]:
            label = f' data-label="{escape(labels[column], quote=True)}"'
        content = _inlines(cell.content, notes, options)
        cells.append(f"<{tag}{scope}{aligned}{label}>{content}</{tag}>")
    return f"<tr>{''.join(cells)}</tr>"


def table_characters(table: model.Table) -> int:
    """Return about how many characters wide a table sets: its columns' text, capped, padded.

    A column counts its longest cell up to CELL_CHARACTERS (longer text wraps), but at
    least its longest word, which cannot.
    """
    width = 0
    for column in range(table.columns):
        texts = [
            plain_text([row.cells[column]])
            for row in (*table.head, *table.body)
            if column < len(row.cells)
        ]
        longest = max((len(text) for text in texts), default=0)
        word = max((len(word) for text in texts for word in text.split()), default=0)
        width += max(min(longest, CELL_CHARACTERS), word) + CELL_PADDING
    return width


def table_lines(table: model.Table) -> int:
    """Return about how many lines a table's rows take: each its longest cell's, wrapped."""
    lines = 0
    for row in (*table.head, *table.body):
        longest = max((len(plain_text([cell])) for cell in row.cells), default=0)
        lines += max(1, math.ceil(longest / CELL_CHARACTERS))
    return lines


def _list_item(item: model.ListItem, notes: _Notes, options: HtmlOptions) -> str:
    # The first paragraph is written without its <p>, so that it runs on from the
    # item's number or bullet; the item's other blocks follow as blocks.
    blocks = list(item.content)
    lead = ""
    if blocks and isinstance(first := blocks[0], model.Paragraph):
        lead = _inlines(first.content, notes, options)
        blocks.pop(0)
    return "<li>" + lead + "".join(_block(b, notes, options) for b in blocks) + "</li>"


def _inlines(inlines: tuple[model.Inline, ...], notes: _Notes, options: HtmlOptions) -> str:
    return "".join(_inline(inline, notes, options) for inline in inlines)


def _inline(inline: model.Inline, notes: _Notes, options: HtmlOptions) -> str:
    if isinstance(inline, model.Text):
        return escape(inline.text, quote=False)
    if isinstance(inline, model.Emphasis):
        return f"<em>{_inlines(inline.content, notes, options)}</em>"
    if isinstance(inline, model.Strong):
        return f"<strong>{_inlines(inline.content, notes, options)}</strong>"
    if isinstance(inline, model.Code):
        return f"<code>{escape(inline.text, quote=False)}</code>"
    if isinstance(inline, model.LineBreak):
        return "<br/>"
    if isinstance(inline, model.Superscript):
        return f"<sup>{_inlines(inline.content, notes, options)}</sup>"
    if isinstance(inline, model.Subscript):
        return f"<sub>{_inlines(inline.content, notes, options)}</sub>"
    if isinstance(inline, model.Anchor):
        return f'<span id="{escape(ANCHOR_PREFIX + inline.id)}"></span>'
    if isinstance(inline, model.Span):
        lang = escape(inline.lang)
        xml_lang = f' xml:lang="{lang}"' if options.epub else ""
        return f'<span lang="{lang}"{xml_lang}>{_inlines(inline.content, notes, options)}</span>'

    if isinstance(inline, model.Link):
        text = _inlines(inline.content, notes, options)
        if not is_safe_link(inline.url):
            return text
        title = f' title="{escape(inline.title)}"' if inline.title else ""
        url = "#" + ANCHOR_PREFIX + inline.url[1:] if inline.url.startswith("#") else inline.url
        label = _link_label(inline, options)
        return f'<a href="{escape(url)}"{title}{label}>{text}</a>'
    assert isinstance(inline, model.NoteRef)
    return _note_ref(inline, notes, options)


def _note_ref(ref: model.NoteRef, notes: _Notes, options: HtmlOptions) -> str:
    number = notes.numbers.get(ref.note)
    if number is None:
        return ""
    count = notes.calls.get(ref.note, 0) + 1
    notes.calls[ref.note] = count
    ref_id = f"note-ref-{number}" if count == 1 else f"note-ref-{number}-{count}"
    epub_type = ' epub:type="noteref"' if options.epub else ""
    label = _label(options, "note", number=str(number))
    return (
        f'<a class="note-ref" id="{ref_id}" href="#note-{number}" role="doc-noteref"'
        f"{epub_type}{label}>{number}</a>"
    )


def _link_label(link: model.Link, options: HtmlOptions) -> str:
    """Return a link's `aria-label` attribute: where it goes, in the series' words."""
    if options.link_labels is None:
        return ""
    if link.url.startswith("#"):
        return _label(options, "place", text=" ".join(plain_text([link]).split()))
    scheme, _, rest = link.url.partition(":")
    if scheme.lower() == "mailto":
        return _label(options, "mail", address=rest.split("?")[0])
    if scheme.lower() == "tel":
        return _label(options, "phone", address=rest)
    return _label(options, "web", address=web_address(link.url))


def web_address(url: str) -> str:
    """Return a web address as people say it: no scheme, no `www.`, no final slash."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return host + rest if host else url


def _label(options: HtmlOptions, kind: str, **values: str) -> str:
    """Return the ` aria-label="..."` of a link of `kind`, or nothing without labels."""
    if options.link_labels is None or kind not in options.link_labels:
        return ""
    words = options.link_labels[kind]
    for name, value in values.items():
        words = words.replace("{" + name + "}", value)
    return f' aria-label="{escape(words, quote=True)}"'


def is_safe_link(url: str) -> bool:
    """Return True for links a reader may follow: web, mail, and places in the document."""
    if url.startswith("#"):
        return True
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # not a URL at all, such as "http://[x"
        return False
    return scheme in SAFE_LINK_SCHEMES
