"""What a writer gets besides the article: the layout, the article's folder, the options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporter.layouts import Layout


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Everything a writer may use besides the article itself."""

    layout: Layout
    """The layout (templates, CSS, series data, fonts)."""
    source_dir: Path
    """The article's own folder: with the layout, the only place files are read from."""
    paper: str = ""
    """The paper size asked for (letter or a4); empty means the series' default."""
    pdf_variant: str = "pdf/ua-1"
    """The PDF variant WeasyPrint writes (pdf/ua-1 tags the PDF for accessibility)."""
    print_marks: bool = False
    """Add 0.125 in bleed and crop marks to the PDF, for the printer."""
    reference_docx: Path | None = None
    """A DOCX whose styles replace the layout's own in the DOCX writer."""

    @property
    def paper_size(self) -> str:
        """Return the paper size in force: the one asked for, else the series' default."""
        return self.paper or self.layout.series.paper
