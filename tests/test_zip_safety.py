"""Hostile ZIP packages (bombs, unsafe names, DTDs) are refused quickly, in one line, unread."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporter.cli import main
from exporter.context import RenderContext
from exporter.errors import InputError
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.readers.docx import read_docx
from exporter.safezip import SafeZip, ZipLimits, is_safe_name
from exporter.writers.docx import write_docx
from tests.articles import rich_article

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GIB = 1 << 30


# -- building hostile archives by hand: zipfile will not write a lying one ----------------


@dataclass(frozen=True)
class RawEntry:
    """One entry of a hand-made archive, with whatever sizes and flags it claims."""

    name: bytes
    payload: bytes
    """The bytes stored in the archive (compressed already when method is 8)."""
    size: int
    """The uncompressed size the headers declare."""
    crc: int = 0
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def raw_zip(entries: list[RawEntry]) -> bytes:
    """Return an archive with exactly the headers asked for (ZIP64 sizes past 4 GiB)."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        offset = len(out)
        zip64 = entry.size >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, entry.size, len(entry.payload)) if zip64 else b""
        size32 = 0xFFFFFFFF if zip64 else entry.size
        csize32 = 0xFFFFFFFF if zip64 else len(entry.payload)
        common = (entry.flags, entry.method, 0, 0x21, entry.crc, csize32, size32)
        out += struct.pack("<4sHHHHHIII", b"PK\x03\x04", 45, *common)
        out += struct.pack("<HH", len(entry.name), len(extra)) + entry.name + extra
        out += entry.payload
        central += struct.pack("<4sHHHHHHIII", b"PK\x01\x02", 45, 45, *common)
        central += struct.pack("<HHHHHII", len(entry.name), len(extra), 0, 0, 0, 0, offset)
        central += entry.name + extra
    count = len(entries)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


def deflated(data: bytes) -> bytes:
    """Return raw deflate data, as a ZIP entry stores it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def deflated_zeros(size: int) -> bytes:
    """Return raw deflate data of `size` zero bytes, made in chunks to stay small in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def zip_of(entries: dict[str, bytes]) -> bytes:
    """Return an ordinary archive of the given entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def document_xml(text: str = "Hello") -> bytes:
    """Return a minimal main document part."""
    return (
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).encode()


def with_doctype(doctype: str, root: str = "w:document") -> bytes:
    """Return a main document part whose prolog declares `doctype`."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} {doctype}>\n'
        + document_xml("&x;").decode().replace("&x;", "x")
    ).encode()


XXE_FILE = '[<!ENTITY x SYSTEM "file:///etc/hostname">]'
XXE_NETWORK = '[<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]'
BILLION_LAUGHS = (
    '[<!ENTITY a0 "lol">'
    + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    + "]"
)


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    """Return a DOCX the writer made, to break in many ways."""
    context = RenderContext(layout=find_layout(None), source_dir=ROOT / "tests" / "fixtures")
    return write_docx(rich_article(), context)


def replaced(data: bytes, name: str, content: bytes) -> bytes:
    """Return a copy of a package with one part's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_of(
        {i.filename: content if i.filename == name else source.read(i) for i in source.infolist()}
    )


def replace_raw(data: bytes, name: str, payload: bytes, size: int) -> bytes:
    """Return a copy of a package with one entry's stored bytes and declared size replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = []
    for info in source.infolist():
        content = source.read(info)
        if info.filename == name:
            entries.append(RawEntry(name.encode(), payload, size=size))
        else:
            entries.append(RawEntry(info.filename.encode(), deflated(content), len(content)))
    return raw_zip(entries)


# -- the cases: each hostile file and the words its refusal must use ---------------------

