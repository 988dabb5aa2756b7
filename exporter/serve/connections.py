"""The server's connections: a deadline for every request's head, and room kept for new ones.

uvicorn closes an idle connection only after a response (its keep-alive timeout): a
client that connects and sends nothing, or sends a request's head a byte at a time,
holds its connection and a file descriptor for ever, and a few hundred such clients
exhaust the open-file limit before any token is checked. Here a connection must send
each request's head within `head_seconds`, and when the connections reach the most the
file limit leaves room for, the oldest idle one is closed to make room for a new one.
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

RESERVED_FILES = 64
"""Descriptors kept free of connections: the listening socket, the workers' pipes,
article files, templates and fonts being read."""
WANTED_FILES = 8192
"""The open-file limit asked for at start, when the hard limit allows it."""


def connection_room() -> int:
    """Raise the open-file limit towards WANTED_FILES; return how many connections fit in it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = WANTED_FILES if hard == resource.RLIM_INFINITY else min(WANTED_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    files = WANTED_FILES if soft == resource.RLIM_INFINITY else soft
    return max(8, files - RESERVED_FILES)


def guarded_protocol(head_seconds: float, max_connections: int) -> type[H11Protocol]:
    """Return uvicorn's HTTP/1.1 protocol with a deadline for heads and a cap on connections."""

    class GuardedProtocol(H11Protocol):
        """One connection: closed when a request's head is late, or to make room when idle."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.last_active = self.loop.time()
            self.head_deadline: asyncio.TimerHandle | None = None

        @property
        def idle(self) -> bool:
            """True when no request is being answered on this connection."""
            return self.cycle is None or self.cycle.response_complete

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            full = len(self.connections) >= max_connections
            if full and not _close_oldest_idle(self.connections):
                transport.close()  # every connection is busy: this one waits for none
                return
            super().connection_made(transport)
            self._await_head()

        def on_response_complete(self) -> None:
            self.last_active = self.loop.time()
            super().on_response_complete()
            if not self.transport.is_closing():
                self._await_head()  # the next request on this kept-alive connection

        def connection_lost(self, exc: Exception | None) -> None:
            if self.head_deadline is not None:
                self.head_deadline.cancel()
            if self.transport is not None:
                super().connection_lost(exc)

        def close_idle(self) -> None:
            """Close this connection, which holds no request."""
            if self.head_deadline is not None:
                self.head_deadline.cancel()
            if not self.transport.is_closing():
                self.transport.close()

        def _await_head(self) -> None:
            if self.head_deadline is not None:
                self.head_deadline.cancel()
            self.head_deadline = self.loop.call_later(head_seconds, self._head_overdue)

        def _head_overdue(self) -> None:
            if self.idle:
                self.close_idle()

    return GuardedProtocol


def _close_oldest_idle(connections: set[Any]) -> bool:
    """Close the connection idle the longest; return False when every one is busy."""
    idle = [c for c in connections if getattr(c, "idle", False)]
    if not idle:
        return False
    oldest = min(idle, key=lambda connection: connection.last_active)
    oldest.close_idle()
    connections.discard(oldest)
    return True
