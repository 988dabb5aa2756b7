"""What `exporter serve` was asked for, and the rule that guards a server beyond loopback."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import UsageError
from exporter.readers import MAX_INPUT_BYTES

TOKEN_VARIABLE = "EXPORTER_TOKEN"
LOOPBACK_NAMES = ("localhost",)
FORM_OVERHEAD_BYTES = 64_000
"""Room for a form's other fields and multipart boundaries around an article or upload."""
HEAD_SECONDS = 10.0
BODY_SECONDS = 30.0
QUEUE = 64
"""Builds that may wait for a worker: about a minute of proofs; a full Build all waits in
jobs.py, not here, so this bounds what clients can pile up."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How the web app runs."""

    folder: Path
    """The folder of articles: its Markdown files are the store."""
    host: str = "127.0.0.1"
    """The address to listen on."""
    port: int = 8000
    """The port to listen on."""
    token: str = ""
    """The access token every request must carry; empty means none is asked for."""
    jobs: int = 2
    """The number of worker processes that build."""
    max_upload_bytes: int = MAX_INPUT_BYTES
    """The largest article or import a request may carry (413 above it)."""
    head_seconds: float = HEAD_SECONDS
    """How long a connection may take to send a request's head; then it is closed."""
    body_seconds: float = BODY_SECONDS
    """How long a request's body may stop arriving; then it is answered 408 and dropped."""
    queue: int = QUEUE
    """The most builds waiting for a worker; past that, requests are answered 503."""
    max_connections: int | None = None
    """The most connections held open; None: as many as the open-file limit leaves room for."""

    @property
    def max_body_bytes(self) -> int:
        """Return the largest request body read at all.

        An article form carries the article twice: as edited, and as it was opened (the
        base a save made meanwhile is merged from), in base64; so does the merge form.
        """
        return 3 * self.max_upload_bytes + FORM_OVERHEAD_BYTES


def is_loopback(host: str) -> bool:
    """Return True when `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_options(options: ServeOptions) -> ServeOptions:
    """Return the options if the server may start with them, else raise UsageError."""
    if not options.folder.is_dir():
        raise UsageError("no such folder", file=str(options.folder))
    if not is_loopback(options.host) and not options.token:
        raise UsageError(
            f"--host {options.host} listens beyond this machine: give an access token "
            f"with --token or the {TOKEN_VARIABLE} environment variable"
        )
    if options.token and not options.token.strip():
        raise UsageError("the access token is blank")
    if options.token and options.token != options.token.strip():
        raise UsageError("the access token starts or ends with spaces")
    if options.token and len(options.token) < 16:
        raise UsageError("the access token is shorter than 16 characters")
    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port {options.port} is not a port number")
    if options.jobs < 1:
        raise UsageError(f"--jobs {options.jobs} is not a positive number")
    return options
