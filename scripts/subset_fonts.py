"""Subset the Noto Serif, Sans and Sans Mono fonts to the Latin ranges the bulletin prints."""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

# Basic Latin, Latin-1, Latin Extended-A/B, IPA, spacing modifiers, combining marks,
# Latin Extended Additional (Vietnamese), general punctuation, currency, letterlike
# symbols, arrows, math operators used in prose, and the replacement character.
UNICODE_RANGES = (
    "U+0020-024F,U+0250-02FF,U+0300-036F,U+1E00-1EFF,U+2000-206F,"
    "U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+FEFF,U+FFFD"
)
FONTS = (
    "NotoSerif-Regular",
    "NotoSerif-Italic",
    "NotoSerif-Bold",
    "NotoSerif-BoldItalic",
    "NotoSans-Regular",
    "NotoSans-Bold",
    "NotoSans-Italic",
    "NotoSans-BoldItalic",
)
# The faces of code, in their own folder: only the outputs of articles with code load them.
CODE_FOLDER = "code"
CODE_FONTS = ("NotoSansMono-Regular", "NotoSansMono-Bold")


def main(source_dir: str, target_dir: str) -> int:
    """Write the subset of each font in FONTS and CODE_FONTS from source_dir into target_dir."""
    for name in FONTS:
        subset_file(Path(source_dir) / f"{name}.ttf", Path(target_dir) / f"{name}.ttf")
    (Path(target_dir) / CODE_FOLDER).mkdir(exist_ok=True)
    for name in CODE_FONTS:
        code = Path(target_dir) / CODE_FOLDER
        subset_file(Path(source_dir) / f"{name}.ttf", code / f"{name}.ttf")
    return 0


def subset_file(source: Path, target: Path) -> None:
    """Write the subset of one font file to the Latin ranges, every layout feature kept."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODE_RANGES))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
