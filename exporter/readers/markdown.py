"""Read an article from Markdown with YAML front matter, through markdown-it-py."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from html import escape
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from exporter import model
from exporter.codec import article_from_data
from exporter.errors import InputError
from exporter.readers import addresses, headings
from exporter.readers import lines as places
from exporter.readers.quotes import (
    ENGLISH,
    Quotes,
    front_matter_language,
    pair_leftover_quotes,
    quotes_for,
)
from exporter.readers.runs import merged
from exporter.walk import plain_text, query
from exporter.yamlfile import LIBYAML_SAFE_LOADER

FRONT_MATTER_KEYS = (
    "series",
    "number",
    "date",
    "kicker",
    "title",
    "subtitle",
    "authors",
    "summary",
    "lang",
    "keywords",
    "translation_of",
    "translated_from",
)
AUTHOR_KEYS = ("name", "bio", "affiliation")
DASHES = re.compile(r"-{2,3}")
UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
# A note call inside raw HTML travels through the sanitiser as this private-use mark.
NOTE_MARK = re.compile("\ue000([0-9]+)\ue001")
log = logging.getLogger("exporter")
CONTAINERS = ("em", "strong", "link", "span", "sup", "sub")
"""The inline syntax nodes that hold other inlines."""
# Limits that keep a runaway file from reaching markdown-it's tree builder, which copies
# the token list at every level of nesting (time and memory grow with depth times
# length) and recurses once per level. No article of the bulletin comes near them.
MAX_BODY_CHARACTERS = 1_000_000  # over 100 times what two pages hold
MAX_DELIMITER_RUN = 50
MAX_NESTING = 40  # levels of blocks and inlines together
# Levels of blocks (a list item counts two): within markdown-it's maxNesting of 20, past
# which it silently reads the rest of the line as text.
MAX_BLOCK_NESTING = 19
DELIMITER_RUN = re.compile(r"\*{51,}|_{51,}|~{51,}|\^{51,}|`{51,}|\[{51,}|\]{51,}")
TABLE_CAPTION = re.compile(r"^(?:Table)?:\s+")
"""A paragraph right after a table that starts so is its caption, as pandoc reads it."""
ALIGNMENT = re.compile(r"text-align:\s*(left|center|right)")
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
THEMATIC_BREAK = re.compile(r" {0,3}([*_-])[ \t]*(?:\1[ \t]*){2,}$")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text: the model checks them with a clear message."""


