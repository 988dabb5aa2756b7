"""Equations (OMML, `m:oMath`) as linear text: a/b, x^2, x_i, √(x), ∑_(i=1)^n.

Hand-written because no library at hand reads OMML into text. The model has no
equations; the linear form (close to Word's own linear format) keeps every symbol
and the structure a reader needs, in plain characters.
"""

from __future__ import annotations

from exporter.readers.docx.package import Element

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OPERATORS = "+-−=<>≤≥≠±×÷·∙∘→←↔⇒⇔∈∉⊂⊃⊆⊇∪∩∧∨≈≡∼≅∝"


def m(name: str) -> str:
    """Return the Clark name of an OMML element (`m:name`)."""
    return f"{{{M}}}{name}"


SCRIPTED = frozenset(m(name) for name in ("sSub", "sSup", "sSubSup", "nary", "func", "limLow"))
"""Constructs whose linear form ends in a script or an argument: a space must follow."""


def linear(element: Element) -> str:
    """Return the linear text of an `m:oMath` or `m:oMathPara` element."""
    if element.tag == m("oMathPara"):
        return " ".join(linear(child) for child in element if child.tag == m("oMath"))
    return _content(element).strip()


def _content(element: Element) -> str:
    """Return the linear text of an element's children, a space where two terms would touch."""
    text = ""
    after_script = False
    for child in element:
        if not isinstance(child.tag, str):
            continue
        piece = _node(child)
        touching = text[-1:].isalnum() and piece[:1].isalnum()
        if touching and (after_script or child.tag == m("func")):
            text += " "  # x^2 y, a_n cos x: a script or a function name must not swallow a term
        text += piece
        after_script = child.tag in SCRIPTED
    return text


def _part(element: Element, name: str) -> str:
    found = element.find(m(name))
    return _content(found) if found is not None else ""


def _grouped(text: str) -> str:
    """Return `text` fit to stand after ^, _ or /: parenthesised unless it is one token."""
    text = text.strip()
    if len(text) <= 1 or text.isalnum() or (text[0] in "([{" and _closes_at_end(text)):
        return text
    return f"({text})"


def _closes_at_end(text: str) -> bool:
    depth = 0
    for index, character in enumerate(text):
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return depth == 0


def _property(element: Element, properties: str, name: str, default: str) -> str:
    found = element.find(f"{m(properties)}/{m(name)}")
    if found is None:
        return default
    return str(found.get(m("val"), default))


def _node(node: Element) -> str:
    tag = node.tag.rpartition("}")[2]
    namespace = node.tag[1:].partition("}")[0]
    if namespace == W:
        if tag == "r":
            return "".join(t.text or "" for t in node.iter(f"{{{W}}}t"))
        return _content(node) if tag not in ("rPr", "del") else ""
    if namespace != M or tag.endswith("Pr"):
        return ""
    if tag == "r":
        return "".join(t.text or "" for t in node.iter(m("t")))
    if tag == "f":
        return f"{_grouped(_part(node, 'num'))}/{_grouped(_part(node, 'den'))}"
    if tag == "sSup":
        return f"{_part(node, 'e')}^{_grouped(_part(node, 'sup'))}"
    if tag == "sSub":
        return f"{_part(node, 'e')}_{_grouped(_part(node, 'sub'))}"
    if tag == "sSubSup":
        sub, sup = _grouped(_part(node, "sub")), _grouped(_part(node, "sup"))
        return f"{_part(node, 'e')}_{sub}^{sup}"
    if tag == "sPre":
        sub, sup = _grouped(_part(node, "sub")), _grouped(_part(node, "sup"))
        return f"_{sub}^{sup} {_part(node, 'e')}"
    if tag == "rad":
        degree = _part(node, "deg").strip()
        sign = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(degree, f"{degree}√")
        return f"{sign}({_part(node, 'e').strip()})"
    if tag == "nary":
        sign = _property(node, "naryPr", "chr", "∫")
        sub, sup = _part(node, "sub").strip(), _part(node, "sup").strip()
        limits = (f"_{_grouped(sub)}" if sub else "") + (f"^{_grouped(sup)}" if sup else "")
        return f"{sign}{limits} {_part(node, 'e').strip()}"
    if tag == "d":
        opening = _property(node, "dPr", "begChr", "(")
        closing = _property(node, "dPr", "endChr", ")")
        separator = _property(node, "dPr", "sepChr", "|")
        inner = [_content(e) for e in node.findall(m("e"))]
        return f"{opening}{separator.join(inner)}{closing}"
    if tag == "func":
        return f"{_part(node, 'fName').strip()} {_part(node, 'e').strip()}"
    if tag in ("limLow", "limUpp"):
        mark = "_" if tag == "limLow" else "^"
        return f"{_part(node, 'e')}{mark}{_grouped(_part(node, 'lim'))}"
    if tag == "acc":
        return _part(node, "e") + _property(node, "accPr", "chr", "\u0302")
    if tag == "bar":
        return _part(node, "e") + "\u0305"
    if tag == "groupChr":
        return _part(node, "e")
    if tag == "eqArr":
        return "; ".join(_content(row).strip() for row in node.findall(m("e")))
    if tag == "m":
        return "; ".join(_node(row).strip() for row in node.findall(m("mr")))
    if tag == "mr":
        return " & ".join(_content(e) for e in node.findall(m("e")))
    return _content(node)
