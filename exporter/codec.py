"""Lossless conversion of the article model to JSON data and back, and its JSON Schema.

Both directions and the schema are derived from the dataclasses' type hints, so a
field added to the model is serialised, checked and documented without more code.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import types
import typing
from typing import Any, Union

from exporter import model
from exporter.errors import InputError

ALL_TYPES: tuple[type[Any], ...] = (
    *model.INLINE_TYPES,
    *model.BLOCK_TYPES,
    model.ListItem,
    model.TableRow,
    model.TableCell,
    model.Footnote,
    model.Author,
    model.Article,
)
NODE_TYPES: dict[str, type[Any]] = {str(cls.kind): cls for cls in ALL_TYPES}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SCHEMA_ID = "https://exporter.invalid/schema/article.json"


_HINTS: dict[str, tuple[tuple[dataclasses.Field[Any], Any], ...]] = {}


def _field_hints(cls: type[Any]) -> tuple[tuple[dataclasses.Field[Any], Any], ...]:
    """Return the dataclass fields of `cls` with their resolved type hints (cached)."""
    kind = str(cls.kind)
    if kind not in _HINTS:
        hints = typing.get_type_hints(cls, vars(model))
        _HINTS[kind] = tuple((f, hints[f.name]) for f in dataclasses.fields(cls))
    return _HINTS[kind]


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def to_data(node: Any) -> Any:
    """Return JSON-ready data for a model node (or tuple of nodes); defaults are left out."""
    if isinstance(node, tuple):
        return [to_data(item) for item in node]
    if isinstance(node, datetime.date):
        return node.isoformat()
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        cls: type[Any] = type(node)
        data: dict[str, Any] = {"type": cls.kind}
        for f, _hint in _field_hints(cls):
            value = getattr(node, f.name)
            if value != _default(f):
                data[f.name] = to_data(value)
        return data
    return node


def article_from_data(data: Any, where: str = "") -> model.Article:
    """Build an Article from JSON data, raising InputError with the path of the first fault."""
    if isinstance(data, dict) and "type" not in data:
        data = {"type": "article", **data}
    article = _decode(data, model.Article, where)
    assert isinstance(article, model.Article)
    return article


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a whole number",
        float: "a number",
    }
    return names.get(type(value), f"a {type(value).__name__}")


def _decode(data: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _decode_union(data, typing.get_args(hint), where)
    if origin is tuple:
        if not isinstance(data, list):
            raise InputError(f"is {_describe(data)}, not a list", where=where)
        item_hint = typing.get_args(hint)[0]
        return tuple(_decode(item, item_hint, f"{where}[{i}]") for i, item in enumerate(data))
    if hint is str:
        if not isinstance(data, str):
            raise InputError(f"is {_describe(data)}, not a string", where=where)
        return data
    if hint is bool:
        if not isinstance(data, bool):
            raise InputError(f"is {_describe(data)}, not true or false", where=where)
        return data
    if hint is int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise InputError(f"is {_describe(data)}, not a whole number", where=where)
        return data
    if hint is datetime.date:
        return _decode_date(data, where)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_node(data, (hint,), where)
    raise TypeError(f"unsupported type hint {hint!r}")  # a model change the codec lacks


def _decode_union(data: Any, options: tuple[Any, ...], where: str) -> Any:
    if data is None and type(None) in options:
        return None
    rest = tuple(option for option in options if option is not type(None))
    if len(rest) == 1:
        return _decode(data, rest[0], where)
    return _decode_node(data, rest, where)


def _decode_date(data: Any, where: str) -> datetime.date:
    if isinstance(data, datetime.date):
        return data
    if isinstance(data, str) and ISO_DATE.match(data):
        try:
            return datetime.date.fromisoformat(data)
        except ValueError:
            pass
    shown = repr(data) if isinstance(data, str) else _describe(data)
    raise InputError(f"{shown} is not a date (YYYY-MM-DD)", where=where)


def _decode_node(data: Any, allowed: tuple[type[Any], ...], where: str) -> Any:
    if not isinstance(data, dict):
        raise InputError(f"is {_describe(data)}, not an object", where=where)
    kind = data.get("type")
    cls = NODE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None or cls not in allowed:
        names = ", ".join(repr(c.kind) for c in allowed)
        raise InputError(f"type {kind!r} is not one of {names}", where=where)
    prefix = f"{where}." if where else ""
    hints = _field_hints(cls)
    known = {f.name for f, _ in hints}
    for key in data:
        if key != "type" and key not in known:
            raise InputError(f"unknown field {key!r} in {cls.kind}", where=where)
    values: dict[str, Any] = {}
    for f, hint in hints:
        if f.name in data:
            values[f.name] = _decode(data[f.name], hint, prefix + f.name)
        elif _default(f) is dataclasses.MISSING:
            raise InputError(f"{cls.kind} has no {f.name!r}", where=where)
    return cls(**values)


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the article's JSON form.

    A node's "type" names its definition, so a place that takes several kinds of node
    checks the node against its own kind's definition alone (`if`/`then` on "type"),
    not against each kind in turn: an `anyOf` of the kinds makes a validator descend
    into every kind's children, which takes time exponential in the nesting.
    """
    defs = {kind: _node_schema(cls) for kind, cls in NODE_TYPES.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Article",
        "$ref": "#/$defs/article",
        "$defs": defs,
    }


def _node_schema(cls: type[Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {"const": cls.kind}}
    # The article may leave its "type" out (article_from_data); a node in it may not.
    required = [] if cls is model.Article else ["type"]
    for f, hint in _field_hints(cls):
        properties[f.name] = _hint_schema(hint)
        if _default(f) is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _hint_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union_schema(typing.get_args(hint))
    if origin is tuple:
        return {"type": "array", "items": _hint_schema(typing.get_args(hint)[0])}
    simple = {str: "string", bool: "boolean", int: "integer", type(None): "null"}
    if hint in simple:
        return {"type": simple[hint]}
    if hint is datetime.date:
        return {"type": "string", "format": "date"}
    return {"$ref": f"#/$defs/{hint.kind}"}


def _union_schema(options: tuple[Any, ...]) -> dict[str, Any]:
    kinds = [kind for kind, cls in NODE_TYPES.items() if cls in options]
    if len(kinds) < 2:
        return {"anyOf": [_hint_schema(option) for option in options]}
    nodes = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": kinds}},
        "allOf": [
            {"if": {"properties": {"type": {"const": kind}}}, "then": {"$ref": f"#/$defs/{kind}"}}
            for kind in kinds
        ],
    }
    others = [_hint_schema(option) for option in options if option not in NODE_TYPES.values()]
    return {"anyOf": [nodes, *others]} if others else nodes