class _QuickFrontMatterLoader(LIBYAML_SAFE_LOADER):  # type: ignore[misc]
    """The same loader through libyaml, where PyYAML was built with it: a tenth of the time."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_QuickFrontMatterLoader.yaml_implicit_resolvers = _FrontMatterLoader.yaml_implicit_resolvers


def _dashes(state: StateCore) -> None:
    """Turn `--` into an en dash and `---` into an em dash in text, as smart quotes do.

    A core rule, so that backslash-escaped hyphens (kept apart until `text_join`) stay.
    """
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = DASHES.sub(
                    lambda m: "\u2014" if len(m[0]) == 3 else "\u2013", child.content
                )


def _undefined_notes(state: StateCore) -> None:
    """Refuse a `[^label]` left as text: the plugin found no definition for it.

    A core rule, so that an escaped `\\[^1]` (kept apart until `text_join`) is allowed.
    """
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and (match := UNDEFINED_NOTE.search(child.content)):
                where = f"line {token.map[0] + 1}" if token.map else ""
                raise InputError(f"footnote {match[1]!r} is called but never defined", where=where)


@functools.lru_cache(maxsize=16)
def _parser(preset: str = "commonmark", quotes: Quotes = ENGLISH) -> MarkdownIt:
    # CommonMark with raw HTML in the body: it goes through the sanitiser's allow-list
    # into model nodes, so nothing an author types becomes markup the renderers did not
    # ask for. Front-matter texts (the zero preset) keep raw HTML as text. Smart quotes
    # turn typed straight quotes into the language's quotes; typed ones pass as they are.
    options = {"typographer": True, "html": preset == "commonmark", "quotes": list(quotes)}
    parser = MarkdownIt(preset, options)
    # Keep link targets and image paths as the author typed them ("map one.png"), not
    # percent-encoded: the model holds paths and addresses, the writers encode them.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    # Every target parses as a link or image, so that the reader, not markdown-it,
    # judges its scheme: an unsafe link keeps its text, not the literal "[x](...)".
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.enable("smartquotes")
    parser.core.ruler.after("smartquotes", "leftover_quotes", pair_leftover_quotes)
    parser.core.ruler.after("leftover_quotes", "dashes", _dashes)
    if preset == "commonmark":
        parser.use(front_matter_plugin).use(footnote_plugin)
        parser.use(container_plugin, name="pullquote")
        # m^2^ and H~2~O, as pandoc writes them; GFM pipe tables.
        parser.use(superscript_plugin).use(sub_plugin).enable("table")
        # `[岸田]{lang=ja}` marks a passage in another language and `[]{#id}` a place links
        # point at; attributes elsewhere (after links, images, code) stay text.
        parser.use(attrs_plugin, spans=True, after=("span_close",), allowed=("lang", "id"))
        parser.core.ruler.before("text_join", "undefined_notes", _undefined_notes)
    else:
        # Front-matter texts: a backslash keeps a straight quote or hyphen as typed.
        parser.enable(["escape", "text_join"])
    return parser


TYPESET_KEYS = ("kicker", "title", "subtitle", "summary")
PLAIN_INLINES = frozenset({"text", "text_special", "softbreak", "hardbreak"})
"""What a front-matter text may hold: text, no markup (which it would print as typed)."""
_QUOTES: contextvars.ContextVar[Quotes] = contextvars.ContextVar("quotes", default=ENGLISH)
"""The quotes of the article being read: its front-matter texts and captions take them."""
_LINES: contextvars.ContextVar[places.Lines | None] = contextvars.ContextVar("lines", default=None)
"""While `read_located` reads: the line each block, list item and note starts on."""
_SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("source", default="")
"""While a text is read: the text, for the column of a fault."""
_NOTICES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("notices", default=None)
"""While a text is read: warnings about inlines, which name the line of their block."""
_SHIFT: contextvars.ContextVar[int | None] = contextvars.ContextVar("shift", default=None)
"""The heading shift asked for (`--shift-headings`); None: the reader chooses it."""
_HEADINGS: contextvars.ContextVar[headings.Plan | None] = contextvars.ContextVar(
    "headings", default=None
)
"""While a body is read: how its headings are shifted, and which one repeats the title."""


@contextlib.contextmanager
def shifted_headings(shift: int | None) -> Iterator[None]:
    """Read Markdown within the block with each heading's level raised by `shift`
    (`--shift-headings`); None lets the reader shift them to start at the first subhead."""
    token = _SHIFT.set(shift)
    try:
        yield
    finally:
        _SHIFT.reset(token)


@dataclasses.dataclass(frozen=True, slots=True)
class Located:
    """An article read and checked, with the line of the file each body block starts on."""

    article: model.Article
    """The article, validated."""
    body_lines: tuple[int, ...]
    """The line (counted from 1) of each of `article.body`'s blocks, in order."""


def typeset(text: str, quotes: Quotes | None = None) -> str:
    """Return `text` with typographic quotes and dashes, as the body gets them."""
    # Only the typographer, for front-matter texts: quotes and dashes, no other markup.
    tokens = _parser("zero", quotes or _QUOTES.get()).parseInline(text)
    children = tokens[0].children or [] if tokens else []
    return "".join(t.content for t in children if t.type == "text")


def read_markdown(text: str) -> model.Article:
    """Return the article in `text`; raise InputError naming the line of the first fault."""
    _check_size(text)
    _check_delimiter_runs(text)
    quotes = quotes_for(*_language_and_layout_quotes(text))
    token = _QUOTES.set(quotes)
    try:
        return _read(text, _parser("commonmark", quotes))
    finally:
        _QUOTES.reset(token)


def read_located(text: str) -> Located:
    """Return the article in `text`, validated, and the line each body block starts on.

    A fault found by the model's checks names its line as the reader's own faults do
    (`exporter.readers.lines`), where it can.
    """
    from exporter.validate import validate

    lines = places.Lines()
    token = _LINES.set(lines)
    try:
        article = read_markdown(text)
    finally:
        _LINES.reset(token)
    try:
        validate(article)
    except InputError as error:
        raise places.model_place(error, article, lines, text, _FrontMatterLoader) from None
    return Located(article, tuple(lines.of(block) for block in article.body))


def read_checked_markdown(text: str) -> model.Article:
    """Return the article in `text`, validated; a fault names its line where it can."""
    return read_located(text).article


def front_matter_place(text: str, path: str) -> str:
    """Return "front matter, line N" for the value at `path` of a text's front matter."""
    return places.front_matter_place(places.front_source(text), path, 2, _FrontMatterLoader)


def _language_and_layout_quotes(text: str) -> tuple[str, dict[str, Quotes]]:
    """Return the article's language and the quotes its layout gives by language."""
    from exporter.errors import LayoutError
    from exporter.layouts import find_layout

    lang, series = front_matter_language(text)
    try:
        return lang, find_layout(None, series).series.quotes
    except (LayoutError, OSError, ValueError):
        return lang, {}  # an unknown series is the reader's to report


def _read(text: str, parser: MarkdownIt) -> model.Article:
    source = _SOURCE.set(text)
    notices = _NOTICES.set([])
    try:
        return _read_tokens(text, parser)
    finally:
        _SOURCE.reset(source)
        _NOTICES.reset(notices)


