"""One family of errors, each printed as a single line `FILE: WHERE: WHAT`."""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_PLACE = re.compile(r"\bline (\d+)(?:, column (\d+))?")
"""How a place names its line, and its column where that helps: "front matter, line 4",
"line 12, column 3". The message says it; `line` and `column` read it back from there."""


@dataclass
class ExportError(Exception):
    """A failure the toolkit explains in one line; exit code 1 unless a subclass says."""

    what: str
    """What went wrong, in words a user understands."""
    file: str = ""
    """The file concerned, when there is one."""
    where: str = ""
    """The place in the file: a line, a field, a part."""

    exit_code = 1

    def __post_init__(self) -> None:
        # Exception.args must hold the fields, so that the error survives pickling
        # between worker processes.
        super().__init__(self.what, self.file, self.where)

    def __str__(self) -> str:
        line = ": ".join(part for part in (self.file, self.where, self.what) if part)
        return " ".join(line.split())  # always one line, whatever the parts hold

    @property
    def line(self) -> int | None:
        """Return the line of the file the place names, counted from 1, or None."""
        match = LINE_PLACE.search(self.where)
        return int(match[1]) if match else None

    @property
    def column(self) -> int | None:
        """Return the column of the line the place names, counted from 1, or None."""
        match = LINE_PLACE.search(self.where)
        return int(match[2]) if match and match[2] else None

    def in_file(self, file: str) -> ExportError:
        """Return this error naming `file`, unless it already names one."""
        if not self.file:
            self.file = file
            self.args = (self.what, self.file, self.where)
        return self

    def at(self, where: str) -> ExportError:
        """Return this error naming the place `where`, unless it already names one."""
        if not self.where:
            self.where = where
            self.args = (self.what, self.file, self.where)
        return self


class InputError(ExportError):
    """The input is not a valid article: the user must change it (exit 2)."""

    exit_code = 2


class UsageError(ExportError):
    """The command line asks for something that cannot be done (exit 2)."""

    exit_code = 2


class LayoutError(ExportError):
    """The layout folder is missing a file or holds invalid data (exit 2)."""

    exit_code = 2


class RefusedError(ExportError):
    """The article is valid but cannot be rendered as asked, for example too long (exit 2)."""

    exit_code = 2