CASES: dict[str, tuple[bytes, str]] = {
    "plain-text": (b"Just some text, not a document at all.", "not a DOCX file (not a ZIP"),
    "pdf-renamed": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "not a DOCX file"),
    "truncated-zip": (zip_of({"word/document.xml": document_xml()})[:40], "not a DOCX file"),
    "epub-not-docx": (zip_of({"mimetype": b"application/epub+zip"}), "no word/document.xml"),
    "declared-10-GiB": (
        raw_zip([RawEntry(b"word/document.xml", deflated(b"<a/>"), size=10 * GIB)]),
        "a zip bomb?",
    ),
    "many-small-entries-total": (
        raw_zip(
            [RawEntry(f"word/m{i}.xml".encode(), deflated(b""), size=900_000) for i in range(150)]
        ),
        "bytes uncompressed, over",
    ),
    "high-ratio": (
        raw_zip([RawEntry(b"word/document.xml", deflated_zeros(8 << 20), size=8 << 20)]),
        "compressed",
    ),
    "too-many-entries": (
        raw_zip([RawEntry(f"e{i}".encode(), b"", size=0, method=0) for i in range(2001)]),
        "2001 entries, over 2000",
    ),
    "absolute-name": (zip_of({"/etc/cron.d/x": b"", "word/document.xml": b"<a/>"}), "unsafe"),
    "dot-dot-name": (zip_of({"word/../../x": b"", "word/document.xml": b"<a/>"}), "unsafe"),
    "backslash-name": (
        raw_zip([RawEntry(b"..\\..\\evil", b"", size=0, method=0)]),
        "unsafe entry name",
    ),
    "drive-letter-name": (raw_zip([RawEntry(b"C:evil", b"", size=0, method=0)]), "unsafe"),
    "duplicate-names": (
        raw_zip([RawEntry(b"word/document.xml", b"<a/>", size=4, method=0)] * 2),
        "the same name",
    ),
    "encrypted": (
        raw_zip([RawEntry(b"word/document.xml", b"\0" * 16, size=4, method=0, flags=1)]),
        "encrypted",
    ),
    "aes-method": (raw_zip([RawEntry(b"word/document.xml", b"", size=0, method=99)]), "method 99"),
    "lzma-method": (raw_zip([RawEntry(b"word/document.xml", b"", size=0, method=14)]), "method 14"),
    "xxe-file": (zip_of({"word/document.xml": with_doctype(XXE_FILE)}), "declares a DTD"),
    "xxe-parameter-entity": (
        zip_of({"word/document.xml": with_doctype(XXE_NETWORK)}),
        "declares a DTD",
    ),
    "external-dtd": (
        zip_of({"word/document.xml": with_doctype('SYSTEM "http://127.0.0.1:9/x.dtd"')}),
        "declares a DTD",
    ),
    "billion-laughs": (zip_of({"word/document.xml": with_doctype(BILLION_LAUGHS)}), "a DTD"),
    "doctype-in-utf16": (
        zip_of(
            {
                "word/document.xml": with_doctype(XXE_FILE)
                .decode()
                .replace('"1.0"', '"1.0" encoding="UTF-16"')
                .encode("utf-16")
            }
        ),
        "declares a DTD",
    ),
    "doctype-in-rels": (
        zip_of(
            {
                "_rels/.rels": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r/>',
                "word/document.xml": document_xml(),
            }
        ),
        "_rels/.rels declares a DTD",
    ),
    "bad-xml": (zip_of({"word/document.xml": b"<w:document"}), "is not valid XML"),
    "deep-xml": (zip_of({"word/document.xml": b"<a>" * 5000 + b"</a>" * 5000}), "not valid XML"),
}


@pytest.mark.parametrize(("content", "message"), CASES.values(), ids=CASES.keys())
def test_hostile_docx_is_refused_in_one_line(content: bytes, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_docx(content)
    assert time.perf_counter() - started < 2
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_lying_sizes_are_caught_while_reading() -> None:
    """A directory that declares 1 KB for 64 MB of data: reading stops, nothing is held."""
    bomb = deflated_zeros(64 << 20)
    crc = zlib.crc32(bytes(1000))
    lying = raw_zip([RawEntry(b"word/document.xml", bomb, size=1000, crc=crc)])
    assert SafeZip(lying, "DOCX").read("word/document.xml") == bytes(1000)
    with pytest.raises(InputError, match=re.escape("word/document.xml is not valid XML")):
        read_docx(lying)
    wrong_crc = raw_zip([RawEntry(b"word/document.xml", bomb, size=1000, crc=crc + 1)])
    with pytest.raises(
        InputError, match=re.escape("damaged DOCX file: cannot read word/document.xml")
    ):
        read_docx(wrong_crc)


def test_the_limits_hold_while_reading_too() -> None:
    """A part read past a caller's limit, or the XML limit, is refused before decompression."""
    archive = SafeZip(zip_of({"big.xml": b"<a>" + b" " * 5000 + b"</a>"}), "DOCX")
    with pytest.raises(InputError, match=re.escape("big.xml is 5007 bytes, over 100")):
        archive.read("big.xml", limit=100)
    small = SafeZip(
        zip_of({"big.xml": b"<a>" + b" " * 5000 + b"</a>"}), "DOCX", ZipLimits(max_xml_bytes=4096)
    )
    with pytest.raises(InputError, match="over 4096"):
        small.xml("big.xml")


def test_the_writers_own_docx_passes(good_docx: bytes) -> None:
    assert read_docx(good_docx).title == rich_article().title


@pytest.mark.parametrize(
    "name",
    ["/abs", "\\abs", "a/../../b", "..", "C:/x", "c:x", "a\\b", "a\0b", ""],
)
def test_unsafe_names(name: str) -> None:
    assert not is_safe_name(name)


@pytest.mark.parametrize("name", ["word/document.xml", "[Content_Types].xml", "a..b/c", "ab:c"])
def test_safe_names(name: str) -> None:
    assert is_safe_name(name)


# -- through the command line: exit 2, one line, no output ------------------------------


@pytest.mark.parametrize("case", ["declared-10-GiB", "xxe-file", "plain-text", "high-ratio"])
def test_cli_refuses_with_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    source = tmp_path / "returned.docx"
    source.write_bytes(CASES[case][0])
    out = tmp_path / "out"
    started = time.perf_counter()
    assert main(["build", str(source), "-o", str(out), "--to", "json,docx,epub"]) == 2
    assert main(["import", str(source), "-o", str(tmp_path / "a.md")]) == 2
    assert time.perf_counter() - started < 4
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"exporter: {source}: ") for line in lines)
    assert CASES[case][1] in lines[0]
    assert not out.exists() or not list(out.iterdir())
    assert not (tmp_path / "a.md").exists()