def _notice(message: str) -> None:
    """Warn about an inline: the warning names its block's line once the block is read."""
    notices = _NOTICES.get()
    if notices is None:
        log.warning("%s", message)
    elif message not in notices:
        notices.append(message)


def _warn_notices(node: SyntaxTreeNode) -> None:
    """Log the warnings about the inlines of the block just read, naming its line."""
    notices = _NOTICES.get()
    for message in notices or ():
        log.warning("%s: %s", _where(node), message)
    if notices:
        notices.clear()


def _read_tokens(text: str, parser: MarkdownIt) -> model.Article:
    tokens = parser.parse(text)
    _check_nesting(tokens)
    dropped = _dropped_html(tokens)
    root = SyntaxTreeNode(tokens)
    front: dict[str, Any] = {}
    body: list[SyntaxTreeNode] = []
    note_nodes: list[SyntaxTreeNode] = []
    for node in root.children:
        if node.type == "front_matter":
            # The YAML's first line is the file's line after the opening `---`.
            front = _front_matter(node.content, node.map[0] + 2 if node.map else 2)
        elif node.type == "footnote_block":
            note_nodes.extend(node.children)
        else:
            body.append(node)
    plan = _heading_plan(body, str(front.get("title", "")), tokens)
    token = _HEADINGS.set(plan)
    try:
        blocks = _blocks(body)
        notes = [_footnote(note) for note in note_nodes]
    finally:
        _HEADINGS.reset(token)
    headings.warn_run_in(plan.run_in)
    if not front:
        if text.lstrip("\ufeff").startswith("---"):
            raise InputError("the front matter has no closing '---' line", where="front matter")
        raise InputError("no front matter: the file must start with '---', 'title: ...', '---'")
    article = article_from_data(front)
    if dropped:
        log.warning("dropped raw HTML: %s", ", ".join(dict.fromkeys(dropped)))
    return dataclasses.replace(article, body=tuple(blocks), notes=tuple(notes))


def _heading_plan(body: list[SyntaxTreeNode], title: str, tokens: list[Token]) -> headings.Plan:
    """Return how the body's headings are shifted (a warning says so when the reader
    chooses), with the places its links point at, which headings may be."""
    written = [
        headings.Written(node, _level(node), _plain(node.children[0].children), _where(node))
        for node in _headings_in(body)
    ]
    targets = frozenset(
        str(child.attrs["href"])[1:]
        for token in tokens
        for child in token.children or ()
        if written and child.type == "link_open" and str(child.attrs.get("href", ""))[:1] == "#"
    )
    return headings.plan(written, title, _SHIFT.get(), targets)


def _headings_in(nodes: list[SyntaxTreeNode]) -> Iterator[SyntaxTreeNode]:
    """Yield the headings among some blocks and the blocks they hold, in order."""
    for node in nodes:
        if node.type == "heading":
            yield node
        elif node.type != "inline":
            yield from _headings_in(node.children)


def _level(heading: SyntaxTreeNode) -> int:
    return int(heading.tag[1])


def _check_size(text: str) -> None:
    """Refuse a file far longer than any article, before parsing it."""
    if len(text) > MAX_BODY_CHARACTERS:
        raise InputError(
            f"too long for two pages: the article is {len(text):,} characters, over the"
            f" limit of {MAX_BODY_CHARACTERS:,}; cut the text or split the article"
        )


def _check_delimiter_runs(text: str) -> None:
    """Refuse a run of emphasis, code or bracket marks longer than any article needs."""
    fence = ""
    for number, line in enumerate(text.split("\n"), 1):
        opening = FENCE.match(line)
        if fence:
            # A fenced code block holds text as typed, marks and all, until its closing.
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence):
                fence = ""
            continue
        if opening and len(opening[1]) <= MAX_DELIMITER_RUN:
            fence = opening[1]
            continue
        if line.startswith(("    ", "\t")) or THEMATIC_BREAK.match(line):
            continue  # indented code, or a rule such as `**********`
        # Code spans are stripped only on a suspect line: the pattern is slow on long ones.
        if DELIMITER_RUN.search(line) and (run := DELIMITER_RUN.search(CODE_SPAN.sub("", line))):
            raise InputError(_run_message(run[0]), where=f"line {number}")


def _run_message(run: str) -> str:
    mark = run[0]
    return (
        f"a run of {len(run):,} {mark!r} (more than {MAX_DELIMITER_RUN}); escape them with \\{mark}"
    )


