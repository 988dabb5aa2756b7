"""A DOCX package's large parts: written as ZipFile writes them, deflated once then kept."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from exporter import cache
from exporter.writers.docx import deflated

STAMP = (2024, 5, 17, 0, 0, 0)


def entries() -> list[tuple[str, bytes]]:
    """Parts of every kind: small XML, large text, large bytes that do not deflate."""
    noise = random.Random(7)
    words = " ".join(noise.choice(["river", "data", "gap", "Mekong"]) for _ in range(20_000))
    return [
        ("[Content_Types].xml", b"<Types/>" * 40),
        ("word/document.xml", words.encode()),
        ("word/fonts/font1.odttf", noise.randbytes(deflated.KEPT_SIZE + 1)),
        ("word/fonts/font2.odttf", bytes(deflated.KEPT_SIZE)),
        ("word/media/caf\u00e9.bin", noise.randbytes(50_000)),
        ("docProps/app.xml", b""),
    ]


def package(write_entry: bool, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries():
            entry = zipfile.ZipInfo(name, date_time=STAMP)
            entry.compress_type = compression
            if write_entry:
                deflated.write_entry(archive, entry, data)
            else:
                archive.writestr(entry, data)
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_package_is_the_same_bytes_as_zipfile_writes_made_or_kept(
    compression: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = package(write_entry=False, compression=compression)
    for folder in ("", tmp_path / "cache", tmp_path / "cache"):  # off, made, kept
        monkeypatch.setenv(cache.CACHE_VARIABLE, str(folder))
        assert package(write_entry=True, compression=compression) == expected
    with zipfile.ZipFile(io.BytesIO(expected)) as archive:
        assert archive.testzip() is None
        assert [archive.read(name) for name, _ in entries()] == [d for _, d in entries()]


def test_a_large_part_is_deflated_once_then_read_from_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    made: list[int] = []
    deflate = deflated.deflate

    def counted(data: bytes) -> bytes:
        made.append(len(data))
        return deflate(data)

    monkeypatch.setattr(deflated, "deflate", counted)
    first = package(write_entry=True)
    large = sorted(len(d) for _, d in entries() if len(d) >= deflated.KEPT_SIZE)
    assert sorted(made) == large  # the small parts are deflated by ZipFile, as they come
    assert len(list((tmp_path / "cache").iterdir())) == len(large)
    made.clear()
    assert package(write_entry=True) == first
    assert made == []
    # A kept entry that is damaged is made again, not used.
    for entry in (tmp_path / "cache").iterdir():
        data = bytearray(entry.read_bytes())
        data[-1] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert package(write_entry=True) == first
    assert sorted(made) == large
