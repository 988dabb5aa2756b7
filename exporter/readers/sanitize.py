"""The allow-list for raw HTML in Markdown: what passes, as which model nodes, what is dropped."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from exporter import model
from exporter.readers.addresses import URL_SCHEMES, is_allowed_url, url_scheme
from exporter.readers.runs import merged

INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd"}
    | {"mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "blockquote", "ul", "ol", "li", "pre", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)
ATTRIBUTES = {"a": {"href", "title"}, "span": {"lang", "id"}, "ol": {"start"}}
TABLE_TAGS = frozenset(
    {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"}
)
"""The tags of an HTML table, which the Markdown reader turns into a table block."""
# Dropped with everything inside them: script and style text must never print, and the
# others hold raw text, foreign markup or form controls that mean nothing on a page.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "noscript", "noembed", "noframes"}
    | {"template", "textarea", "select", "title", "xmp", "svg", "math", "object", "embed"}
    | {"applet", "canvas", "audio", "video", "head"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href", "poster"})
CODE_TAGS = frozenset({"code", "kbd", "samp"})
VOID_TAGS = frozenset({"br", "hr", "wbr"})
SPACES = re.compile(r"\s+")
LIST_START = re.compile(r"[0-9]{1,9}")
MAX_NESTING = 50
"""Elements nested deeper than this are flattened into their ancestor, to bound recursion."""


def clean(fragment: str) -> str:
    """Return an HTML fragment with only the allowed tags, attributes and link schemes."""
    return nh3.clean(
        fragment,
        tags=set(INLINE_TAGS | BLOCK_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def dropped(raw: str, line: int) -> list[str]:
    """Return what the allow-list removes from a piece of raw HTML starting at `line`."""
    scanner = _Scanner(line)
    scanner.feed(raw)
    scanner.close()
    return scanner.findings


class _Scanner(HTMLParser):
    """Lists the tags, event handlers, styles and unsafe addresses that `clean` removes.

    Only for the report: `clean` is what guarantees that none of them passes.
    """

    def __init__(self, line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = line
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"line {self.first_line + self.getpos()[0] - 1}"
        if tag in TABLE_TAGS:  # read by the table reader, which keeps only their cells
            attrs = [(name, value) for name, value in attrs if name != "style"]
        elif tag not in INLINE_TAGS | BLOCK_TAGS:
            self.findings.append(f"<{tag}> ({where})")
            return
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.findings.append(f"{name} attribute ({where})")
            elif name in URL_ATTRIBUTES and value and not is_allowed_url(value):
                self.findings.append(f"{url_scheme(value)}: link ({where})")


@dataclass(slots=True)
class Element:
    """An element of a cleaned fragment."""

    tag: str
    """The tag name, in lower case."""
    attrs: dict[str, str]
    """The attributes the allow-list kept."""
    children: list[Element | str] = field(default_factory=list)
    """Child elements and text, in order."""


class _TreeBuilder(HTMLParser):
    """Builds the tree of a cleaned fragment, which nh3 writes well formed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]
        self.flattened = 0
        """How many elements past MAX_NESTING are open: their end tags are skipped too."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS or len(self.stack) <= MAX_NESTING:
            element = Element(tag, {name: value or "" for name, value in attrs})
            self.stack[-1].children.append(element)
            if tag not in VOID_TAGS:
                self.stack.append(element)
        else:
            self.flattened += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if self.flattened:
            self.flattened -= 1
        elif len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(fragment: str) -> list[Element | str]:
    """Return the top-level nodes of an HTML fragment, after cleaning it."""
    builder = _TreeBuilder()
    builder.feed(clean(fragment))
    builder.close()
    return builder.root.children


def html_inlines(fragment: str) -> tuple[model.Inline, ...]:
    """Return the inlines of a fragment of running text, after cleaning it."""
    return merged(_inlines(parse(fragment)))


def html_blocks(fragment: str) -> list[model.Block]:
    """Return the blocks of an HTML block, after cleaning it; its text becomes paragraphs."""
    return _blocks(parse(fragment))


def cell_inlines(fragment: str) -> tuple[model.Inline, ...]:
    """Return the inlines of an HTML table cell, after cleaning it, spaces collapsed."""
    return _trimmed(parse(fragment))


def _inlines(nodes: list[Element | str]) -> list[model.Inline]:
    result: list[model.Inline] = []
    for node in nodes:
        if isinstance(node, str):
            result.append(model.Text(node))
            continue
        inner = merged(_inlines(node.children))
        if node.tag in ("em", "i", "cite", "dfn", "var"):
            result.append(model.Emphasis(inner))
        elif node.tag in ("strong", "b"):
            result.append(model.Strong(inner))
        elif node.tag in CODE_TAGS:
            result.append(model.Code(_text(node)))
        elif node.tag == "br":
            result.append(model.LineBreak())
        elif node.tag == "a" and node.attrs.get("href"):
            result.append(model.Link(node.attrs["href"], inner, node.attrs.get("title", "")))
        elif node.tag == "span" and (node.attrs.get("lang") or node.attrs.get("id")):
            if node.attrs.get("id"):
                result.append(model.Anchor(node.attrs["id"]))
            lang = node.attrs.get("lang")
            result.extend([model.Span(lang, inner)] if lang else inner)
        elif node.tag == "sup":
            result.append(model.Superscript(inner))
        elif node.tag == "sub":
            result.append(model.Subscript(inner))
        elif node.tag == "q":
            result.extend((model.Text("\u201c"), *inner, model.Text("\u201d")))
        else:
            result.extend(inner)
    return result


def _text(element: Element) -> str:
    return "".join(c if isinstance(c, str) else _text(c) for c in element.children)


def _blocks(nodes: list[Element | str]) -> list[model.Block]:
    blocks: list[model.Block] = []
    run: list[Element | str] = []
    for node in nodes:
        if isinstance(node, Element) and node.tag in BLOCK_TAGS:
            blocks.extend(_paragraph(run))
            run = []
            blocks.extend(_block(node))
        else:
            run.append(node)
    return blocks + _paragraph(run)


def _block(element: Element) -> list[model.Block]:
    tag = element.tag
    if tag in ("h2", "h3"):
        content = _trimmed(element.children)
        content = tuple(model.Text(" ") if isinstance(i, model.LineBreak) else i for i in content)
        return [model.Heading(int(tag[1]), merged(list(content)))] if content else []
    if tag in ("ul", "ol"):
        items = [
            model.ListItem(tuple(_blocks(c.children if isinstance(c, Element) else [c])))
            for c in element.children
            if not (isinstance(c, str) and not c.strip())
        ]
        start = element.attrs.get("start", "1").strip()
        number = int(start) if LIST_START.fullmatch(start) else 1
        return [model.ListBlock(tag == "ol", tuple(items), number)] if items else []
    if tag == "blockquote":
        inner = _blocks(element.children)
        return [model.BlockQuote(tuple(inner))] if inner else []
    if tag == "pre":
        lines = _text(element).strip("\n").split("\n")
        code: list[model.Inline] = []
        for i, line in enumerate(lines):
            code.extend([model.LineBreak(), model.Code(line)] if i else [model.Code(line)])
        return [model.Paragraph(tuple(code))] if _text(element).strip() else []
    if tag in ("p", "h1", "h4", "h5", "h6"):
        return _paragraph(element.children)
    if tag == "hr":
        return []
    return _blocks(element.children)


def _paragraph(nodes: list[Element | str]) -> list[model.Block]:
    content = _trimmed(nodes)
    return [model.Paragraph(content)] if content else []


def _trimmed(nodes: list[Element | str]) -> tuple[model.Inline, ...]:
    """Return the inlines of HTML text with its spaces collapsed, as a browser shows them."""
    inlines = [_collapse(i) for i in merged(_inlines(nodes))]
    if inlines and isinstance(inlines[0], model.Text):
        inlines[0] = model.Text(inlines[0].text.lstrip())
    if inlines and isinstance(inlines[-1], model.Text):
        inlines[-1] = model.Text(inlines[-1].text.rstrip())
    kept = [i for i in inlines if not (isinstance(i, model.Text) and not i.text)]
    if all(isinstance(i, model.Text) and not i.text.strip() for i in kept):
        return ()
    return tuple(kept)


def _collapse(inline: model.Inline) -> model.Inline:
    if isinstance(inline, model.Text):
        return model.Text(SPACES.sub(" ", inline.text))
    if isinstance(inline, model.CONTAINER_TYPES):
        return dataclasses.replace(inline, content=tuple(_collapse(i) for i in inline.content))
    return inline