def _check_nesting(tokens: list[Token]) -> None:
    """Refuse blocks or inlines nested deeper than MAX_NESTING, before the tree is built."""
    depth = 0
    for token in tokens:
        depth += token.nesting
        inline_depth = depth
        for child in token.children or ():
            inline_depth += child.nesting
            if inline_depth > MAX_NESTING:
                break
        limit = MAX_BLOCK_NESTING if depth > MAX_BLOCK_NESTING else MAX_NESTING
        if depth > limit or inline_depth > limit:
            where = f"line {token.map[0] + 1}" if token.map else ""
            raise InputError(
                f"nested more than {limit} levels deep (quotes, lists, emphasis"
                " or links); flatten the text",
                where=where,
            )


def _dropped_html(tokens: list[Token]) -> list[str]:
    """Return what the sanitiser removes from the raw HTML and links of a parsed file."""
    found: list[str] = []
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        if token.type == "html_block":
            found.extend(_dropped(token.content, line))
        for child in _flattened(token.children or []):
            if child.type == "html_inline" and not child.content.startswith("</"):
                found.extend(_dropped(child.content, line))
            elif child.type == "link_open" and not _is_allowed_link(child):
                scheme = addresses.url_scheme(str(child.attrs.get("href", "")))
                found.append(f"{scheme}: link (line {line})")
            elif child.type == "image" and child.attrs.get("title"):
                found.extend(_dropped(str(child.attrs["title"]), line))
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            else:
                line += child.content.count("\n")  # a raw tag may span lines
    return found


def _dropped(raw: str, line: int) -> list[str]:
    """Return what the sanitiser removes from a piece of raw HTML starting at `line`."""
    # The HTML modules are loaded on use: most articles have no raw HTML.
    from exporter.readers import sanitize

    return sanitize.dropped(raw, line)


def _flattened(tokens: list[Token]) -> Iterator[Token]:
    """Yield inline tokens in order, with those inside an image's description."""
    for token in tokens:
        yield token
        yield from _flattened(token.children or [])


def _is_allowed_link(token: Token | SyntaxTreeNode) -> bool:
    return addresses.is_allowed_url(str(token.attrs.get("href", "")))


def _is_script_autolink(node: SyntaxTreeNode) -> bool:
    """Return True for an autolink whose address is a program or a document in itself."""
    scheme = addresses.url_scheme(str(node.attrs.get("href", "")))
    return node.markup == "autolink" and scheme in addresses.SCRIPT_SCHEMES


def _load_front_matter(source: str) -> Any:
    """Return the data of a front matter; raise yaml.YAMLError if it does not read."""
    try:
        return yaml.load(source, Loader=_QuickFrontMatterLoader)
    except yaml.YAMLError:
        # Read again by PyYAML's own parser, whose messages say what is wrong.
        return yaml.load(source, Loader=_FrontMatterLoader)


