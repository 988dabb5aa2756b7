"""Generic traversal of the article tree, shared by every writer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import TypeVar

from exporter import model

NodeT = TypeVar("NodeT")


def children(node: object) -> Iterator[object]:
    """Yield the direct child nodes of `node`, in document order."""
    if not dataclasses.is_dataclass(node):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            yield from (item for item in value if dataclasses.is_dataclass(item))
        elif dataclasses.is_dataclass(value):
            yield value


def walk(node: object) -> Iterator[object]:
    """Yield `node` and every node below it, depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def query(node: object, kind: type[NodeT]) -> list[NodeT]:
    """Return every node of type `kind` at or below `node`, in document order."""
    return [found for found in walk(node) if isinstance(found, kind)]


def plain_text(nodes: Iterable[object]) -> str:
    """Return the printed text of some inlines or blocks, without markup or note calls."""
    parts: list[str] = []
    for node in nodes:
        for found in walk(node):
            if isinstance(found, model.Text | model.Code):
                parts.append(found.text)
            elif isinstance(found, model.LineBreak):
                parts.append(" ")
    return "".join(parts)


def word_count(blocks: Iterable[model.Block]) -> int:
    """Return the number of words in some blocks, as a reader would count them."""
    return sum(len(plain_text([block]).split()) for block in blocks)
