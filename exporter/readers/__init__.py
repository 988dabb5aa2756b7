"""The readers: one per input format, chosen by the file's extension."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from exporter import model
from exporter.errors import InputError
from exporter.readers.media import Media
from exporter.validate import validate

Reader = Callable[[str], model.Article]
BinaryReader = Callable[[bytes], model.Article]


class MediaReader(Protocol):
    """A binary reader that also takes the file's name, and returns the pictures it
    extracted; `lang` is the language the article is said to be in (`--lang`), and
    `detect_language` has the reader tell the language from the text."""

    def __call__(
        self, data: bytes, name: str, *, lang: str = "", detect_language: bool = False
    ) -> tuple[model.Article, Media]:
        """Return the article in a file's bytes, and its pictures."""
        ...


# Readers as "module:function", imported on use: text readers take the decoded text,
# binary readers the file's bytes.
READERS: dict[str, str] = {
    ".md": "exporter.readers.markdown:read_checked_markdown",
    ".markdown": "exporter.readers.markdown:read_checked_markdown",
    ".json": "exporter.readers.json:read_json",
    ".txt": "exporter.readers.webpage:read_saved_page",
}
# HTML is read as bytes: its <meta charset> says how to decode it, not UTF-8 by rule.
BINARY_READERS: dict[str, str] = {
    ".docx": "exporter.readers.docx:read_docx",
    ".html": "exporter.readers.webpage.html_page:read_html_page",
    ".htm": "exporter.readers.webpage.html_page:read_html_page",
    # A translated XLIFF the toolkit wrote (`--to xliff`); its XML says its encoding.
    ".xlf": "exporter.readers.xliff:read_xliff",
    ".xliff": "exporter.readers.xliff:read_xliff",
}
# Readers of files that hold pictures: they take the file's name (a manuscript with no
# title is titled from it) and return the pictures beside the article.
MEDIA_READERS: dict[str, str] = {
    ".docx": "exporter.readers.docx:read_docx_with_media",
}
# Readers that check the article themselves, so that a fault of the model names its line
# (Markdown's): what they return is not checked again.
CHECKING_READERS = frozenset({"exporter.readers.markdown:read_checked_markdown"})
MAX_INPUT_BYTES = 5_000_000
# A manuscript's pictures make it larger than any text; its ZIP reader keeps its own limits.
MAX_INPUT_BYTES_BY_SUFFIX = {".docx": 50_000_000}


def load(path: str | Path) -> model.Article:
    """Read and validate the article in `path`; raise InputError naming the file and place."""
    return load_with_media(path)[0]


def load_with_media(
    path: str | Path, lang: str = "", detect_language: bool = False
) -> tuple[model.Article, Media]:
    """Read and validate the article in `path`, with the pictures its reader extracted;
    `lang` is the language the article is said to be in, if the file's may be wrong;
    with `detect_language`, a reader that can tells it from the text (`exporter import`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in MEDIA_READERS:
            media_reader: MediaReader = _entry(MEDIA_READERS[suffix])
            article, media = media_reader(
                _read_bytes(path), path.name, lang=lang, detect_language=detect_language
            )
            return validate(article), media
        return _load(path, suffix), Media()
    except InputError as error:
        raise error.in_file(str(path)) from None
    except RecursionError:
        raise InputError("nested too deeply to read", file=str(path)) from None


def _load(path: Path, suffix: str) -> model.Article:
    try:
        if suffix in BINARY_READERS:
            binary_reader: BinaryReader = _entry(BINARY_READERS[suffix])
            return validate(binary_reader(_read_bytes(path)))
        if suffix not in READERS:
            known = ", ".join([*READERS, *BINARY_READERS])
            raise InputError(f"unknown input format {path.suffix or '(none)'!r} (known: {known})")
        reader: Reader = _entry(READERS[suffix])
        article = reader(_decode_text(_read_bytes(path)))
        return article if READERS[suffix] in CHECKING_READERS else validate(article)
    except InputError as error:
        raise error.in_file(str(path)) from None
    except RecursionError:
        raise InputError("nested too deeply to read", file=str(path)) from None


def _entry(entry: str) -> Any:
    module, function = entry.split(":")
    return getattr(importlib.import_module(module), function)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        limit = MAX_INPUT_BYTES_BY_SUFFIX.get(path.suffix.lower(), MAX_INPUT_BYTES)
        if size > limit:
            raise InputError(f"the file is {size} bytes, over the limit of {limit}")
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


def text_of(data: bytes) -> str:
    """Return an article file's text as the text readers take it; raise InputError when
    it is empty, binary or not UTF-8."""
    if not data.strip():
        raise InputError("the file is empty")
    return _decode_text(data)


def _decode_text(data: bytes) -> str:
    if b"\0" in data:
        raise InputError("a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", where=f"line {line}") from None
    return text.replace("\r\n", "\n")
