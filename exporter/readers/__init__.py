"""The readers: one per input format, chosen by the file's extension."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from exporter import model
from exporter.errors import InputError
from exporter.readers.json import read_json
from exporter.readers.markdown import read_markdown
from exporter.readers.webpage import read_saved_page
from exporter.validate import validate

Reader = Callable[[str], model.Article]
BinaryReader = Callable[[bytes], model.Article]

READERS: dict[str, Reader] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".json": read_json,
    ".txt": read_saved_page,
}
# Readers of binary files, as "module:function" taking the file's bytes, imported on use.
# HTML is read as bytes: its <meta charset> says how to decode it, not UTF-8 by rule.
BINARY_READERS: dict[str, str] = {
    ".docx": "exporter.readers.docx:read_docx",
    ".html": "exporter.readers.webpage.html_page:read_html_page",
    ".htm": "exporter.readers.webpage.html_page:read_html_page",
}
MAX_INPUT_BYTES = 5_000_000


def load(path: str | Path) -> model.Article:
    """Read and validate the article in `path`; raise InputError naming the file and place."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in BINARY_READERS:
            return validate(_binary_reader(suffix)(_read_bytes(path)))
        reader = READERS.get(suffix)
        if reader is None:
            known = ", ".join([*READERS, *BINARY_READERS])
            raise InputError(f"unknown input format {path.suffix or '(none)'!r} (known: {known})")
        return validate(reader(_decode_text(_read_bytes(path))))
    except InputError as error:
        raise error.in_file(str(path)) from None
    except RecursionError:
        raise InputError("nested too deeply to read", file=str(path)) from None


def _binary_reader(suffix: str) -> BinaryReader:
    module, function = BINARY_READERS[suffix].split(":")
    reader: BinaryReader = getattr(importlib.import_module(module), function)
    return reader


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"the file is {size} bytes, over the limit of {MAX_INPUT_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a folder, not an article file") from None
    except PermissionError:
        raise InputError("cannot be read (permission denied)") from None
    if not data.strip():
        raise InputError("the file is empty")
    return data


def _decode_text(data: bytes) -> str:
    if b"\0" in data:
        raise InputError("a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", where=f"line {line}") from None
    return text.replace("\r\n", "\n")
