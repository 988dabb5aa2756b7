"""The printer's PDF: the layout's press settings, and the PDF/X-4 file finished for press.

WeasyPrint writes the PDF/X-4 metadata, the TrimBox and the crop marks; it embeds no
output intent without a CMYK profile in the CSS (which its URL fetcher would have to
read from outside the layout) and sets the BleedBox at most 10 pt beyond the trim, not
the layout's bleed. This module adds the output intent from the layout's `print.yaml`,
sets the BleedBox, draws the crop marks in registration colour (the `All` separation:
every plate, as a prepress desk expects of marks) instead of WeasyPrint's RGB black in
RGB transparency groups, makes the remaining RGB content (images, and the groups they
are drawn in) device-independent sRGB, which PDF/X-4 allows beside a CMYK output intent,
and names the PDF/X version in the Info dictionary as the XMP names it. The links go:
PDF/X allows no annotation inside the bleed box, and paper has nothing to click; their
structure elements become spans, so that the text keeps its place in the tags.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from exporter.errors import LayoutError
from exporter.yamlfile import read_yaml

PRINT_FILE = "print.yaml"
SYSTEM_PROFILES = Path("/usr/share/color/icc")
POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class Press:
    """How a layout's bulletin goes to press, from its `print.yaml`."""

    bleed: float
    """The bleed beyond the trim on every side, in inches."""
    media: float
    """The sheet beyond the trim on every side (bleed and slug), in inches."""
    condition: str
    """The registered name of the printing condition (OutputConditionIdentifier)."""
    info: str
    """The printing condition in words."""
    registry: str
    """Where the condition's name is registered."""
    profile: Path
    """The ICC profile of the printing condition (CMYK), embedded as the output intent."""
    colours: dict[str, str]
    """The series colours on press, as CSS `device-cmyk()` colours, by name."""


@functools.cache
def read_press(folder: Path) -> Press:
    """Read and check a layout's `print.yaml`; raise LayoutError naming the problem."""
    path = folder / PRINT_FILE
    try:
        data = read_yaml(path)
        intent = data["output_intent"]
        press = Press(
            bleed=float(data["bleed"]),
            media=float(data["media"]),
            condition=str(intent["condition"]),
            info=str(intent.get("info", intent["condition"])),
            registry=str(intent.get("registry", "")),
            profile=_find_profile(folder, str(intent["profile"])),
            colours={str(k): _device_cmyk(v) for k, v in (data.get("colours") or {}).items()},
        )
    except FileNotFoundError:
        raise LayoutError("the layout has no print.yaml for --print", file=str(folder)) from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise LayoutError(f"invalid print settings ({error})", file=str(path)) from None
    if not 0 < press.bleed < press.media:
        raise LayoutError("the media must reach past the bleed (0 < bleed < media)", file=str(path))
    return press


PDFX_VERSION = "PDF/X-4"
"""The PDF/X version WeasyPrint's `pdf/x-4` variant writes in the XMP."""
# WeasyPrint's crop marks: a form of path, state and graphics-state operators alone (no
# text, no image, no shading), whose only colours are black fills and strokes.
MARK_OPERATORS = frozenset(
    {
        *("q", "Q", "cm", "gs", "w", "d", "J", "j", "M"),  # state
        *("m", "l", "c", "v", "y", "re", "h"),  # paths
        *("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"),  # painting
        *("rg", "RG"),  # colour
    }
)
BLACK_FILL = re.compile(rb"\b0 0 0 rg\b")
BLACK_STROKE = re.compile(rb"\b0 0 0 RG\b")


def _device_cmyk(value: Any) -> str:
    """Return four inks (0 to 1) as a CSS `device-cmyk()` colour."""
    inks = [float(ink) for ink in value]
    if len(inks) != 4 or not all(0 <= ink <= 1 for ink in inks):
        raise ValueError(f"a colour on press is four inks from 0 to 1, not {value!r}")
    return "device-cmyk({})".format(" ".join(f"{ink:g}" for ink in inks))


def _find_profile(folder: Path, name: str) -> Path:
    """Return the ICC profile `name`: the layout's own, else the system's."""
    if (folder / name).is_file():
        return folder / name
    found = sorted(SYSTEM_PROFILES.rglob(name)) if SYSTEM_PROFILES.is_dir() else []
    if not found:
        raise ValueError(
            f"no ICC profile {name!r} in the layout or {SYSTEM_PROFILES} "
            "(Debian's libgs-common has default_cmyk.icc)"
        )
    return found[0]


