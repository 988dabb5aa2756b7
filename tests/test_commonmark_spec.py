"""The CommonMark specification's examples, each given a title, built to JSON in one batch:
none crashes, at least 640 build, and each refusal names a line of its file.

The examples are tests/fixtures/commonmark/spec.json (see the README there for its
source and licence). The few refused are listed below with the reason: each is refused
on purpose, by a rule of the article model the reader keeps exact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exporter.cli import main

SPEC = Path(__file__).resolve().parent / "fixtures" / "commonmark" / "spec.json"
FRONT_LINES = 4
"""The lines of the front matter given to each example: `---`, the title, `---`, a blank."""
REFUSED = {
    501: "a link to '#fragment', a place the article does not name (no anchor)",
    579: "an image inside running text: the model's figures stand alone",
    581: "an image with no alternative text: the outputs must say what it shows",
    587: "an image inside running text (a reference image before a line of text)",
}
"""The examples refused, by number, and why."""
REFUSAL = re.compile(r"^exporter: (\S+example-(\d+)\.md): line (\d+)(?:, column \d+)?: \S")


@pytest.fixture(scope="module")
def spec() -> list[dict[str, object]]:
    examples: list[dict[str, object]] = json.loads(SPEC.read_text(encoding="utf-8"))
    return examples


def test_the_spec_examples_build_to_json_in_one_batch(
    spec: list[dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    for example in spec:
        number = int(str(example["example"]))
        text = f"---\ntitle: Example {number}\n---\n\n{example['markdown']}"
        (folder / f"example-{number:04d}.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["build", str(folder), "--to", "json", "-o", str(out), "-j", "2"])
    errors = capsys.readouterr().err.splitlines()
    # The output folder's own manifest (incremental builds) is a dot file.
    built = sorted(int(path.stem.split("-")[1]) for path in out.glob("example-*.json"))
    assert len(spec) >= 650 and len(built) >= 640
    refusals = [line for line in errors if line.startswith("exporter: ")]
    assert not [line for line in refusals if "internal error" in line or "failed" in line]
    refused = {}
    for line in refusals:
        match = REFUSAL.match(line)
        assert match, f"a refusal that names no line: {line}"
        number, at = int(match[2]), int(match[3])
        lines = str(spec[number - 1]["markdown"]).count("\n") + FRONT_LINES
        assert FRONT_LINES < at <= lines + 1, line  # a line of the example's own text
        refused[number] = line
    assert sorted(refused) == sorted(REFUSED), refused
    assert sorted([*built, *refused]) == [int(str(e["example"])) for e in spec]
    assert code == 2  # some refused, none failed
    # Every warning names its line: "line N: ..." or "... (line N)" for each dropped tag.
    warnings = [line for line in errors if line.startswith("warning: ")]
    assert warnings
    for line in warnings:
        assert re.search(r"\.md: line \d+|\(line \d+\)", line), line