def _front_matter(source: str, first_line: int = 2) -> dict[str, Any]:
    """Return the front matter's data; a fault names its line of the file (`first_line`
    is the line of the YAML's first)."""

    def place(path: str, key: bool = False) -> str:
        return places.front_matter_place(source, path, first_line, _FrontMatterLoader, key=key)

    try:
        data = _load_front_matter(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        where = "front matter"
        if mark is not None:
            # The column too: YAML's faults are often a character (a colon, a quote).
            where = f"front matter, line {first_line + mark.line}, column {mark.column + 1}"
        raise InputError(f"broken YAML: {problem}", where=where) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("must be 'key: value' lines, not a single value", where="front matter")
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            allowed = ", ".join(FRONT_MATTER_KEYS)
            raise InputError(
                f"unknown key {key!r} (allowed: {allowed})", where=place(str(key), key=True)
            )
    if "title" not in data:
        raise InputError("no title (add 'title: ...')", where="front matter")
    data = dict(data)
    if isinstance(data.get("summary"), str):
        _refuse_markup(data["summary"], "the summary", functools.partial(place, "summary"))
    authors = data.get("authors")
    for index, item in enumerate(authors if isinstance(authors, list) else []):
        if isinstance(item, dict) and isinstance(item.get("bio"), str):
            bio_place = functools.partial(place, f"authors[{index}].bio")
            _refuse_markup(item["bio"], f"authors[{index}]'s bio", bio_place)
    for key in TYPESET_KEYS:
        if isinstance(data.get(key), str):
            data[key] = typeset(data[key])
    if isinstance(data.get("authors"), list):
        try:
            data["authors"] = [_author(item, i) for i, item in enumerate(data["authors"])]
        except InputError as error:
            raise places.placed(error, place(error.where)) from None
    if isinstance(data.get("keywords"), str):
        data["keywords"] = [word.strip() for word in data["keywords"].split(",") if word.strip()]
    try:
        article_from_data(data)
    except InputError as error:
        raise InputError(f"{error.where} {error.what}", where=place(error.where)) from None
    return data


def _refuse_markup(text: str, what: str, where: Callable[[], str]) -> None:
    """Refuse a front-matter text with inline Markdown in it (`H~2~O`, `*so*`, a link):
    the summary and bios are printed as plain text, and would show the marks as typed.

    `where` tells the text's place, found (by reading the YAML again) only for a refusal.
    """
    tokens = _parser().parseInline(text)
    for token in tokens[0].children or [] if tokens else []:
        if token.type not in PLAIN_INLINES:
            kind = token.type.removesuffix("_open").replace("_", " ")
            raise InputError(
                f"{what} holds Markdown ({kind}: {text[:40]!r}), which it would print as typed: "
                "write it as plain text, or put a backslash before each mark (H\\~2\\~O)",
                where=where(),
            )


def _author(item: Any, index: int) -> Any:
    """Accept a bare name as shorthand for {name: ...}; check the keys of a full entry."""
    if isinstance(item, str):
        return {"type": "author", "name": item}
    if isinstance(item, dict):
        for key in item:
            if key not in AUTHOR_KEYS:
                raise InputError(
                    f"authors[{index}] has unknown key {key!r} (allowed: name, bio, affiliation)",
                    where=f"authors[{index}].{key}",  # placed by the caller, by its line
                )
        if "name" not in item:
            raise InputError(f"authors[{index}] has no name", where=f"authors[{index}]")
        if isinstance(item.get("bio"), str):
            item = {**item, "bio": typeset(item["bio"])}
        return {"type": "author", **item}
    return item


def _where(node: SyntaxTreeNode, mark: str = "") -> str:
    """Return "line N" for the line a block starts on; with the column of `mark`, where
    it is found in the block's lines ("line N, column C")."""
    if not node.map:
        return ""
    source = _SOURCE.get().split("\n") if mark else []
    for number in range(node.map[0], min(node.map[1], len(source))):
        if mark and (column := source[number].find(mark)) >= 0:
            return f"line {number + 1}, column {column + 1}"
    return f"line {node.map[0] + 1}"


def _blocks(nodes: list[SyntaxTreeNode]) -> list[model.Block]:
    blocks: list[model.Block] = []
    lines = _LINES.get()
    for node, table in _with_whole_tables(nodes):
        last = blocks[-1] if blocks else None
        if isinstance(last, model.Table) and not last.caption and (caption := _caption(node)):
            blocks[-1] = dataclasses.replace(last, caption=caption)
            _remember(blocks[-1], lines.of(last) if lines is not None else 0)
            continue
        try:
            if table:
                from exporter.readers import html_table

                made = _kept(html_table.html_blocks(table, _line(node)), node)
            else:
                made = _kept(_block(node), node)
        except InputError as error:
            raise error.at(_where(node)) from None  # an inline's fault: its block's line
        _warn_notices(node)
        if made and isinstance(last, _RunIn):
            # A heading set as a bold paragraph runs into the paragraph after it.
            if type(made[0]) is model.Paragraph:
                joined = (*last.content, model.Text(" "), *made[0].content)
                made[0] = model.Paragraph(merged(list(joined)))
            else:
                made.insert(0, model.Paragraph(last.content))
            blocks[-1] = made.pop(0)
            _remember(blocks[-1], lines.of(last) if lines is not None else 0)
        for block in made:
            _remember(block, node.map[0] + 1 if node.map else 0)
        blocks.extend(made)
    if blocks and isinstance(blocks[-1], _RunIn):
        last = blocks[-1]
        blocks[-1] = model.Paragraph(last.content)
        _remember(blocks[-1], lines.of(last) if lines is not None else 0)
    return blocks


def _with_whole_tables(nodes: list[SyntaxTreeNode]) -> Iterator[tuple[SyntaxTreeNode, str]]:
    """Yield the nodes, each with "", but an HTML table that a blank line cuts into several
    blocks: its first node with the table's whole source, the others left out."""
    skip_to = -1
    for i, node in enumerate(nodes):
        if i < skip_to:
            continue
        content = node.content.lower() if node.type == "html_block" else ""
        if not (content and _has_table(content) and "</table" not in content and node.map):
            yield node, ""
            continue
        source = _SOURCE.get().split("\n")
        for j in range(i + 1, len(nodes)):
            end = nodes[j].map
            if end and "</table" in "\n".join(source[node.map[0] : end[1]]).lower():
                yield node, "\n".join(source[node.map[0] : end[1]])
                skip_to = j + 1
                break
        else:
            yield node, ""


def _has_table(html: str) -> bool:
    """Return True when a piece of raw HTML holds a table."""
    from exporter.readers import html_table

    return html_table.has_table(html)


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def _kept(blocks: list[model.Block], node: SyntaxTreeNode) -> list[model.Block]:
    """Return the blocks a node made, but those with nothing to print, each with a warning."""
    kept: list[model.Block] = []
    for block in blocks:
        if isinstance(block, model.Paragraph) and not _has_text(block.content):
            what = "code block" if node.type in ("fence", "code_block") else "paragraph"
            log.warning("%s: an empty %s: dropped", _where(node), what)
        elif isinstance(block, model.Figure) and not block.src.strip():
            log.warning("%s: an image with no file (%r): dropped", _where(node), block.alt)
        else:
            kept.append(block)
    return kept


def _remember(node: object, line: int) -> None:
    """Keep the line a block (list item, note) starts on, while `read_located` reads."""
    lines = _LINES.get()
    if lines is not None:
        lines.remember(node, line)


def _caption(node: SyntaxTreeNode) -> tuple[model.Inline, ...]:
    """Return the caption a paragraph gives the table before it ("Table: ..."), or ()."""
    if node.type != "paragraph" or not node.children[0].children:
        return ()
    first = node.children[0].children[0]
    if first.type != "text" or not TABLE_CAPTION.match(first.content):
        return ()
    content = list(_inlines(node.children[0].children))
    lead = content[0]
    assert isinstance(lead, model.Text)
    content[0] = model.Text(TABLE_CAPTION.sub("", lead.text, count=1))
    return tuple(inline for inline in content if inline != model.Text(""))


def _block(node: SyntaxTreeNode) -> list[model.Block]:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(node)
    if kind == "heading":
        return _heading(node)
    if kind in ("bullet_list", "ordered_list"):
        start = int(str(node.attrs.get("start", 1)))
        items = tuple(item for item in map(_list_item, node.children) if item is not None)
        return [model.ListBlock(kind == "ordered_list", items, start)] if items else []
    # A quotation that held only raw HTML the sanitiser dropped goes with it.
    if kind in ("blockquote", "container_pullquote"):
        quoted = _blocks(node.children)
        if not node.children:
            log.warning("%s: an empty quotation: dropped", _where(node))
        kind_of = model.BlockQuote if kind == "blockquote" else model.PullQuote
        return [kind_of(tuple(quoted))] if quoted else []
    if kind in ("fence", "code_block"):
        if not node.content.strip():
            return [model.Paragraph(())]  # an empty code block: dropped with a warning
        lines = node.content.rstrip("\n").split("\n")
        content: list[model.Inline] = []
        for i, line in enumerate(lines):
            if i:
                content.append(model.LineBreak())
            content.append(model.Code(line))
        return [model.Paragraph(tuple(content))]
    if kind == "table":
        return [_table(node)]
    if kind == "hr":
        return []
    if kind == "html_block":
        from exporter.readers import html_table, sanitize

        if html_table.has_table(node.content):
            return html_table.html_blocks(node.content, node.map[0] + 1 if node.map else 0)
        return sanitize.html_blocks(node.content)
    raise InputError(f"unsupported Markdown element ({kind})", where=_where(node))


def _heading(node: SyntaxTreeNode) -> list[model.Block]:
    """Return a heading as a subhead at its shifted level; deeper than the layout prints,
    as a bold paragraph that runs into the next one."""
    plan = _HEADINGS.get() or headings.Plan()
    # A line break in a subhead (pandoc writes Word's as `\`) reads as a space.
    content = merged(
        [
            model.Text(" ") if isinstance(i, model.LineBreak) else i
            for i in _inlines(node.children[0].children)
        ]
    )
    content = headings.without_attributes(content)
    if plan.targets:
        content = headings.identified(content, plan)
    if node is plan.title_heading:
        log.warning("%s: the heading repeats the title: dropped", _where(node))
        return []
    if not _has_text(content):
        log.warning("%s: an empty heading: dropped", _where(node))
        return []
    written = _level(node)
    level = written + plan.shift
    first, last = model.SUBHEAD_LEVELS[0], model.SUBHEAD_LEVELS[-1]
    if level < first:
        shifted = f", shifted by {plan.shift}," if plan.shift else ""
        raise InputError(
            f"a {'#' * written!r} heading{shifted} is level {level}, above the subheads"
            f" (levels {first} to {last}); the title goes in the front matter, or set"
            f" --shift-headings {first - written}",
            where=_where(node),
        )
    if level > last:
        plan.run_in.append((_where(node), "#" * written, level))
        return [_RunIn((model.Strong(content),))]
    return [model.Heading(level, content)]


class _RunIn(model.Paragraph):
    """A heading set as a bold paragraph: the paragraph after it runs in."""

    __slots__ = ()


def _has_text(content: tuple[model.Inline, ...]) -> bool:
    """Return True when some inlines print something, or hold a note call or an anchor."""
    if any(isinstance(inline, model.Text) and inline.text.strip() for inline in content):
        return True  # most paragraphs: a run of text at the top
    return bool(plain_text([model.Paragraph(content)]).strip()) or any(
        query(model.Paragraph(content), kind) for kind in (model.NoteRef, model.Anchor)
    )


def _list_item(node: SyntaxTreeNode) -> model.ListItem | None:
    """Return a list's item; None, with a warning, when it holds nothing."""
    content = tuple(_blocks(node.children))
    if not content:
        if not node.children:  # an item whose blocks were dropped was warned of already
            log.warning("%s: an empty list item: dropped", _where(node))
        return None
    item = model.ListItem(content)
    _remember(item, node.map[0] + 1 if node.map else 0)
    return item


def _table(node: SyntaxTreeNode) -> model.Table:
    """Return a pipe table: its header row (none when every header cell is empty), its body."""
    sections = {child.type: child for child in node.children}
    head_rows = [_row(row) for row in sections["thead"].children] if "thead" in sections else []
    body_rows = [_row(row) for row in sections["tbody"].children] if "tbody" in sections else []
    head = tuple(row for row in head_rows if any(cell.content for cell in row.cells))
    first = sections["thead"].children[0].children if "thead" in sections else []
    align = tuple(_alignment(cell) for cell in first)
    return model.Table(head, tuple(body_rows), align if any(align) else ())


def _row(node: SyntaxTreeNode) -> model.TableRow:
    return model.TableRow(
        tuple(
            model.TableCell(_inlines(cell.children[0].children) if cell.children else ())
            for cell in node.children
        )
    )


def _alignment(cell: SyntaxTreeNode) -> str:
    match = ALIGNMENT.search(str(cell.attrs.get("style", "")))
    return match[1] if match else ""


def _paragraph(node: SyntaxTreeNode) -> list[model.Block]:
    inline = node.children[0]
    parts = [child for child in inline.children if child.type != "footnote_anchor"]
    images = [child for child in parts if child.type == "image"]
    if images:
        others = [p for p in parts if p is not images[0] and not _is_blank(p)]
        if len(images) > 1 or others:
            raise InputError(
                "an image inside running text: put each image in a paragraph of its own",
                where=_where(node, "!["),
            )
        image = images[0]
        figure = model.Figure(
            src=str(image.attrs.get("src", "")),
            alt=_plain(image.children),
            caption=_inlines(_parse_inline(str(image.attrs.get("title") or ""))),
        )
        return [figure]
    content = _inlines(parts)
    if _has_raw_html(parts) and not any(_is_visible(i) for i in content):
        return []  # the raw HTML was all there was, and the sanitiser dropped it
    return [model.Paragraph(content)]


def _is_visible(inline: model.Inline) -> bool:
    return not isinstance(inline, model.Text) or bool(inline.text.strip())


def _is_blank(node: SyntaxTreeNode) -> bool:
    return node.type in ("softbreak", "hardbreak") or (
        node.type == "text" and not node.content.strip()
    )


def _parse_inline(text: str) -> list[SyntaxTreeNode]:
    """Parse a caption as inline Markdown, so that it may carry emphasis and quotes."""
    if not text:
        return []
    tree = SyntaxTreeNode(_parser("commonmark", _QUOTES.get()).parseInline(text))
    return list(tree.children[0].children) if tree.children else []


def _plain(nodes: list[SyntaxTreeNode]) -> str:
    """Return the text of some inlines, as an image's alternative text needs it."""
    if _has_raw_html(nodes):
        return plain_text([model.Paragraph(_inlines_through_html(nodes))])
    return "".join(
        node.content if node.type in ("text", "code_inline") else _plain(node.children)
        for node in nodes
    )


def _inlines(nodes: list[SyntaxTreeNode]) -> tuple[model.Inline, ...]:
    if _has_raw_html(nodes):
        return _inlines_through_html(nodes)
    result: list[model.Inline] = []
    for node in nodes:
        for inline in _inline(node):
            if isinstance(inline, model.Text) and result and isinstance(result[-1], model.Text):
                result[-1] = model.Text(result[-1].text + inline.text)
            else:
                result.append(inline)
    return tuple(result)


def _inline(node: SyntaxTreeNode) -> tuple[model.Inline, ...]:
    kind = node.type
    if kind == "text":
        return (model.Text(node.content),)
    if kind == "softbreak":
        return (model.Text(" "),)
    if kind == "hardbreak":
        return (model.LineBreak(),)
    if kind == "em":
        return (model.Emphasis(_inlines(node.children)),)
    if kind == "strong":
        return (model.Strong(_inlines(node.children)),)
    if kind == "code_inline":
        return (model.Code(node.content),)
    if kind == "link":
        if not _is_allowed_link(node):
            # The text stays, the target goes; an autolink's text is its target, which
            # stays as text unless it is a program (javascript:) or a document (data:).
            return () if _is_script_autolink(node) else _inlines(node.children)
        title = str(node.attrs.get("title") or "")
        return (model.Link(str(node.attrs.get("href", "")), _inlines(node.children), title),)
    if kind == "span":
        return _span(node, _inlines(node.children))
    if kind in ("sup", "sub"):
        kind_of = model.Superscript if kind == "sup" else model.Subscript
        return (kind_of(_inlines(node.children)),)
    if kind == "footnote_ref":
        return (model.NoteRef(_note_label(node.meta)),)
    if kind == "image":
        return (model.Text(_plain(node.children)),)
    if kind == "footnote_anchor":
        return ()
    raise InputError(f"unsupported Markdown inline ({kind})", where=_where(node))


def _span(node: SyntaxTreeNode, content: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """Return a span's inlines: an anchor first if it has an id, in its language if it has one."""
    anchor = str(node.attrs.get("id", ""))
    lang = str(node.attrs.get("lang", ""))
    if not anchor and not lang:
        # pandoc writes Word's underlining and highlighting so: `[text]{.underline}`.
        _notice("a [text]{...} span with no language nor id ({lang=xx}, {#name}): text kept")
        return content
    spanned = (model.Span(lang, content),) if lang else content
    return (model.Anchor(anchor), *spanned) if anchor else spanned


def _has_raw_html(nodes: Iterable[SyntaxTreeNode]) -> bool:
    return any(n.type == "html_inline" or _has_raw_html(n.children) for n in nodes)


def _inlines_through_html(nodes: list[SyntaxTreeNode]) -> tuple[model.Inline, ...]:
    """Return the inlines of running text that holds raw HTML, through the sanitiser.

    The Markdown around the raw tags is written as HTML too, so that a tag may open in
    one emphasis and close after it, as browsers allow; note calls travel as marks.
    """
    from exporter.readers import sanitize

    calls: list[model.NoteRef] = []
    return tuple(_with_note_calls(sanitize.html_inlines(_html(nodes, calls)), calls))


def _html(nodes: list[SyntaxTreeNode], calls: list[model.NoteRef]) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node.type
        inner = _html(node.children, calls) if kind in CONTAINERS else ""
        if kind == "html_inline":
            parts.append(node.content)
        elif kind == "text":
            # The author's own mark characters (private use) must not pose as note calls.
            text = node.content.replace("\ue000", "").replace("\ue001", "")
            parts.append(escape(text, quote=False))
        elif kind == "image":
            parts.append(escape(_plain(node.children), quote=False))
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("<br>")
        elif kind in ("em", "strong", "sup", "sub"):
            parts.append(f"<{kind}>{inner}</{kind}>")
        elif kind == "code_inline":
            parts.append(f"<code>{escape(node.content, quote=False)}</code>")
        elif kind == "link" and _is_allowed_link(node):
            href = escape(str(node.attrs.get("href", "")))
            title = escape(str(node.attrs.get("title") or ""))
            parts.append(f'<a href="{href}" title="{title}">{inner}</a>')
        elif kind == "link":
            parts.append("" if _is_script_autolink(node) else inner)
        elif kind == "span":
            parts.append(_span_html(node, inner))
        elif kind == "footnote_ref":
            calls.append(model.NoteRef(_note_label(node.meta)))
            parts.append(f"\ue000{len(calls) - 1}\ue001")
        elif kind != "footnote_anchor":
            raise InputError(f"unsupported Markdown inline ({kind})", where=_where(node))
    return "".join(parts)


def _span_html(node: SyntaxTreeNode, inner: str) -> str:
    """Return a span as HTML for the sanitiser: an anchor, then the text in its language."""
    anchor, lang = str(node.attrs.get("id", "")), str(node.attrs.get("lang", ""))
    opening = f'<span id="{escape(anchor)}"></span>' if anchor else ""
    return opening + (f'<span lang="{escape(lang)}">{inner}</span>' if lang else inner)


def _with_note_calls(
    inlines: Iterable[model.Inline], calls: list[model.NoteRef]
) -> list[model.Inline]:
    """Return the inlines with each note mark replaced by its note call."""
    result: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Text):
            pieces = NOTE_MARK.split(inline.text)
            for i, piece in enumerate(pieces):
                if i % 2:
                    result.append(calls[int(piece)])
                elif piece:
                    result.append(model.Text(piece))
        elif isinstance(inline, model.Code):
            result.append(model.Code(NOTE_MARK.sub("", inline.text)))
        elif isinstance(inline, model.CONTAINER_TYPES):
            content = tuple(_with_note_calls(inline.content, calls))
            result.append(dataclasses.replace(inline, content=content))
        else:
            result.append(inline)
    return result


def _note_label(meta: dict[str, Any]) -> str:
    label = meta.get("label")
    return str(label) if label else str(int(meta["id"]) + 1)


def _footnote(node: SyntaxTreeNode) -> model.Footnote:
    note = model.Footnote(_note_label(node.meta), tuple(_blocks(node.children)))
    # markdown-it gives a note no lines of its own: it starts on its first block's line.
    placed = node.map or next((child.map for child in node.children if child.map), None)
    _remember(note, placed[0] + 1 if placed else 0)
    return note
