"""Outputs appear whole or not at all; warnings are told once, at the end, with the file."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pypdf
import pytest

from exporter.cli import main
from exporter.output import write_atomic

ARTICLE = "---\ntitle: {title}\n---\n{body}\n"
BODY = "\n\n".join(f"Paragraph {i} of the article, with some words in it." for i in range(12))


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def write_article(folder: Path, name: str, body: str = BODY, title: str = "T") -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out" / "a.pdf", b"%PDF-1.7 ...")
    assert list((tmp_path / "out").iterdir()) == []


def test_ctrl_c_during_a_build_leaves_no_temporary_files(tmp_path: Path) -> None:
    sources = [write_article(tmp_path, f"a{i}.md", title=f"Article {i}") for i in range(6)]
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "build", *map(str, sources), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.exists() and any(out.iterdir())):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    # 130 when the interrupt was caught, -SIGINT when it arrived as the process ended.
    assert process.returncode in (0, 130, -signal.SIGINT), err
    assert b"Traceback" not in err
    assert leftovers(out) == []
    for path in out.iterdir():  # whatever was written is whole
        if path.suffix in (".epub", ".docx"):
            assert zipfile.ZipFile(path).testzip() is None
        elif path.suffix == ".pdf":
            assert len(pypdf.PdfReader(str(path)).pages) == 2


def test_concurrent_builds_into_one_folder_give_whole_files(tmp_path: Path) -> None:
    sources = [write_article(tmp_path, f"c{i}.md", title=f"Concurrent {i}") for i in range(2)]
    out = tmp_path / "out"
    commands = [
        [sys.executable, "-m", "exporter", "build", str(source), "--out", str(out), "-q"]
        for source in [*sources, sources[0]]  # the same article twice, at once
    ]
    processes = [subprocess.Popen(command, stderr=subprocess.PIPE) for command in commands]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert leftovers(out) == []
    for source in sources:
        assert len(pypdf.PdfReader(str(out / f"{source.stem}.pdf")).pages) == 2
        for extension in (".epub", ".docx"):
            assert zipfile.ZipFile(out / f"{source.stem}{extension}").testzip() is None


def test_a_failing_format_leaves_no_output_of_the_others(tmp_path: Path) -> None:
    long_body = "\n\n".join(" ".join(["word"] * 100) for _ in range(40))
    source = write_article(tmp_path, "long.md", body=long_body)
    out = tmp_path / "out"
    code, err = run("build", str(source), "--to", "docx,json,pdf", "--out", str(out))
    assert code == 2 and "words over" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_characters_no_font_shows_are_warned_once_at_the_end(tmp_path: Path) -> None:
    # U+E000 is a private-use character: no font of the layout or the system shows it.
    source = write_article(
        tmp_path, "pua.md", body="A private sign \ue000 here.\n\nAnd \ue000 again."
    )
    code, err = run("build", str(source), "--to", "pdf,docx", "--out", str(tmp_path / "o"))
    assert code == 0
    lines = err.strip().splitlines()
    glyphs = [line for line in lines if "no font can show" in line]
    assert glyphs == [
        f"warning: {source}: no font can show \ue000 (U+E000); they would print as empty boxes"
    ]
    # The other warning: two sentences are far from filling the bulletin's two pages.
    assert [line for line in lines if line not in glyphs] == [
        line for line in lines if "words short of filling two pages" in line
    ]


def test_strict_refuses_characters_no_font_shows(tmp_path: Path) -> None:
    source = write_article(tmp_path, "pua.md", body="A private sign \ue000 here.")
    out = tmp_path / "o"
    code, err = run("build", str(source), "--strict", "--out", str(out))
    assert code == 2
    assert err.strip() == (
        f"exporter: {source}: text: no font can show \ue000 (U+E000); "
        "they would print as empty boxes"
    )
    assert not out.exists()


def test_latin_extended_text_needs_no_warning(tmp_path: Path) -> None:
    source = write_article(tmp_path, "vi.md", body="Nguyễn Thị Lan visited Đà Nẵng and Ōsaka.")
    code, err = run("build", str(source), "--to", "docx", "--out", str(tmp_path / "o"))
    assert (code, err) == (0, "")


def test_quiet_prints_no_warnings(tmp_path: Path) -> None:
    source = write_article(tmp_path, "pua.md", body="A private sign \ue000 here.")
    code, err = run("build", str(source), "--to", "docx", "-q", "--out", str(tmp_path / "o"))
    assert (code, err) == (0, "")
