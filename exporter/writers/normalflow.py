"""Whether a box is in the normal flow, asked of its style in one call rather than six.

WeasyPrint's layout asks each box whether it is in the normal flow (`Box.is_in_normal_flow`)
a quarter of a million times over the benchmark's articles, and each answer is five
more method calls (floated, absolutely positioned, running, footnote, note), each
reading the style again: about 3% of a layout's time under the profiler. This function
reads the same two properties of the style and answers the same; it is not cached,
since WeasyPrint changes a box's float or position in place while it builds the boxes.
Installed over WeasyPrint 70.0 only, where no kind of box answers those five questions
its own way.
"""

from __future__ import annotations

from typing import Any

from exporter.writers.hooks import log

WEASYPRINT_VERSION = "70.0"
OUT_OF_FLOW_FLOATS = ("left", "right", "inline-start", "inline-end", "footnote")
"""The floats WeasyPrint's `is_floated` and `is_footnote` answer yes for."""
OUT_OF_FLOW_POSITIONS = ("absolute", "fixed")
"""The positions of `is_absolutely_positioned`."""
OUT_OF_FLOW_FUNCTIONS = ("running()", "note()")
"""The position functions of `is_running` and `is_note`."""
QUESTIONS = (
    "is_in_normal_flow",
    "is_floated",
    "is_absolutely_positioned",
    "is_running",
    "is_footnote",
    "is_note",
)
_installed = False
weasyprint_is_in_normal_flow: Any = None
"""WeasyPrint's own `Box.is_in_normal_flow`, once this one is installed over it."""


def is_in_normal_flow(box: Any) -> bool:
    """Return whether `box` is in the normal flow, as WeasyPrint 70's `Box` answers."""
    style = box.style
    if style["float"] in OUT_OF_FLOW_FLOATS:
        return False
    position = style["position"]
    return position not in OUT_OF_FLOW_POSITIONS and position[0] not in OUT_OF_FLOW_FUNCTIONS


def _asked_otherwise(box_class: type) -> bool:
    """Return whether a kind of box below `box_class` answers one of the questions itself."""
    kinds: list[type] = box_class.__subclasses__()
    for kind in kinds:
        if any(name in vars(kind) for name in QUESTIONS) or _asked_otherwise(kind):
            return True
    return False


def install() -> None:
    """Answer WeasyPrint's boxes' normal-flow question in one call, on the version it fits."""
    global _installed, weasyprint_is_in_normal_flow
    if _installed:
        return
    _installed = True
    import weasyprint
    from weasyprint.formatting_structure.boxes import Box

    if weasyprint.__version__ != WEASYPRINT_VERSION or not all(
        name in vars(Box) for name in QUESTIONS
    ):
        log.info("WeasyPrint %s asks its boxes' flow as it does", weasyprint.__version__)
        return
    if _asked_otherwise(Box):
        log.info("WeasyPrint's boxes answer their flow their own ways")
        return
    weasyprint_is_in_normal_flow = Box.is_in_normal_flow
    Box.is_in_normal_flow = is_in_normal_flow
