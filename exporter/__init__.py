"""exporter: one article model, read from Markdown or JSON, written as PDF, EPUB and DOCX."""

from exporter.build import BuildOptions, build_file, render
from exporter.context import RenderContext
from exporter.errors import ExportError
from exporter.layouts import find_layout
from exporter.model import Article
from exporter.readers import load

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
