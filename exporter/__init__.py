"""exporter: one article model, read from Markdown or JSON, written as PDF, EPUB and DOCX.

The names below are imported on first use, so that `python -m exporter --help` and the
light commands do not load every reader and writer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from exporter import nativelibs

if TYPE_CHECKING:
    from exporter.build import BuildOptions, build_file, render
    from exporter.context import RenderContext
    from exporter.errors import ExportError
    from exporter.layouts import find_layout
    from exporter.model import Article
    from exporter.readers import load

_SOURCES = {
    "Article": "exporter.model",
    "BuildOptions": "exporter.build",
    "ExportError": "exporter.errors",
    "RenderContext": "exporter.context",
    "build_file": "exporter.build",
    "find_layout": "exporter.layouts",
    "load": "exporter.readers",
    "render": "exporter.build",
}

__all__ = [
    "Article",
    "BuildOptions",
    "ExportError",
    "RenderContext",
    "build_file",
    "find_layout",
    "load",
    "render",
]


# WeasyPrint, wherever it is first imported, finds its native libraries quickly.
nativelibs.install()


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _SOURCES:
        raise AttributeError(f"module 'exporter' has no attribute {name!r}")
    value = getattr(importlib.import_module(_SOURCES[name]), name)
    globals()[name] = value
    return value
