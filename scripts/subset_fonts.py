"""Subset the Noto Serif and Noto Sans fonts to the Latin ranges the bulletin prints."""

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


def main(source_dir: str, target_dir: str) -> int:
    """Write the subset of each font in FONTS from source_dir into target_dir."""
    for name in FONTS:
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False
        font = subset.load_font(str(Path(source_dir) / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODE_RANGES))
        subsetter.subset(font)
        subset.save_font(font, str(Path(target_dir) / f"{name}.ttf"), options)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
