"""Proofs: both pages of a bulletin PDF side by side in one PNG, rendered with pypdfium2."""

from __future__ import annotations

import io

GAP_POINTS = 18
BACKGROUND = "#8a8f94"


def proof_png(pdf: bytes, dpi: int = 100) -> bytes:
    """Return a PNG of every page of `pdf` side by side on a grey ground, at `dpi`."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [document[i].render(scale=dpi / 72).to_pil() for i in range(len(document))]
    finally:
        document.close()
    gap = round(GAP_POINTS * dpi / 72)
    width = sum(page.width for page in pages) + gap * (len(pages) + 1)
    height = max(page.height for page in pages) + 2 * gap
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    x = gap
    for page in pages:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()
