"""Read an article from Markdown with YAML front matter, through markdown-it-py."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from exporter import model
from exporter.codec import article_from_data
from exporter.errors import InputError

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
)
AUTHOR_KEYS = ("name", "bio", "affiliation")
DASHES = re.compile(r"-{2,3}")
UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text: the model checks them with a clear message."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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


def _parser(preset: str = "commonmark") -> MarkdownIt:
    # CommonMark with raw HTML shown as text: nothing an author types becomes markup
    # the renderers did not ask for. Smart quotes turn typed straight quotes into
    # typographic ones; typed curly quotes pass through as they are.
    parser = MarkdownIt(preset, {"typographer": True, "html": False})
    # Keep link targets and image paths as the author typed them ("map one.png"), not
    # percent-encoded: the model holds paths and addresses, the writers encode them.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.enable("smartquotes")
    parser.core.ruler.after("smartquotes", "dashes", _dashes)
    if preset == "commonmark":
        parser.use(front_matter_plugin).use(footnote_plugin)
        parser.use(container_plugin, name="pullquote")
        # `[岸田]{lang=ja}` marks a passage in another language; attributes elsewhere
        # (after links, images, code) are not part of the format and stay text.
        parser.use(attrs_plugin, spans=True, after=("span_close",), allowed=("lang",))
        parser.core.ruler.before("text_join", "undefined_notes", _undefined_notes)
    else:
        # Front-matter texts: a backslash keeps a straight quote or hyphen as typed.
        parser.enable(["escape", "text_join"])
    return parser


PARSER = _parser()
# Only the typographer, for front-matter texts: quotes and dashes, no other markup.
TYPOGRAPHER = _parser("zero")
TYPESET_KEYS = ("kicker", "title", "subtitle", "summary")


def typeset(text: str) -> str:
    """Return `text` with typographic quotes and dashes, as the body gets them."""
    tokens = TYPOGRAPHER.parseInline(text)
    children = tokens[0].children or [] if tokens else []
    return "".join(t.content for t in children if t.type == "text")


def read_markdown(text: str) -> model.Article:
    """Return the article in `text`; raise InputError naming the line of the first fault."""
    root = SyntaxTreeNode(PARSER.parse(text))
    front: dict[str, Any] = {}
    blocks: list[model.Block] = []
    notes: list[model.Footnote] = []
    for node in root.children:
        if node.type == "front_matter":
            front = _front_matter(node.content)
        elif node.type == "footnote_block":
            notes.extend(_footnote(note) for note in node.children)
        else:
            blocks.extend(_blocks([node]))
    if not front:
        if text.lstrip("\ufeff").startswith("---"):
            raise InputError("the front matter has no closing '---' line", where="front matter")
        raise InputError("no front matter: the file must start with '---', 'title: ...', '---'")
    article = article_from_data(front)
    return dataclasses.replace(article, body=tuple(blocks), notes=tuple(notes))


def _front_matter(source: str) -> dict[str, Any]:
    try:
        data = yaml.load(source, Loader=_FrontMatterLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        where = f"front matter, line {mark.line + 2}" if mark is not None else "front matter"
        raise InputError(f"broken YAML: {problem}", where=where) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("must be 'key: value' lines, not a single value", where="front matter")
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            allowed = ", ".join(FRONT_MATTER_KEYS)
            raise InputError(f"unknown key {key!r} (allowed: {allowed})", where="front matter")
    if "title" not in data:
        raise InputError("no title (add 'title: ...')", where="front matter")
    data = dict(data)
    for key in TYPESET_KEYS:
        if isinstance(data.get(key), str):
            data[key] = typeset(data[key])
    if isinstance(data.get("authors"), list):
        data["authors"] = [_author(item, i) for i, item in enumerate(data["authors"])]
    if isinstance(data.get("keywords"), str):
        data["keywords"] = [word.strip() for word in data["keywords"].split(",") if word.strip()]
    try:
        article_from_data(data)
    except InputError as error:
        raise InputError(f"{error.where} {error.what}", where="front matter") from None
    return data


def _author(item: Any, index: int) -> Any:
    """Accept a bare name as shorthand for {name: ...}; check the keys of a full entry."""
    if isinstance(item, str):
        return {"type": "author", "name": item}
    if isinstance(item, dict):
        for key in item:
            if key not in AUTHOR_KEYS:
                raise InputError(
                    f"authors[{index}] has unknown key {key!r} (allowed: name, bio, affiliation)",
                    where="front matter",
                )
        if "name" not in item:
            raise InputError(f"authors[{index}] has no name", where="front matter")
        if isinstance(item.get("bio"), str):
            item = {**item, "bio": typeset(item["bio"])}
        return {"type": "author", **item}
    return item


def _where(node: SyntaxTreeNode) -> str:
    return f"line {node.map[0] + 1}" if node.map else ""


def _blocks(nodes: list[SyntaxTreeNode]) -> list[model.Block]:
    blocks: list[model.Block] = []
    for node in nodes:
        blocks.extend(_block(node))
    return blocks


def _block(node: SyntaxTreeNode) -> list[model.Block]:
    kind = node.type
    if kind == "paragraph":
        return [_paragraph(node)]
    if kind == "heading":
        level = int(node.tag[1])
        if level == 1:
            raise InputError(
                "a level-1 heading in the body: the title goes in the front matter,"
                " subheads use '##' or '###'",
                where=_where(node),
            )
        if level > 3:
            raise InputError(
                f"heading level {level}: subheads use '##' or '###'", where=_where(node)
            )
        return [model.Heading(level, _inlines(node.children[0].children))]
    if kind in ("bullet_list", "ordered_list"):
        start = int(str(node.attrs.get("start", 1)))
        items = tuple(model.ListItem(tuple(_blocks(item.children))) for item in node.children)
        return [model.ListBlock(kind == "ordered_list", items, start)]
    if kind == "blockquote":
        return [model.BlockQuote(tuple(_blocks(node.children)))]
    if kind == "container_pullquote":
        return [model.PullQuote(tuple(_blocks(node.children)))]
    if kind in ("fence", "code_block"):
        lines = node.content.rstrip("\n").split("\n")
        content: list[model.Inline] = []
        for i, line in enumerate(lines):
            if i:
                content.append(model.LineBreak())
            content.append(model.Code(line))
        return [model.Paragraph(tuple(content))]
    if kind == "hr":
        return []
    raise InputError(f"unsupported Markdown element ({kind})", where=_where(node))


def _paragraph(node: SyntaxTreeNode) -> model.Block:
    inline = node.children[0]
    parts = [child for child in inline.children if child.type != "footnote_anchor"]
    images = [child for child in parts if child.type == "image"]
    if images:
        others = [p for p in parts if p is not images[0] and not _is_blank(p)]
        if len(images) > 1 or others:
            raise InputError(
                "an image inside running text: put each image in a paragraph of its own",
                where=_where(node),
            )
        image = images[0]
        return model.Figure(
            src=str(image.attrs.get("src", "")),
            alt=_plain(image.children),
            caption=_inlines(_parse_inline(str(image.attrs.get("title") or ""))),
        )
    return model.Paragraph(_inlines(parts))


def _is_blank(node: SyntaxTreeNode) -> bool:
    return node.type in ("softbreak", "hardbreak") or (
        node.type == "text" and not node.content.strip()
    )


def _parse_inline(text: str) -> list[SyntaxTreeNode]:
    """Parse a caption as inline Markdown, so that it may carry emphasis and quotes."""
    if not text:
        return []
    tree = SyntaxTreeNode(PARSER.parseInline(text))
    return list(tree.children[0].children) if tree.children else []


def _plain(nodes: list[SyntaxTreeNode]) -> str:
    return "".join(
        node.content if node.type in ("text", "code_inline") else _plain(node.children)
        for node in nodes
    )


def _inlines(nodes: list[SyntaxTreeNode]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for node in nodes:
        inline = _inline(node)
        if inline is None:
            continue
        if isinstance(inline, model.Text) and result and isinstance(result[-1], model.Text):
            result[-1] = model.Text(result[-1].text + inline.text)
        else:
            result.append(inline)
    return tuple(result)


def _inline(node: SyntaxTreeNode) -> model.Inline | None:
    kind = node.type
    if kind == "text":
        return model.Text(node.content)
    if kind == "softbreak":
        return model.Text(" ")
    if kind == "hardbreak":
        return model.LineBreak()
    if kind == "em":
        return model.Emphasis(_inlines(node.children))
    if kind == "strong":
        return model.Strong(_inlines(node.children))
    if kind == "code_inline":
        return model.Code(node.content)
    if kind == "link":
        title = str(node.attrs.get("title") or "")
        return model.Link(str(node.attrs.get("href", "")), _inlines(node.children), title)
    if kind == "span":
        lang = str(node.attrs.get("lang", ""))
        if not lang:
            raise InputError("a [text]{...} span needs a language: [text]{lang=xx}")
        return model.Span(lang, _inlines(node.children))
    if kind == "footnote_ref":
        return model.NoteRef(_note_label(node.meta))
    if kind == "image":
        return model.Text(_plain(node.children))
    if kind == "footnote_anchor":
        return None
    raise InputError(f"unsupported Markdown inline ({kind})", where=_where(node))


def _note_label(meta: dict[str, Any]) -> str:
    label = meta.get("label")
    return str(label) if label else str(int(meta["id"]) + 1)


def _footnote(node: SyntaxTreeNode) -> model.Footnote:
    return model.Footnote(_note_label(node.meta), tuple(_blocks(node.children)))