def finish_for_press(data: bytes, press: Press) -> bytes:
    """Return the PDF with the layout's BleedBox, its output intent, and RGB as sRGB."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        profile = press.profile.read_bytes()
        if profile[16:20] != b"CMYK":
            raise LayoutError(
                "the output intent's profile is not a CMYK one", file=str(press.profile)
            )
        destination = pdf.make_stream(profile, N=4)
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFX,
            OutputConditionIdentifier=pikepdf.String(press.condition),
            Info=pikepdf.String(press.info),
            RegistryName=pikepdf.String(press.registry),
            DestOutputProfile=destination,
        )
        pdf.Root.OutputIntents = pikepdf.Array([intent])
        srgb = pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_stream(_srgb_profile(), N=3)])
        registration = _registration_colour(pdf)
        bleed = press.bleed * POINTS_PER_INCH
        pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = pikepdf.String(PDFX_VERSION)
        for page in pdf.pages:
            _marks_in_registration(page.obj, registration)
            left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
            page.obj.BleedBox = pikepdf.Array(
                [left - bleed, bottom - bleed, right + bleed, top + bleed]
            )
            resources = page.obj.Resources
            if "/ColorSpace" not in resources:
                resources.ColorSpace = pikepdf.Dictionary()
            resources.ColorSpace.DefaultRGB = srgb
            _rgb_as_srgb(resources, srgb, set())
            _drop_annotations(pdf, page.obj)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _registration_colour(pdf: Any) -> Any:
    """Return the `All` separation, in which a tint of 1 prints on every plate."""
    import pikepdf

    every_plate = pdf.make_stream(
        b"{dup dup dup}",
        FunctionType=4,
        Domain=[0, 1],
        Range=[0, 1, 0, 1, 0, 1, 0, 1],
    )
    return pikepdf.Array(
        [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, every_plate]
    )


def _marks_in_registration(page: Any, registration: Any) -> None:
    """Draw the page's crop marks (forms of black strokes alone) in registration colour."""
    import pikepdf

    for xobject in (page.Resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") != pikepdf.Name.Form:
            continue
        operators = {str(i.operator) for i in pikepdf.parse_content_stream(xobject)}
        if not operators <= MARK_OPERATORS or not operators & {"rg", "RG"}:
            continue
        content = BLACK_FILL.sub(b"/Registration cs 1 scn", xobject.read_bytes())
        content = BLACK_STROKE.sub(b"/Registration CS 1 SCN", content)
        if re.search(rb"\b(?:rg|RG)\b", content):
            continue  # a colour other than black: not marks
        xobject.write(content)
        resources = xobject.get("/Resources")
        if resources is None:
            resources = xobject.Resources = pikepdf.Dictionary()
        if "/ColorSpace" not in resources:
            resources.ColorSpace = pikepdf.Dictionary()
        resources.ColorSpace.Registration = registration
        if "/Group" in xobject:
            del xobject.Group  # nothing in it is transparent or RGB any longer


def _rgb_as_srgb(resources: Any, srgb: Any, seen: set[tuple[int, int]]) -> None:
    """Give the images and transparency groups in `resources` (forms' too) sRGB for DeviceRGB.

    A page's `DefaultRGB` does not reach into a form with resources of its own, and
    preflight tools flag a DeviceRGB image even where it does.
    """
    import pikepdf

    for xobject in (resources.get("/XObject") or {}).values():
        if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/ColorSpace") == pikepdf.Name.DeviceRGB:
            xobject.ColorSpace = srgb
        group = xobject.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and group.get("/CS") == pikepdf.Name.DeviceRGB:
            group.CS = srgb
        inner = xobject.get("/Resources")
        if isinstance(inner, pikepdf.Dictionary):
            _rgb_as_srgb(inner, srgb, seen)


def _drop_annotations(pdf: Any, page: Any) -> None:
    """Remove the page's link annotations, their object references, and their Link roles.

    A Link element left without its annotation is a `Span`: its text stays in the tags.
    """
    import pikepdf

    annotations = page.get("/Annots")
    if annotations is None:
        return
    root = pdf.Root.get("/StructTreeRoot")
    parents = pikepdf.NumberTree(root.ParentTree) if root is not None else None
    for annotation in annotations:
        key = annotation.get("/StructParent")
        if parents is None or key is None or int(key) not in parents:
            continue
        element = parents[int(key)]
        del parents[int(key)]
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            for i in reversed(range(len(kids))):
                kid = kids[i]
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") == annotation:
                    del kids[i]
        if element.get("/S") == pikepdf.Name.Link:
            element.S = pikepdf.Name.Span
    del page.Annots


@functools.cache
def _srgb_profile() -> bytes:
    """Return WeasyPrint's own sRGB profile, the one its PDF/A files embed."""
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
