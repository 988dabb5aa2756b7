"""Write an article as Markdown with YAML front matter, the form the Markdown reader reads.

The output reads back into the same model: text is escaped so that nothing in it turns
into markup, straight quotes and hyphen runs stay as they are, and the front matter
keeps only the keys that differ from their defaults.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from exporter import model
from exporter.context import RenderContext

# Characters a backslash must protect in text: markup, and what the typographer changes.
ESCAPED = re.compile(r"([\\`*_\[\]<>!&#|~\"'^])")
LINE_START = re.compile(r"^(\s*)([-+=:>]|\d+[.)])")
HYPHEN_RUN = re.compile(r"-(?=-)")
CAPTION_LIKE = re.compile(r"^(Table):")
SIMPLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
TYPOGRAPHIC = re.compile(r"--|[\"']")
ALIGNMENT_MARKS = {"": "---", "left": ":--", "center": ":-:", "right": "--:"}


def write_markdown(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as UTF-8 Markdown with YAML front matter."""
    del context  # Markdown does not depend on the layout
    parts = ["---\n" + _front_matter(article) + "---\n"]
    parts.append(_blocks(article.body))
    parts.extend(_footnote(note) for note in article.notes)
    return ("\n".join(parts).rstrip("\n") + "\n").encode("utf-8")


def _front_matter(article: model.Article) -> str:
    data: dict[str, Any] = {}
    defaults = model.Article(title="")
    for key in ("series", "number", "date", "kicker", "title", "subtitle"):
        value = getattr(article, key)
        if key == "title" or value != getattr(defaults, key):
            data[key] = _typed(value)
    if article.authors:
        data["authors"] = [_author(author) for author in article.authors]
    if article.summary:
        data["summary"] = _typed(article.summary)
    if article.lang != defaults.lang:
        data["lang"] = article.lang
    if article.keywords:
        data["keywords"] = list(article.keywords)
    # An edition's source: the editor's library reads these back, no output prints them.
    for key in ("translation_of", "translated_from"):
        if getattr(article, key):
            data[key] = getattr(article, key)
    dumped: str = yaml.dump(
        data, allow_unicode=True, sort_keys=False, width=88, default_flow_style=False
    )
    return dumped


def _typed(value: Any) -> Any:
    """Return a front-matter text protected from the reader's typographer."""
    if isinstance(value, str):
        return _protect_typography(value)
    if value is not None and hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _protect_typography(text: str) -> str:
    text = text.replace("\\", "\\\\")
    # Quotes from the typographer; marks the reader refuses in a summary or bio as markup.
    text = re.sub(r"([\"'*_~^`\[\]<])", r"\\\1", text)
    return HYPHEN_RUN.sub("\\-", text)


def _author(author: model.Author) -> dict[str, str]:
    entry = {"name": author.name}
    if author.affiliation:
        entry["affiliation"] = author.affiliation
    if author.bio:
        entry["bio"] = _typed(author.bio)
    return entry


def _blocks(blocks: tuple[model.Block, ...]) -> str:
    """Return blocks separated by blank lines; a list next to a list of its kind switches
    its marker, since Markdown would otherwise read the two as one list."""
    parts = []
    alternate = False
    previous: model.Block | None = None
    for block in blocks:
        if isinstance(block, model.ListBlock):
            same_kind = isinstance(previous, model.ListBlock) and previous.ordered == block.ordered
            alternate = not alternate if same_kind else False
            parts.append(_list(block, alternate))
        elif isinstance(previous, model.Table) and isinstance(block, model.Paragraph):
            # A paragraph after a table that opens like a caption must not read as one.
            parts.append(CAPTION_LIKE.sub(r"\1\\:", _block(block), count=1))
        else:
            parts.append(_block(block))
        previous = block
    return "\n".join(parts)


def _block(block: model.Block) -> str:
    if isinstance(block, model.Paragraph):
        return _paragraph_text(block.content) + "\n"
    if isinstance(block, model.Heading):
        return "#" * block.level + " " + _inlines(block.content) + "\n"
    if isinstance(block, model.ListBlock):
        return _list(block, alternate=False)
    if isinstance(block, model.BlockQuote):
        inner = _blocks(block.content)
        return "".join(f"> {line}".rstrip() + "\n" for line in inner.rstrip("\n").split("\n"))
    if isinstance(block, model.PullQuote):
        inner = _blocks(block.content)
        return f"::: pullquote\n{inner}:::\n"
    if isinstance(block, model.Table):
        return _table(block)
    # The caption is Markdown inside a link title, which is unescaped once before the
    # caption's own Markdown is read: its backslashes and quotes are escaped again.
    caption = _inlines(block.caption).replace("\\", "\\\\").replace('"', '\\"')
    title = f' "{caption}"' if caption else ""
    return f"![{_escape(block.alt)}](<{_destination(block.src)}>{title})\n"


def _paragraph_text(inlines: tuple[model.Inline, ...]) -> str:
    """Return a paragraph's Markdown, no line of it read as a block marker.

    Lines after the first begin after a hard break, where "1. " or "- " would start a list.
    """
    lines = _inlines(inlines).split("\n")
    return "\n".join(
        LINE_START.sub(lambda m: m[1] + m[2][:-1] + "\\" + m[2][-1], line, 1) for line in lines
    )


