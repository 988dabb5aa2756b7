"""The cover's picture: the laid-out page drawn by pdfium, in a palette, as a PNG."""

from __future__ import annotations

import io
from typing import Any

PIXELS = (1600, 2560)
"""The picture's size: the 1:1.6 that stores ask for, at the resolution of a tablet."""
PALETTE_COLOURS = 64
"""A flat design in a few colours and their anti-aliased edges: 64 lose nothing visible,
and the PNG is a third of an RGB one's size and half a JPEG's (quality 80)."""


def draw(document: Any) -> bytes:
    """Return page 1 of a laid-out cover as a PNG of PIXELS, in a palette of PALETTE_COLOURS."""
    import pypdfium2
    from PIL import Image

    pdf = document.write_pdf()
    rendered = pypdfium2.PdfDocument(pdf)
    try:
        page = rendered[0]
        image = page.render(scale=PIXELS[0] / page.get_width()).to_pil()
    finally:
        rendered.close()
    if image.size != PIXELS:
        image = image.resize(PIXELS, Image.Resampling.LANCZOS)
    palette = image.convert("RGB").quantize(
        PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()