@pytest.mark.parametrize(
    "case", ["declared-10-GiB", "xxe-in-styles", "plain-text", "doctype-in-rels", "bomb-theme"]
)
def test_reference_docx_is_opened_as_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], good_docx: bytes, case: str
) -> None:
    hostile = {
        "xxe-in-styles": (replaced(good_docx, "word/styles.xml", with_doctype(XXE_FILE)), "DTD"),
        "bomb-theme": (
            replace_raw(good_docx, "word/theme/theme1.xml", deflated_zeros(8 << 20), 8 << 20),
            "a zip bomb?",
        ),
    }
    content, message = hostile.get(case) or CASES[case]
    reference = tmp_path / "reference.docx"
    reference.write_bytes(content)
    out = tmp_path / "out"
    article = ROOT / "tests" / "fixtures" / "rich-article.md"
    args = ["build", str(article), "-o", str(out), "--to", "docx"]
    assert main([*args, "--reference-docx", str(reference)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"exporter: {reference}: ")
    assert "--reference-docx: " in err and message in err
    assert not out.exists() or not list(out.iterdir())


def test_huge_reference_docx_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sparse 10 GiB file: its size alone refuses it, so it is never read into memory."""
    reference = tmp_path / "huge.docx"
    with reference.open("wb") as handle:
        handle.truncate(10 * GIB)
    article = ROOT / "tests" / "fixtures" / "rich-article.md"
    args = ["build", str(article), "-o", str(tmp_path / "out"), "--to", "docx"]
    started = time.perf_counter()
    assert main([*args, "--reference-docx", str(reference)]) == 2
    assert time.perf_counter() - started < 10
    assert "over 50000000" in capsys.readouterr().err


# -- memory: a bomb is refused without being unpacked ------------------------------------

MEASURE = """
import json, resource, sys, time
from exporter.errors import InputError
from exporter.readers import load
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    load(sys.argv[1])
    outcome = "read"
except InputError as error:
    outcome = str(error)
print(json.dumps({
    "outcome": outcome,
    "seconds": time.perf_counter() - started,
    "before_kib": before,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def measure_load(path: Path) -> dict[str, object]:
    """Load `path` in a fresh interpreter; return the outcome, time and peak memory."""
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        check=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    result: dict[str, object] = json.loads(run.stdout)
    return result


@pytest.mark.parametrize(
    "bomb",
    [
        raw_zip([RawEntry(b"word/document.xml", deflated(b"<a/>"), size=10 * GIB)]),
        raw_zip([RawEntry(b"word/document.xml", deflated_zeros(64 << 20), size=64 << 20)]),
        raw_zip([RawEntry(b"word/document.xml", deflated_zeros(64 << 20), size=1000)]),
    ],
    ids=["declared-10-GiB", "real-64-MiB", "lying-64-MiB"],
)
def test_bombs_are_refused_in_bounded_memory(tmp_path: Path, bomb: bytes) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)
    result = measure_load(path)
    assert str(result["outcome"]).startswith(f"{path}: ")
    assert float(str(result["seconds"])) < 2
    growth_kib = int(str(result["peak_kib"])) - int(str(result["before_kib"]))
    assert growth_kib < 20_000, result  # under 20 MB more than the interpreter held already


def test_load_of_the_real_bomb_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(CASES["high-ratio"][0])
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: refused DOCX file: word/document.xml")
