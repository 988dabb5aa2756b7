"""Finish the tagged PDF's structure tree on the written file (pikepdf): what WeasyPrint cannot.

Once WeasyPrint has written the tags (with the roles of `exporter.writers.pdftags`), one
pass over the file, opened once and saved once:

- marks the content outside the tree as artifacts (`exporter.writers.artifacts`);
- moves each list item's `Lbl` out of its `LBody`, beside it, as PDF/UA wants (WeasyPrint
  makes the item's `::before` text a child of its body);
- drops the elements left empty (the publisher block's holders, line breaks), which
  screen readers would stop on;
- maps the custom `Aside` role to `Div` in the role map (PDF 1.7 has no Aside; see
  `pdftags`), and gives the tree an `IDTree` of the elements with an `/ID` (notes and table
  header cells, which data cells reference with `/Headers`);
- tags each font subset by what it holds (`exporter.writers.subsettags`).

The same pass makes the layout's hyphens read as "-" (`exporter.writers.hyphentext`), so
that readers rejoin hyphenated words.

A PDF 2.0 file (`pdf/ua-2`) has the types of PDF 2.0's namespace instead: `FENote` for
`Note` and a standard `Aside`, both put in that namespace (WeasyPrint names it on the
document element alone: the others are in PDF 1.7's, the default), and `Span` for
`Reference`, which PDF 2.0 has not.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf

from exporter.writers.artifacts import mark_artifacts
from exporter.writers.hyphentext import read_hyphens_as_hyphen_minus
from exporter.writers.pdftags import ASIDE
from exporter.writers.subsettags import retag_subsets

ROLE_MAP = {ASIDE: "Div"}
"""The custom roles of the tags and the standard PDF 1.7 types they map to."""
PDF2_TYPES = {"/Note": "/FENote", "/Reference": "/Span", f"/{ASIDE}": f"/{ASIDE}"}
"""The types of the tags as PDF 2.0 names them."""


def finish_tags(data: bytes) -> bytes:
    """Return the tagged PDF with artifacts marked, labels placed, role map and ID tree, and
    the layout's hyphens read as "-"."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        hyphens = read_hyphens_as_hyphen_minus(pdf)
        root = pdf.Root.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary):
            return _saved(pdf) if hyphens else data
        mark_artifacts(pdf)
        retag_subsets(pdf)
        pdf2 = pdf.pdf_version >= "2.0"
        spaces = root.get("/Namespaces")
        namespace = spaces[0] if isinstance(spaces, pikepdf.Array) and len(spaces) else None
        ids: dict[str, pikepdf.Object] = {}
        for element in list(_elements(root)):
            kind = str(element.get("/S", ""))
            if _prune(element):
                continue
            if kind == "/LI":
                _place_label(element)
            elif pdf2 and kind in PDF2_TYPES:
                element.S = pikepdf.Name(PDF2_TYPES[kind])
                if namespace is not None and kind != "/Reference":
                    element.NS = namespace
            if "/ID" in element:
                ids[str(element.ID)] = element
        if not pdf2:
            role_map = root.get("/RoleMap", pikepdf.Dictionary())
            for custom, standard in ROLE_MAP.items():
                role_map[f"/{custom}"] = pikepdf.Name(f"/{standard}")
            root.RoleMap = role_map
        if ids:
            tree = pikepdf.NameTree.new(pdf)
            for key in sorted(ids):
                tree[key] = ids[key]
            root.IDTree = tree.obj
        return _saved(pdf)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _elements(root: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """Yield every structure element of the tree, each before its children are looked at."""
    stack = [root]
    seen: set[tuple[int, int]] = set()
    while stack:
        element = stack.pop()
        if element is not root:
            yield element
        kids = element.get("/K")
        for kid in reversed(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
                seen.add(kid.objgen)
                stack.append(kid)


def _place_label(item: pikepdf.Dictionary) -> None:
    """Move the first `Lbl` inside a list item's `LBody` (first kids down) before the body."""
    kids = item.get("/K")
    if not isinstance(kids, pikepdf.Array) or not kids:
        return
    body = kids[0]
    if not isinstance(body, pikepdf.Dictionary) or body.get("/S") != "/LBody":
        return
    holder = body
    while True:
        inner = holder.get("/K")
        if not isinstance(inner, pikepdf.Array) or not len(inner):
            return
        first = inner[0]
        if not isinstance(first, pikepdf.Dictionary) or "/S" not in first:
            return
        if first.S == "/Lbl":
            del inner[0]
            kids.insert(0, first)
            first.P = item
            return
        holder = first


def _prune(element: pikepdf.Dictionary) -> bool:
    """Take an element of no content out of its parent, and a parent left empty; True if so."""
    pruned = False
    while _empty(element) and isinstance(parent := element.get("/P"), pikepdf.Dictionary):
        kids = parent.get("/K")
        if not isinstance(kids, pikepdf.Array):
            break
        for i in reversed(range(len(kids))):
            if isinstance(kids[i], pikepdf.Dictionary) and kids[i].objgen == element.objgen:
                del kids[i]
        pruned = True
        element = parent
    return pruned


def _empty(element: pikepdf.Dictionary) -> bool:
    """Return True for a structure element (not the root) with no kids."""
    kids = element.get("/K")
    return (
        element.get("/Type") != "/StructTreeRoot"
        and "/S" in element
        and (kids is None or (isinstance(kids, pikepdf.Array) and not len(kids)))
    )
