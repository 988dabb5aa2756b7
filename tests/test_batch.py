"""Batch builds: folders, worker processes, a summary; nothing heavy loaded that is not needed."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from exporter.cli import main

ARTICLE = "---\ntitle: {title}\n---\n{body}\n"


def write_articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        body = "\n\n".join(f"Paragraph {j} of article {i}, with words in it." for j in range(8))
        path = folder / f"article-{i}.md"
        path.write_text(ARTICLE.format(title=f"Batch Article {i}", body=body), encoding="utf-8")
        paths.append(path)
    return paths


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def test_a_folder_builds_in_workers_and_a_broken_article_does_not_stop_the_others(
    tmp_path: Path,
) -> None:
    sources = write_articles(tmp_path / "articles", 3)
    (tmp_path / "articles" / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    (tmp_path / "articles" / ".hidden").mkdir()
    (tmp_path / "articles" / ".hidden" / "skip.md").write_text("not an article")
    out = tmp_path / "out"
    code, err = run(
        "build", str(tmp_path / "articles"), "--jobs", "2", "--to", "docx,json", "-o", str(out)
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1] == "built 3, up to date 0, refused 1, failed 0"
    assert any(
        line.startswith("exporter: ") and "broken.md: front matter" in line for line in lines
    )
    assert sum(line.startswith("[") for line in lines) == 4  # a progress line per article
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            ".exporter-manifest.json",
            *(f"{s.stem}{ext}" for s in sources for ext in (".docx", ".json")),
        ]
    )


def test_workers_give_the_same_files_as_one_process(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 3)
    for jobs in ("1", "2"):
        code, err = run(
            "build",
            str(tmp_path / "articles"),
            "--jobs",
            jobs,
            "--to",
            "epub,docx",
            "-q",
            "-o",
            str(tmp_path / f"out{jobs}"),
        )
        assert code == 0, err
    outputs = [p for p in (tmp_path / "out1").iterdir() if not p.name.startswith(".")]
    assert len(outputs) == 6
    for one in sorted(outputs):
        assert one.read_bytes() == (tmp_path / "out2" / one.name).read_bytes(), one.name


def test_help_and_docx_only_builds_never_import_weasyprint(tmp_path: Path) -> None:
    source = write_articles(tmp_path, 1)[0]
    heavy = ["weasyprint", "ebooklib", "fontTools", "pikepdf", "docx", "markdown_it", "babel"]
    script = (
        "import sys, contextlib, io\n"
        "from exporter.cli import main\n"
        f"heavy = {heavy!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(*[name for name in heavy if name in sys.modules])\n"
        f"assert main(['build', {str(source)!r}, '--to', 'docx,json,md', '-q',"
        f" '-o', {str(tmp_path / 'out')!r}]) == 0\n"
        "print(*[name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    after_help, after_docx = result.stdout.split("\n")[:2]
    assert after_help == ""
    # The DOCX writer needs python-docx and the Markdown reader markdown-it; nothing of
    # the PDF and EPUB writers is loaded, nor the glyph check's fontTools.
    loaded = after_docx.split()
    assert {"docx", "markdown_it"} <= set(loaded)
    assert not {"weasyprint", "ebooklib", "fontTools", "pikepdf"} & set(loaded)


def test_the_subsetting_engine_is_named(tmp_path: Path) -> None:
    from exporter.writers.pdf import subsetting_engine

    # The setup installs libharfbuzz-subset0: the fast path must be the one in use.
    assert subsetting_engine() == "harfbuzz"
