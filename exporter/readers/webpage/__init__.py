"""Readers of a publication's web page: as a scraper saved its text, or as HTML."""

from __future__ import annotations

from exporter.readers.webpage.saved_text import read_saved_page

__all__ = ["read_saved_page"]
