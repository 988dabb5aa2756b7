"""What the last check of each article found: fits or not, warnings, when; kept on disk."""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from exporter.output import write_atomic

STATUS_FILE = Path(".exporter") / "status.json"
KEPT_VERSIONS = 4
log = logging.getLogger("exporter")


@dataclass(frozen=True, slots=True)
class Status:
    """The outcome of the last proof or build of one version of an article."""

    version: str
    """The version of the file that was checked."""
    fits: bool | None
    """True: fills exactly two pages; False: too long; None: could not be built."""
    fit: str
    """The fitting's result, or the error, in words."""
    warnings: tuple[str, ...]
    """The build's warnings."""
    checked: str
    """When it was checked (ISO 8601, UTC)."""
    short: int = 0
    """About how many words (or characters) it lacks to fill its pages; 0 when it fills them."""

    @property
    def state(self) -> str:
        """Return what the library marks it as: fits, short, over, or error."""
        if self.fits is None:
            return "error"
        if not self.fits:
            return "over"
        return "short" if self.short else "fits"


def now() -> str:
    """Return the time now, as the status file records it."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class StatusBook:
    """The statuses of a folder's articles, in `.exporter/status.json` inside it.

    A few versions of each article are kept: a check of an older version that ends
    after one of the newer must not put the newer one's status out of sight.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / STATUS_FILE
        self.statuses: dict[str, dict[str, Status]] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError, KeyError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.statuses = {
                name: {
                    version: Status(**{**entry, "warnings": tuple(entry["warnings"])})
                    for version, entry in versions.items()
                }
                for name, versions in data.items()
            }

    def get(self, name: str, version: str) -> Status | None:
        """Return the status of this version of the article, if it was checked."""
        return self.statuses.get(name, {}).get(version)

    def record(self, name: str, status: Status) -> None:
        """Keep a status, in memory and on disk (a read-only folder keeps it in memory)."""
        versions = self.statuses.setdefault(name, {})
        versions.pop(status.version, None)
        versions[status.version] = status
        while len(versions) > KEPT_VERSIONS:
            del versions[next(iter(versions))]
        data = {
            name: {version: asdict(entry) for version, entry in versions.items()}
            for name, versions in sorted(self.statuses.items())
        }
        try:
            write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False).encode())
        except OSError as error:
            log.warning("cannot keep the statuses in %s: %s", self.path, error.strerror)
