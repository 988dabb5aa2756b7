"""A story's XML made plain before it is read: one side of each alternative, changes accepted.

Hand-written because python-docx reads none of this: Word wraps content in
`mc:AlternateContent` (two renderings of one object), in tracked changes
(`w:ins`, `w:del`, `w:moveFrom`, `w:moveTo`), in content controls (`w:sdt`) and
other wrappers, and splits a drop cap into a paragraph of its own. Reading the tree
once it is plain keeps the block and inline readers simple: every word sits in a
`w:p`, a `w:tbl` or a text box, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exporter.readers.docx.package import NS, Element, w

MC = NS["mc"]
# Elements whose children belong where they stand: their own properties are dropped.
WRAPPERS = {
    w("sdt"): w("sdtContent"),
    w("customXml"): "",
    w("smartTag"): "",
    w("dir"): "",
    w("bdo"): "",
    w("ins"): "",
    w("moveTo"): "",
}
WRAPPER_PROPERTIES = {w("sdtPr"), w("sdtEndPr"), w("customXmlPr"), w("smartTagPr")}
DELETIONS = (w("del"), w("moveFrom"))
PROPERTY_PARENTS = (w("rPr"), w("pPr"), w("trPr"), w("tcPr"), w("tblPr"), w("sectPr"))
DROP_CAPS = ("drop", "margin")


@dataclass
class Changes:
    """What plain-making found: counts the warnings report."""

    tracked: int = 0
    """Tracked insertions, deletions and moves read as accepted."""
    drop_caps: int = 0
    """Drop caps joined to their paragraph."""


def make_plain(root: Element) -> Changes:
    """Make the story under `root` plain, in place; return what was found."""
    changes = Changes()
    resolve_alternatives(root)
    changes.tracked = accept_changes(root)
    unwrap(root)
    changes.drop_caps = join_drop_caps(root)
    return changes


def resolve_alternatives(root: Element) -> None:
    """Keep one side of each `mc:AlternateContent`: its first Choice, else its Fallback.

    The Fallback is kept instead when it holds text the Choice lacks: a Choice in a
    form the reader cannot follow (a text box kept in another part) shows nothing.
    """
    for alternative in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = alternative.getparent()
        if parent is None:
            continue
        chosen = alternative.find("mc:Choice", NS)
        fallback = alternative.find("mc:Fallback", NS)
        if chosen is None or (fallback is not None and _text(fallback) > _text(chosen)):
            chosen = fallback
        _replace_with_children(alternative, chosen if chosen is not None else ())


def _text(element: Element) -> int:
    """Return how many characters of text an element holds."""
    return sum(len(t.text or "") for t in element.iter(w("t")))


def accept_changes(root: Element) -> int:
    """Read tracked changes as accepted; return how many there were.

    Insertions and move destinations are kept, deletions and move sources dropped; a
    deleted row goes with its cells, and a paragraph whose mark was deleted joins the
    next one, as Word shows them once the changes are accepted.
    """
    count = 0
    for element in list(root.iter(*DELETIONS)):
        parent = element.getparent()
        if parent is None:
            continue
        count += 1
        if parent.tag == w("trPr"):
            row = parent.getparent()
            table = row.getparent() if row is not None else None
            if row is not None and table is not None:
                table.remove(row)
        elif parent.tag == w("rPr") and _is_paragraph_mark(parent):
            _join_next(parent.getparent().getparent())
        elif parent.tag not in PROPERTY_PARENTS:
            parent.remove(element)
    count += sum(1 for _ in root.iter(w("ins"), w("moveTo")))
    for element in list(root.iter(w("delText"), w("delInstrText"))):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return count


def unwrap(root: Element) -> None:
    """Replace content controls and other wrappers by what they hold."""
    for element in list(root.iter(*WRAPPERS)):
        parent = element.getparent()
        if parent is None or parent.tag in PROPERTY_PARENTS:
            continue  # w:ins inside w:rPr marks an inserted paragraph mark: a property
        inner_tag = WRAPPERS[element.tag]
        if inner_tag:
            inner = element.find(inner_tag)
            _replace_with_children(element, inner if inner is not None else ())
        else:
            kept = [c for c in element if c.tag not in WRAPPER_PROPERTIES]
            _replace_with_children(element, kept)


def join_drop_caps(root: Element) -> int:
    """Join each drop cap's frame paragraph to the paragraph it begins; return how many."""
    joined = 0
    for frame in list(root.iter(w("framePr"))):
        if frame.get(w("dropCap")) not in DROP_CAPS:
            continue
        properties = frame.getparent()
        paragraph = properties.getparent() if properties is not None else None
        if paragraph is not None and paragraph.tag == w("p") and _join_next(paragraph):
            joined += 1
    return joined


def _is_paragraph_mark(run_properties: Element) -> bool:
    parent = run_properties.getparent()
    return parent is not None and parent.tag == w("pPr")


def _join_next(paragraph: Element | None) -> bool:
    """Move a paragraph's content to the start of the next paragraph; drop the first."""
    if paragraph is None or paragraph.tag != w("p"):
        return False
    following = paragraph.getnext()
    while following is not None and following.tag != w("p"):
        if following.tag in (w("bookmarkStart"), w("bookmarkEnd")) or not isinstance(
            following.tag, str
        ):
            following = following.getnext()
            continue
        return False
    if following is None:
        return False
    content = [c for c in paragraph if c.tag != w("pPr")]
    properties = following.find("w:pPr", NS)
    position = 0 if properties is None else 1
    for offset, child in enumerate(content):
        following.insert(position + offset, child)
    parent = paragraph.getparent()
    if parent is not None:
        parent.remove(paragraph)
    return True


def _replace_with_children(element: Element, children: Iterable[Element]) -> None:
    """Put `children` where `element` stands, and remove `element`."""
    parent = element.getparent()
    if parent is None:
        return
    position = parent.index(element)
    for offset, child in enumerate(list(children)):
        parent.insert(position + offset, child)
    parent.remove(element)
