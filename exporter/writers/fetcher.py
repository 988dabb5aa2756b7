"""WeasyPrint's URL fetcher, bound to the resource policy: no network, no files elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

from exporter.context import RenderContext
from exporter.resources import MAX_IMAGE_BYTES, local_path, media_type

log = logging.getLogger("exporter")


class PolicyFetcher(URLFetcher):  # type: ignore[misc]
    """Serve `file:` URLs the policy allows and small `data:` URLs; refuse everything else."""

    def __init__(self, context: RenderContext) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self._context = context

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource at `url`, or raise ValueError (WeasyPrint then skips it)."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if len(url) > MAX_IMAGE_BYTES * 4 // 3:
                log.warning("refused a data: URL of %d characters (too large)", len(url))
                raise ValueError("data: URL too large")
            return super().fetch(url, headers)
        if scheme != "file":
            log.warning("refused %r: renderers do not fetch from the network", url)
            raise ValueError(f"refused {url}")
        path = local_path(url, self._context)
        if path is None:
            raise ValueError(f"refused {url}")
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": media_type(path)}
        )
