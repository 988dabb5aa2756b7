"""Open untrusted ZIP packages (DOCX, EPUB) and their XML parts within fixed limits."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from exporter.errors import InputError

# lxml elements; lxml-stubs cannot type XPath results precisely.
Element = Any


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How much an untrusted archive may hold; past any limit it is refused before reading."""

    max_archive_bytes: int = 50_000_000
    """The largest archive file opened at all."""
    max_entries: int = 2_000
    """The most entries (a Word document has a few dozen)."""
    max_total_bytes: int = 100_000_000
    """The most bytes all entries may declare, uncompressed, together."""
    max_entry_bytes: int = 50_000_000
    """The most bytes one entry may declare, uncompressed."""
    max_ratio: int = 100
    """The highest compression ratio of an entry above `ratio_floor_bytes`."""
    ratio_floor_bytes: int = 1_000_000
    """Entries smaller than this may compress better: a small run of spaces is harmless."""
    max_xml_bytes: int = 20_000_000
    """The largest XML part parsed."""


DEFAULT_LIMITS = ZipLimits()
_CHUNK_BYTES = 64 * 1024
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
# DOCX and EPUB use only these; others (AES, LZMA, bzip2) are refused, not attempted.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
# What zipfile and zlib raise on a damaged archive besides BadZipFile: truncated data,
# offsets past the end, names that are not valid UTF-8, bad deflate streams, a version
# or feature byte flipped to one zipfile does not implement.
_DAMAGE = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)
# No entity expansion, no network, no DTD loading, libxml2's depth and text-size limits:
# a part is data, never instructions.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


