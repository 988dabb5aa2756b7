"""Mark the running head, page number and publisher block of a tagged PDF as artifacts.

WeasyPrint tags the text of page-margin boxes as spans that it leaves out of the
structure tree (and `exporter.writers.pdftags` leaves out the publisher block's);
PDF/UA wants such furniture marked as artifacts, so that screen readers skip it and
checkers find no untagged content. No library does this rewrite, so it is done here, on
the finished file: every marked-content sequence whose structure element is not
reachable from the structure tree root becomes an artifact.
"""

from __future__ import annotations

import pikepdf


def mark_artifacts(pdf: pikepdf.Pdf) -> bool:
    """Mark the content outside the structure tree as /Artifact; return True if any was."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary) or "/ParentTree" not in root:
        return False
    reachable = _reachable_elements(root)
    nums = root.ParentTree.get("/Nums", pikepdf.Array())
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    changed = False
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        elements = parents.get(int(key)) if key is not None else None
        if not isinstance(elements, pikepdf.Array):
            continue
        orphans = {
            i
            for i, element in enumerate(elements)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        if orphans and _rewrite_page(pdf, page, orphans):
            for i in orphans:
                elements[i] = None
            changed = True
    return changed


def _reachable_elements(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    """Return the object ids of every structure element reachable from the root."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        kids = stack.pop()
        items = kids if isinstance(kids, pikepdf.Array) else [kids]
        for item in items:
            if isinstance(item, pikepdf.Dictionary) and item.objgen not in seen:
                if item.is_indirect:
                    seen.add(item.objgen)
                stack.append(item.get("/K"))
    return seen


def _rewrite_page(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> bool:
    """Turn the page's `BDC <<MCID n>>` for orphan ids into `BMC /Artifact`."""
    instructions = pikepdf.parse_content_stream(page)
    rewritten: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    changed = False
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            rewritten.append(instruction)
            continue
        operands, operator = instruction.operands, instruction.operator
        if (
            str(operator) == "BDC"
            and len(operands) == 2
            and isinstance(operands[1], pikepdf.Dictionary)
            and int(operands[1].get("/MCID", -1)) in orphans
        ):
            rewritten.append(
                pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
            )
            changed = True
        else:
            rewritten.append(instruction)
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
    return changed
