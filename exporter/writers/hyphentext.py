"""How the layout's hyphens read in the PDF: as "-" (U+002D), so that readers rejoin the word.

WeasyPrint draws the hyphen of a hyphenated line as U+2010 and says so in the font's
`ToUnicode` map. pdf.js's search and poppler's `pdftotext` rejoin a word broken at a line
end only after U+002D: after U+2010 pdf.js finds "declin- ing" and poppler prints
"declin‐" and "ing" on two lines. The soft hyphen the PDF reference suggests (U+00AD) does
no better in either: pdf.js drops it and reads two words, poppler keeps it and the line
end. So the hyphen glyph's `ToUnicode` entry is made U+002D: a reader that rejoins
hyphenated lines reads the word whole. A U+2010 the article types reads as U+002D too, a
hyphen either way (pdf.js's search already takes one for the other). The drawn glyph is
the same; only what text extraction says of it changes.
"""

from __future__ import annotations

import re

import pikepdf

LAYOUT_HYPHEN = re.compile(rb"(<[0-9a-fA-F]{2,8}> )<2010>(?=\s)")
"""A `bfchar` entry of a `ToUnicode` map (as WeasyPrint writes them) giving U+2010."""


def read_hyphens_as_hyphen_minus(pdf: pikepdf.Pdf) -> int:
    """Map every font's U+2010 glyph to U+002D in its `ToUnicode`; return the maps changed."""
    changed = 0
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else ():
            to_unicode = font.get("/ToUnicode")
            if not isinstance(to_unicode, pikepdf.Stream) or to_unicode.objgen in seen:
                continue
            seen.add(to_unicode.objgen)
            data = to_unicode.read_bytes()
            if b"<2010>" not in data:
                continue
            to_unicode.write(LAYOUT_HYPHEN.sub(rb"\1<002d>", data))
            changed += 1
    return changed