class SafeZip:
    """A ZIP archive whose central directory passed the limits; entries read in bounded chunks."""

    def __init__(self, data: bytes, kind: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        """Check `data` as a `kind` package (the word used in messages) against `limits`."""
        self.kind = kind
        self.limits = limits
        if len(data) > limits.max_archive_bytes:
            raise InputError(
                f"refused {kind} file: {len(data)} bytes, over {limits.max_archive_bytes}"
            )
        if not data.startswith(b"PK"):
            raise InputError(f"not a {kind} file (not a ZIP archive)")
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self._archive.infolist()
        except _DAMAGE:
            raise InputError(f"not a {kind} file (not a ZIP archive, or a damaged one)") from None
        self._infos = {info.filename: info for info in infos}
        self._check_directory(infos)

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse the archive from its central directory alone, before any entry is read."""
        limits, kind = self.limits, self.kind
        if len(infos) > limits.max_entries:
            raise InputError(
                f"refused {kind} file: {len(infos)} entries, over {limits.max_entries}"
            )
        if len(self._infos) != len(infos):
            raise InputError(f"refused {kind} file: two entries have the same name")
        total = 0
        for info in infos:
            name = info.filename
            if not is_safe_name(name):
                raise InputError(f"refused {kind} file: unsafe entry name {name!r}")
            if info.flag_bits & 0x1:
                raise InputError(
                    f"refused {kind} file: it is encrypted (save it without a password)"
                )
            if info.compress_type not in _METHODS:
                raise InputError(
                    f"refused {kind} file: {name} uses compression method {info.compress_type}, "
                    "which is not stored or deflated"
                )
            if info.file_size > limits.max_entry_bytes:
                raise InputError(
                    f"refused {kind} file: {name} unpacks to {info.file_size} bytes, "
                    f"over {limits.max_entry_bytes} (a zip bomb?)"
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise InputError(
                    f"refused {kind} file: {name} is compressed {ratio:.0f} to 1, "
                    f"over {limits.max_ratio} to 1 (a zip bomb?)"
                )
            total += info.file_size
        if total > limits.max_total_bytes:
            raise InputError(
                f"refused {kind} file: {total} bytes uncompressed, "
                f"over {limits.max_total_bytes} (a zip bomb?)"
            )

    def names(self) -> list[str]:
        """Return the entry names, in archive order."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        """Return True if the archive holds an entry of that name."""
        return name in self._infos

    def read(self, name: str, limit: int | None = None) -> bytes:
        """Return an entry's bytes, refusing it past `limit` or past its declared size.

        The central directory can lie about sizes, so the count is kept while
        decompressing, in chunks, and reading stops as soon as it is exceeded.
        """
        info = self._infos.get(name)
        if info is None:
            raise InputError(f"damaged {self.kind} file: it has no {name}")
        if limit is not None and info.file_size > limit:
            raise InputError(
                f"refused {self.kind} file: {name} is {info.file_size} bytes, over {limit}"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            with self._archive.open(info) as entry:
                while chunk := entry.read(_CHUNK_BYTES):
                    size += len(chunk)
                    if size > info.file_size:
                        raise InputError(
                            f"refused {self.kind} file: {name} unpacks to more than "
                            f"the {info.file_size} bytes it declares (a zip bomb?)"
                        )
                    chunks.append(chunk)
        except _DAMAGE as error:
            reason = " ".join(str(error).split())
            raise InputError(f"damaged {self.kind} file: cannot read {name} ({reason})") from None
        if size != info.file_size:
            raise InputError(f"damaged {self.kind} file: {name} is shorter than it declares")
        return b"".join(chunks)

    def xml(self, name: str) -> Element:
        """Return the root element of an XML entry, read within the limits and parsed safely."""
        return parse_xml(self.read(name, self.limits.max_xml_bytes), name, self.kind)


def read_archive_file(path: Path, kind: str, limits: ZipLimits = DEFAULT_LIMITS) -> SafeZip:
    """Open the `kind` package at `path`, refusing an oversized file before reading it.

    OSError (missing file, no permission) is left to the caller, which knows how to name it.
    """
    size = path.stat().st_size
    if size > limits.max_archive_bytes:
        raise InputError(f"refused {kind} file: {size} bytes, over {limits.max_archive_bytes}")
    return SafeZip(path.read_bytes(), kind, limits)


def is_safe_name(name: str) -> bool:
    """Return True if an entry name stays inside the archive's own folder on any system."""
    return not (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\0" in name
        or _DRIVE_LETTER.match(name)
        or ".." in name.split("/")
    )


class _DoctypeDeclaredError(Exception):
    """The prolog declares a document type."""


class _RootReachedError(Exception):
    """The root element starts: no document type can follow."""


class _PrologCheck:
    """A parser target that stops at the first DOCTYPE or at the root element."""

    def doctype(self, *_args: object) -> None:
        raise _DoctypeDeclaredError

    def start(self, tag: str | bytes, attrib: dict[str | bytes, str | bytes]) -> None:
        raise _RootReachedError

    def end(self, tag: str | bytes) -> None:
        return None

    def data(self, data: str | bytes) -> None:
        return None

    def comment(self, text: str | bytes) -> None:
        return None

    def close(self) -> None:
        return None


def parse_xml(data: bytes, name: str, kind: str) -> Element:
    """Parse one XML part, refusing any DTD outright and reporting bad XML in one line."""
    _refuse_doctype(data, name, kind)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        reason = " ".join(str(error).split())
        raise InputError(f"damaged {kind} file: {name} is not valid XML ({reason})") from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # a backstop: checked above
        raise _doctype_error(name, kind)
    return root


def _refuse_doctype(data: bytes, name: str, kind: str) -> None:
    """Refuse a DOCTYPE before its declarations are processed, whatever the encoding.

    A parser target sees the DOCTYPE as libxml2 meets it and stops parsing at the
    root element, so this costs only the prolog. Bad XML is left to the full parse,
    which names the place.
    """
    prolog = etree.XMLParser(
        target=_PrologCheck(), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        etree.fromstring(data, prolog)
    except _DoctypeDeclaredError:
        raise _doctype_error(name, kind) from None
    except (_RootReachedError, etree.XMLSyntaxError):
        return


def _doctype_error(name: str, kind: str) -> InputError:
    return InputError(f"refused {kind} file: {name} declares a DTD, which {kind} never needs")
