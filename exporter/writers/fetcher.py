"""WeasyPrint's URL fetcher, bound to the resource policy: no network, no files elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

from exporter.context import RenderContext
from exporter.resources import MAX_IMAGE_BYTES, local_path, media_type, read_limited, shown

log = logging.getLogger("exporter")
DATA_URL_HEADER = 200
"""Room for a data: URL's media type and parameters, besides its base64 payload."""


class PolicyFetcher(URLFetcher):  # type: ignore[misc]
    """Serve `file:` URLs the policy allows and small `data:` URLs; refuse everything else."""

    def __init__(self, context: RenderContext) -> None:
        # The allowed protocols are a second lock: `fetch` below never hands another
        # scheme to the parent, whose handlers would open HTTP, HTTPS and FTP.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self._context = context

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource at `url`, or raise ValueError (WeasyPrint then skips it)."""
        scheme = url.split(":", 1)[0].strip().lower()
        if scheme == "data":
            # Base64 takes four characters for three bytes: refuse before decoding.
            if len(url) > MAX_IMAGE_BYTES * 4 // 3 + DATA_URL_HEADER:
                log.warning(
                    "refused a data: URL of %d characters (images up to %d bytes)",
                    len(url),
                    MAX_IMAGE_BYTES,
                )
                raise ValueError("data: URL too large")
            return super().fetch(url, headers)
        if scheme != "file":
            log.warning("refused %s: renderers do not fetch from the network", shown(url))
            raise ValueError(f"refused {url}")
        path = local_path(url, self._context)
        body = read_limited(path) if path is not None else None
        if path is None or body is None:
            raise ValueError(f"refused {url}")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type(path)})
