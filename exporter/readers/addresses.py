"""Which link addresses a reader keeps: the schemes a reader may follow, and programs."""

from __future__ import annotations

from urllib.parse import urlsplit

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data"})
"""Schemes whose address is a program or a document in itself: an autolink to one loses
its text too, where another scheme's autolink keeps its address as text."""


def is_allowed_url(url: str) -> bool:
    """Return True for a relative address or one in a scheme a reader may follow."""
    return not url_scheme(url) or url_scheme(url) in URL_SCHEMES


def url_scheme(url: str) -> str:
    """Return the scheme of an address in lower case, "" for a relative one."""
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:  # a broken host such as "http://[x": read only the scheme
        scheme, colon, _rest = url.strip().partition(":")
        return scheme.lower() if colon else ""
