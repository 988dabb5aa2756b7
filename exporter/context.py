"""What a writer gets besides the article: the layout, the article's folder, the options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporter.layouts import Layout

SCREEN_VARIANT = "pdf/ua-1"
PRINT_VARIANT = "pdf/x-4"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """The article file a build reads, as the outputs that keep it record it."""

    name: str
    """The file's name, without its folder."""
    version: str
    """The SHA-256 of the file's bytes, in hexadecimal (`exporter.editions.version_of`)."""


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Everything a writer may use besides the article itself."""

    layout: Layout
    """The layout (templates, CSS, series data, fonts)."""
    source_dir: Path
    """The article's own folder: with the layout, the only place files are read from."""
    paper: str = ""
    """The paper size asked for (letter or a4); empty means the series' default."""
    pdf_variant: str | None = None
    """The PDF variant WeasyPrint writes; empty for none; None for the default:
    pdf/ua-1 (tagged for accessibility), or pdf/x-4 for the printer."""
    print_marks: bool = False
    """Make the PDF for the printer: bleed, crop marks, an output intent (print.yaml)."""
    reference_docx: Path | None = None
    """A DOCX whose styles replace the layout's own in the DOCX writer."""
    strict: bool = False
    """Refuse what is otherwise built with a warning: a bulletin too short to fill its pages."""
    embed_fonts: bool = True
    """Embed the layout's fonts in the DOCX (off for tools that reject embedded fonts)."""
    fit_start: int | None = None
    """The step of the fit's scale the PDF's fitting lays out first: the step an earlier
    version of the article was set at (the editor's last proof); None: the estimate's."""
    source: SourceFile | None = None
    """The article file the build reads, which the DOCX records so that a translation
    returned in it finds its way back as an edition; None when built from no file."""

    @property
    def variant(self) -> str:
        """Return the PDF variant in force (empty for a plain PDF)."""
        if self.pdf_variant is None:
            return PRINT_VARIANT if self.print_marks else SCREEN_VARIANT
        return self.pdf_variant

    @property
    def paper_size(self) -> str:
        """Return the paper size in force: the one asked for, else the series' default."""
        return self.paper or self.layout.series.paper
