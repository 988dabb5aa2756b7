"""The lines of a Markdown article's faults: front-matter values by their YAML node, blocks
by where the reader found them.

The model holds no positions, so a check of the model names its fault by a path such
as `body[3].items[0]` or `authors[1]`. An editor needs the line: here those paths are
followed back to the file, through the front matter's YAML nodes or through the line
the reader recorded for each block it made.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import yaml

from exporter import model
from exporter.errors import ExportError, InputError


class Lines:
    """The line of the file each block, list item and note a reader made starts on."""

    def __init__(self) -> None:
        # By id(), with the node itself: kept alive here, no other node takes its id.
        self._lines: dict[int, tuple[object, int]] = {}

    def remember(self, node: object, line: int) -> None:
        """Keep the line `node` starts on (0: not known)."""
        if line:
            self._lines[id(node)] = (node, line)

    def of(self, node: object) -> int:
        """Return the line `node` starts on, or 0 when it is not known."""
        found = self._lines.get(id(node))
        return found[1] if found is not None and found[0] is node else 0


PATH_STEP = re.compile(r"(\w+)|\[(\d+)\]")
"""One step of a model or data path: a field name, or an index."""
QUOTED = re.compile(r"'([^']+)'")


def yaml_node(source: str, path: str, loader: type[Any]) -> tuple[Any, Any] | None:
    """Return the key node and the value node at `path` in a YAML mapping, or None.

    `path` is a data path ("authors[0].name"); for an index the key node is the item's.
    """
    try:
        node = yaml.compose(source, Loader=loader)
    except yaml.YAMLError:
        return None
    key: Any = node
    for name, index in PATH_STEP.findall(path):
        if name:
            if not isinstance(node, yaml.MappingNode):
                return None
            pairs = [(k, v) for k, v in node.value if getattr(k, "value", None) == name]
            if not pairs:
                return None
            key, node = pairs[0]
        else:
            if not isinstance(node, yaml.SequenceNode) or int(index) >= len(node.value):
                return None
            key = node = node.value[int(index)]
    return (key, node) if node is not None else None


def front_matter_place(
    source: str, path: str, first_line: int, loader: type[Any], *, key: bool = False
) -> str:
    """Return "front matter, line N" for the value at `path` (its key's line, when `key`).

    `first_line` is the file's line of the front matter's first line; the place is
    "front matter" alone when the path is not found.
    """
    found = yaml_node(source, path, loader)
    if found is None:
        return "front matter"
    mark = (found[0] if key else found[1]).start_mark
    return f"front matter, line {first_line + mark.line}"


E = TypeVar("E", bound=ExportError)


def placed(error: E, where: str) -> E:
    """Return the error with its place replaced by `where` (a place with its line)."""
    return type(error)(error.what, error.file, where)


def model_place(
    error: InputError,
    article: model.Article,
    lines: Lines,
    text: str,
    loader: type[Any],
) -> InputError:
    """Return a validation error of `article` naming its line in `text`, where it can.

    `lines` holds the line of each block, list item and note the reader made.
    """
    if error.line is not None:
        return error
    where = error.where
    first = PATH_STEP.match(where)
    if first is None:
        return error
    if first[1] not in ("body", "notes"):  # a front-matter key: title, lang, authors[1]
        found = front_matter_place(front_source(text), where, 2, loader)
        return placed(error, found) if found != "front matter" else error
    line = _deepest_line(article, where, lines) if "[" in where else _only_line(error.what, text)
    return placed(error, f"line {line}") if line else error


def front_source(text: str) -> str:
    """Return the YAML between the opening `---` line and the closing one (or the end)."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return ""
    body = []
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            break
        body.append(line)
    return "\n".join(body)


def _deepest_line(article: model.Article, path: str, lines: Lines) -> int | None:
    """Return the line of the deepest node along `path` whose line the reader recorded."""
    node: Any = article
    found = None
    for name, index in PATH_STEP.findall(path):
        try:
            node = getattr(node, name) if name else node[int(index)]
        except (AttributeError, IndexError, TypeError):
            break
        found = lines.of(node) or found
    return found


def _only_line(what: str, text: str) -> int | None:
    """Return the line of the value a message quotes, when it is on one line alone.

    Faults such as a span's language or a link to no anchor name their value, not their
    block: a value found on one line of the file names it; found on several, none is
    named rather than a wrong one.
    """
    quoted = QUOTED.search(what)
    if quoted is None:
        return None
    found = [n for n, line in enumerate(text.split("\n"), 1) if quoted[1] in line]
    return found[0] if len(found) == 1 else None
