"""Incremental folder builds: only what changed is built again; the manifest stays true."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from exporter import model
from exporter.fingerprint import stamp_of
from exporter.incremental import picture_stamps
from exporter.layouts import BUNDLED_LAYOUTS
from exporter.manifest import MANIFEST_NAME
from tests.test_batch import run, write_articles
from tests.test_workpool import alive
from tests.tools import children

EXPORTER = [sys.executable, "-m", "exporter"]
LIGHT = ("--to", "docx,json", "--jobs", "1")
"""Formats quick to build, in this process: enough to judge what is built again."""


def build(articles: Path, out: Path, *options: str) -> tuple[int, str]:
    return run("build", str(articles), "-o", str(out), *(options or LIGHT))


def summary(err: str) -> str:
    return err.strip().splitlines()[-1]


def times(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(".")}


def manifest(out: Path) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((out / MANIFEST_NAME).read_text())["articles"]
    return data


def title_of(json_output: Path) -> str:
    title: str = json.loads(json_output.read_text())["title"]
    return title


def test_a_second_build_builds_nothing_and_loads_no_renderer(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 30)
    out = tmp_path / "out"
    code, err = build(tmp_path / "articles", out, "--jobs", "2")
    assert code == 0, err
    assert summary(err) == "built 30, up to date 0, refused 0, failed 0"
    before = times(out)
    assert len(before) == 90
    heavy = ["weasyprint", "ebooklib", "docx", "markdown_it", "exporter.workpool"]
    script = (
        "import sys\n"
        "from exporter.cli import main\n"
        f"code = main(['build', {str(tmp_path / 'articles')!r}, '-o', {str(out)!r}])\n"
        f"print(code, *[name for name in {heavy!r} if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    # Nothing read nor rendered, no worker started: the outputs are as they were.
    assert result.stdout.split() == ["0"], result.stdout
    assert summary(result.stderr) == "built 0, up to date 30, refused 0, failed 0"
    assert times(out) == before
    assert set(manifest(out)) == {str(source.resolve()) for source in sources}


def test_one_changed_article_is_built_alone(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 5)
    out = tmp_path / "out"
    assert build(tmp_path / "articles", out)[0] == 0
    before = times(out)
    changed = sources[2]
    changed.write_text(changed.read_text().replace("Batch Article 2", "Renamed Article"))
    code, err = build(tmp_path / "articles", out)
    assert code == 0, err
    assert summary(err) == "built 1, up to date 4, refused 0, failed 0"
    after = times(out)
    assert {name for name in after if after[name] != before[name]} == {
        f"{changed.stem}.docx",
        f"{changed.stem}.json",
    }
    assert title_of(out / f"{changed.stem}.json") == "Renamed Article"
    assert summary(build(tmp_path / "articles", out)[1]).startswith("built 0, up to date 5")


def test_a_refused_article_is_tried_again_and_never_recorded(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 2)
    broken = tmp_path / "articles" / "broken.md"
    broken.write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        code, err = build(tmp_path / "articles", out)
        assert code == 2
        assert "broken.md: front matter" in err
    assert summary(err) == "built 0, up to date 2, refused 1, failed 0"
    assert str(broken.resolve()) not in manifest(out)
    broken.write_text("---\ntitle: Mended\n---\n\nA paragraph.\n", encoding="utf-8")
    assert summary(build(tmp_path / "articles", out)[1]).startswith("built 1, up to date 2")
    assert title_of(out / "broken.json") == "Mended"


def test_nothing_built_writes_no_manifest(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "broken.md").write_text("---\ntitle: [x\n---\n")
    assert build(tmp_path / "articles", tmp_path / "out")[0] == 2
    assert not (tmp_path / "out").exists()


def test_a_changed_or_new_picture_builds_its_article_again(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, 2)
    figure = "\n\n![A red square](square.png)\n\n![Not yet drawn](later.png)\n"
    with (folder / "pictured.md").open("a") as stream:
        stream.write("---\ntitle: Pictured\n---\n\nA paragraph before the figure.\n" + figure)
    Image.new("RGB", (40, 40), "red").save(folder / "square.png")
    out = tmp_path / "out"
    assert build(folder, out)[0] == 0
    docx = out / "pictured.docx"
    first = docx.read_bytes()
    Image.new("RGB", (40, 40), "blue").save(folder / "square.png")
    _, err = build(folder, out)
    assert summary(err) == "built 1, up to date 2, refused 0, failed 0", err
    assert docx.read_bytes() != first
    assert _pictures_in(docx) == 1
    Image.new("RGB", (40, 40), "green").save(folder / "later.png")
    _code, err = build(folder, out)
    assert summary(err) == "built 1, up to date 2, refused 0, failed 0", err
    assert _pictures_in(docx) == 2
    os.utime(folder / "later.png")  # touched, not changed: nothing to build
    assert summary(build(folder, out)[1]).startswith("built 0, up to date 3")


def test_the_pictures_followed_are_those_the_writers_read_from_the_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("plain.png", "with space.png", "by-url.png"):
        Image.new("RGB", (4, 4), "red").save(folder / name)
    (tmp_path / "outside.png").write_bytes(b"not the article's")
    references = [
        "plain.png",
        "with%20space.png",
        (folder / "by-url.png").as_uri(),
        "not-yet.png",
        "../outside.png",
        "https://example.org/remote.png",
        "data:image/png;base64,AAAA",
    ]
    article = model.Article(
        title="Pictures", body=tuple(model.Figure(src, "a picture") for src in references)
    )
    stamps = picture_stamps(article, folder)
    names = {Path(path).name: stamp for path, stamp in stamps.items()}
    assert set(names) == {
        "plain.png",
        "with space.png",
        "with%20space.png",
        "by-url.png",
        "not-yet.png",
    }
    assert names["not-yet.png"] is None and names["with%20space.png"] is None
    data = (folder / "plain.png").read_bytes()
    plain = names["plain.png"]
    assert plain == stamp_of(folder / "plain.png")
    assert plain is not None and plain.sha256 == hashlib.sha256(data).hexdigest()


def _pictures_in(docx: Path) -> int:
    with zipfile.ZipFile(docx) as package:
        return sum(name.startswith("word/media/") for name in package.namelist())


def test_a_changed_layout_builds_every_article_again(tmp_path: Path) -> None:
    layout = tmp_path / "my-layout"
    shutil.copytree(BUNDLED_LAYOUTS / "apb", layout)
    write_articles(tmp_path / "articles", 3)
    out = tmp_path / "out"
    options = (*LIGHT, "--layout", str(layout))
    assert build(tmp_path / "articles", out, *options)[0] == 0
    assert summary(build(tmp_path / "articles", out, *options)[1]).startswith("built 0")
    series = layout / "series.yaml"
    series.write_text(series.read_text().replace("Asia Pacific Bulletin", "Pacific Letters", 1))
    _code, err = build(tmp_path / "articles", out, *options)
    assert summary(err) == "built 3, up to date 0, refused 0, failed 0", err
    # Another layout is another input too: the bundled one, by the articles' series.
    assert summary(build(tmp_path / "articles", out)[1]).startswith("built 3, up to date 0")


def test_force_builds_every_article(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 3)
    out = tmp_path / "out"
    assert build(tmp_path / "articles", out)[0] == 0
    before = times(out)
    _code, err = build(tmp_path / "articles", out, *LIGHT, "--force")
    assert summary(err) == "built 3, up to date 0, refused 0, failed 0", err
    assert all(mtime != before[name] for name, mtime in times(out).items())


def test_other_options_or_formats_build_what_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_articles(tmp_path / "articles", 2)
    out = tmp_path / "out"
    assert build(tmp_path / "articles", out, "--to", "json", "--jobs", "1")[0] == 0
    json_times = times(out)
    _, err = build(tmp_path / "articles", out)  # the DOCX is new; the JSON up to date
    assert summary(err).startswith("built 2, up to date 0"), err
    assert {name: t for name, t in times(out).items() if name.endswith(".json")} == json_times
    sizes = {p.name: p.stat().st_size for p in out.glob("*.docx")}
    _code, err = build(tmp_path / "articles", out, *LIGHT, "--no-embed-fonts")
    assert summary(err).startswith("built 2, up to date 0"), err
    assert all(p.stat().st_size < sizes[p.name] for p in out.glob("*.docx"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert summary(build(tmp_path / "articles", out, *LIGHT, "--no-embed-fonts")[1]).startswith(
        "built 2"
    )


def test_an_output_deleted_or_edited_by_hand_is_built_again(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 4)
    out = tmp_path / "out"
    assert build(tmp_path / "articles", out)[0] == 0
    (out / f"{sources[0].stem}.docx").unlink()
    edited = out / f"{sources[1].stem}.json"
    edited.write_text(edited.read_text().replace("Batch Article 1", "Batch Article X"))
    os.utime(out / f"{sources[2].stem}.json")  # touched only: the same bytes
    _code, err = build(tmp_path / "articles", out)
    assert summary(err) == "built 2, up to date 2, refused 0, failed 0", err
    assert (out / f"{sources[0].stem}.docx").stat().st_size > 0
    assert title_of(edited) == "Batch Article 1"
    # The touched file's new time is kept: the next build compares times, not bytes.
    touched = out / f"{sources[2].stem}.json"
    outputs = manifest(out)[str(sources[2].resolve())]["outputs"]
    assert isinstance(outputs, dict)
    assert outputs["json"]["stamp"][1] == touched.stat().st_mtime_ns


def test_a_corrupt_manifest_means_a_full_build_with_a_warning(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 3)
    out = tmp_path / "out"
    assert build(tmp_path / "articles", out)[0] == 0
    damaged = [
        b"\x00\xff not json",
        b'{"kind": "exporter build manifest", "version": 1, "articles": {"a": {"series": 3}}}',
        (out / MANIFEST_NAME).read_bytes()[:200],
    ]
    for data in damaged:
        (out / MANIFEST_NAME).write_bytes(data)
        code, err = build(tmp_path / "articles", out)
        assert code == 0, err
        assert f"warning: {out / MANIFEST_NAME}: not a build manifest" in err
        assert "Traceback" not in err
        assert summary(err) == "built 3, up to date 0, refused 0, failed 0"
        assert summary(build(tmp_path / "articles", out)[1]).startswith("built 0, up to date 3")


def test_files_named_are_built_as_asked_and_keep_no_manifest(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 2)
    out = tmp_path / "out"
    for _ in range(2):
        _, err = run("build", *map(str, sources), "-o", str(out), *LIGHT)
        assert summary(err) == "built 2, refused 0, failed 0", err
    assert not (out / MANIFEST_NAME).exists()
    assert build(tmp_path / "articles", out)[0] == 0
    # A file named beside a folder is built whether it changed or not.
    _code, err = run("build", str(tmp_path / "articles"), str(sources[0]), "-o", str(out), *LIGHT)
    assert summary(err) == "built 1, up to date 1, refused 0, failed 0", err


def test_a_batch_killed_midway_leaves_a_manifest_true_of_the_folder(tmp_path: Path) -> None:
    sources = write_articles(tmp_path / "articles", 60)
    out = tmp_path / "out"
    command = [*EXPORTER, "build", str(tmp_path / "articles"), "-o", str(out), "--jobs", "2"]
    batch = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    recorded: dict[str, dict[str, object]] = {}
    while len(recorded) < 3 and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.05)
        try:
            recorded = manifest(out)
        except (OSError, ValueError):
            continue
    workers = children(batch.pid)
    batch.send_signal(signal.SIGKILL)
    batch.wait(timeout=30)
    assert 3 <= len(recorded) < len(sources), "the batch was not caught midway"
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)  # the workers end by themselves, each file they write whole
    entries = manifest(out)
    for entry in entries.values():
        outputs = entry["outputs"]
        assert isinstance(outputs, dict) and set(outputs) == {"pdf", "epub", "docx"}
        for output in outputs.values():
            data = (out / output["name"]).read_bytes()
            assert [len(data), hashlib.sha256(data).hexdigest()] == [
                output["stamp"][0],
                output["stamp"][2],
            ]
    code, err = build(tmp_path / "articles", out, "--jobs", "2")
    assert code == 0, err
    built = len(sources) - len(entries)
    assert summary(err) == f"built {built}, up to date {len(entries)}, refused 0, failed 0"
    assert len(manifest(out)) == len(sources)
    assert len(times(out)) == 3 * len(sources)