def _list(block: model.ListBlock, alternate: bool) -> str:
    lines = []
    for number, item in enumerate(block.items, start=block.start):
        if block.ordered:
            marker = f"{number}{')' if alternate else '.'} "
        else:
            marker = "* " if alternate else "- "
        indent = " " * len(marker)
        body = _blocks(item.content).rstrip("\n") or "\\"
        first, *rest = body.split("\n")
        lines.append(marker + first)
        lines.extend(indent + line if line else "" for line in rest)
    return "\n".join(lines) + "\n"


def _table(table: model.Table) -> str:
    """Return a pipe table; a table without a header row gets an empty one, as it reads back."""
    columns = table.columns
    align = table.align or ("",) * columns
    head = table.head[0] if table.head else model.TableRow((model.TableCell(),) * columns)
    rows = [_row(head), "| " + " | ".join(ALIGNMENT_MARKS[a] for a in align) + " |"]
    rows.extend(_row(row) for row in table.body)
    caption = f"\nTable: {_inlines(table.caption)}\n" if table.caption else ""
    return "\n".join(rows) + "\n" + caption


def _row(row: model.TableRow) -> str:
    cells = (_cell(cell) for cell in row.cells)
    return "| " + " | ".join(cell or " " for cell in cells) + " |"


def _cell(cell: model.TableCell) -> str:
    """Return a cell's Markdown: breaks as <br>, every pipe escaped, code spans' too.

    The table's parser takes a pipe after any backslash as escaped and drops that one
    backslash, before the cell's inlines are read (markdown-it's `escapedSplit`, as
    GFM says): so every pipe gets one more, whatever stands before it, and a code
    span's own backslash before a pipe is kept.
    """
    return _inlines(cell.content).replace("\\\n", "<br>").replace("|", "\\|")


def _footnote(note: model.Footnote) -> str:
    body = _blocks(note.content).rstrip("\n")
    first, *rest = body.split("\n")
    return "\n".join([f"[^{note.label}]: {first}", *("    " + r if r else "" for r in rest)]) + "\n"


def _inlines(inlines: tuple[model.Inline, ...]) -> str:
    return "".join(_inline(inline) for inline in inlines)


def _inline(inline: model.Inline) -> str:
    if isinstance(inline, model.Text):
        return _escape(inline.text)
    if isinstance(inline, model.Emphasis):
        return _delimited("*", inline.content)
    if isinstance(inline, model.Strong):
        return _delimited("**", inline.content)
    if isinstance(inline, model.Code):
        return _code(inline.text)
    if isinstance(inline, model.Link):
        title = inline.title.replace("\\", "\\\\").replace('"', '\\"')
        title_part = f' "{title}"' if title else ""
        return f"[{_inlines(inline.content)}](<{_destination(inline.url)}>{title_part})"
    if isinstance(inline, model.NoteRef):
        return f"[^{inline.note}]"
    if isinstance(inline, model.Span):
        return f"[{_inlines(inline.content)}]{{lang={inline.lang}}}"
    if isinstance(inline, model.Superscript | model.Subscript):
        return _raised(inline)
    if isinstance(inline, model.Anchor):
        # `{#id}` takes letters, digits, - and _ only; other ids go quoted.
        return f"[]{{#{inline.id}}}" if SIMPLE_ID.match(inline.id) else f'[]{{id="{inline.id}"}}'
    return "\\\n"


def _raised(inline: model.Superscript | model.Subscript) -> str:
    """Return m^2^ or H~2~O; raised text with markup inside goes as HTML, which reads back."""
    mark, tag = ("^", "sup") if isinstance(inline, model.Superscript) else ("~", "sub")
    if inline.content and all(isinstance(i, model.Text) for i in inline.content):
        raw = "".join(i.text for i in inline.content if isinstance(i, model.Text))
        # Inside ^...^ a backslash cannot keep a straight quote or a hyphen run from the
        # typographer: such text goes as HTML, where it can.
        if raw.strip() == raw and "\n" not in raw and not TYPOGRAPHIC.search(raw):
            return mark + _escape(raw).replace(" ", "\\ ") + mark
    return f"<{tag}>{_inlines(inline.content)}</{tag}>"


def _escape(text: str) -> str:
    text = ESCAPED.sub(r"\\\1", text)
    text = HYPHEN_RUN.sub("\\-", text)
    return text.replace("\n", " ")


def _delimited(marker: str, content: tuple[model.Inline, ...]) -> str:
    # A break at the end goes after the closing marker: on a line of its own, a run of
    # closing markers such as `***` would read as a thematic break.
    if content and isinstance(content[-1], model.LineBreak):
        return _delimited(marker, content[:-1]) + _inline(content[-1])
    # Emphasis cannot open or close next to a space, so edge spaces go outside it.
    inner = _inlines(content)
    stripped = inner.strip(" ")
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip(" "))]
    trail = inner[len(inner.rstrip(" ")) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _destination(url: str) -> str:
    return url.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
